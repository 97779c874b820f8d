// Helm charts and Kustomize overlays rendered with the real tools
// (scripts/fetch-tools.sh puts them in .tools/bin), and the same inputs without them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, cli, tempDir, tempTree, withoutTools, TOOLS, HAS_HELM, HAS_KUBECTL } from './helpers.js';

const hasTools = HAS_HELM && HAS_KUBECTL;
const hasCorpus = fs.existsSync(CORPUS);
if (!hasTools) console.warn('skipping rendering tests: run scripts/fetch-tools.sh to get helm and kubectl into .tools/bin');

const helmHome = tempDir();
const withTools = {
  PATH: `${TOOLS}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}/usr/bin:/bin`,
  HELM_CACHE_HOME: path.join(helmHome, 'cache'),
  HELM_CONFIG_HOME: path.join(helmHome, 'config'),
  HELM_DATA_HOME: path.join(helmHome, 'data'),
};
const bare = withoutTools();

interface Finding {
  ruleId: string;
  severity: string;
  file: string;
  line: number;
  container: string | null;
  probe: string | null;
  overlays?: string[] | null;
  rendered: { from: string; line: number } | null;
  source: { file: string; line: number | null; values?: { file: string; key: string; line: number } } | null;
}

function lintJson(args: string[], env: Record<string, string>, cwd = path.dirname(CORPUS), input?: string): { findings: Finding[]; notices: { file: string; message: string }[]; status: number | null } {
  const result = cli(['-f', 'json', ...args], { cwd, env, input });
  const report = JSON.parse(result.stdout);
  return { findings: report.findings, notices: report.notices, status: result.status };
}

const charts = hasCorpus ? fs.readdirSync(path.join(CORPUS, 'helm')).sort() : [];

describe.skipIf(!hasTools || !hasCorpus)('Helm charts rendered with helm template', () => {
  for (const chart of charts) {
    it(`${chart}: every finding names a template of the chart, at a line inside its container block`, () => {
      const { findings, notices } = lintJson([`corpus/helm/${chart}`], withTools);
      expect(notices).toEqual([]);
      // Every chart of the corpus has findings: none would mean the chart was not linted at all.
      expect(findings.length).toBeGreaterThan(0);
      const chartDir = `corpus/helm/${chart}/`;
      let withLine = 0;
      let withValues = 0;
      for (const f of findings) {
        // SPEC §5: the place people edit, with the rendered stream beside it.
        expect(f.rendered?.from).toBe(`corpus/helm/${chart}`);
        expect([f.file, f.line]).toEqual([f.source?.file, f.source?.line]);
        expect(f.source, `${f.ruleId} ${f.container}`).not.toBeNull();
        expect(f.source!.file.startsWith(`${chartDir}templates/`), f.source!.file).toBe(true);
        const template = path.join(path.dirname(CORPUS), f.source!.file);
        expect(fs.existsSync(template), template).toBe(true);
        expect(f.source!.line, `${f.ruleId} ${f.container} in ${f.source!.file}`).not.toBeNull();
        withLine++;
        const lines = fs.readFileSync(template, 'utf8').split('\n');
        expect(f.source!.line!).toBeLessThanOrEqual(lines.length);
        if (f.container) {
          // Inside a container block: below a `containers:` (or initContainers:) line of the same file.
          const above = lines.slice(0, f.source!.line!);
          expect(above.some((l) => /^\s*(-\s+)?(init)?[cC]ontainers:/.test(l)), `${f.ruleId} at ${f.source!.file}:${f.source!.line}`).toBe(true);
        }
        if (f.source!.values) {
          withValues++;
          expect(fs.existsSync(path.join(path.dirname(CORPUS), f.source!.values.file))).toBe(true);
        }
      }
      console.log(`${chart}: ${findings.length} findings, ${withLine} with a template line, ${withValues} with a values key`);
    }, 60_000);
  }

  it('names the values key of values-driven probes', () => {
    const { findings } = lintJson(['corpus/helm/ingress-nginx'], withTools);
    const timeout = findings.find((f) => f.ruleId === 'probe-timeout-short' && f.probe === 'readiness')!;
    expect(timeout.source).toEqual({
      file: 'corpus/helm/ingress-nginx/templates/controller-deployment.yaml',
      line: expect.any(Number),
      values: { file: 'corpus/helm/ingress-nginx/values.yaml', key: 'controller.readinessProbe.timeoutSeconds', line: expect.any(Number) },
    });
    const template = fs.readFileSync(path.join(CORPUS, 'helm/ingress-nginx/templates/controller-deployment.yaml'), 'utf8').split('\n');
    expect(template[timeout.source!.line! - 1]).toContain('readinessProbe: {{ toYaml .Values.controller.readinessProbe');
    const values = fs.readFileSync(path.join(CORPUS, 'helm/ingress-nginx/values.yaml'), 'utf8').split('\n');
    expect(values[timeout.source!.values!.line - 1]!.trim()).toMatch(/^timeoutSeconds: \d+/);
  });

  it('shows numeric fixes as changes to the values file, and --fix leaves the chart alone', () => {
    const chart = path.join(tempDir(), 'ingress-nginx');
    fs.cpSync(path.join(CORPUS, 'helm', 'ingress-nginx'), chart, { recursive: true });
    const before = fs.readFileSync(path.join(chart, 'values.yaml'), 'utf8');
    const result = cli(['-f', 'json', 'ingress-nginx'], { cwd: path.dirname(chart), env: withTools });
    const timeout = JSON.parse(result.stdout).findings.find((f: any) => f.ruleId === 'probe-timeout-short' && f.probe === 'readiness');
    expect(timeout.fix.description).toBe('set timeoutSeconds to 5 at controller.readinessProbe.timeoutSeconds in ingress-nginx/values.yaml');
    const [edit] = timeout.fix.edits;
    expect(edit.file).toBe('ingress-nginx/values.yaml');
    expect(before.slice(edit.offset, edit.offset + edit.length)).toBe('1');
    expect(before.slice(0, edit.offset).split('\n').length).toBe(timeout.source.values.line);
    cli(['--fix', '--unsafe-fixes', 'ingress-nginx'], { cwd: path.dirname(chart), env: withTools });
    expect(fs.readFileSync(path.join(chart, 'values.yaml'), 'utf8')).toBe(before);
  });

  it('adds a missing number to the values map that holds the probe', () => {
    const { findings } = lintJson(['corpus/helm/grafana'], withTools);
    const readiness = findings.find((f: any) => f.ruleId === 'probe-timeout-short' && f.container === 'grafana') as any;
    expect(readiness.fix.description).toBe('set timeoutSeconds to 5 at readinessProbe.timeoutSeconds in corpus/helm/grafana/values.yaml');
    const values = fs.readFileSync(path.join(CORPUS, 'helm', 'grafana', 'values.yaml'), 'utf8');
    const [edit] = readiness.fix.edits;
    const after = values.slice(0, edit.offset) + edit.text + values.slice(edit.offset + edit.length);
    expect(after).toContain('readinessProbe:\n  httpGet:\n    path: /api/health\n    port: grafana\n  timeoutSeconds: 5\n');
  });

  it('follows include into helpers', () => {
    const { findings } = lintJson(['corpus/helm/grafana'], withTools);
    const same = findings.find((f) => f.ruleId === 'liveness-equals-readiness' && f.container === 'grafana')!;
    expect(same.source!.file).toBe('corpus/helm/grafana/templates/_pod.tpl');
    const lines = fs.readFileSync(path.join(CORPUS, 'helm/grafana/templates/_pod.tpl'), 'utf8').split('\n');
    expect(lines[same.source!.line! - 1]!.trim()).toBe('livenessProbe:');
  });

  it('renders with --helm-values, which then hold the values key', () => {
    const values = path.join(tempDir(), 'prod.yaml');
    fs.writeFileSync(values, 'controller:\n  readinessProbe:\n    timeoutSeconds: 5\n  livenessProbe:\n    failureThreshold: 2\n');
    const { findings } = lintJson(['corpus/helm/ingress-nginx', '--helm-values', values], withTools);
    expect(findings.filter((f) => f.ruleId === 'probe-timeout-short' && f.probe === 'readiness')).toEqual([]);
    const window = findings.find((f) => f.ruleId === 'probe-failure-window-short' && f.probe === 'liveness')!;
    expect(window.source!.values).toMatchObject({ key: 'controller.livenessProbe.failureThreshold', line: 5 });
  });

  it('renders a chart once when several of its files are named, as pre-commit does', () => {
    const named = lintJson(['corpus/helm/podinfo/templates/deployment.yaml', 'corpus/helm/podinfo/templates/service.yaml', 'corpus/helm/podinfo/values.yaml'], withTools);
    const whole = lintJson(['corpus/helm/podinfo'], withTools);
    expect(whole.findings.length).toBeGreaterThan(0);
    expect(named.findings).toEqual(whole.findings);
  });

  it('maps rendered output read from stdin back to the chart when it is found, and names the template otherwise', () => {
    const rendered = execFileSync(path.join(TOOLS, 'helm'), ['template', 'release', path.join(CORPUS, 'helm', 'prometheus-node-exporter')], { env: { ...process.env, ...withTools }, encoding: 'utf8' });
    const found = lintJson(['-'], withTools, path.join(CORPUS, 'helm'), rendered);
    expect(found.findings.length).toBeGreaterThan(0);
    for (const f of found.findings) {
      expect(f.file).toBe('<stdin>');
      expect(f.source!.file).toBe('prometheus-node-exporter/templates/daemonset.yaml');
      expect(f.source!.line).toBeGreaterThan(1);
    }
    const elsewhere = lintJson(['-'], withTools, tempDir(), rendered);
    expect(elsewhere.findings.length).toBe(found.findings.length);
    for (const f of elsewhere.findings) expect(f.source).toEqual({ file: 'prometheus-node-exporter/templates/daemonset.yaml', line: null });
  });

  it('gives every SARIF result of rendered output a file of the repository, never a directory', () => {
    const sarif = JSON.parse(cli(['-f', 'sarif', 'corpus/helm', 'corpus/kustomize'], { cwd: path.dirname(CORPUS), env: withTools }).stdout);
    // URIs are relative to the repository's top, or the working directory outside a repository.
    let top = path.dirname(CORPUS);
    try {
      top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: top, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      // not a repository
    }
    const results = sarif.runs[0].results;
    expect(results.length).toBeGreaterThan(100);
    for (const result of results) {
      const uri: string = result.locations[0].physicalLocation.artifactLocation.uri;
      expect(fs.statSync(path.join(top, uri)).isFile(), uri).toBe(true);
    }
  });

  it('puts the template first in SARIF and in GitHub annotations', () => {
    const sarif = JSON.parse(cli(['-f', 'sarif', 'corpus/helm/prometheus-node-exporter'], { cwd: path.dirname(CORPUS), env: withTools }).stdout);
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
    for (const result of sarif.runs[0].results) {
      const uri: string = result.locations[0].physicalLocation.artifactLocation.uri;
      expect(uri.endsWith('corpus/helm/prometheus-node-exporter/templates/daemonset.yaml'), uri).toBe(true);
    }
    const github = cli(['-f', 'github', 'corpus/helm/prometheus-node-exporter'], { cwd: path.dirname(CORPUS), env: withTools }).stdout;
    expect(github).toMatch(/^::warning file=corpus\/helm\/prometheus-node-exporter\/templates\/daemonset\.yaml,line=\d+,/m);
  });
});

describe.skipIf(!hasTools || !hasCorpus)('Kustomize overlays rendered with kubectl kustomize', () => {
  it('lints each overlay once and its bases not again on their own', () => {
    const { findings, notices } = lintJson(['corpus/kustomize/podinfo'], withTools);
    expect(notices).toEqual([]);
    // A finding that several overlays share is reported once, naming them all.
    const overlays = new Set(findings.flatMap((f) => f.overlays ?? [f.rendered?.from ?? f.file]));
    expect(overlays).toContain('corpus/kustomize/podinfo/overlays/production');
    expect([...overlays].filter((f) => f.includes('/bases/'))).toEqual([]);
    expect(findings.filter((f) => (f.overlays ?? [f.rendered?.from ?? f.file]).includes('corpus/kustomize/podinfo/overlays/production')).length).toBeGreaterThan(0);
    expect(findings.some((f) => (f.overlays?.length ?? 0) > 1)).toBe(true);
  });

  it('points findings on an overlay at the resource file and line that define them', () => {
    const { findings } = lintJson(['corpus/kustomize/podinfo/overlays/production'], withTools);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f.source!.file.startsWith('corpus/kustomize/podinfo/bases/'), f.source!.file).toBe(true);
      const line = fs.readFileSync(path.join(path.dirname(CORPUS), f.source!.file), 'utf8').split('\n')[f.source!.line! - 1]!;
      if (f.ruleId === 'prestop-hook-missing') expect(line.trim()).toBe(`- name: ${f.container}`);
    }
  });

  it('never lints patches as objects, and renders components only through their overlays', () => {
    const { findings, notices } = lintJson(['corpus/kustomize/online-boutique'], withTools);
    expect(findings.length).toBeGreaterThan(0);
    expect(notices.filter((n) => n.file.includes('/components/'))).toEqual([]);
    expect(findings.filter((f) => f.file.includes('/components/') && f.file.endsWith('.yaml') && /patch/i.test(f.file))).toEqual([]);
  });
});

describe.skipIf(!hasCorpus)('without helm and kubectl', () => {
  it('reports each chart and overlay as render-failed, with one notice each, and lints everything else', () => {
    const { findings, notices } = lintJson(['corpus/helm', 'corpus/kustomize/podinfo'], bare);
    const overlays = ['corpus/kustomize/podinfo/overlays/dev', 'corpus/kustomize/podinfo/overlays/production', 'corpus/kustomize/podinfo/overlays/staging'];
    const helmNotices = notices.filter((n) => n.message.includes('helm is not on PATH'));
    expect(helmNotices.map((n) => n.file).sort()).toEqual(charts.map((c) => `corpus/helm/${c}`));
    const kustomizeNotices = notices.filter((n) => n.message.includes('kubectl is not on PATH'));
    expect(kustomizeNotices.map((n) => n.file).sort()).toEqual(overlays);
    const failed = findings.filter((f) => f.ruleId === 'render-failed');
    expect(failed.map((f) => f.file).sort()).toEqual([...charts.map((c) => `corpus/helm/${c}/Chart.yaml`), ...overlays.map((o) => `${o}/kustomization.yaml`)].sort());
    expect(failed.every((f) => f.severity === 'warning')).toBe(true);
    // Everything else: base resources as they are, and the pre-rendered file.
    expect(findings.some((f) => f.file.startsWith('corpus/kustomize/podinfo/bases/'))).toBe(true);
    expect(findings.some((f) => f.file === 'corpus/kustomize/podinfo/rendered.yaml')).toBe(true);
    expect(findings.filter((f) => f.file.startsWith('corpus/helm/') && f.ruleId !== 'render-failed')).toEqual([]);
  });

  it('skips patches even when it cannot render', () => {
    const root = tempTree({
      'base/kustomization.yaml': 'resources: [deployment.yaml]\n',
      'base/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n          ports: [{containerPort: 80}]\n',
      'prod/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: replicas.yaml\n',
      'prod/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: api\n          ports: [{containerPort: 8080}]\n',
    });
    const { findings, notices } = lintJson(['.'], bare, root);
    expect(notices.map((n) => n.file)).toEqual(['prod']);
    expect([...new Set(findings.map((f) => f.file))].sort()).toEqual(['base/deployment.yaml', 'prod/kustomization.yaml']);
  });
});
