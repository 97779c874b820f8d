// npm run bench [-- [--runs N] CORPUS_DIR]: the figures of SPEC §8 and issue #13, for a
// directory of plain manifests (../shared/corpus/plain by default).
//
// Everything is timed as a whole fresh process, because that is what a user
// waits for and what the floor is defined as: the lint (the CLI bundled from
// the current source, as bin/ ships it, `--format json`), the parse-only floor
// (scripts/bench-floor.mjs: walk, read, js-yaml loadAll) and the same with
// `yaml`'s parseAllDocuments. Runs are interleaved, so that load from
// elsewhere on the machine falls on all of them alike, and the median of N
// (5) is shown. The split by stage comes from scripts/bench-stages.mjs, which
// calls the stage functions from dist/ one after another in a fresh process.
// Peak RSS is the kernel's (`/usr/bin/time`), else the child's own
// process.resourceUsage() at exit.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshBundles } from './bundle.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt === -1 ? 5 : Number(args.splice(runsAt, 2)[1]);
const corpus = path.resolve(args[0] ?? path.join(repo, '..', 'shared', 'corpus', 'plain'));
if (!fs.existsSync(corpus) || !Number.isInteger(runs) || runs < 1) {
  console.error(`bench: usage: npm run bench -- [--runs N] [DIR]; no corpus at ${corpus}?`);
  process.exit(2);
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-lint-bench-'));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));

// Linting, not helm or kustomize: the children get a PATH with nothing on it, as a machine without them.
// (node and /usr/bin/time are run by their absolute paths.)
const emptyBin = path.join(scratch, 'bin');
fs.mkdirSync(emptyBin);
const env = { ...process.env, PATH: emptyBin };

// The CLI as users run it (one minified file), from the source as it is now: bin/ is only
// rebuilt by `npm run bundle`, and dist/ loads a hundred modules at start-up.
const cli = (await freshBundles(path.join(scratch, 'bundle'))).cli;
const floor = path.join(repo, 'scripts', 'bench-floor.mjs');
const stages = path.join(repo, 'scripts', 'bench-stages.mjs');
const small = path.join(repo, 'samples', 'incident-api.yaml');

const TIME = '/usr/bin/time';
const haveTime = spawnSync(TIME, ['-f', '%M', '-o', path.join(scratch, 'probe'), 'true']).status === 0;
// Without GNU time: the child writes its own peak RSS to stderr as it exits.
const RSS_HOOK = 'data:text/javascript,import fs from "node:fs";process.on("exit",()=>fs.writeSync(2,"\\nbench-maxrss="+process.resourceUsage().maxRSS+"\\n"))';
const rssFile = path.join(scratch, 'rss');

/** Runs `node ...nodeArgs` in a fresh process: wall milliseconds, peak RSS in kB, stdout. */
function measure(nodeArgs, cwd) {
  const [command, argv] = haveTime
    ? [TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...nodeArgs]]
    : [process.execPath, ['--import', RSS_HOOK, ...nodeArgs]];
  const begin = performance.now();
  const child = spawnSync(command, argv, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - begin;
  if (child.error) throw child.error;
  // 0 and 1 (findings) are a lint's normal ends; 2 is a usage or internal error.
  if (child.status !== 0 && child.status !== 1) throw new Error(`bench: node ${nodeArgs.join(' ')} exited ${child.status}:\n${child.stderr}`);
  const rss = haveTime ? Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) : Number(/bench-maxrss=(\d+)/.exec(child.stderr)?.[1]);
  return { ms, rss, stdout: child.stdout };
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const jobs = {
  lint: () => measure([cli, '--format', 'json', '.'], corpus),
  floor: () => measure([floor, '.'], corpus),
  floorYaml: () => measure([floor, '--parser', 'yaml', '.'], corpus),
  small: () => measure([cli, '--format', 'json', small], repo),
  node: () => measure(['-e', '0'], repo),
  stages: () => measure([stages, '.'], corpus),
};
// Untimed: the page cache and the compile cache warm for everyone alike.
const counts = JSON.parse(jobs.floor().stdout);
jobs.small();
jobs.node();

const times = Object.fromEntries(Object.keys(jobs).map((name) => [name, []]));
let lintReport = null;
const lintRss = [];
const stageRuns = [];
for (let round = 0; round < runs; round++) {
  for (const [name, job] of Object.entries(jobs)) {
    // The stage split is a breakdown, not a headline figure: three runs say enough of it.
    if (name === 'stages' && round >= Math.min(runs, 3)) continue;
    const result = job();
    times[name].push(result.ms);
    if (name === 'lint') {
      lintReport ??= JSON.parse(result.stdout);
      lintRss.push(result.rss);
    }
    if (name === 'stages') stageRuns.push(JSON.parse(result.stdout).ms);
  }
}
const t = Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, median(xs)]));

// Ten copies, made of hard links (the walk does not follow a symlink out of its tree; links cost no
// disk and share the page cache, as re-reading one copy would), run once: it takes ten lints' time.
const ten = path.join(scratch, 'ten');
const linkTree = (from, to) => {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const [src, dst] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) linkTree(src, dst);
    else if (entry.isFile()) {
      try {
        fs.linkSync(src, dst);
      } catch {
        fs.copyFileSync(src, dst); // another filesystem, or links not allowed
      }
    }
  }
};
for (let i = 0; i < 10; i++) linkTree(corpus, path.join(ten, `copy-${i}`));
const tenRun = measure([cli, '--format', 'json', '.'], ten);
const tenReport = JSON.parse(tenRun.stdout);
fs.rmSync(ten, { recursive: true, force: true });
// One copy again, right after: load on a shared machine drifts over a minute, and the ratio is
// fairer against a run made in the same conditions as well as against the median.
const oneAfter = measure([cli, '--format', 'json', '.'], corpus).ms;

const { documents } = lintReport.summary;
const mb = counts.bytes / 1e6;
const s = (ms) => ms / 1000;
const fmtMs = (ms) => `${Math.round(ms).toLocaleString('en')} ms`;
// The spread of the runs beside a median: on a shared machine it says how far to trust it.
const spread = (name) => `(${Math.round(Math.min(...times[name])).toLocaleString('en')}–${Math.round(Math.max(...times[name])).toLocaleString('en')})`;
const ratio = (a, b) => `${(a / b).toFixed(2)}×`;
const stageNames = ['walk', 'read', 'parse', 'model', 'routing', 'rules', 'suppress', 'output'];
const stageMs = Object.fromEntries(['start', 'imports', 'config', ...stageNames, 'total'].map((name) => [name, median(stageRuns.map((r) => r[name] ?? 0))]));
const stageTotal = stageMs.total;
const share = (ms) => `${fmtMs(ms).padStart(9)}  ${((100 * ms) / stageTotal).toFixed(1).padStart(4)} %`;

const rows = [
  ['corpus', `${corpus}: ${counts.files.toLocaleString('en')} files, ${documents.toLocaleString('en')} documents, ${mb.toFixed(1)} MB`],
  ['runs', `${runs}, interleaved, fresh processes, median; CPUs ${os.cpus().length}, load ${os.loadavg()[0].toFixed(1)} at the end`],
  ['full lint (--format json)', `${fmtMs(t.lint)} ${spread('lint')}`],
  ['  documents/s', Math.round(documents / s(t.lint)).toLocaleString('en')],
  ['  MB/s', (mb / s(t.lint)).toFixed(1)],
  ['floor: walk+read+js-yaml loadAll', `${fmtMs(t.floor)} ${spread('floor')}   lint = ${ratio(t.lint, t.floor)} floor (goal ≤ 1.5×)`],
  ['walk+read+yaml parseAllDocuments', `${fmtMs(t.floorYaml)} ${spread('floorYaml')}   lint = ${ratio(t.lint, t.floorYaml)} of it`],
  ['peak RSS, one copy', `${Math.round(median(lintRss) / 1024)} MB`],
  ['peak RSS, ten copies', `${Math.round(tenRun.rss / 1024)} MB (goal ≤ 300 MB)`],
  ['time, ten copies', `${fmtMs(tenRun.ms)} = ${(tenRun.ms / t.lint).toFixed(1)}× the one-copy median, ${(tenRun.ms / oneAfter).toFixed(1)}× the one-copy run just after (goal ≤ 11×; ${tenReport.summary.documents.toLocaleString('en')} documents, one run)`],
  ['cold start, one small file', `${fmtMs(t.small)} ${spread('small')}   node -e 0: ${fmtMs(t.node)} ${spread('node')}   = ${ratio(t.small, t.node)} (goal ≤ 2×)`],
  [`stages (in-process, median of ${stageRuns.length})`, `${fmtMs(stageTotal)} in all`],
  ['  node start + imports', share(stageMs.start + stageMs.imports + stageMs.config)],
  ...stageNames.map((name) => [`  ${name}`, share(stageMs[name])]),
  ['peak RSS measured by', haveTime ? TIME : 'process.resourceUsage() at exit'],
];
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
