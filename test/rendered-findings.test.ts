// Findings of rendered inputs as people act on them: one finding per base line
// however many kustomize overlays render it, and committed `helm template`
// bundles without their chart linted and fixed like any other file.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixAll } from '../src/fix.js';
import { formatGithub } from '../src/format/github.js';
import { formatJson } from '../src/format/json.js';
import { toReport } from '../src/format/report.js';
import { formatSarif } from '../src/format/sarif.js';
import { formatStylish } from '../src/format/stylish.js';
import { mergeRenders } from '../src/rendered-findings.js';
import { RULES } from '../rules/index.js';
import type { Finding, Severity } from '../src/rule.js';
import { run } from '../src/run.js';
import { tempTree, TOOLS, HAS_KUBECTL } from './helpers.js';

const hasKubectl = HAS_KUBECTL;
if (!hasKubectl) console.warn('skipping overlay merge tests: run scripts/fetch-tools.sh to get kubectl into .tools/bin');

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: example/api:1
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /ready
              port: http
            timeoutSeconds: 1
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
    - name: http
      port: 80
      targetPort: http
`;

/** A base, two overlays that change nothing a message names, and one that patches the readiness timeout. */
function overlayTree(): string {
  return tempTree({
    'k8s/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - service.yaml\n',
    'k8s/base/deployment.yaml': DEPLOYMENT,
    'k8s/base/service.yaml': SERVICE,
    'k8s/overlays/dev/kustomization.yaml': 'resources:\n  - ../../base\ncommonAnnotations:\n  team: dev\n',
    'k8s/overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\nlabels:\n  - pairs:\n      env: prod\n',
    'k8s/overlays/slow/kustomization.yaml': [
      'resources:\n  - ../../base\n',
      'patches:\n  - target:\n      kind: Deployment\n      name: api\n',
      '    patch: |-\n      - op: replace\n        path: /spec/template/spec/containers/0/readinessProbe/timeoutSeconds\n        value: 2\n',
    ].join(''),
  });
}

describe.skipIf(!hasKubectl)('kustomize overlays rendering the same base', () => {
  beforeAll(() => {
    // In-process runs find kubectl on PATH, as the CLI does.
    process.env.PATH = `${TOOLS}${path.delimiter}${process.env.PATH ?? ''}`;
  });

  it('reports a finding on a base line once, naming the overlays, and keeps a patched message apart', async () => {
    const cwd = overlayTree();
    const result = await run({ paths: ['k8s'], cwd });
    expect(result.notices).toEqual([]);
    const timeouts = result.findings.filter((f) => f.ruleId === 'probe-timeout-short');
    expect(timeouts.length).toBe(2);
    const shared = timeouts.find((f) => f.variants);
    expect(shared?.variants?.names).toEqual(['k8s/overlays/dev', 'k8s/overlays/prod']);
    expect(shared?.file.path).toBe('k8s/overlays/dev');
    const patched = timeouts.find((f) => !f.variants);
    expect(patched?.file.path).toBe('k8s/overlays/slow');
    expect(patched?.message).not.toBe(shared?.message);
    // Both point at the same base line: only the message keeps them apart.
    expect(patched?.source).toEqual(shared?.source);
    expect(shared?.source).toMatchObject({ file: 'k8s/base/deployment.yaml', line: DEPLOYMENT.split('\n').indexOf('            timeoutSeconds: 1') + 1 });

    // SPEC §1: one rule, source line and message is one finding naming every overlay. The slow overlay patched the
    // container, so it vouches for no base edit; it does not veto the one dev and prod agree on.
    const preStop = result.findings.filter((f) => f.ruleId === 'prestop-hook-missing');
    expect(preStop.map((f) => [f.variants?.names, f.fix !== null])).toEqual([[['k8s/overlays/dev', 'k8s/overlays/prod', 'k8s/overlays/slow'], true]]);

    // No rule, source line and message is left twice among the overlays' findings.
    const keys = result.findings.map((f) => `${f.ruleId} ${f.source?.file}:${f.source?.line} ${f.message}`);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
  }, 60_000);

  it('counts a merged finding once in the summary and shows its overlays in every format', async () => {
    const cwd = overlayTree();
    const result = await run({ paths: ['k8s'], cwd });
    const report = toReport(result, '0.0.0');
    const merged = result.findings.filter((f) => f.variants);
    expect(merged.length).toBeGreaterThan(0);
    const { error, warning, info } = report.summary;
    expect(error + warning + info).toBe(result.findings.length);
    expect(warning).toBe(result.findings.filter((f) => f.severity === 'warning').length);

    const json = JSON.parse(formatJson(report)) as { findings: { ruleId: string; overlays: string[] | null; file: string; rendered: { from: string } | null }[] };
    expect(json.findings.find((f) => f.ruleId === 'prestop-hook-missing')?.overlays).toEqual(['k8s/overlays/dev', 'k8s/overlays/prod', 'k8s/overlays/slow']);
    expect(json.findings.find((f) => f.ruleId === 'probe-timeout-short' && f.rendered?.from === 'k8s/overlays/slow')?.overlays).toBeNull();

    const stylish = formatStylish(report, { color: false });
    expect(stylish).toContain('Deployment api › container api (in overlays k8s/overlays/dev, k8s/overlays/prod, k8s/overlays/slow)');
    expect(stylish).toContain('› readiness probe (in overlays k8s/overlays/dev, k8s/overlays/prod)');

    const sarif = JSON.parse(formatSarif(report, { rules: RULES, root: cwd })) as { runs: { results: { ruleId: string; properties?: { overlays?: string[] } }[] }[] };
    const results = sarif.runs[0]!.results;
    expect(results.length).toBe(result.findings.length);
    expect(results.find((r) => r.ruleId === 'prestop-hook-missing')?.properties?.overlays).toEqual(['k8s/overlays/dev', 'k8s/overlays/prod', 'k8s/overlays/slow']);

    expect(formatGithub(report)).toMatch(/^::warning file=k8s\/base\/deployment\.yaml,line=\d+,.*\(in overlays k8s\/overlays\/dev, k8s\/overlays\/prod, k8s\/overlays\/slow\)$/m);
  }, 60_000);
});

describe('merging overlay findings', () => {
  /** A finding of the overlay `dir`'s render, located at line 7 of the base. */
  function rendered(dir: string, severity: Severity, line: number | null = 7, message = 'readiness probe times out'): Finding {
    const file = { path: dir, absPath: null, text: '', bom: false, rendered: { tool: 'kustomize', command: 'kubectl kustomize', dir: `/repo/${dir}`, entry: `/repo/${dir}/kustomization.yaml`, reads: [], variant: dir } };
    return {
      ruleId: 'probe-timeout-short',
      severity,
      message,
      file,
      span: { start: 0, end: 1 },
      object: null,
      owner: null,
      container: 'api',
      probe: 'readiness',
      source: { file: 'base/deployment.yaml', absPath: '/repo/base/deployment.yaml', line, values: null },
      fix: null,
      proposed: null,
    };
  }

  it('keeps the highest severity of the merged findings, and the first finding in its place', () => {
    const findings = [rendered('overlays/b', 'info'), rendered('overlays/a', 'error'), rendered('overlays/c', 'warning')];
    const merged = mergeRenders(findings, findings.map((f) => f.file));
    expect(merged.length).toBe(1);
    expect(merged[0]).toMatchObject({ severity: 'error', variants: { field: 'overlays', names: ['overlays/a', 'overlays/b', 'overlays/c'], missing: [] }, file: findings[0]!.file });
  });

  it('merges overlays of one line whatever their fixes, carrying the fix those with one agree on, and none when they disagree', () => {
    const target = { path: 'base/deployment.yaml', absPath: '/repo/base/deployment.yaml', text: 'timeoutSeconds: 1\n', bom: false };
    const fix = { description: 'set timeoutSeconds to 5', safe: true, edits: [{ offset: 16, length: 1, text: '5' }], changes: [], target };
    const withFix = (dir: string, f = fix): Finding => ({ ...rendered(dir, 'warning'), fix: f });
    const findings = [withFix('overlays/a'), rendered('overlays/b', 'warning'), withFix('overlays/c'), rendered('overlays/d', 'warning')];
    const merged = mergeRenders(findings, findings.map((f) => f.file));
    expect(merged.map((f) => [f.variants?.names, f.fix?.edits ?? null])).toEqual([[['overlays/a', 'overlays/b', 'overlays/c', 'overlays/d'], fix.edits]]);
    const other = { ...fix, edits: [{ offset: 16, length: 1, text: '9' }] };
    const disagreeing = [withFix('overlays/a'), withFix('overlays/b', other)];
    expect(mergeRenders(disagreeing, disagreeing.map((f) => f.file)).map((f) => [f.variants?.names, f.fix])).toEqual([[['overlays/a', 'overlays/b'], null]]);
  });

  it('does not merge two objects of one overlay that land on the same base line, nor objects of other kinds or containers', () => {
    const twice = [rendered('overlays/a', 'warning'), rendered('overlays/a', 'warning'), rendered('overlays/b', 'warning'), rendered('overlays/b', 'warning')];
    expect(mergeRenders(twice, twice.map((f) => f.file)).length).toBe(4);
    const other = [rendered('overlays/a', 'warning'), { ...rendered('overlays/b', 'warning'), container: 'sidecar' }];
    expect(mergeRenders(other, other.map((f) => f.file)).length).toBe(2);
  });

  it('leaves findings without a source line, of other messages, and of other inputs apart', () => {
    const plainFile = { ...rendered('overlays/a', 'warning'), file: { path: 'a.yaml', absPath: '/repo/a.yaml', text: '', bom: false } };
    const findings = [
      rendered('overlays/a', 'warning', null),
      rendered('overlays/b', 'warning', null),
      rendered('overlays/a', 'warning', 7, 'other'),
      rendered('overlays/b', 'warning', 7, 'another'),
      plainFile,
      { ...plainFile },
    ];
    const merged = mergeRenders(findings, findings.map((f) => f.file));
    expect(merged.length).toBe(findings.length);
    expect(merged.filter((f) => f.variants).length).toBe(0);
  });
});

const BUNDLE = `---
# Source: mychart/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
---
# Source: mychart/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: example/web:1
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /ready
              port: http
            timeoutSeconds: 1
`;

const TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: "{{ .Values.image }}"
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /ready
              port: http
            timeoutSeconds: 1
`;

describe('a committed helm template bundle', () => {
  it('is an ordinary file when its chart cannot be found: located in itself, with fixes that --fix applies', async () => {
    const cwd = tempTree({ 'deploy/bundle.yaml': BUNDLE });
    const result = await run({ paths: ['deploy/bundle.yaml'], cwd });
    const timeout = result.findings.find((f) => f.ruleId === 'probe-timeout-short');
    expect(result.findings.length).toBeGreaterThan(0);
    for (const f of result.findings) {
      expect(f.file.path).toBe('deploy/bundle.yaml');
      expect(f.source).toBeNull();
      expect(f.owner?.document.generatedFrom).toBeNull();
    }
    expect(timeout?.fix?.safe).toBe(true);
    const line = toReport(result, '0.0.0').findings.find((f) => f.finding === timeout)?.line;
    expect(line).toBe(BUNDLE.split('\n').indexOf('            timeoutSeconds: 1') + 1);

    const outcome = await fixAll({ paths: ['deploy/bundle.yaml'], cwd }, false);
    expect(outcome.refused).toEqual([]);
    expect(outcome.files.map((f) => f.path)).toEqual(['deploy/bundle.yaml']);
    expect(outcome.files[0]!.after).toContain('            timeoutSeconds: 5\n');
    // The `# Source:` comments are the bundle's own: kept as written.
    expect(outcome.files[0]!.after).toContain('# Source: mychart/templates/deployment.yaml\n');
    expect(outcome.result.findings.filter((f) => f.ruleId === 'probe-timeout-short')).toEqual([]);
  });

  it('points at the template, without fixes, when the chart it names is next to it', async () => {
    const cwd = tempTree({
      'bundle.yaml': BUNDLE,
      'mychart/Chart.yaml': 'apiVersion: v2\nname: mychart\nversion: 0.1.0\n',
      'mychart/values.yaml': 'image: example/web:1\n',
      'mychart/templates/deployment.yaml': TEMPLATE,
    });
    const result = await run({ paths: ['bundle.yaml'], cwd });
    const timeout = result.findings.find((f) => f.ruleId === 'probe-timeout-short');
    expect(timeout?.owner?.document.generatedFrom).toBe('mychart/templates/deployment.yaml');
    expect(timeout?.source).toMatchObject({ file: 'mychart/templates/deployment.yaml', line: TEMPLATE.split('\n').indexOf('            timeoutSeconds: 1') + 1 });
    // Shown as a change in the chart, never as an edit of the bundle.
    expect(timeout?.fix?.target?.path).toBe('mychart/templates/deployment.yaml');
    expect(result.findings.filter((f) => f.fix && !f.fix.target)).toEqual([]);
    const outcome = await fixAll({ paths: ['bundle.yaml'], cwd }, true);
    expect(outcome.files).toEqual([]);
  });

  it('keeps the template as the comment writes it on stdin', async () => {
    const cwd = tempTree({});
    const result = await run({ paths: ['-'], cwd, readStdin: async () => BUNDLE });
    const timeout = result.findings.find((f) => f.ruleId === 'probe-timeout-short');
    expect(timeout?.source).toEqual({ file: 'mychart/templates/deployment.yaml', absPath: null, line: null, values: null });
    expect(timeout?.fix).toBeNull();
  });
});
