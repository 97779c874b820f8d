// The ways users get probe-lint: the committed bundles, the npm tarball, and pre-commit.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir } from './helpers.js';

const BROKEN = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: promxy
spec:
  selector:
    matchLabels: {app: promxy}
  template:
    metadata:
      labels: {app: promxy}
    spec:
      containers:
        - name: promxy
          image: quay.io/jacksontj/promxy:v0.0.93
          ports:
            - containerPort: 8082
          readinessProbe:
            httpGet: {path: /-/ready, port: web}
            timeoutSeconds: 5
`;

describe('the committed bundles', () => {
  it('are what npm run bundle builds from the sources (rebuild and commit them when this fails)', () => {
    const out = tempDir();
    execFileSync(process.execPath, [path.join(REPO, 'scripts', 'bundle.mjs'), out]);
    for (const file of ['bin/probe-lint.js', 'action/index.js']) {
      expect(fs.readFileSync(path.join(out, file), 'utf8') === fs.readFileSync(path.join(REPO, file), 'utf8'), `${file} is stale: run npm run bundle`).toBe(true);
    }
  });
});

describe('the npm package', () => {
  it('packs one bundled bin with no dependencies, installs, and runs with npx', () => {
    const packDir = tempDir();
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const tarball = path.join(packDir, packed[0].filename);
    const files = packed[0].files.map((f: { path: string }) => f.path).sort();
    expect(files).toContain('bin/probe-lint.js');
    expect(files).toContain('probe-lint.schema.json');
    expect(files.filter((f: string) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});

    const project = tempDir();
    fs.writeFileSync(path.join(project, 'package.json'), '{"name": "consumer", "version": "1.0.0", "private": true}');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: project, stdio: 'ignore' });
    fs.mkdirSync(path.join(project, 'k8s'));
    fs.writeFileSync(path.join(project, 'k8s', 'promxy.yaml'), BROKEN);
    const run = spawnSync('npx', ['--no-install', 'probe-lint', 'k8s/'], { cwd: project, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain('probe-port-missing');
    console.log(`npm pack: ${packed[0].filename}, ${(packed[0].size / 1024).toFixed(0)} kB packed, ${(packed[0].unpackedSize / 1024).toFixed(0)} kB unpacked`);
  });
});

const hasPreCommit = spawnSync('pre-commit', ['--version']).status === 0;
if (!hasPreCommit) console.warn('skipping the pre-commit test: pre-commit is not installed (.ci/run installs it)');

describe.skipIf(!hasPreCommit)('the pre-commit hook', () => {
  it('fails on a broken probe port, passes once it is fixed, and leaves chart templates alone', () => {
    const git = (cwd: string, ...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd, encoding: 'utf8' });
    // pre-commit installs a hook repository at a commit: a clone of this one, at its HEAD.
    const hookRepo = path.join(tempDir(), 'probe-lint');
    execFileSync('git', ['clone', '-q', REPO, hookRepo]);
    const rev = git(hookRepo, 'rev-parse', 'HEAD').trim();

    const project = tempDir();
    git(project, 'init', '-q');
    fs.writeFileSync(path.join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: probe-lint\n`);
    fs.mkdirSync(path.join(project, 'k8s'));
    fs.writeFileSync(path.join(project, 'k8s', 'promxy.yaml'), BROKEN);
    const chart = path.join(project, 'charts', 'app');
    fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
    fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: app\nversion: 1.0.0\n');
    fs.writeFileSync(path.join(chart, 'values.yaml'), 'port: 8080\n');
    fs.writeFileSync(path.join(chart, 'templates', 'deployment.yaml'), '{{- if .Values.enabled }}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- end }}\n');
    git(project, 'add', '.');

    const env = { ...process.env, PRE_COMMIT_HOME: tempDir(), NO_COLOR: '1' };
    const run = (): ReturnType<typeof spawnSync> => spawnSync('pre-commit', ['run', '--all-files', '--color', 'never'], { cwd: project, env, encoding: 'utf8' });
    const failing = run();
    expect(failing.status, String(failing.stdout) + String(failing.stderr)).toBe(1);
    expect(String(failing.stdout)).toContain('probe-port-missing');
    expect(String(failing.stdout)).not.toContain('invalid-yaml');
    expect(String(failing.stdout)).toContain('Helm chart skipped');

    fs.writeFileSync(path.join(project, 'k8s', 'promxy.yaml'), BROKEN.replace('port: web}', 'port: 8082}'));
    git(project, 'add', '.');
    const passing = run();
    expect(passing.status, String(passing.stdout)).toBe(0);
  }, 180_000);
});
