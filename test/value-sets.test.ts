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
  message: string;
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
    // Only that set went unlinted, and the command to see why renders that set.
    expect(failed[0]!.message).toContain('value set "broken" was not linted');
    expect(failed[0]!.message).not.toContain('none of its templates were linted');
    expect(failed[0]!.message).toContain('`helm template api --values api/missing.yaml`');
    // The surviving set's findings still say which set they come from.
    const timeout = findings.find((f) => f.ruleId === 'probe-timeout-short');
    expect(timeout?.valueSets).toEqual(['dev']);
    expect(findings.find((f) => f.ruleId === 'prestop-hook-missing')?.valueSets).toEqual(['dev']);
  });

  it('objects rendered from one template line (a range) stay separate findings, each in every set', () => {
    const workers = [
      '{{- range .Values.workers }}',
      '---',
      MANIFEST.replace(/^(\s*name:\s*)api\s*$/m, '$1{{ .name }}').replace("timeoutSeconds: 2 # the incident's value", 'timeoutSeconds: {{ $.Values.timeout }}').trimEnd(),
      '{{- end }}',
      '',
    ].join('\n');
    // Both sets take the short timeout from values.yaml: the same line, value and fix for both objects in both sets.
    const cwd = chart({ 'api/templates/api.yaml': workers, 'api/values.yaml': 'timeout: 2\nworkers:\n  - name: one\n  - name: two\n', 'api/values-dev.yaml': 'image: a\n', 'api/values-prod.yaml': 'image: b\n' });
    const { findings, stderr } = lint(cwd, ['--helm-values-set', 'dev=api/values-dev.yaml', '--helm-values-set', 'prod=api/values-prod.yaml', 'api']);
    expect(stderr).toBe('');
    const timeouts = findings.filter((f) => f.ruleId === 'probe-timeout-short') as (JsonFinding & { object: { name: string } })[];
    expect(timeouts.map((f) => [f.object.name, f.valueSets]).sort()).toEqual([
      ['one', ['dev', 'prod']],
      ['two', ['dev', 'prod']],
    ]);
  });

  it('findings whose fixes differ (sets reading the value from different files) stay apart, each naming its sets and fix', () => {
    // Both sets render the same 2s at the same line: dev from values-dev.yaml, prod from values.yaml.
    const cwd = chart({ 'api/values.yaml': 'timeout: 2\n', 'api/values-prod.yaml': 'image: other\n' });
    const { findings } = lint(cwd, ['--helm-values-set', 'dev=api/values-dev.yaml', '--helm-values-set', 'prod=api/values-prod.yaml', 'api']);
    const timeouts = findings.filter((f) => f.ruleId === 'probe-timeout-short') as (JsonFinding & { fix: { edits: { file: string }[] } | null })[];
    expect(timeouts.map((f) => [f.valueSets, f.source?.values?.file, f.fix?.edits.map((e) => e.file)]).sort()).toEqual([
      [['dev'], 'api/values-dev.yaml', ['api/values-dev.yaml']],
      [['prod'], 'api/values.yaml', ['api/values.yaml']],
    ]);
    // Each set has the finding: neither is said to be missing from the other.
    expect(timeouts.map((f) => f.notInValueSets)).toEqual([[], []]);
  });

  it('two value sets of one name are a usage error', () => {
    const out = cli(['--helm-values-set', 'dev=api/values-dev.yaml', '--helm-values-set', 'dev=api/values-prod.yaml', 'api'], { cwd: chart(), env });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('value set "dev" is given twice');
  });

  it('bad --helm-values-set is a usage error', () => {
    const out = cli(['--helm-values-set', 'no-files', 'api'], { cwd: chart(), env });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('expected NAME=FILE');
  });
});
