// npm test: runs vitest and ends with the line CI counts, "N passed, N failed, N skipped".
//
// Snapshots are never written here (--update=none): a missing or different golden
// fails, in CI and on a laptop alike. Update goldens deliberately with
// `npx vitest run -u` and review the diff.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
if (args.some((a) => /^(-u|--update)(=|$)/.test(a))) {
  console.error('npm test never writes goldens: update them with `npx vitest run -u` and review the diff');
  process.exit(2);
}
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'probe-lint-vitest-')), 'results.json');
const vitest = spawnSync(
  process.execPath,
  [path.join(repo, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--update=none', '--reporter=default', '--reporter=json', `--outputFile=${out}`, ...args],
  { stdio: 'inherit' },
);

// Counted from each test's status, so that no test goes uncounted: vitest's own
// totals leave out tests that never ran (a worker that died, a file that changed mid-run).
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const results = JSON.parse(fs.readFileSync(out, 'utf8'));
  for (const file of results.testResults) {
    const statuses = file.assertionResults.map((a) => a.status);
    passed += statuses.filter((s) => s === 'passed').length;
    skipped += statuses.filter((s) => s === 'skipped' || s === 'todo').length;
    failed += statuses.filter((s) => s === 'failed').length;
    const unrun = file.assertionResults.filter((a) => !['passed', 'failed', 'skipped', 'todo'].includes(a.status));
    for (const a of unrun) console.error(`did not run: ${path.relative(process.cwd(), file.name)} > ${a.fullName}`);
    failed += unrun.length;
    // A test file that fails before any test runs (an import error, a throwing describe) counts as one failure.
    if (file.status === 'failed' && !statuses.includes('failed')) failed++;
  }
} catch {
  console.error('could not read vitest results');
}
// Vitest failed for a reason no test shows (unhandled error, global setup): never print "0 failed".
if (vitest.status !== 0 && failed === 0) {
  console.error(`vitest exited with ${vitest.status ?? vitest.signal}`);
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
