// Issue 12: from a finding on rendered Helm output back to the template line
// and values key people edit, with the fix expressed there. The unit tests
// read each fixture chart's stored rendering (`<chart>.rendered`, what
// `helm template rel <chart>` prints; a test below holds it to the real helm),
// find the rendered node a rule would report on, and build the fix a rule
// would propose with the edit module; helmHome must carry both home.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits, setValue } from '../src/edit.js';
import { helmHome, type ChartContext } from '../src/renderers/helm-source.js';
import { parseFile } from '../src/parse.js';
import { proposeFix, type ProposedFix } from '../src/rule.js';
import type { SourceFile } from '../src/source.js';
import { asMap, asSeq, child, entry, keyPathAt, stringOf, type TreeNode } from '../src/tree.js';
import { FIXTURES, HAS_HELM, REPO, TOOLS, cli, tempDir } from './helpers.js';

const CHARTS = path.join(FIXTURES, 'charts');
const withHelm = { PATH: `${TOOLS}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}/usr/bin:/bin` };

function chartOf(name: string, extraValues: string[] = []): ChartContext {
  const dir = path.join(CHARTS, name);
  return { dir, valuesFiles: [path.join(dir, 'values.yaml'), ...extraValues] };
}

/** The stored rendering of a chart, parsed as probe-lint parses rendered output. */
function rendered(chart: string): { file: SourceFile; docs: { template: string; root: TreeNode }[] } {
  const text = fs.readFileSync(path.join(CHARTS, `${chart}.rendered`), 'utf8');
  const file: SourceFile = { path: `${chart}.rendered`, absPath: null, text, bom: false };
  const docs = parseFile(file, true).documents.flatMap((d) => {
    const template = /^# Source: [^/]+\/(\S+)$/m.exec(text.slice(d.span.start, d.span.end))?.[1];
    return d.root && template ? [{ template, root: d.root }] : [];
  });
  return { file, docs };
}

/** A node of the rendered Deployment: keys, and container names for the containers list. */
function at(root: TreeNode, ...keys: string[]): { node: TreeNode; keyStart: number } {
  let node: TreeNode | null | undefined = root;
  let keyStart = root.span.start;
  for (const key of keys) {
    const seq = asSeq(node);
    if (seq) {
      node = seq.items.find((item) => stringOf(child(asMap(item), 'name')) === key);
      keyStart = entry(asMap(node), 'name')!.keySpan.start;
      continue;
    }
    const e = entry(asMap(node), key);
    if (!e) throw new Error(`no ${key} in ${keys.join('.')}`);
    keyStart = e.keySpan.start;
    node = e.value;
  }
  return { node: node!, keyStart };
}

const CONTAINERS = ['spec', 'template', 'spec', 'containers'];

interface Case {
  chart: string;
  /** The path of the finding's key in the Deployment, container names for list items. */
  finding: string[];
  /** The map the proposed fix changes, its key and value (a fix as a rule builds it on the rendered file). */
  fix?: { map: string[]; key: string; value: string; description?: string };
  values?: string[];
}

function home(c: Case) {
  const { file, docs } = rendered(c.chart);
  const deployment = docs.find((d) => d.template === 'templates/deployment.yaml')!;
  const steps = keyPathAt(deployment.root, at(deployment.root, ...c.finding).keyStart);
  let proposed: ProposedFix | null = null;
  if (c.fix) {
    const map = asMap(at(deployment.root, ...c.fix.map).node)!;
    proposed = proposeFix(c.fix.description ?? `set ${c.fix.key} to ${c.fix.value}`, setValue(file, map, c.fix.key, c.fix.value), true);
    expect(proposed).not.toBeNull();
  }
  return helmHome({ chart: chartOf(c.chart, c.values), template: 'templates/deployment.yaml', steps, rendered: deployment.root, proposed, cwd: REPO });
}

/** The 1-based line of a file that is exactly `text` (trimmed), which must be unique. */
function lineOf(file: string, text: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const found = lines.flatMap((l, i) => (l.trim() === text ? [i + 1] : []));
  expect(found, `${text} in ${file}`).toHaveLength(1);
  return found[0]!;
}

/** The fix applied to its target file's text. */
function applied(fix: { edits: { offset: number; length: number; text: string }[]; target?: SourceFile }): string {
  return applyEdits(fix.target!.text, fix.edits);
}

const rel = (abs: string): string => path.relative(REPO, abs).split(path.sep).join('/');

describe('helmHome: a pod template written in an included helper', () => {
  const chart = path.join(CHARTS, 'helper-podtemplate');
  const podTemplate = path.join(chart, 'templates', '_podtemplate.tpl');
  const sidecar = path.join(chart, 'templates', 'helpers', '_sidecar.tpl');
  const values = path.join(chart, 'values.yaml');

  it('puts a probe rendered from toYaml in the helper at its key line there, with a values fix adding the number to the values map', () => {
    const got = home({ chart: 'helper-podtemplate', finding: [...CONTAINERS, 'app', 'readinessProbe'], fix: { map: [...CONTAINERS, 'app', 'readinessProbe'], key: 'timeoutSeconds', value: '5' } })!;
    expect(got.source).toEqual({
      file: rel(podTemplate),
      absPath: podTemplate,
      line: lineOf(podTemplate, 'readinessProbe:'),
      columns: { column: 7, endColumn: 22 },
      values: { file: rel(values), key: 'probes.readiness', line: lineOf(values, 'readiness:') },
    });
    expect(got.fix).toMatchObject({ description: `set timeoutSeconds to 5 at probes.readiness.timeoutSeconds in ${rel(values)}`, safe: true, shownOnly: true, changes: [] });
    expect(got.fix!.target!.path).toBe(rel(values));
    expect(applied(got.fix!)).toBe(fs.readFileSync(values, 'utf8').replace('    periodSeconds: 5\n', '    periodSeconds: 5\n    timeoutSeconds: 5\n'));
  });

  it('sets a number the helper takes from `{{ .Values.x }}` in the values file', () => {
    const got = home({ chart: 'helper-podtemplate', finding: [...CONTAINERS, 'app', 'livenessProbe', 'timeoutSeconds'], fix: { map: [...CONTAINERS, 'app', 'livenessProbe'], key: 'timeoutSeconds', value: '5' } })!;
    expect(got.source.line).toBe(lineOf(podTemplate, 'timeoutSeconds: {{ .Values.liveness.timeoutSeconds }}'));
    expect(got.source.values).toEqual({ file: rel(values), key: 'liveness.timeoutSeconds', line: lineOf(values, 'timeoutSeconds: 1') });
    expect(got.fix!.description).toBe(`set timeoutSeconds to 5 at liveness.timeoutSeconds in ${rel(values)}`);
    expect(applied(got.fix!)).toBe(fs.readFileSync(values, 'utf8').replace('timeoutSeconds: 1', 'timeoutSeconds: 5'));
  });

  it('finds a container included with a dict from a helper in a subdirectory by its name, and fixes the number written there', () => {
    const got = home({ chart: 'helper-podtemplate', finding: [...CONTAINERS, 'proxy', 'readinessProbe', 'timeoutSeconds'], fix: { map: [...CONTAINERS, 'proxy', 'readinessProbe'], key: 'timeoutSeconds', value: '5' } })!;
    expect(got.source).toMatchObject({ file: rel(sidecar), line: lineOf(sidecar, 'timeoutSeconds: 1'), values: null });
    expect(got.fix).toMatchObject({ description: `set timeoutSeconds to 5 in ${rel(sidecar)}`, shownOnly: true });
    expect(got.fix!.target).toMatchObject({ path: rel(sidecar), absPath: sidecar });
    expect(got.fix!.edits).toHaveLength(1);
    expect(applied(got.fix!)).toBe(fs.readFileSync(sidecar, 'utf8').replace('timeoutSeconds: 1', 'timeoutSeconds: 5'));
  });

  it('adds a missing number to a probe written literally in the helper', () => {
    const got = home({ chart: 'helper-podtemplate', finding: [...CONTAINERS, 'proxy', 'livenessProbe'], fix: { map: [...CONTAINERS, 'proxy', 'livenessProbe'], key: 'timeoutSeconds', value: '5' } })!;
    expect(got.source).toMatchObject({ file: rel(sidecar), line: lineOf(sidecar, 'livenessProbe:') });
    const text = fs.readFileSync(sidecar, 'utf8');
    expect(applied(got.fix!)).toBe(text.replace('      path: /server_info\n      port: admin\n    periodSeconds: 10\n', '      path: /server_info\n      port: admin\n    periodSeconds: 10\n    timeoutSeconds: 5\n'));
  });

  it('points a finding on a container at its name line in the helper that writes it, not at another container', () => {
    expect(home({ chart: 'helper-podtemplate', finding: [...CONTAINERS, 'proxy', 'name'] })!.source).toMatchObject({ file: rel(sidecar), line: lineOf(sidecar, '- name: proxy') });
    expect(home({ chart: 'helper-podtemplate', finding: [...CONTAINERS, 'app', 'name'] })!.source).toMatchObject({ file: rel(podTemplate), line: lineOf(podTemplate, '- name: app') });
  });

  it('follows `template` into a helper written at the indentation it lands at', () => {
    const helpers = path.join(chart, 'templates', '_helpers.tpl');
    const got = home({ chart: 'helper-podtemplate', finding: [...CONTAINERS, 'app', 'lifecycle', 'preStop'] })!;
    expect(got.source).toMatchObject({ file: rel(helpers), line: lineOf(helpers, 'preStop:') });
  });

  it('carries no fix over when the map it changes is not the one the finding leads to', () => {
    // As termination-grace-too-short does: the finding on a container's preStop, the fix on the pod spec.
    const got = home({ chart: 'helper-podtemplate', finding: [...CONTAINERS, 'proxy', 'lifecycle', 'preStop'], fix: { map: ['spec', 'template', 'spec'], key: 'terminationGracePeriodSeconds', value: '15' } })!;
    expect(got.source).toMatchObject({ file: rel(sidecar), line: lineOf(sidecar, 'preStop:') });
    expect(got.fix).toBeNull();
  });

  it('carries over only fixes that set one number', () => {
    const got = home({ chart: 'helper-podtemplate', finding: [...CONTAINERS, 'app', 'livenessProbe', 'timeoutSeconds'], fix: { map: [...CONTAINERS, 'app', 'livenessProbe'], key: 'scheme', value: 'HTTPS' } })!;
    expect(got.source.values?.key).toBe('liveness.timeoutSeconds');
    expect(got.fix).toBeNull();
  });
});

describe('helmHome: probes written in values and rendered with toYaml', () => {
  const chart = path.join(CHARTS, 'toyaml-probes');
  const deployment = path.join(chart, 'templates', 'deployment.yaml');
  const values = path.join(chart, 'values.yaml');
  const valuesText = fs.readFileSync(values, 'utf8');

  it('maps a field inside a toYaml block to the values key inside it, and sets it there', () => {
    const got = home({ chart: 'toyaml-probes', finding: [...CONTAINERS, 'api', 'livenessProbe', 'timeoutSeconds'], fix: { map: [...CONTAINERS, 'api', 'livenessProbe'], key: 'timeoutSeconds', value: '5' } })!;
    expect(got.source).toMatchObject({ file: rel(deployment), line: lineOf(deployment, 'livenessProbe:') });
    expect(got.source.values).toEqual({ file: rel(values), key: 'livenessProbe.timeoutSeconds', line: lineOf(values, 'timeoutSeconds: 1 # too short under load') });
    // The number changes; the comment after it stays.
    expect(applied(got.fix!)).toBe(valuesText.replace('timeoutSeconds: 1 # too short', 'timeoutSeconds: 5 # too short'));
  });

  it('adds a key values.yaml lacks to the map toYaml renders, for a finding on the probe key written on the same line', () => {
    const got = home({ chart: 'toyaml-probes', finding: [...CONTAINERS, 'api', 'readinessProbe'], fix: { map: [...CONTAINERS, 'api', 'readinessProbe'], key: 'timeoutSeconds', value: '5' } })!;
    expect(got.source).toMatchObject({ file: rel(deployment), line: lineOf(deployment, 'readinessProbe: {{- toYaml .Values.readinessProbe | nindent 12 }}') });
    expect(got.source.values).toEqual({ file: rel(values), key: 'readinessProbe', line: lineOf(values, 'readinessProbe:') });
    expect(got.fix!.description).toBe(`set timeoutSeconds to 5 at readinessProbe.timeoutSeconds in ${rel(values)}`);
    expect(applied(got.fix!)).toBe(valuesText.replace('  failureThreshold: 3\n', '  failureThreshold: 3\n  timeoutSeconds: 5\n'));
  });

  it('sets a sibling of the field the finding is on', () => {
    const got = home({ chart: 'toyaml-probes', finding: [...CONTAINERS, 'api', 'livenessProbe', 'periodSeconds'], fix: { map: [...CONTAINERS, 'api', 'livenessProbe'], key: 'failureThreshold', value: '3' } })!;
    expect(got.source.values?.key).toBe('livenessProbe.periodSeconds');
    expect(got.fix!.description).toBe(`set failureThreshold to 3 at livenessProbe.failureThreshold in ${rel(values)}`);
    expect(applied(got.fix!)).toBe(valuesText.replace('failureThreshold: 1', 'failureThreshold: 3'));
  });

  it('reads `{{ .x }}` inside `{{- with .Values.x }}` as that values key, and sets it whatever its name', () => {
    const got = home({ chart: 'toyaml-probes', finding: [...CONTAINERS, 'worker', 'readinessProbe', 'timeoutSeconds'], fix: { map: [...CONTAINERS, 'worker', 'readinessProbe'], key: 'timeoutSeconds', value: '5' } })!;
    expect(got.source).toMatchObject({ file: rel(deployment), line: lineOf(deployment, 'timeoutSeconds: {{ .timeout }}') });
    expect(got.source.values).toEqual({ file: rel(values), key: 'worker.probe.timeout', line: lineOf(values, 'timeout: 2') });
    expect(got.fix!.description).toBe(`set timeoutSeconds to 5 at worker.probe.timeout in ${rel(values)}`);
    expect(applied(got.fix!)).toBe(valuesText.replace('timeout: 2', 'timeout: 5'));
  });

  it('edits the last values file that sets the key, as helm reads them', () => {
    const prod = path.join(tempDir(), 'prod.yaml');
    // The value the stored rendering shows: helm with this file renders the same.
    fs.writeFileSync(prod, 'livenessProbe:\n  timeoutSeconds: 1\n');
    const got = home({ chart: 'toyaml-probes', values: [prod], finding: [...CONTAINERS, 'api', 'livenessProbe', 'timeoutSeconds'], fix: { map: [...CONTAINERS, 'api', 'livenessProbe'], key: 'timeoutSeconds', value: '5' } })!;
    expect(got.source.values).toEqual({ file: rel(prod), key: 'livenessProbe.timeoutSeconds', line: 2 });
    expect(got.fix!.target!.path).toBe(rel(prod));
    expect(applied(got.fix!)).toBe('livenessProbe:\n  timeoutSeconds: 5\n');
  });

  it('names no values key and builds no fix when the values file holds another value than the one rendered', () => {
    // helm did not render this file's 2 (the stored rendering shows 1): the key is not where the number came from.
    const prod = path.join(tempDir(), 'prod.yaml');
    fs.writeFileSync(prod, 'livenessProbe:\n  timeoutSeconds: 2\n');
    const got = home({ chart: 'toyaml-probes', values: [prod], finding: [...CONTAINERS, 'api', 'livenessProbe', 'timeoutSeconds'], fix: { map: [...CONTAINERS, 'api', 'livenessProbe'], key: 'timeoutSeconds', value: '5' } })!;
    expect(got.source).toMatchObject({ file: rel(deployment), line: lineOf(deployment, 'livenessProbe:'), values: null });
    expect(got.fix).toBeNull();
  });
});

describe('helmHome: a container written inside an `if` before the rendered one', () => {
  const chart = path.join(CHARTS, 'conditional-container');
  const deployment = path.join(chart, 'templates', 'deployment.yaml');
  const values = path.join(chart, 'values.yaml');
  const lines = fs.readFileSync(deployment, 'utf8').split('\n');
  /** The 1-based lines of the main container's block: from its `- name:` line to the end of the file. */
  const mainFrom = lines.indexOf('        - name: {{ .Chart.Name }}') + 1;

  it('does not count the disabled container: the main one (rendered first) is found in its own block, with its own values key and fix', () => {
    // Rendered with the proxy disabled: the main container is item 0, and the written item 0 is the proxy.
    const got = home({ chart: 'conditional-container', finding: [...CONTAINERS, 'conditional-container', 'livenessProbe', 'timeoutSeconds'], fix: { map: [...CONTAINERS, 'conditional-container', 'livenessProbe'], key: 'timeoutSeconds', value: '5' } })!;
    expect(mainFrom).toBeGreaterThan(0);
    expect(got.source.line).toBeGreaterThanOrEqual(mainFrom);
    expect(got.source).toMatchObject({ file: rel(deployment), line: lines.lastIndexOf('          livenessProbe:') + 1 });
    expect(got.source.values).toEqual({ file: rel(values), key: 'main.livenessProbe.timeoutSeconds', line: lineOf(values, 'timeoutSeconds: 1') });
    expect(got.fix!.description).toBe(`set timeoutSeconds to 5 at main.livenessProbe.timeoutSeconds in ${rel(values)}`);
    expect(applied(got.fix!)).toBe(fs.readFileSync(values, 'utf8').replace('timeoutSeconds: 1', 'timeoutSeconds: 5'));
  });

  it('points a finding on the container itself at its own name line', () => {
    const got = home({ chart: 'conditional-container', finding: [...CONTAINERS, 'conditional-container', 'name'] })!;
    expect(got.source.line).toBe(mainFrom);
  });
});

describe.skipIf(!HAS_HELM)('the fixture charts with the real helm', () => {
  for (const chart of ['helper-podtemplate', 'toyaml-probes', 'conditional-container']) {
    it(`${chart}.rendered is what helm template renders`, () => {
      const out = execFileSync(path.join(TOOLS, 'helm'), ['template', 'rel', path.join(CHARTS, chart)], { encoding: 'utf8', env: { ...process.env, ...withHelm } });
      expect(out).toBe(fs.readFileSync(path.join(CHARTS, `${chart}.rendered`), 'utf8'));
    });
  }

  it('reports a chart whose pod template lives in a helper on the helper lines, with values fixes', () => {
    const dir = tempDir();
    fs.cpSync(path.join(CHARTS, 'helper-podtemplate'), path.join(dir, 'chart'), { recursive: true });
    const result = cli(['--format', 'json', 'chart'], { cwd: dir, env: withHelm });
    expect(result.stderr).toBe('');
    const findings = JSON.parse(result.stdout).findings as {
      ruleId: string;
      container: string | null;
      probe: string | null;
      file: string;
      line: number;
      source: { file: string; line: number | null; values: { file: string; key: string; line: number } | null };
      fix: { description: string; edits: { file: string; offset: number; length: number; text: string }[] } | null;
    }[];
    const find = (container: string, probe: string): (typeof findings)[number] => findings.find((f) => f.ruleId === 'probe-timeout-short' && f.container === container && f.probe === probe)!;

    const app = find('app', 'readiness');
    expect(app.source).toEqual({ file: 'chart/templates/_podtemplate.tpl', line: 12, values: { file: 'chart/values.yaml', key: 'probes.readiness', line: 5 } });
    expect([app.file, app.line]).toEqual(['chart/templates/_podtemplate.tpl', 12]);
    expect(app.fix!.edits.map((e) => e.file)).toEqual(['chart/values.yaml']);
    const valuesText = fs.readFileSync(path.join(dir, 'chart', 'values.yaml'), 'utf8');
    expect(applyEdits(valuesText, app.fix!.edits)).toContain('    periodSeconds: 5\n    timeoutSeconds: 5\n');

    const liveness = find('app', 'liveness');
    expect(liveness.source).toEqual({ file: 'chart/templates/_podtemplate.tpl', line: 18, values: { file: 'chart/values.yaml', key: 'liveness.timeoutSeconds', line: 12 } });
    expect(liveness.fix!.edits).toEqual([{ file: 'chart/values.yaml', offset: valuesText.indexOf('timeoutSeconds: 1') + 'timeoutSeconds: '.length, length: 1, text: '5' }]);

    const proxy = find('proxy', 'readiness');
    expect(proxy.source).toMatchObject({ file: 'chart/templates/helpers/_sidecar.tpl', line: 12 });
    expect(proxy.source.values ?? null).toBeNull();
    expect(proxy.fix!.edits.map((e) => e.file)).toEqual(['chart/templates/helpers/_sidecar.tpl']);
    // A probe written literally in the helper without the number: the number added to it there.
    const sidecar = fs.readFileSync(path.join(dir, 'chart', 'templates', 'helpers', '_sidecar.tpl'), 'utf8');
    const proxyLiveness = find('proxy', 'liveness');
    expect(proxyLiveness.source).toMatchObject({ file: 'chart/templates/helpers/_sidecar.tpl', line: 14 });
    expect(proxyLiveness.fix!.edits).toEqual([{ file: 'chart/templates/helpers/_sidecar.tpl', offset: sidecar.indexOf('  lifecycle:'), length: 0, text: '    timeoutSeconds: 5\n' }]);
    // Nothing lands on the include line of deployment.yaml.
    expect(findings.filter((f) => f.source.file === 'chart/templates/deployment.yaml')).toEqual([]);
  });

  it('fixes values behind toYaml blocks and `with` scopes end to end', () => {
    const dir = tempDir();
    fs.cpSync(path.join(CHARTS, 'toyaml-probes'), path.join(dir, 'chart'), { recursive: true });
    const result = cli(['--format', 'json', 'chart'], { cwd: dir, env: withHelm });
    expect(result.stderr).toBe('');
    const findings = JSON.parse(result.stdout).findings as { ruleId: string; container: string; probe: string; source: { file: string; line: number; values?: { key: string } }; fix: { description: string; edits: { file: string; offset: number; length: number; text: string }[] } | null }[];
    const timeout = (container: string, probe: string) => findings.find((f) => f.ruleId === 'probe-timeout-short' && f.container === container && f.probe === probe)!;
    const valuesText = fs.readFileSync(path.join(dir, 'chart', 'values.yaml'), 'utf8');
    const api = timeout('api', 'readiness');
    expect(api.source).toMatchObject({ file: 'chart/templates/deployment.yaml', line: 21, values: { key: 'readinessProbe' } });
    expect(applyEdits(valuesText, api.fix!.edits)).toBe(valuesText.replace('  failureThreshold: 3\n', '  failureThreshold: 3\n  timeoutSeconds: 5\n'));
    const worker = timeout('worker', 'readiness');
    expect(worker.source).toMatchObject({ file: 'chart/templates/deployment.yaml', line: 38, values: { key: 'worker.probe.timeout' } });
    expect(worker.fix!.description).toBe('set timeoutSeconds to 5 at worker.probe.timeout in chart/values.yaml');
    expect(worker.fix!.edits).toEqual([{ file: 'chart/values.yaml', offset: valuesText.indexOf('timeout: 2') + 'timeout: '.length, length: 1, text: '5' }]);
  });

  it('with the conditional container enabled, reports each container in its own block with its own values', () => {
    const dir = tempDir();
    fs.cpSync(path.join(CHARTS, 'conditional-container'), path.join(dir, 'chart'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'proxy.yaml'), 'proxy:\n  enabled: true\n');
    const result = cli(['--format', 'json', '--helm-values', 'proxy.yaml', 'chart'], { cwd: dir, env: withHelm });
    expect(result.stderr).toBe('');
    const findings = JSON.parse(result.stdout).findings as { ruleId: string; container: string; source: { line: number; values: { key: string } | null }; fix: { description: string } | null }[];
    const lines = fs.readFileSync(path.join(dir, 'chart', 'templates', 'deployment.yaml'), 'utf8').split('\n');
    const mainFrom = lines.indexOf('        - name: {{ .Chart.Name }}') + 1;
    const timeouts = findings.filter((f) => f.ruleId === 'probe-timeout-short');
    const proxy = timeouts.find((f) => f.container === 'conditional-container-proxy')!;
    const main = timeouts.find((f) => f.container === 'conditional-container')!;
    // Both timeouts (1s and 2s) are short: one finding each, in its own container's block.
    expect(main.source.line).toBeGreaterThanOrEqual(mainFrom);
    expect(main.source.values?.key).toBe('main.livenessProbe.timeoutSeconds');
    expect(main.fix?.description).toContain('main.livenessProbe.timeoutSeconds');
    expect(proxy.source.line).toBeLessThan(mainFrom);
    expect(proxy.source.values?.key).toBe('proxy.livenessProbe.timeoutSeconds');
    expect(proxy.fix?.description).toContain('proxy.livenessProbe.timeoutSeconds');
    for (const f of findings.filter((x) => x.container === 'conditional-container')) expect(f.source.line).toBeGreaterThanOrEqual(mainFrom);
  });

  it("reads a subchart's values under its name in the parent's values, else in its own values.yaml", () => {
    const dir = tempDir();
    fs.cpSync(path.join(CHARTS, 'subchart-values'), path.join(dir, 'parent'), { recursive: true });
    type F = { ruleId: string; container: string; source: { file: string; line: number; values: { file: string; key: string } | null }; fix: { description: string; edits: { file: string }[] } | null };
    const lint = (): F[] => {
      const result = cli(['--format', 'json', 'parent'], { cwd: dir, env: withHelm });
      expect(result.stderr).toBe('');
      return (JSON.parse(result.stdout).findings as F[]).filter((f) => f.ruleId === 'probe-timeout-short');
    };
    const [api, worker] = ['api', 'worker'].map((c) => lint().find((f) => f.container === c)!);
    expect(api!.source).toMatchObject({ file: 'parent/charts/api/templates/deployment.yaml', line: 18, values: { file: 'parent/values.yaml', key: 'api.probe.timeoutSeconds' } });
    expect(api!.fix).toMatchObject({ description: 'set timeoutSeconds to 5 at api.probe.timeoutSeconds in parent/values.yaml', edits: [{ file: 'parent/values.yaml' }] });
    expect(worker!.source.values).toMatchObject({ file: 'parent/values.yaml', key: 'probe.timeoutSeconds' });
    // Without the parent's section, the subchart's own values.yaml sets it.
    fs.writeFileSync(path.join(dir, 'parent', 'values.yaml'), 'probe:\n  timeoutSeconds: 1\n');
    const own = lint().find((f) => f.container === 'api')!;
    expect(own.source.values).toMatchObject({ file: 'parent/charts/api/values.yaml', key: 'probe.timeoutSeconds' });
    expect(own.fix!.edits.map((e) => e.file)).toEqual(['parent/charts/api/values.yaml']);
  });

  it('points a finding of a subchart packed as a .tgz at the chart\'s Chart.yaml, a file that exists', () => {
    const dir = tempDir();
    fs.cpSync(path.join(CHARTS, 'subchart-values'), path.join(dir, 'parent'), { recursive: true });
    const charts = path.join(dir, 'parent', 'charts');
    execFileSync(path.join(TOOLS, 'helm'), ['package', path.join(charts, 'api'), '--destination', charts], { env: { ...process.env, ...withHelm } });
    fs.rmSync(path.join(charts, 'api'), { recursive: true });
    const result = cli(['--format', 'json', 'parent'], { cwd: dir, env: withHelm });
    expect(result.stderr).toBe('');
    const findings = JSON.parse(result.stdout).findings as { container: string; file: string; source: { file: string; line: number | null } }[];
    const api = findings.filter((f) => f.container === 'api');
    expect(api.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(fs.existsSync(path.join(dir, f.source.file)), f.source.file).toBe(true);
      expect(fs.existsSync(path.join(dir, f.file)), f.file).toBe(true);
    }
    expect(api[0]!.source).toMatchObject({ file: 'parent/Chart.yaml', line: null });
  });
});
