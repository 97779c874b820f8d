// SPEC §1 / issue #12: a chart rendered once per value set, each set linted,
// and a finding present in several sets at one template line reported once,
// naming the sets it is in and those it is not.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, FIXTURES, HAS_HELM, TOOLS, tempDir, tempTree } from './helpers.js';

if (!HAS_HELM) console.warn('skipping the value set tests: run scripts/fetch-tools.sh to get helm into .tools/bin');

const MANIFEST = fs.readFileSync(path.join(FIXTURES, 'probe-timeout-short', 'readiness-2s.yaml'), 'utf8');
const TEMPLATE = MANIFEST.replace("timeoutSeconds: 2 # the incident's value", 'timeoutSeconds: {{ .Values.timeout }}');

interface JsonFinding {
  ruleId: string;
  file: string;
  line: number;
  valueSets?: string[];
  notInValueSets?: string[];
  source: { file: string; line: number | null; values?: { file: string; key: string } } | null;
}

function chart(extra: Record<string, string> = {}): string {
  return tempTree({
    '.git/HEAD': '',
    'api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n',
    'api/values.yaml': 'timeout: 5\n',
    'api/values-dev.yaml': 'timeout: 2\n',
    'api/values-prod.yaml': 'timeout: 10\n',
    'api/templates/api.yaml': TEMPLATE,
    ...extra,
  });
}

const home = tempDir();
const env = { PATH: `${TOOLS}${path.delimiter}${process.env.PATH}`, HELM_CACHE_HOME: home, HELM_CONFIG_HOME: home, HELM_DATA_HOME: home };

function lint(cwd: string, args: string[]): { findings: JsonFinding[]; status: number | null; stderr: string } {
  const out = cli(['--format', 'json', ...args], { cwd, env });
  return { findings: out.stdout ? JSON.parse(out.stdout).findings : [], status: out.status, stderr: out.stderr };
}

describe.skipIf(!HAS_HELM)('several value sets per chart', () => {
  it('--helm-values-set: one finding per template line, naming the sets it is in and not in', () => {
    const cwd = chart();
    const { findings, stderr } = lint(cwd, ['--helm-values-set', 'dev=api/values-dev.yaml', '--helm-values-set', 'prod=api/values-prod.yaml', 'api']);
    expect(stderr).toBe('');
    const timeouts = findings.filter((f) => f.ruleId === 'probe-timeout-short');
    // Only dev renders 2s; prod's 10s is long enough.
    expect(timeouts.map((f) => [f.valueSets, f.notInValueSets])).toEqual([[['dev'], ['prod']]]);
    expect(timeouts[0]!.source?.file).toBe('api/templates/api.yaml');
    expect(timeouts[0]!.source?.values).toMatchObject({ file: 'api/values-dev.yaml', key: 'timeout' });
    // Both sets render the same missing preStop hook at the same line: reported once, naming both.
    const preStop = findings.filter((f) => f.ruleId === 'prestop-hook-missing');
    expect(preStop.map((f) => [f.valueSets, f.notInValueSets])).toEqual([[['dev', 'prod'], []]]);
  });

  it('helm.valueSets in the config, and the sets named in stylish output', () => {
    const cwd = chart({ '.probe-lint.yaml': 'helm:\n  valueSets:\n    dev: [api/values-dev.yaml]\n    prod: [api/values-prod.yaml]\n' });
    const { findings } = lint(cwd, ['.']);
    expect(findings.find((f) => f.ruleId === 'probe-timeout-short')?.valueSets).toEqual(['dev']);
    const stylish = cli(['api'], { cwd, env });
    expect(stylish.stdout).toContain('(in value set dev; not in prod)');
    expect(stylish.stdout).toContain('(in value sets dev, prod)');
  });

  it('a set that fails to render is a render-failed finding naming the set, and the others are still linted', () => {
    const cwd = chart();
    const { findings } = lint(cwd, ['--helm-values-set', 'dev=api/values-dev.yaml', '--helm-values-set', 'broken=api/missing.yaml', 'api']);
    const failed = findings.filter((f) => f.ruleId === 'render-failed');
    expect(failed.length).toBe(1);
    expect(failed[0]!.file).toBe('api/Chart.yaml');
    expect(findings.some((f) => f.ruleId === 'probe-timeout-short')).toBe(true);
  });

  it('bad --helm-values-set is a usage error', () => {
    const out = cli(['--helm-values-set', 'no-files', 'api'], { cwd: chart(), env });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('expected NAME=FILE');
  });
});
