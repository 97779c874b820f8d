// A chart or overlay that could not be rendered is a render-failed finding, so
// that CI never goes green having linted nothing (SPEC §1, §5). Spawns the CLI
// as users do, with a PATH without helm and kubectl, and with the real tools
// (.tools/bin) for render errors.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir, tempTree, withoutTools, TOOLS, HAS_HELM, HAS_KUBECTL } from './helpers.js';
import { sarifSchemaValidator } from './sarif-check.js';

const hasTools = HAS_HELM && HAS_KUBECTL;
if (!hasTools) console.warn('skipping the render-failed tests with real tools: run scripts/fetch-tools.sh to get helm and kubectl into .tools/bin');

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: example/api:1.0
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
            timeoutSeconds: 5
`;

/** A git repository holding a chart that renders cleanly with helm: without helm, render-failed is all there is to report. */
function repoWithChart(chartYaml = 'apiVersion: v2\nname: api\nversion: 1.0.0\n'): string {
  const root = tempTree({ 'deploy/charts/api/Chart.yaml': chartYaml, 'deploy/charts/api/templates/deployment.yaml': DEPLOYMENT });
  fs.mkdirSync(path.join(root, '.git'));
  return root;
}

interface JsonFinding {
  ruleId: string;
  severity: string;
  file: string;
  line: number;
  message: string;
  object: unknown;
}

function json(stdout: string): { findings: JsonFinding[]; notices: { file: string | null; message: string }[]; summary: Record<string, number> } {
  return JSON.parse(stdout);
}

describe('without helm on PATH', () => {
  it('a chart is a render-failed warning on its Chart.yaml: exit 1 under --fail-on warning, and in SARIF with a repository-relative uri', () => {
    const root = repoWithChart();
    // Run from a subdirectory: SARIF paths are relative to the repository top, the others to the working directory.
    const cwd = path.join(root, 'deploy');
    const env = withoutTools();
    const failing = cli(['--fail-on', 'warning', 'charts/api'], { cwd, env });
    expect(failing.status, failing.stderr).toBe(1);
    expect(failing.stdout).toMatch(/charts\/api\/Chart\.yaml\n\s+1:1\s+warning\s+chart "charts\/api" was not rendered: helm is not on PATH; none of its templates were linted; install helm, or lint its output with `helm template charts\/api \| probe-lint -`\s+render-failed/);
    // And one line on stderr, which stays when the finding is switched off.
    expect(failing.stderr).toContain('chart not rendered: helm is not on PATH');

    const passing = cli(['charts/api'], { cwd, env });
    expect(passing.status, 'a warning does not fail the default --fail-on error').toBe(0);

    const sarifRun = cli(['--fail-on', 'warning', '--format', 'sarif', 'charts/api'], { cwd, env });
    expect(sarifRun.status).toBe(1);
    const sarif = JSON.parse(sarifRun.stdout);
    const validate = sarifSchemaValidator();
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const [runOf] = sarif.runs;
    const rules = runOf.tool.driver.rules as { id: string; defaultConfiguration: { level: string }; help: { markdown: string } }[];
    const rule = rules.find((r) => r.id === 'render-failed')!;
    expect(rule.defaultConfiguration.level).toBe('warning');
    expect(rule.help.markdown).toContain('helm template');
    const [result, ...others] = runOf.results;
    expect(others).toEqual([]);
    expect(result.ruleId).toBe('render-failed');
    expect(runOf.tool.driver.rules[result.ruleIndex].id).toBe('render-failed');
    expect(result.level).toBe('warning');
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('deploy/charts/api/Chart.yaml');
    expect(result.locations[0].physicalLocation.region.startLine).toBe(1);
  });

  it('appears in json, github and compact output, on the chart named by one of its templates as pre-commit does', () => {
    const root = repoWithChart();
    const env = withoutTools();
    const named = ['deploy/charts/api/templates/deployment.yaml'];
    const report = json(cli(['--format', 'json', ...named], { cwd: root, env }).stdout);
    expect(report.findings.map((f) => [f.ruleId, f.severity, f.file, f.line, f.object])).toEqual([['render-failed', 'warning', 'deploy/charts/api/Chart.yaml', 1, null]]);
    expect(report.summary.warning).toBe(1);
    expect(cli(['--format', 'github', ...named], { cwd: root, env }).stdout).toMatch(/^::warning file=deploy\/charts\/api\/Chart\.yaml,line=1,.*render-failed.*::chart "deploy\/charts\/api" was not rendered: helm is not on PATH/m);
    expect(cli(['--format', 'compact', ...named], { cwd: root, env }).stdout).toContain('deploy/charts/api/Chart.yaml:1:1: warning: chart "deploy/charts/api" was not rendered: helm is not on PATH');
  });

  it('follows the config, --rule and suppression comments like any rule', () => {
    const env = withoutTools();
    const configured = repoWithChart();
    fs.writeFileSync(path.join(configured, '.probe-lint.yaml'), 'rules:\n  render-failed: error\n');
    const asError = json(cli(['--format', 'json', 'deploy'], { cwd: configured, env }).stdout);
    expect(asError.findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['render-failed error']);
    expect(cli(['deploy'], { cwd: configured, env }).status).toBe(1);

    const off = cli(['--fail-on', 'warning', '--rule', 'render-failed=off', '--format', 'json', 'deploy'], { cwd: configured, env });
    expect(off.status).toBe(0);
    expect(json(off.stdout).findings).toEqual([]);
    expect(off.stderr, 'stderr still says what was not linted').toContain('chart not rendered');

    const commented = repoWithChart('# rendered and linted by the deploy job, where helm is installed\n# probe-lint-disable-next-line render-failed -- linted after helm template in CI\napiVersion: v2\nname: api\nversion: 1.0.0\n');
    const suppressed = cli(['--fail-on', 'warning', '--format', 'json', 'deploy'], { cwd: commented, env });
    expect(suppressed.status, suppressed.stdout).toBe(0);
    expect(json(suppressed.stdout).findings).toEqual([]);
    expect(json(suppressed.stdout).summary.suppressed).toBe(1);

    const wrongRule = repoWithChart('# probe-lint-disable-next-line probe-timeout-short\napiVersion: v2\nname: api\nversion: 1.0.0\n');
    const unused = json(cli(['--format', 'json', 'deploy'], { cwd: wrongRule, env }).stdout);
    expect(unused.findings.map((f) => `${f.ruleId} ${f.line}`).sort()).toEqual(['render-failed 2', 'unused-suppression 1']);
  });

  it('an overlay without kubectl is render-failed on its kustomization file, and its resources are linted as they are', () => {
    const root = tempTree({
      'overlay/kustomization.yaml': 'resources: [deployment.yaml]\npatches:\n  - path: patch.yaml\n',
      'overlay/deployment.yaml': DEPLOYMENT.replace('{{ .Release.Name }}', 'api').replace('timeoutSeconds: 5', 'timeoutSeconds: 1'),
      'overlay/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: 3\n',
    });
    const result = cli(['--format', 'json', '--fail-on', 'warning', '.'], { cwd: root, env: withoutTools() });
    expect(result.status).toBe(1);
    const { findings } = json(result.stdout);
    expect(findings.map((f) => `${f.file} ${f.ruleId}`)).toEqual(['overlay/deployment.yaml probe-timeout-short', 'overlay/kustomization.yaml render-failed']);
    expect(findings[1]!.message).toBe(
      'kustomization "overlay" was not rendered: kubectl is not on PATH; its resources were linted as they are, without its patches and transformations; install kubectl, or lint its output with `kubectl kustomize overlay | probe-lint -`',
    );
  });
});

describe.skipIf(!hasTools)('with the real helm and kubectl', () => {
  const env = (): Record<string, string> => {
    const home = tempDir();
    return { PATH: `${TOOLS}${path.delimiter}${path.dirname(process.execPath)}`, HELM_CACHE_HOME: path.join(home, 'cache'), HELM_CONFIG_HOME: path.join(home, 'config'), HELM_DATA_HOME: path.join(home, 'data') };
  };

  it('a chart that renders has no render-failed finding', () => {
    const result = cli(['--format', 'json', '--fail-on', 'warning', 'deploy/charts/api'], { cwd: repoWithChart(), env: env() });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(json(result.stdout).findings).toEqual([]);
    expect(result.stderr).toBe('');
  });

  it('a chart helm refuses is render-failed with helm\'s own reason', () => {
    const result = cli(['--format', 'json', 'deploy/charts/api'], { cwd: repoWithChart('apiVersion: v2\nname: api\n'), env: env() });
    expect(json(result.stdout).findings.map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.message}`)).toEqual([
      'deploy/charts/api/Chart.yaml:1 render-failed chart "deploy/charts/api" was not rendered: helm template failed: validation: chart.metadata.version is required; none of its templates were linted; fix the chart or its values until `helm template deploy/charts/api` succeeds',
    ]);
  });

  it('a chart whose templates do not render is render-failed with helm\'s error, and fails under --fail-on warning', () => {
    const root = repoWithChart();
    fs.writeFileSync(path.join(root, 'deploy/charts/api/templates/broken.yaml'), '{{ .Values.missing.key }}\n');
    const result = cli(['--format', 'json', '--fail-on', 'warning', 'deploy/charts/api'], { cwd: root, env: env() });
    expect(result.status).toBe(1);
    const [finding, ...rest] = json(result.stdout).findings;
    expect(rest).toEqual([]);
    expect(finding!.file).toBe('deploy/charts/api/Chart.yaml');
    expect(finding!.message).toMatch(/^chart "deploy\/charts\/api" was not rendered: helm template failed: .*broken\.yaml.*nil pointer.*; none of its templates were linted; fix the chart or its values until `helm template deploy\/charts\/api` succeeds$/);
  });

  it('an overlay kubectl cannot build is render-failed with kubectl\'s error, its resources linted as they are', () => {
    const root = tempTree({
      'overlay/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - service.yaml\n',
      'overlay/deployment.yaml': DEPLOYMENT.replace('{{ .Release.Name }}', 'api'),
    });
    const result = cli(['--format', 'json', '.'], { cwd: root, env: env() });
    const { findings } = json(result.stdout);
    expect(findings.map((f) => `${f.file} ${f.ruleId}`)).toEqual(['overlay/kustomization.yaml render-failed']);
    expect(findings[0]!.message).toMatch(/^kustomization "overlay" was not rendered: kubectl kustomize failed: .*service\.yaml.*; its resources were linted as they are, without its patches and transformations; fix the kustomization until `kubectl kustomize overlay` succeeds$/);
  });
});
