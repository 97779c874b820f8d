// --context PATH (SPEC §7): Services, Ingresses and routes under PATH route to
// the linted workloads; nothing there is reported. And the pre-commit hook,
// which passes `--context .`, gives a staged Deployment CI's verdict.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunResult } from '../src/run.js';
import { BUNDLES, CLI, REPO, cli, tempDir, tempTree, TOOLS, HAS_HELM, HAS_KUBECTL, HAS_PRE_COMMIT } from './helpers.js';

const hasTools = HAS_HELM && HAS_KUBECTL;
if (!hasTools) console.warn('skipping the --context tests with charts and overlays: run scripts/fetch-tools.sh to get helm and kubectl into .tools/bin');

/** A Deployment serving on port 8080 without a readiness probe: an error when a Service routes to it, a warning when nothing does. */
const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
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
          ports:
            - {name: http, containerPort: 8080}
          lifecycle:
            preStop: {sleep: {seconds: 5}}
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: api}
  ports:
    - port: 80
      targetPort: http
`;

/** Findings as `file rule severity`. */
const verdict = (result: RunResult): string[] => result.findings.map((f) => `${f.file.path} ${f.ruleId} ${f.severity}`);

const savedPath = process.env.PATH;
afterAll(() => {
  process.env.PATH = savedPath;
});

describe('--context', () => {
  beforeAll(() => {
    // As on a machine without helm and kubectl, unless a test puts them on PATH.
    process.env.PATH = tempDir();
  });

  it('routes a linted Deployment through a Service in a context file', async () => {
    const root = tempTree({ 'k8s/deploy.yaml': DEPLOYMENT, 'k8s/service.yaml': SERVICE });
    expect(verdict(await run({ paths: ['k8s/deploy.yaml'], cwd: root }))).toEqual(['k8s/deploy.yaml readiness-probe-missing warning']);
    const withContext = await run({ paths: ['k8s/deploy.yaml'], cwd: root, context: ['.'] });
    expect(verdict(withContext)).toEqual(['k8s/deploy.yaml readiness-probe-missing error']);
    expect(withContext.findings[0]!.message).toContain('service "web"');
    // The same as linting everything.
    expect(verdict(await run({ paths: ['.'], cwd: root }))).toEqual(verdict(withContext));
    // Context is not linted: counts are those of the named file.
    expect(withContext.summary.files).toBe(1);
    expect(withContext.files.map((f) => f.file.path)).toEqual(['k8s/deploy.yaml']);
  });

  it('reports nothing in context files, not even on their workloads or broken YAML; a file both named and under a context is linted', async () => {
    const badWorkload = DEPLOYMENT.replace(/name: api\b/g, 'name: other').replace(/app: api/g, 'app: other');
    const root = tempTree({
      'deploy.yaml': DEPLOYMENT,
      'other/all.yaml': `${SERVICE}---\n${badWorkload}`,
      'other/broken.yaml': 'kind: [\n',
      'other/suppressed.yaml': '# probe-lint-disable-next-line probe-timeout-short\nkind: ConfigMap\n',
    });
    const onlyContext = await run({ paths: ['deploy.yaml'], cwd: root, context: ['other'] });
    expect(verdict(onlyContext)).toEqual(['deploy.yaml readiness-probe-missing error']);
    expect(onlyContext.notices).toEqual([]);
    // Named and under the context: linted normally, its own Service routing as well.
    const both = await run({ paths: ['deploy.yaml', 'other/all.yaml'], cwd: root, context: ['.'] });
    expect(verdict(both)).toEqual(['deploy.yaml readiness-probe-missing error', 'other/all.yaml readiness-probe-missing warning']);
  });

  it('sees an Ingress in context in front of a scrape Service in context', async () => {
    // A Service whose only port is a metrics port routes nothing; an Ingress in front of it always means traffic.
    const scrape = SERVICE.replace('- port: 80', '- name: metrics\n      port: 80');
    const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  defaultBackend:
    service: {name: web, port: {number: 80}}
`;
    const root = tempTree({ 'deploy.yaml': DEPLOYMENT, 'net/service.yaml': scrape, 'net/ingress.yaml': ingress });
    expect(verdict(await run({ paths: ['deploy.yaml'], cwd: root, context: ['net/service.yaml'] }))).toEqual(['deploy.yaml readiness-probe-missing warning']);
    const exposed = await run({ paths: ['deploy.yaml'], cwd: root, context: ['net'] });
    expect(verdict(exposed)).toEqual(['deploy.yaml readiness-probe-missing error']);
    expect(verdict(await run({ paths: ['.'], cwd: root }))).toEqual(verdict(exposed));
  });

  it('refuses stdin and a path that is not there as context (exit 2), and takes a directory with nothing in it', async () => {
    const root = tempTree({ 'deploy.yaml': DEPLOYMENT, 'empty/README.md': 'nothing\n' });
    await expect(run({ paths: ['deploy.yaml'], cwd: root, context: ['-'] })).rejects.toThrow(/--context -/);
    await expect(run({ paths: ['deploy.yaml'], cwd: root, context: ['nowhere'] })).rejects.toThrow(/--context nowhere: no such file or directory/);
    expect(verdict(await run({ paths: ['deploy.yaml'], cwd: root, context: ['empty'] }))).toEqual(['deploy.yaml readiness-probe-missing warning']);
    const spawned = cli(['--context', 'nowhere', 'deploy.yaml'], { cwd: root });
    expect(spawned.status).toBe(2);
    expect(spawned.stderr).toBe('probe-lint: --context nowhere: no such file or directory\n');
  });

  it('says in one notice that context charts were not rendered, and reports nothing on them', async () => {
    const root = tempTree({
      'deploy.yaml': DEPLOYMENT,
      'charts/a/Chart.yaml': 'apiVersion: v2\nname: a\nversion: 1.0.0\n',
      'charts/a/templates/service.yaml': SERVICE,
      'charts/b/Chart.yaml': 'apiVersion: v2\nname: b\nversion: 1.0.0\n',
      'charts/b/templates/service.yaml': SERVICE,
    });
    const result = await run({ paths: ['deploy.yaml'], cwd: root, context: ['.'] });
    expect(verdict(result)).toEqual(['deploy.yaml readiness-probe-missing warning']);
    expect(result.notices.map((n) => n.message)).toEqual(['--context: not rendered, so their Services, Ingresses and routes are not seen: charts/a, charts/b (helm is not on PATH)']);
  });

  it('is passed by the CLI flag, repeatable', () => {
    const root = tempTree({ 'deploy.yaml': DEPLOYMENT, 'a/service.yaml': SERVICE, 'b/readme.yaml': 'title: nothing\n' });
    const alone = cli(['--format', 'compact', 'deploy.yaml'], { cwd: root });
    expect(alone.status).toBe(0);
    const result = cli(['--format', 'compact', '--context', 'b', '--context', 'a', 'deploy.yaml'], { cwd: root });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^deploy\.yaml:\d+:\d+: error: .*service "web".*\[readiness-probe-missing\]$/m);
  });

  describe.skipIf(!hasTools)('with helm and kubectl', () => {
    beforeAll(() => {
      process.env.PATH = `${TOOLS}${path.delimiter}${savedPath}`;
      const home = tempDir();
      for (const dir of ['CACHE', 'CONFIG', 'DATA']) process.env[`HELM_${dir}_HOME`] = path.join(home, dir.toLowerCase());
    });

    it('renders a context chart and a context overlay for their Services, and reports nothing on their workloads', async () => {
      const root = tempTree({
        'deploy.yaml': DEPLOYMENT,
        'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
        // Only rendered does this become a Service selecting app: api.
        'charts/web/templates/service.yaml': SERVICE.replace('selector: {app: api}', 'selector: {app: {{ .Values.app }}}'),
        'charts/web/templates/deployment.yaml': DEPLOYMENT.replace(/app: api/g, 'app: chart'),
        'charts/web/values.yaml': 'app: api\n',
      });
      const result = await run({ paths: ['deploy.yaml'], cwd: root, context: ['.'] });
      expect(verdict(result)).toEqual(['deploy.yaml readiness-probe-missing error']);
      expect(result.notices).toEqual([]);

      const overlay = tempTree({
        'app/deploy.yaml': DEPLOYMENT,
        'net/kustomization.yaml': 'resources: [service.yaml]\npatches:\n  - path: selector.yaml\n',
        'net/service.yaml': SERVICE.replace('app: api', 'app: nothing'),
        'net/selector.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: api}\n',
      });
      // The raw Service selects nothing; the rendered one, patched, selects the Deployment.
      const rendered = await run({ paths: ['app/deploy.yaml'], cwd: overlay, context: ['net'] });
      expect(verdict(rendered)).toEqual(['app/deploy.yaml readiness-probe-missing error']);
      expect(verdict(await run({ paths: ['.'], cwd: overlay }))).toEqual(verdict(rendered));
    });
  });
});

const hasPreCommit = HAS_PRE_COMMIT;
if (!hasPreCommit) console.warn('skipping the pre-commit --context test: pre-commit is not installed');

describe.skipIf(!hasPreCommit)('the pre-commit hook passes --context .', () => {
  it('gives a staged Deployment whose Service is in another file the verdict CI gives on the whole repository', () => {
    const git = (cwd: string, ...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8' });
    // A hook repository as pre-commit installs it (npm pack of package.json's files), holding this run's bundle
    // and hook definition: the committed bundle may lag behind the source under test.
    const hookRepo = tempDir();
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
    // The fresh bundle sits at the same relative path as the committed one, which package.json's bin names,
    // with the files it loads beside it, shipped as package.json ships them.
    const bin = path.dirname(path.relative(BUNDLES, CLI));
    fs.writeFileSync(path.join(hookRepo, 'package.json'), JSON.stringify({ name: manifest.name, version: manifest.version, type: 'module', bin: manifest.bin, files: manifest.files }, null, 2));
    fs.cpSync(path.join(BUNDLES, bin), path.join(hookRepo, bin), { recursive: true });
    fs.copyFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), path.join(hookRepo, '.pre-commit-hooks.yaml'));
    git(hookRepo, 'init', '-q');
    git(hookRepo, 'add', '.');
    git(hookRepo, 'commit', '-q', '-m', 'hook');
    const rev = git(hookRepo, 'rev-parse', 'HEAD').trim();

    const project = tempDir();
    git(project, 'init', '-q');
    fs.writeFileSync(path.join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: probe-lint\n`);
    fs.mkdirSync(path.join(project, 'k8s'));
    fs.writeFileSync(path.join(project, 'k8s', 'service.yaml'), SERVICE);
    git(project, 'add', '.');
    git(project, 'commit', '-q', '-m', 'the Service');
    // With a tag: the hook must load the `yaml` parser its package carries beside the CLI (fast-tree.ts leaves tags to it).
    fs.writeFileSync(path.join(project, 'k8s', 'deploy.yaml'), DEPLOYMENT.replace('image: example/api', 'image: !!str example/api'));
    git(project, 'add', 'k8s/deploy.yaml');

    // CI: the whole repository.
    const ci = cli(['--format', 'compact', '.'], { cwd: project });
    expect(ci.status).toBe(1);
    expect(ci.stdout).toMatch(/^k8s\/deploy\.yaml:\d+:\d+: error: .*\[readiness-probe-missing\]$/m);

    // pre-commit on the staged files only: k8s/deploy.yaml.
    const env = { ...process.env, PRE_COMMIT_HOME: tempDir(), NO_COLOR: '1' };
    const hook = spawnSync('pre-commit', ['run', '--color', 'never'], { cwd: project, env, encoding: 'utf8' });
    const output = String(hook.stdout) + String(hook.stderr);
    expect(hook.status, output).toBe(ci.status);
    expect(output).toMatch(/k8s\/deploy\.yaml\n\s+\d+:\d+\s+error\s+container "api" has no readiness probe: service "web" sends it requests.*readiness-probe-missing/);
    expect(output, 'the Service is context, not linted').not.toContain('k8s/service.yaml');
  }, 180_000);
});
