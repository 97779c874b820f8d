// npm run bench [-- CORPUS_DIR]: speed of a full lint next to parse-only floors (SPEC §8).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsYaml from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { collectInputs } from '../dist/src/inputs.js';
import { run } from '../dist/src/run.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(process.argv[2] ?? path.join(repo, '..', 'shared', 'corpus'));
if (!fs.existsSync(corpus)) {
  console.error(`bench: no corpus at ${corpus}; pass a directory of manifests`);
  process.exit(2);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(fn, runs = 3) {
  fn(); // warm-up: JIT and file cache
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  return median(times);
}
async function timeAsync(fn, runs = 3) {
  await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

// Linting, not helm or kubectl: hide them, as a machine without them would.
// (An empty directory: node itself is run by its absolute path.)
process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-lint-bench-'));

const inputs = await collectInputs([corpus], corpus, []);
const texts = inputs.files.map((f) => fs.readFileSync(f.absPath, 'utf8'));
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);

let summary;
const lintMs = await timeAsync(async () => {
  summary = (await run({ paths: [corpus], cwd: corpus })).summary;
});
const jsYamlMs = time(() => {
  for (const t of texts) {
    try {
      jsYaml.loadAll(t);
    } catch {}
  }
});
const yamlMs = time(() => {
  for (const t of texts) parseAllDocuments(t);
});

const cli = path.join(repo, 'bin', 'probe-lint.js');
const sample = path.join(repo, 'samples', 'incident-api.yaml');
const wall = (args) =>
  median(
    Array.from({ length: 7 }, () => {
      const start = performance.now();
      spawnSync(process.execPath, args, { stdio: 'ignore' });
      return performance.now() - start;
    }),
  );
const coldMs = wall([cli, sample]);
const nodeMs = wall(['-e', '0']);

const rows = [
  ['corpus', `${corpus} (charts and overlays not rendered)`],
  ['files / documents / objects', `${summary.files} / ${summary.documents} / ${summary.objects}`],
  ['size', `${(bytes / 1e6).toFixed(1)} MB`],
  ['full lint', `${lintMs.toFixed(0)} ms`],
  ['documents/s', Math.round(summary.documents / (lintMs / 1000)).toLocaleString('en')],
  ['MB/s', (bytes / 1e6 / (lintMs / 1000)).toFixed(1)],
  ['js-yaml loadAll (floor)', `${jsYamlMs.toFixed(0)} ms (lint = ${(lintMs / jsYamlMs).toFixed(2)}×)`],
  ['yaml parseAllDocuments', `${yamlMs.toFixed(0)} ms (lint = ${(lintMs / yamlMs).toFixed(2)}×)`],
  ['peak RSS', `${Math.round(process.resourceUsage().maxRSS / 1024)} MB`],
  ['cold start, one small file', `${coldMs.toFixed(0)} ms (node -e 0: ${nodeMs.toFixed(0)} ms)`],
];
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
