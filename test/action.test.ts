// The Action bundle built from the current source, run as a runner runs it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION, REPO, tempDir } from './helpers.js';

function runAction(inputs: Record<string, string>): { status: number | null; stdout: string; outputs: Record<string, string>; summary: string; workspace: string } {
  const workspace = tempDir();
  fs.cpSync(path.join(REPO, 'samples'), path.join(workspace, 'k8s'), { recursive: true });
  const outputFile = path.join(tempDir(), 'output');
  const summaryFile = path.join(tempDir(), 'summary');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: tempDir(),
  };
  const defaults = { paths: '.', config: '', 'fail-on': 'error', 'sarif-file': 'probe-lint.sarif', 'helm-values': '', annotations: 'true' };
  for (const [name, value] of Object.entries({ ...defaults, ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value;
  const result = spawnSync(process.execPath, [ACTION], { cwd: workspace, env, encoding: 'utf8' });
  // name<<ghadelimiter_…\nvalue\nghadelimiter_…
  const outputs: Record<string, string> = {};
  for (const m of fs.readFileSync(outputFile, 'utf8').matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return { status: result.status, stdout: result.stdout, outputs, summary: fs.readFileSync(summaryFile, 'utf8'), workspace };
}

describe('the GitHub Action', () => {
  it('annotates, summarises, writes SARIF and outputs, and fails on errors', () => {
    const run = runAction({ paths: 'k8s' });
    expect(run.status).toBe(1);
    expect(run.outputs).toEqual({ 'sarif-file': 'probe-lint.sarif', errors: '1', warnings: '7', findings: '9' });
    expect(run.stdout).toMatch(/^::error file=k8s\/storefront\.yaml,line=21,col=11,.*title=probe-lint readiness-probe-missing::container "storefront" has no readiness probe/m);
    expect(run.stdout.match(/^::warning /gm)).toHaveLength(7);
    expect(run.stdout).toContain('::error::probe-lint: 1 errors, 7 warnings, 1 info (fail-on: error)');
    const sarif = JSON.parse(fs.readFileSync(path.join(run.workspace, 'probe-lint.sarif'), 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(9);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/^k8s\//);
    expect(run.summary).toContain('probe-lint</h2>');
    expect(run.summary).toContain('<b>1</b> errors, <b>7</b> warnings');
    expect(run.summary).toContain('<a href="https://github.com/probe-lint/probe-lint/blob/main/rules/probe-timeout-short.md">probe-timeout-short</a>');
    expect(run.summary).toContain('<td>k8s/incident-api.yaml</td><td>5</td>');
  });

  it('passes with fail-on never, and annotates nothing when told not to', () => {
    const run = runAction({ paths: 'k8s/incident-api.yaml k8s/worker-with-comments.yaml', 'fail-on': 'never', annotations: 'false', 'sarif-file': 'reports/out.sarif' });
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/^::(warning|error|notice) /m);
    expect(run.outputs['sarif-file']).toBe('reports/out.sarif');
    expect(fs.existsSync(path.join(run.workspace, 'reports', 'out.sarif'))).toBe(true);
  });

  it('fails on warnings when asked', () => {
    expect(runAction({ paths: 'k8s/incident-api.yaml', 'fail-on': 'warning' }).status).toBe(1);
    expect(runAction({ paths: 'k8s/incident-api.yaml' }).status).toBe(0);
  });

  it('fails the step with the message of a bad input or config', () => {
    const run = runAction({ config: 'missing.yaml' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('::error::probe-lint: missing.yaml: cannot read config');
    expect(runAction({ 'fail-on': 'sometimes' }).stdout).toContain('::error::probe-lint: fail-on must be one of');
  });

  it('declares the inputs and outputs it reads and writes, on node24', () => {
    const yml = fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8');
    expect(yml).toContain('using: node24');
    expect(yml).toContain('main: action/index.js');
    for (const name of ['paths', 'config', 'fail-on', 'sarif-file', 'helm-values', 'annotations', 'errors', 'warnings', 'findings']) expect(yml).toContain(`  ${name}:\n`);
  });
});
