import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { toReport } from '../src/format/report.js';
import type { AnyRule } from '../src/rule.js';
import { run, type RunResult } from '../src/run.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures');
/** The committed bundles: what npm, npx, pre-commit, the README and action.yml run. test/package.test.ts holds them to the source. */
export const COMMITTED_CLI = path.join(REPO, 'bin', 'probe-lint.js');
export const COMMITTED_ACTION = path.join(REPO, 'action', 'index.js');

/** The same bundles built from the current source for this test run (test/global-setup.ts): what end-to-end tests spawn. */
export const BUNDLES = freshBundles();
export const CLI = path.join(BUNDLES, 'bin', 'probe-lint.js');
export const ACTION = path.join(BUNDLES, 'action', 'index.js');
export const CORPUS = path.resolve(REPO, '..', 'shared', 'corpus');

function freshBundles(): string {
  const dir = inject('bundles');
  if (!dir || !fs.existsSync(path.join(dir, 'bin', 'probe-lint.js'))) {
    throw new Error('no bundles built from the current source: run the tests with vitest.config.ts, whose globalSetup builds them');
  }
  return dir;
}

/** Lints paths relative to cwd in process. */
export function lint(paths: string[], cwd: string, rules?: readonly AnyRule[]): Promise<RunResult> {
  return run({ paths, cwd, rules });
}

/** One line per finding: what rule goldens hold. */
export function findingLines(result: RunResult): string {
  const report = toReport(result, '0.0.0');
  return report.findings
    .map(({ finding, line, column, endLine, endColumn }) =>
      [`${finding.file.path}:${line}:${column}-${endLine}:${endColumn}`, finding.severity, finding.ruleId, finding.probe ?? '-', finding.message].join(' '),
    )
    .join('\n');
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'probe-lint-test-'));
}

/** Writes files (path → content) under a new temp dir and returns it. */
export function tempTree(files: Record<string, string | Buffer>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

export function cli(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? REPO,
    input: options.input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '0', ...options.env },
  });
}

/**
 * An environment whose PATH holds node and nothing else: a machine without helm
 * and kubectl, whatever this one has installed.
 */
export function withoutTools(): Record<string, string> {
  const dir = tempDir();
  fs.symlinkSync(process.execPath, path.join(dir, 'node'));
  return { PATH: dir };
}

/** Real helm and kubectl from the npm registry (scripts/fetch-tools.sh); tests that need them skip without them. */
export const TOOLS = path.join(REPO, '.tools', 'bin');
export const HAS_HELM = fs.existsSync(path.join(TOOLS, 'helm'));
export const HAS_KUBECTL = fs.existsSync(path.join(TOOLS, 'kubectl'));
/** The real pre-commit (.ci/run installs it from Debian's packages). */
export const HAS_PRE_COMMIT = spawnSync('pre-commit', ['--version']).status === 0;

// Where fixes may change a manifest: probe fields, new probes and hooks, the pod's grace period.
export const FIXABLE_PATH = new RegExp(
  [
    String.raw`\.(containers|initContainers)\.\d+\.(readinessProbe|livenessProbe|startupProbe)(\.[^.]+)*$`,
    String.raw`\.(containers|initContainers)\.\d+\.lifecycle(\.preStop(\..+)?)?$`,
    String.raw`(^|\.)spec(\.template\.spec|\.jobTemplate\.spec\.template\.spec)?\.terminationGracePeriodSeconds$`,
  ].join('|'),
);

/** The dotted paths where two pieces of plain data differ, appended to `out`. */
export function differences(a: unknown, b: unknown, at: string, out: string[]): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return out;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    out.push(at);
    return out;
  }
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    differences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}.${key}`, out);
  }
  return out;
}

/** A runner's environment for the Action in `workspace`: INPUT_* for `inputs`, fresh output and summary files, `extra` over all. */
export function actionEnvironment(workspace: string, inputs: Record<string, string>, extra: Record<string, string> = {}): { env: Record<string, string>; outputFile: string; summaryFile: string } {
  const outputFile = path.join(tempDir(), 'output');
  const summaryFile = path.join(tempDir(), 'summary');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, RUNNER_TEMP: tempDir() };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return { env: { ...env, ...extra }, outputFile, summaryFile };
}
