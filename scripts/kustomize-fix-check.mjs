#!/usr/bin/env node
// Issue #12's Kustomize check over the corpus (../shared/corpus/kustomize), each
// project copied to a temp dir (the corpus is never edited):
//   1. the JSON report's fixes on rendered kustomize output edit resource files
//      only, and each replaced value is the one the overlay renders at the
//      finding's line (the base writes it literally);
//   2. --fix changes only files those fixes target, or files linted on their
//      own (plain files, and resources of a kustomization that does not
//      render: ordinary fixes), never a kustomization file or a patch;
//   3. a second --fix changes nothing;
//   4. every kustomization that rendered before still renders with kubectl,
//      and each overlay a fix names renders the fixed value at the fixed field.
// Prints one line per project and the totals; exits 1 when a check fails.
// Usage: node scripts/kustomize-fix-check.mjs [corpus-kustomize-dir]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { freshBundles } from './bundle.mjs';

const REPO = path.resolve(import.meta.dirname, '..');
const CORPUS = path.resolve(process.argv[2] ?? path.join(REPO, '..', 'shared', 'corpus', 'kustomize'));
const TOOLS = path.join(REPO, '.tools', 'bin');
const KUBECTL = path.join(TOOLS, 'kubectl');
const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

if (!fs.existsSync(CORPUS) || !fs.existsSync(KUBECTL)) {
  console.error(`need the corpus at ${CORPUS} and kubectl at ${KUBECTL} (scripts/fetch-tools.sh)`);
  process.exit(2);
}
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-lint-kustomize-fix-'));
// Built from the current source, as the tests' global setup does: never the committed bundle.
const CLI = (await freshBundles(path.join(work, 'bundles'))).cli;
const ENV = { ...process.env, NO_COLOR: '1', PATH: `${TOOLS}${path.delimiter}${process.env.PATH ?? ''}` };

function cli(args, cwd) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, env: ENV });
  if (result.status === 2) throw new Error(`probe-lint ${args.join(' ')} in ${cwd}: ${result.stderr}`);
  return result;
}

function kustomize(dir) {
  const result = spawnSync(KUBECTL, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return result.status === 0 ? result.stdout : null;
}

/** Every regular file under a directory (no .git), with its bytes. */
function snapshot(dir) {
  const files = new Map();
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (rel.split(path.sep).includes('.git')) continue;
    const abs = path.join(dir, rel);
    if (fs.lstatSync(abs).isFile()) files.set(rel.split(path.sep).join('/'), fs.readFileSync(abs));
  }
  return files;
}

function changed(before, after) {
  return [...new Set([...before.keys(), ...after.keys()])].filter((f) => !before.get(f)?.equals(after.get(f) ?? Buffer.alloc(0))).sort();
}

/** Kustomization directories (not Components) and the files they name as resources, patches and the kustomization files themselves. */
function kustomizations(root) {
  const dirs = [];
  const resources = new Set();
  const resourcesOf = new Map();
  const other = new Set();
  for (const rel of fs.readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!KUSTOMIZATION_NAMES.includes(path.basename(rel))) continue;
    const file = path.join(root, rel);
    const dir = path.dirname(file);
    other.add(file);
    const doc = parseAllDocuments(fs.readFileSync(file, 'utf8'))[0]?.toJS() ?? {};
    if (doc.kind !== 'Component') dirs.push(dir);
    resourcesOf.set(dir, []);
    for (const ref of doc.resources ?? doc.bases ?? []) {
      if (typeof ref !== 'string') continue;
      const abs = path.resolve(dir, ref);
      if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) continue;
      resources.add(abs);
      resourcesOf.get(dir).push(abs);
    }
    const patches = [...(doc.patches ?? []), ...(doc.patchesStrategicMerge ?? []), ...(doc.patchesJson6902 ?? [])];
    for (const p of patches) {
      const name = typeof p === 'string' ? p : p?.path;
      if (typeof name === 'string') other.add(path.resolve(dir, name));
    }
  }
  return { dirs: dirs.sort(), resources, resourcesOf, other };
}

/** The key path of the deepest key written on a 1-based line of a rendered document, with the document's index. */
function pathAtLine(docs, counter, line) {
  for (const [index, doc] of docs.entries()) {
    let found = null;
    const walk = (node, at) => {
      if (isMap(node)) {
        for (const pair of node.items) {
          if (!isPair(pair) || !isScalar(pair.key)) continue;
          const here = [...at, String(pair.key.value)];
          if (counter.linePos(pair.key.range[0]).line === line) found = here;
          walk(pair.value, here);
        }
      } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...at, i]));
    };
    walk(doc.contents, []);
    if (found) return { index, path: found };
  }
  return null;
}

/** Kind and name of the object of a resource file that holds an offset. */
function baseObject(text, offset) {
  for (const doc of parseAllDocuments(text)) {
    if (doc.range[0] <= offset && offset <= doc.range[2]) return { kind: doc.get('kind'), name: doc.getIn(['metadata', 'name']) };
  }
  return { kind: undefined, name: undefined };
}

/** The rendered document of that object: same kind, the name itself, else a name holding it (prefixes, suffixes). */
function objectIndex(docs, { kind, name }) {
  const candidates = docs.map((d, i) => ({ i, kind: d.get('kind'), name: String(d.getIn(['metadata', 'name']) ?? '') })).filter((d) => d.kind === kind);
  return (candidates.find((d) => d.name === name) ?? candidates.find((d) => typeof name === 'string' && d.name.includes(name)))?.i ?? -1;
}

function parseRendered(text) {
  const counter = new LineCounter();
  return { docs: parseAllDocuments(text, { lineCounter: counter }), counter };
}

/**
 * The rendered field a fix edit sets and its new value. A replaced scalar's key is the one written before it on
 * its base line; the finding's line is that field, a sibling, or the map holding it. An addition writes `key: value`.
 */
function editedField(edit, baseText, doc, renderedPath) {
  if (edit.length > 0) {
    const key = /([\w-]+):\s*$/.exec(baseText.slice(baseText.lastIndexOf('\n', edit.offset) + 1, edit.offset))?.[1];
    if (!key || !/^\d+$/.test(edit.text)) return null;
    const onField = renderedPath.at(-1) === key;
    const fieldPath = onField ? renderedPath : isMap(doc.getIn(renderedPath, true)) ? [...renderedPath, key] : [...renderedPath.slice(0, -1), key];
    return { path: fieldPath, value: Number(edit.text) };
  }
  const added = /^\s*,?\s*([\w-]+):\s*(\d+)\s*$/.exec(edit.text);
  return added ? { path: [...renderedPath, added[1]], value: Number(added[2]) } : null;
}

const totals = { projects: 0, overlays: 0, unrendered: 0, renderedFindings: 0, fixed: 0, edits: 0, literal: 0, notLiteral: 0, resourceFiles: 0, plainFiles: 0, stray: 0, secondRun: 0, rerendered: 0, renderBroken: 0, valuesSeen: 0, valuesMissing: 0 };
const failures = [];

for (const project of fs.readdirSync(CORPUS).sort()) {
  const source = path.join(CORPUS, project);
  if (!fs.statSync(source).isDirectory()) continue;
  const dir = path.join(work, project);
  fs.cpSync(source, dir, { recursive: true });
  totals.projects++;
  const fail = (what) => failures.push(`${project}: ${what}`);
  const { dirs, resources, resourcesOf, other } = kustomizations(dir);
  const renderedBefore = new Map(dirs.map((d) => [d, kustomize(d)]).filter(([, text]) => text !== null));
  totals.unrendered += dirs.length - renderedBefore.size;
  const rel = (abs) => path.relative(dir, abs).split(path.sep).join('/');
  // A kustomization that does not render has its resources linted as they are (SPEC §1): fixed as plain files.
  const asIs = new Set(dirs.filter((d) => !renderedBefore.has(d)).flatMap((d) => resourcesOf.get(d).map(rel)));

  // 1. The fixes the report carries for rendered kustomize findings.
  const report = JSON.parse(cli(['--format', 'json', '.'], dir).stdout);
  const onRendered = report.findings.filter((f) => f.rendered !== null);
  const fixes = onRendered.filter((f) => f.fix?.safe);
  const targets = new Set();
  const expected = [];
  let literal = 0;
  let notLiteral = 0;
  const seenEdits = new Set();
  for (const finding of fixes) {
    const overlays = finding.overlays ?? [finding.rendered.from];
    for (const edit of finding.fix.edits) {
      const file = path.join(dir, edit.file);
      targets.add(edit.file);
      if (!resources.has(file)) fail(`a fix edits ${edit.file}, which no kustomization names as a resource`);
      seenEdits.add(JSON.stringify([edit.file, edit.offset, edit.length, edit.text]));
      const rendered = renderedBefore.get(path.join(dir, overlays[0]));
      if (!rendered) continue;
      const { docs, counter } = parseRendered(rendered);
      const base = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      const at = pathAtLine(docs, counter, finding.rendered.line);
      const field = at && editedField(edit, base, docs[at.index], at.path);
      if (!field) {
        fail(`${finding.ruleId} at ${edit.file}:${finding.line}: cannot tell which rendered field the fix sets`);
        continue;
      }
      if (edit.length > 0) {
        // Literal: the base text replaced is the value the overlay renders there.
        const renderedValue = docs[at.index].getIn(field.path);
        if (String(renderedValue) === base.slice(edit.offset, edit.offset + edit.length)) literal++;
        else {
          notLiteral++;
          fail(`${edit.file} offset ${edit.offset}: replaces ${JSON.stringify(base.slice(edit.offset, edit.offset + edit.length))} but ${overlays[0]} renders ${JSON.stringify(renderedValue)}`);
        }
      } else if (docs[at.index].getIn(field.path) !== undefined) {
        notLiteral++;
        fail(`${edit.file}: adds ${field.path.at(-1)} that ${overlays[0]} already renders`);
      } else literal++;
      // Each overlay orders and names its objects its own way: the object is found again by kind and the base's name.
      const object = baseObject(base, edit.offset);
      for (const overlay of overlays) expected.push({ overlay: path.join(dir, overlay), object, path: field.path, value: field.value, what: `${finding.ruleId} ${edit.file}:${finding.line}` });
    }
  }

  // 2. --fix changes only those targets (and plain files linted on their own), never a kustomization or patch.
  const before = snapshot(dir);
  cli(['--fix', '.'], dir);
  const after = snapshot(dir);
  const touched = changed(before, after);
  const resourceFiles = touched.filter((f) => targets.has(f));
  const plainFiles = touched.filter((f) => !targets.has(f) && (asIs.has(f) || (!resources.has(path.join(dir, f)) && !other.has(path.join(dir, f)))));
  const stray = touched.filter((f) => !resourceFiles.includes(f) && !plainFiles.includes(f));
  for (const f of stray) fail(`--fix changed ${f}, which is a kustomization file, patch or resource no fix targets`);

  // 3. A second --fix changes nothing.
  cli(['--fix', '.'], dir);
  const again = changed(after, snapshot(dir));
  for (const f of again) fail(`a second --fix changed ${f}`);

  // 4. Every kustomization still renders, and the fixed values are in each overlay a fix names.
  let rerendered = 0;
  let broken = 0;
  const renderedAfter = new Map();
  for (const d of renderedBefore.keys()) {
    const text = kustomize(d);
    if (text === null) {
      broken++;
      fail(`${rel(d)} no longer renders after --fix`);
    } else {
      rerendered++;
      renderedAfter.set(d, parseRendered(text).docs);
    }
  }
  let seen = 0;
  let missing = 0;
  for (const e of expected) {
    const docs = renderedAfter.get(e.overlay) ?? [];
    const value = docs[objectIndex(docs, e.object)]?.getIn(e.path);
    if (value === e.value) seen++;
    else {
      missing++;
      fail(`${rel(e.overlay)} renders ${e.path.join('.')} = ${JSON.stringify(value)} after --fix, not ${e.value} (${e.what})`);
    }
  }

  const row = {
    overlays: renderedBefore.size,
    renderedFindings: onRendered.length,
    fixed: fixes.length,
    edits: seenEdits.size,
    literal,
    notLiteral,
    resourceFiles: resourceFiles.length,
    plainFiles: plainFiles.length,
    stray: stray.length,
    secondRun: again.length,
    rerendered,
    renderBroken: broken,
    valuesSeen: seen,
    valuesMissing: missing,
  };
  for (const [k, v] of Object.entries(row)) totals[k] += v;
  console.log(
    `${project}: ${row.overlays} kustomizations render, ${row.renderedFindings} findings on rendered output, ${row.fixed} with a safe fix (${row.edits} distinct edits; ${row.literal} literal, ${row.notLiteral} not); ` +
      `--fix changed ${row.resourceFiles} resource file(s) through overlays${row.plainFiles ? ` and ${row.plainFiles} file(s) linted on their own` : ''}${row.stray ? `, ${row.stray} it must not` : ''}; second run changed ${row.secondRun}; ` +
      `${row.rerendered}/${row.overlays} render after, fixed values seen ${row.valuesSeen}/${row.valuesSeen + row.valuesMissing}`,
  );
}

console.log(
  `total: ${totals.projects} projects, ${totals.overlays} kustomizations (${totals.unrendered} more do not render), ${totals.renderedFindings} rendered findings, ${totals.fixed} fixes (${totals.edits} edits, ${totals.literal} literal, ${totals.notLiteral} not), ` +
    `${totals.resourceFiles} resource files changed through overlays and ${totals.plainFiles} linted on their own, ${totals.stray} stray, ${totals.secondRun} changed by a second run, ` +
    `${totals.rerendered} re-rendered (${totals.renderBroken} broken), fixed values ${totals.valuesSeen}/${totals.valuesSeen + totals.valuesMissing}`,
);
for (const f of failures) console.log(`FAIL ${f}`);
fs.rmSync(work, { recursive: true, force: true });
process.exit(failures.length > 0 ? 1 : 0);
