// The Action bundle built from the current source, run as a runner runs it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { RULES } from '../rules/index.js';
import { ACTION, actionEnvironment, HAS_KUBECTL, REPO, TOOLS, cli, tempDir } from './helpers.js';
import { githubValidatorErrors, MULTITOOL, SARIF_SCHEMA, sarifSchemaValidator } from './sarif-check.js';


/** A new workspace holding samples/ as k8s/, plus `files` (path → content). */
function newWorkspace(files: Record<string, string> = {}): string {
  const workspace = tempDir();
  fs.cpSync(path.join(REPO, 'samples'), path.join(workspace, 'k8s'), { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
    fs.writeFileSync(path.join(workspace, name), content);
  }
  return workspace;
}

/** Runs the Action in a workspace (by default a new one holding samples/ as k8s/ and `files`). */
function runAction(
  inputs: Record<string, string>,
  files: Record<string, string> = {},
  workspace = newWorkspace(files),
  extraEnv: Record<string, string> = {},
): { status: number | null; stdout: string; outputs: Record<string, string>; summary: string; workspace: string } {
  const defaults = { paths: '.', config: '', 'fail-on': 'error', 'sarif-file': 'probe-lint.sarif', 'helm-values': '', annotations: 'true' };
  const { env, outputFile, summaryFile } = actionEnvironment(workspace, { ...defaults, ...inputs }, extraEnv);
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
    expect(run.stdout).toContain('::error::probe-lint: 1 error, 7 warnings, 1 info (fail-on: error)');
    const sarif = JSON.parse(fs.readFileSync(path.join(run.workspace, 'probe-lint.sarif'), 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(9);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/^k8s\//);
    expect(run.summary).toContain('probe-lint</h2>');
    expect(run.summary).toContain('<b>1</b> error, <b>7</b> warnings, <b>1</b> info in 6 files');
    expect(run.summary).toContain('<a href="https://github.com/probe-lint/probe-lint/blob/main/rules/probe-timeout-short.md">probe-timeout-short</a>');
    expect(run.summary).toContain('<td>k8s/incident-api.yaml</td><td>5</td>');
    // The five worst timing findings with their one-line pictures, text escaped inside <pre>.
    const timelines = run.summary.slice(run.summary.indexOf('<h3>Timelines</h3>'));
    expect(timelines.match(/(^|<pre>)k8s\/\S+:\d+  (error|warning|info)  /gm)).toHaveLength(5);
    expect(timelines).toContain('R 15s out of service &#34;api&#34;');
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

  it('counts each rule in the summary by the severity of each of its findings', () => {
    // readiness-probe-missing is an error where a Service routes to the container and a warning where nothing does.
    const run = runAction({ paths: 'apps' }, { 'apps/routed.yaml': ROUTED, 'apps/unrouted.yaml': unrouted('cache') + '---\n' + unrouted('queue') });
    expect(run.status).toBe(1);
    expect(run.outputs).toMatchObject({ errors: '1', warnings: '3' });
    expect(run.summary).toContain('<th>rule</th><th>errors</th><th>warnings</th><th>info</th><th>files</th>');
    expect(cells(run.summary, 'readiness-probe-missing')).toEqual(['1', '2', '0', '2']);
    // The routed container's missing preStop hook: a warning of another rule, listed after the rule with an error.
    expect(cells(run.summary, 'prestop-hook-missing')).toEqual(['0', '1', '0', '1']);
    expect(run.summary.indexOf('>readiness-probe-missing<')).toBeLessThan(run.summary.indexOf('>prestop-hook-missing<'));
    expect(run.summary).toContain('<b>1</b> error, <b>3</b> warnings, <b>0</b> info in 2 files');
    expect(run.stdout).toContain('::error::probe-lint: 1 error, 3 warnings, 0 info (fail-on: error)');
  });

  it('says 1 file, 1 object and 1 container in the singular', () => {
    const run = runAction({ paths: 'apps' }, { 'apps/unrouted.yaml': unrouted('cache') });
    expect(run.summary).toContain('<b>0</b> errors, <b>1</b> warning, <b>0</b> info in 1 file (1 object, 1 container)');
    expect(cells(run.summary, 'readiness-probe-missing')).toEqual(['0', '1', '0', '1']);
  });

  it('targets the Kubernetes version of the kube-version input', () => {
    const hook = (inputs: Record<string, string>): string | undefined =>
      sarifOf(runAction({ paths: 'k8s/storefront.yaml', 'fail-on': 'never', ...inputs })).runs[0].results.find((r: any) => r.ruleId === 'prestop-hook-missing')?.message.text;
    // The preStop sleep action exists from 1.30; before it the hook has to run a sleep binary.
    expect(hook({})).toContain('sleep: {seconds:');
    expect(hook({ 'kube-version': '1.29' })).toContain('exec: {command: [sleep');
    expect(hook({ 'kube-version': 'v1.31.2' })).toContain('sleep: {seconds:');
  });

  it('skips the files the ignore input names, as gitignore patterns', () => {
    const all = runAction({ paths: 'k8s', 'fail-on': 'never' });
    const run = runAction({ paths: 'k8s', 'fail-on': 'never', ignore: 'k8s/storefront.yaml\n  k8s/incident-*.yaml nightly-report.yaml' });
    const files = (r: typeof run): Set<string> => new Set(sarifOf(r).runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri));
    expect(files(all)).toContain('k8s/storefront.yaml');
    expect(files(all)).toContain('k8s/incident-api.yaml');
    expect([...files(run)].filter((f) => ['k8s/storefront.yaml', 'k8s/incident-api.yaml', 'k8s/nightly-report.yaml'].includes(f))).toEqual([]);
    expect(files(run).size).toBeGreaterThan(0);
    expect(Number(run.outputs.findings)).toBeLessThan(Number(all.outputs.findings));
  });

  it('sets rule severities from the rules input, one id=severity a line', () => {
    const run = runAction({ paths: 'k8s', rules: 'readiness-probe-missing=off\nprobe-timeout-short=error\n' });
    expect(run.status).toBe(1);
    const results = sarifOf(run).runs[0].results;
    expect(results.some((r: any) => r.ruleId === 'readiness-probe-missing')).toBe(false);
    const timeouts = results.filter((r: any) => r.ruleId === 'probe-timeout-short');
    expect(timeouts.length).toBeGreaterThan(0);
    expect(timeouts.every((r: any) => r.level === 'error')).toBe(true);
    expect(run.outputs.errors).toBe(String(timeouts.length));
  });

  it('leaves out the findings of the suppressions file probe-lint --suppress-all wrote, and fails on new ones', () => {
    const workspace = newWorkspace();
    const written = cli(['--suppress-all', 'k8s'], { cwd: workspace });
    expect(written.status, written.stderr).toBe(0);
    expect(fs.existsSync(path.join(workspace, 'probe-lint-suppressions.json'))).toBe(true);
    const run = runAction({ paths: 'k8s', 'fail-on': 'info' }, {}, workspace);
    expect(run.status).toBe(0);
    expect(run.outputs).toEqual({ 'sarif-file': 'probe-lint.sarif', errors: '0', warnings: '0', findings: '0' });
    expect(run.summary).toContain('; 9 suppressed.');
    expect(sarifOf(run).runs[0].results).toEqual([]);

    fs.writeFileSync(path.join(workspace, 'k8s', 'cache.yaml'), unrouted('cache'));
    const next = runAction({ paths: 'k8s', 'fail-on': 'warning' }, {}, workspace);
    expect(next.status).toBe(1);
    expect(next.outputs).toMatchObject({ errors: '0', warnings: '1', findings: '1' });
    expect(next.stdout).toMatch(/^::warning file=k8s\/cache\.yaml,.*readiness-probe-missing::/m);
  });

  it('finds the suppressions file from the paths upwards to their repository top, as the CLI does', () => {
    // The repository is a directory of the workspace; the Action runs at the workspace's top.
    const workspace = tempDir();
    fs.cpSync(path.join(REPO, 'samples'), path.join(workspace, 'repo', 'k8s'), { recursive: true });
    fs.mkdirSync(path.join(workspace, 'repo', '.git'));
    const written = cli(['--suppress-all', 'k8s'], { cwd: path.join(workspace, 'repo') });
    expect(written.status, written.stderr).toBe(0);
    expect(fs.existsSync(path.join(workspace, 'repo', 'probe-lint-suppressions.json'))).toBe(true);
    const run = runAction({ paths: 'repo/k8s', 'fail-on': 'info' }, {}, workspace);
    expect(run.status, run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({ errors: '0', warnings: '0', findings: '0' });
    expect(run.summary).toContain('; 9 suppressed.');
  });

  it.skipIf(!HAS_KUBECTL)('names in the summary\'s file table the file people edit, not the overlay rendered', () => {
    const workspace = newWorkspace({
      'base/kustomization.yaml': 'resources:\n  - api.yaml\n',
      'base/api.yaml': fs.readFileSync(path.join(REPO, 'samples', 'incident-api.yaml'), 'utf8'),
      'overlays/prod/kustomization.yaml': 'namespace: prod\nresources:\n  - ../../base\n',
    });
    const run = runAction({ paths: 'overlays', 'fail-on': 'never' }, {}, workspace, { PATH: `${TOOLS}:${process.env.PATH ?? ''}` });
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/^::warning file=base\/api\.yaml,/m);
    const files = [...run.summary.matchAll(/<tr><td>([^<]*)<\/td><td>\d+<\/td><\/tr>/g)].map((m) => m[1]);
    expect(files).toEqual(['base/api.yaml']);
    expect(run.summary).not.toContain('<td>overlays/prod</td>');
  });

  it('reads the suppressions file the suppressions input names', () => {
    const workspace = newWorkspace({ 'ci/README': 'files for CI\n' });
    const written = cli(['--suppress-all', '--suppressions-location', 'ci/accepted.json', 'k8s'], { cwd: workspace });
    expect(written.status, written.stderr).toBe(0);
    expect(fs.existsSync(path.join(workspace, 'probe-lint-suppressions.json'))).toBe(false);
    expect(runAction({ paths: 'k8s' }, {}, workspace).outputs.findings).toBe('9');
    const run = runAction({ paths: 'k8s', suppressions: 'ci/accepted.json' }, {}, workspace);
    expect(run.status).toBe(0);
    expect(run.outputs.findings).toBe('0');
    expect(run.summary).toContain('; 9 suppressed.');
  });

  describe('on a config error', () => {
    const cases: [string, Record<string, string>, Record<string, string>, RegExp][] = [
      ['a bad .probe-lint.yaml', {}, { '.probe-lint.yaml': 'rules:\n  probe-timeout-short: sometimes\n' }, /^\.probe-lint\.yaml:2: rules\.probe-timeout-short: must be one of/],
      ['an unknown rule in the rules input', { rules: 'probe-timeout-shrt=error' }, {}, /^rules: probe-timeout-shrt=error: unknown rule.*probe-timeout-short/],
      ['a bad kube-version', { 'kube-version': '1.x' }, {}, /^kube-version: 1\.x: expected a version such as 1\.30/],
      ['a bad fail-on', { 'fail-on': 'sometimes' }, {}, /^fail-on must be one of/],
      ['a missing suppressions file', { suppressions: 'ci/accepted.json' }, {}, /^ci\/accepted\.json: no such suppressions file/],
    ];
    for (const [what, inputs, files, message] of cases) {
      it(`fails the step with the message and still writes a SARIF log that says so: ${what}`, () => {
        const run = runAction({ paths: 'k8s', 'sarif-file': 'reports/probe-lint.sarif', ...inputs }, files);
        expect(run.status).toBe(1);
        const failed = /^::error::probe-lint: (.*)$/m.exec(run.stdout)?.[1];
        expect(failed).toMatch(message);
        expect(run.outputs['sarif-file']).toBe('reports/probe-lint.sarif');
        const text = fs.readFileSync(path.join(run.workspace, 'reports', 'probe-lint.sarif'), 'utf8');
        const log = JSON.parse(text);
        expect(log.runs).toHaveLength(1);
        const [sarifRun] = log.runs;
        expect(sarifRun.tool.driver.rules.map((r: any) => r.id)).toEqual(RULES.map((r) => r.id));
        expect(sarifRun.results).toEqual([]);
        expect(sarifRun.invocations[0].executionSuccessful).toBe(false);
        expect(sarifRun.invocations[0].toolConfigurationNotifications).toEqual([{ level: 'error', message: { text: failed } }]);
        expect(run.summary).toContain('probe-lint did not lint');
        expect(schemaErrors(text)).toEqual([]);
        if (fs.existsSync(MULTITOOL)) expect(githubValidatorErrors(text)).toEqual([]);
      });
    }
  });

  it('documents in the README the inputs action.yml declares, and only those', () => {
    const declared = Object.keys(parseYaml(fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8')).inputs);
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### GitHub Action\n'), readme.indexOf('\n### ', readme.indexOf('### GitHub Action\n') + 1));
    const tabled = [...section.matchAll(/^\| `([\w-]+)` \|/gm)].map((m) => m[1]);
    expect(tabled.sort()).toEqual([...declared].sort());
    // The workflow examples, their commented-out inputs included: a user uncomments them as they are.
    const used = [...section.matchAll(/```yaml\n([^]*?)```/g)].flatMap((m) =>
      probeLintSteps(parseYaml(m[1]!.replace(/^(\s*)# (?=[\w-]+:)/gm, '$1'))).flatMap((step) => Object.keys(step.with ?? {})),
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !declared.includes(name))).toEqual([]);
  });

  it('declares the inputs and outputs it reads and writes, on node24', () => {
    const yml = fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8');
    expect(yml).toContain('using: node24');
    expect(yml).toContain('main: action/index.js');
    for (const name of ['paths', 'config', 'fail-on', 'sarif-file', 'helm-values', 'kube-version', 'ignore', 'rules', 'suppressions', 'annotations', 'suggestions', 'github-token', 'errors', 'warnings', 'findings']) {
      expect(yml).toContain(`  ${name}:\n`);
    }
    // The advice sits where people set the input: both outputs show every finding.
    expect(yml).toMatch(/annotations:\n    description: [^]*set it to false when a later step uploads the SARIF/i);
  });
});

const ROUTED = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: api:1
          ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
`;

/** A StatefulSet of one container that declares a port no Service routes to: a readiness-probe-missing warning, nothing else. */
function unrouted(name: string): string {
  return `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}}
spec:
  serviceName: ${name}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: ${name}
          image: ${name}:1
          ports: [{containerPort: 6379}]
`;
}

/** The steps that use this Action, anywhere in a parsed workflow or list of steps. */
function probeLintSteps(value: unknown): { with?: Record<string, unknown> }[] {
  if (Array.isArray(value)) return value.flatMap(probeLintSteps);
  if (value === null || typeof value !== 'object') return [];
  const uses = (value as { uses?: unknown }).uses;
  if (typeof uses === 'string' && uses.startsWith('probe-lint/probe-lint@')) return [value];
  return Object.values(value).flatMap(probeLintSteps);
}

/** The cells after the rule's name in its row of the summary's rule table. */
function cells(summary: string, rule: string): string[] {
  const row = new RegExp(`<tr><td><a href="[^"]*">${rule}</a></td>((?:<td>[^<]*</td>)*)</tr>`).exec(summary);
  if (!row) throw new Error(`no row for ${rule} in the summary:\n${summary}`);
  return [...row[1]!.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]!);
}

function sarifOf(run: { workspace: string }): any {
  return JSON.parse(fs.readFileSync(path.join(run.workspace, 'probe-lint.sarif'), 'utf8'));
}

function schemaErrors(text: string): unknown[] {
  if (!fs.existsSync(SARIF_SCHEMA)) return [];
  const validate = sarifSchemaValidator();
  return validate(JSON.parse(text)) ? [] : (validate.errors ?? []);
}

