// End to end: the built CLI, spawned as users run it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CLI, REPO, cli, tempDir } from './helpers.js';

const GOLDEN = path.join(import.meta.dirname, 'golden');

describe('probe-lint samples/', () => {
  it('reports the incident and exits 1', () => {
    const result = cli(['samples/']);
    expect(result.status).toBe(1);
    const incident = result.stdout.split('\nsamples/').find((block) => block.startsWith('incident-api.yaml'))!;
    expect(incident).toMatch(/31:13 +warning +readiness probe of container "api" fails any check slower than 2s .* probe-timeout-short/);
    expect(incident).toMatch(/32:13 +warning +readiness probe of container "api" gives up after 3 × 5s = 15s .* probe-failure-window-short/);
    expect(incident).toMatch(/21:11 +warning +container "api" has no preStop hook.* prestop-hook-missing/);
  });

  it('finds nothing in the fixed incident', () => {
    const result = cli(['samples/incident-api-fixed.yaml']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('0 problems');
  });

  it('renders the stylish report of the golden', async () => {
    await expect(cli(['samples/']).stdout).toMatchFileSnapshot(path.join(GOLDEN, 'samples.stylish.txt'));
  });

  it('renders the JSON report of the golden, in the shape of SPEC §5', async () => {
    const result = cli(['--format', 'json', 'samples/']);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(['version', 'tool', 'findings', 'notices', 'summary']);
    expect(Object.keys(report.findings[0])).toEqual([
      'ruleId', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn', 'object', 'container', 'probe', 'source', 'rendered', 'overlays', 'fix',
    ]);
    expect(Object.keys(report.summary)).toEqual(['files', 'documents', 'objects', 'containers', 'error', 'warning', 'info', 'suppressed']);
    report.tool.version = '<version>';
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(path.join(GOLDEN, 'samples.json'));
  });

  it('colours only when asked', () => {
    expect(cli(['samples/']).stdout).not.toContain('\u001b[');
    expect(cli(['samples/'], { env: { FORCE_COLOR: '1' } }).stdout).toContain('\u001b[31m');
    expect(cli(['samples/'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).toContain('\u001b[31m');
  });
});

describe('exit codes and flags', () => {
  it('--fail-on sets the threshold', () => {
    expect(cli(['--fail-on', 'never', 'samples/']).status).toBe(0);
    expect(cli(['--fail-on', 'warning', 'samples/worker-with-comments.yaml']).status).toBe(1);
    expect(cli(['samples/worker-with-comments.yaml']).status).toBe(0);
    expect(cli(['--fail-on', 'info', 'samples/incident-api-fixed.yaml']).status).toBe(0);
  });

  it('-o writes the report to a file and nothing to stdout', () => {
    const out = path.join(tempDir(), 'report.json');
    const result = cli(['-f', 'json', '-o', out, 'samples/']);
    expect(result.stdout).toBe('');
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).summary.error).toBe(1);
  });

  it('reads stdin for -', () => {
    const text = fs.readFileSync(path.join(import.meta.dirname, '..', 'samples', 'incident-api.yaml'), 'utf8');
    const result = cli(['-f', 'json', '-'], { input: text });
    const report = JSON.parse(result.stdout);
    expect(report.findings.map((f: { file: string }) => f.file)).toContain('<stdin>');
    expect(report.findings.find((f: { ruleId: string }) => f.ruleId === 'probe-timeout-short').line).toBe(31);
  });

  it('exits 2 with a one-line message on bad usage', () => {
    for (const args of [['--format', 'xml', '.'], ['--fail-on', 'sometimes'], ['does-not-exist/'], ['--no-such-flag'], ['explain', 'no-such-rule']]) {
      const result = cli(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr.trim().length, args.join(' ')).toBeGreaterThan(0);
    }
  });

  it('prints its version and help with examples', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8'));
    expect(cli(['--version']).stdout.trim()).toBe(pkg.version);
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('--fail-on');
  });

  it('stops quietly when the reader closes the pipe early', () => {
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" --help | head -1; "${process.execPath}" "${CLI}" samples/ | head -1`], { cwd: REPO, encoding: 'utf8' });
    expect(result.stderr).toBe('');
  });

  it('lists and explains rules', () => {
    const rules = cli(['rules']);
    expect(rules.status).toBe(0);
    expect(rules.stdout).toMatch(/probe-timeout-short +warning/);
    const explain = cli(['explain', 'probe-timeout-short']);
    expect(explain.status).toBe(0);
    expect(explain.stdout).toContain('minSeconds');
  });
});
