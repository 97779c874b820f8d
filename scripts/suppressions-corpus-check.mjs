#!/usr/bin/env node
// The "Done when" cycle of issue #11 for the suppressions baseline, over every
// repository folder of the corpus (the subdirectories of corpus/plain,
// corpus/kustomize and corpus/helm), each copied to a temp dir and made a
// repository top with a .git:
//   1. --suppress-all, then a plain run exits 0 and says "N suppressed";
//   2. --suppress-all again writes a byte-identical file;
//   3. one probe's timeoutSeconds (else failureThreshold) set back to 1 brings
//      back exactly the findings a run without suppressions has in addition;
//   4. the file with the most findings reformatted (indent 4, keys reversed) and
//      its first object moved to another file brings back nothing: a manifest
//      as it is linted, or a kustomize resource (the new file then listed in
//      the kustomization that lists it); a Helm template is a Go template, not
//      YAML, so for a chart its values file is reformatted instead (as YAML 1.1,
//      which helm reads) and nothing is moved, and a chart without one is
//      skipped with its reason, counted in the totals;
//   5. one finding fixed with its own fix, --prune-suppressions removes exactly
//      its entry.
// Prints one line per folder and the totals; exits 1 when a check fails.
// Usage: node scripts/suppressions-corpus-check.mjs [corpus-dir]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments, parseDocument } from 'yaml';
import { freshBundles } from './bundle.mjs';

const REPO = path.resolve(import.meta.dirname, '..');
const CORPUS = path.resolve(process.argv[2] ?? path.join(REPO, '..', 'shared', 'corpus'));
const FILE = 'probe-lint-suppressions.json';

if (!fs.existsSync(CORPUS)) {
  console.error(`no corpus at ${CORPUS}`);
  process.exit(2);
}
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-lint-suppressions-check-'));
// Built from the current source, as the tests' global setup does: never the committed bundle.
const CLI = (await freshBundles(path.join(work, 'bundles'))).cli;

function cli(args, cwd) {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  if (result.status === 2) throw new Error(`probe-lint ${args.join(' ')} in ${cwd}: ${result.stderr}`);
  return result;
}

function json(args, cwd) {
  const result = cli(['--format', 'json', ...args], cwd);
  const report = JSON.parse(result.stdout);
  return { status: result.status, stderr: result.stderr, findings: report.findings, summary: report.summary };
}

const entries = (dir) => JSON.parse(fs.readFileSync(path.join(dir, FILE), 'utf8')).suppressions;
const entryKey = (e) => JSON.stringify([e.file, e.fingerprint, e.message, e.count]);

/** A fresh copy of the folder as it was after --suppress-all, for one experiment. */
function fresh(pristine, dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(pristine, dir, { recursive: true });
}

function yamlFiles(dir) {
  const out = [];
  const visit = (at) => {
    for (const e of fs.readdirSync(at, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(at, e.name);
      if (e.isDirectory() && e.name !== '.git') visit(abs);
      else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(abs);
    }
  };
  visit(dir);
  return out;
}

/** `timeoutSeconds: N` (N ≥ 3), then `failureThreshold: N` (N ≥ 2) lines of probes, in file order: values to set back to 1. */
function probeFields(dir) {
  const found = [];
  for (const [field, least] of [['timeoutSeconds', 3], ['failureThreshold', 2]]) found.push(...probeLines(dir, field, least));
  return found;
}

function probeLines(dir, field, least) {
  const found = [];
  for (const file of yamlFiles(dir)) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const m = new RegExp(`^(\\s*)${field}:\\s*(\\d+)\\s*$`).exec(line);
      if (!m || Number(m[2]) < least) return;
      const indent = m[1].length;
      for (let j = i - 1; j >= Math.max(0, i - 20); j--) {
        const above = /^(\s*)(-\s+)?(\S+):/.exec(lines[j]);
        if (!above || above[1].length + (above[2]?.length ?? 0) >= indent) continue;
        if (/^(readiness|liveness|startup)Probe$/.test(above[3])) found.push({ file, line: i, text: `${m[1]}${field}: 1` });
        return;
      }
    });
  }
  return found;
}

/** The file's documents indented by 4 with every mapping's keys reversed; null when it is not YAML the library reads without an error. */
function reformatted(text, version = '1.2') {
  const docs = parseAllDocuments(text, { version });
  if (!Array.isArray(docs) || docs.some((doc) => doc.errors.length > 0)) return null;
  return docs.map((doc) => {
    const reverse = (node) => {
      if (!node || typeof node !== 'object' || !Array.isArray(node.items)) return;
      if (node.constructor.name === 'YAMLMap') node.items.reverse();
      for (const item of node.items) {
        reverse(item);
        if (item && typeof item === 'object' && 'value' in item) reverse(item.value);
      }
    };
    reverse(doc.contents);
    return doc.toString({ indent: 4, indentSeq: false, lineWidth: 0 });
  });
}

/**
 * The file step 4 edits for a finding: the manifest it is in; for rendered
 * output, the kustomize resource it was located in, or the values file of its
 * chart (templates are Go templates). `{ skip }` with the reason otherwise.
 */
function editedFile(dir, f) {
  if (!f.rendered) return { file: f.file, kind: 'manifest' };
  const chart = path.join(dir, f.rendered.from);
  if (fs.existsSync(path.join(chart, 'Chart.yaml'))) {
    const values = ['values.yaml', 'values.yml'].map((name) => path.join(f.rendered.from, name)).find((name) => fs.existsSync(path.join(dir, name)));
    return values ? { file: values, kind: 'values' } : { skip: `chart ${f.rendered.from} has no values file (its templates are Go templates, not YAML)` };
  }
  const file = f.source?.file;
  if (file && /\.ya?ml$/i.test(file) && fs.existsSync(path.join(dir, file))) return { file, kind: 'resource' };
  return { skip: `a finding of overlay ${f.rendered.from} not located in a resource file` };
}

const KUSTOMIZATION = /^(kustomization\.ya?ml|Kustomization)$/;

/** The kustomization files of the folder whose `resources` name `abs`. */
function kustomizationsListing(dir, abs) {
  const found = [];
  const visit = (at) => {
    for (const e of fs.readdirSync(at, { withFileTypes: true })) {
      const file = path.join(at, e.name);
      if (e.isDirectory() && e.name !== '.git') visit(file);
      else if (e.isFile() && KUSTOMIZATION.test(e.name)) {
        const resources = parseDocument(fs.readFileSync(file, 'utf8')).toJS()?.resources;
        if (Array.isArray(resources) && resources.some((r) => typeof r === 'string' && path.resolve(at, r) === abs)) found.push(file);
      }
    }
  };
  visit(dir);
  return found;
}

/** Adds `file` to the kustomization's resources, relative to it. */
function listResource(kustomization, file) {
  const doc = parseDocument(fs.readFileSync(kustomization, 'utf8'));
  doc.get('resources').add(path.relative(path.dirname(kustomization), file).split(path.sep).join('/'));
  fs.writeFileSync(kustomization, doc.toString());
}

function check(folder) {
  const row = { folder, findings: 0, entries: 0, plain: '-', identical: '-', reappear: '-', moved: '-', prune: '-', failed: [] };
  const dir = path.join(work, 'copies', folder);
  const pristine = `${dir}.pristine`;
  fs.cpSync(path.join(CORPUS, folder), pristine, { recursive: true });
  fs.mkdirSync(path.join(pristine, '.git'));
  fresh(pristine, dir);
  const before = json(['.'], dir);
  row.findings = before.findings.length;
  const written = cli(['--suppress-all', '.'], dir);
  if (written.status !== 0) row.failed.push(`--suppress-all exited ${written.status}`);
  row.entries = entries(dir).reduce((n, e) => n + e.count, 0);
  if (row.entries !== row.findings) row.failed.push(`${row.entries} suppressions for ${row.findings} findings`);
  const first = fs.readFileSync(path.join(dir, FILE));
  fs.copyFileSync(path.join(dir, FILE), path.join(pristine, FILE));

  // 1. A plain run: exit 0 and the count in the summary.
  const plain = cli(['.'], dir);
  const expected = before.findings.length + before.summary.suppressed;
  const shown = expected > 0 ? plain.stdout.includes(`${expected} suppressed`) : !plain.stdout.includes('suppressed');
  row.plain = `exit ${plain.status}${shown ? `, "${expected} suppressed"` : ', summary wrong'}`;
  if (plain.status !== 0 || !shown) row.failed.push(`plain run: ${row.plain}`);
  if (plain.stderr !== before.stderr) row.failed.push(`plain run stderr differs: ${plain.stderr}`);

  // 2. Regenerated: the same bytes.
  cli(['--suppress-all', '.'], dir);
  row.identical = fs.readFileSync(path.join(dir, FILE)).equals(first) ? 'yes' : 'NO';
  if (row.identical !== 'yes') row.failed.push('regenerated file differs');

  // 3. One probe back to a bad value: what comes back must be exactly what a run without suppressions has
  // that it did not have before (a shorter timeout may also shorten the failure window: two findings).
  // Candidates that bring nothing back (a chart helm cannot render here, a value still long enough) are passed over.
  const candidates = probeFields(dir);
  const empty = path.join(work, 'empty-suppressions.json');
  fs.writeFileSync(empty, '{"version": 1, "suppressions": []}\n');
  // Not the message: an old finding whose numbers changed with the edit (a window now 1 × 10s) is still the old finding.
  const identity = (f) => JSON.stringify([f.ruleId, f.file, f.object, f.container, f.probe]);
  const old = new Map();
  for (const f of before.findings) old.set(identity(f), (old.get(identity(f)) ?? 0) + 1);
  row.reappear = candidates.length === 0 ? 'no probe field to set back' : 'no candidate brought a finding back';
  for (const [tries, candidate] of candidates.slice(0, 15).entries()) {
    fresh(pristine, dir);
    const lines = fs.readFileSync(candidate.file, 'utf8').split('\n');
    lines[candidate.line] = candidate.text;
    fs.writeFileSync(candidate.file, lines.join('\n'));
    const after = json(['.'], dir);
    const unsuppressed = json(['--suppressions-location', empty, '.'], dir);
    const left = new Map(old);
    const added = unsuppressed.findings.filter((f) => {
      const n = left.get(identity(f)) ?? 0;
      left.set(identity(f), n - 1);
      return n <= 0;
    });
    if (added.length === 0 && after.findings.length === 0) continue;
    const same = JSON.stringify(after.findings.map(identity)) === JSON.stringify(added.map(identity));
    const what = `${after.findings.length} (${after.findings.map((f) => f.ruleId).join(', ')})`;
    row.reappear = `${same ? `exactly the new ${what}` : `${what} for ${added.length} new`} from ${candidate.text.trim()} after ${tries + 1} tr${tries === 0 ? 'y' : 'ies'}`;
    if (!same) row.failed.push(`probe set back: ${row.reappear}`);
    break;
  }

  // 4. Reformatted, and the first object moved to another file (see the top of this file).
  const counts = new Map();
  const skipped = new Set();
  for (const f of before.findings) {
    const target = editedFile(dir, f);
    if ('skip' in target) skipped.add(target.skip);
    else counts.set(target.file, { n: (counts.get(target.file)?.n ?? 0) + 1, kind: target.kind });
  }
  // The file with the most findings, and besides it the kustomize resource with the most: an overlay's base is
  // what its renders are keyed by, whatever else the folder holds.
  const ranked = [...counts].sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1));
  const targets = [ranked[0], ranked.find(([, t]) => t.kind === 'resource')].filter((t, i, all) => t && all.indexOf(t) === i);
  const outcomes = targets.map(([target, { kind }]) => {
    fresh(pristine, dir);
    const abs = path.join(dir, target);
    const docs = reformatted(fs.readFileSync(abs, 'utf8'), kind === 'values' ? '1.1' : '1.2');
    if (!docs) return `skipped: ${target} is not YAML the yaml library reads`;
    const listedIn = kind === 'resource' ? kustomizationsListing(dir, abs) : [];
    const move = docs.length > 1 && (kind === 'manifest' || listedIn.length > 0);
    if (move) {
      const moved = path.join(path.dirname(abs), 'moved-by-check.yaml');
      fs.writeFileSync(moved, docs[0]);
      fs.writeFileSync(abs, docs.slice(1).join('---\n'));
      for (const kustomization of listedIn) listResource(kustomization, moved);
    } else fs.writeFileSync(abs, docs.join('---\n'));
    const after = json(['.'], dir);
    const how = `${move ? 'moved+reformatted' : 'reformatted'} ${kind === 'manifest' ? '' : `${kind} `}`;
    if (after.findings.length > 0 || after.status !== 0) row.failed.push(`${how}${target}: ${after.findings.map((f) => `${f.file} ${f.ruleId}`).join('; ')}`);
    return `${how}${target}: ${after.findings.length} back`;
  });
  if (skipped.size > 0) outcomes.push(`skipped: ${[...skipped].sort().join('; ')}`);
  row.moved = outcomes.length > 0 ? outcomes.join(', ') : 'nothing to reformat';

  // 5. One finding fixed with its own edits (a safe timeout fix when there is one), then --prune-suppressions.
  const fixable = before.findings.filter((f) => f.fix && !f.rendered && f.fix.edits.every((e) => e.file === f.file));
  const chosen = fixable.find((f) => f.fix.safe && f.ruleId === 'probe-timeout-short') ?? fixable.find((f) => f.fix.safe) ?? fixable[0];
  if (!chosen) row.prune = 'no finding with a fix in a manifest';
  else {
    fresh(pristine, dir);
    const abs = path.join(dir, chosen.file);
    let text = fs.readFileSync(abs, 'utf8');
    const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
    text = text.slice(bom.length);
    for (const e of [...chosen.fix.edits].sort((a, b) => b.offset - a.offset)) text = text.slice(0, e.offset) + e.text + text.slice(e.offset + e.length);
    fs.writeFileSync(abs, bom + text);
    const before = entries(dir);
    const stale = cli(['.'], dir);
    const noticed = /suppressions? for files linted here match(es)? nothing any more/.test(stale.stderr);
    const pruned = cli(['--prune-suppressions', '.'], dir);
    const left = new Set(entries(dir).map(entryKey));
    const gone = before.filter((e) => !left.has(entryKey(e)));
    const label = (f) => `${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ''}${f.object.name ?? '(unnamed)'}`;
    const its = gone.filter((e) => e.rule === chosen.ruleId && e.file === chosen.file && e.container === chosen.container && e.probe === chosen.probe && e.object === label(chosen));
    const exact = gone.length === 1 && its.length === 1 && noticed && pruned.status === 0;
    const again = cli(['.'], dir);
    row.prune = `${chosen.ruleId}${chosen.fix.safe ? '' : ' (suggestion)'}: ${gone.length} removed${exact ? ', exactly its entry' : ''}${noticed ? '' : ', NO notice'}${again.stderr.includes('--prune-suppressions') ? ', notice left' : ''}`;
    if (!exact || again.stderr.includes('--prune-suppressions')) row.failed.push(`prune: ${row.prune} (${gone.map((e) => `${e.file} ${e.rule} ${e.probe}`).join('; ')})`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pristine, { recursive: true, force: true });
  return row;
}

const folders = ['plain', 'kustomize', 'helm'].flatMap((group) =>
  fs
    .readdirSync(path.join(CORPUS, group), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `${group}/${e.name}`)
    .sort(),
);
const rows = [];
const started = Date.now();
for (const folder of folders) {
  const row = check(folder);
  rows.push(row);
  console.log(`${row.failed.length === 0 ? 'ok  ' : 'FAIL'} ${folder}: ${row.findings} findings, ${row.entries} suppressions; plain run ${row.plain}; regenerated identical: ${row.identical}; probe set back: ${row.reappear}; ${row.moved}; prune: ${row.prune}`);
  for (const why of row.failed) console.log(`       ${why}`);
}
const sum = (key) => rows.reduce((n, r) => n + r[key], 0);
const failed = rows.filter((r) => r.failed.length > 0);
console.log(
  `\n${rows.length} folders, ${sum('findings')} findings, ${sum('entries')} suppressions written; ` +
    `${rows.filter((r) => r.plain.startsWith('exit 0')).length} plain runs exit 0; ` +
    `${rows.filter((r) => r.identical === 'yes').length} regenerated byte-identical; ` +
    `${rows.filter((r) => r.reappear.startsWith('exactly the new')).length} probes set back brought back exactly their new findings; ` +
    `${rows.reduce((n, r) => n + (r.moved.match(/: 0 back/g) ?? []).length, 0)} moves/reformats brought back none` +
    ` (${rows.reduce((n, r) => n + (r.moved.match(/moved\+reformatted/g) ?? []).length, 0)} with a move, ` +
    `${rows.reduce((n, r) => n + (r.moved.match(/reformatted resource/g) ?? []).length, 0)} of a kustomize resource, ` +
    `${rows.reduce((n, r) => n + (r.moved.match(/reformatted values/g) ?? []).length, 0)} of Helm values; ` +
    `${rows.filter((r) => r.moved.includes('skipped')).length} folders with a skip, for the reason given); ` +
    `${rows.filter((r) => r.prune.includes('exactly its entry')).length} prunes removed exactly the fixed finding's entry; ` +
    `${failed.length} folders with a failed check; ${Math.round((Date.now() - started) / 1000)}s`,
);
fs.rmSync(work, { recursive: true, force: true });
process.exit(failed.length > 0 ? 1 : 0);
