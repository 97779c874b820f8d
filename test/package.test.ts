// The ways users get probe-lint: the committed bundles, the npm tarball, and pre-commit;
// and the test command itself, whose closing line CI counts.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTION, BUNDLES, CLI, COMMITTED_ACTION, COMMITTED_CLI, REPO, tempDir, tempTree, HAS_PRE_COMMIT } from './helpers.js';

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

// A tag written in a document sends it to the `yaml` parser (src/fast-tree.ts leaves tags to it).
const TAGGED = BROKEN.replace('image: quay.io', 'image: !!str quay.io');

describe('the committed bundles', () => {
  const fresh = (): string => {
    const out = tempDir();
    execFileSync(process.execPath, [path.join(REPO, 'scripts', 'bundle.mjs'), out]);
    return out;
  };

  it('are what npm run bundle builds from the sources (rebuild and commit them when this fails)', () => {
    const out = fresh();
    // The files beside the CLI included: one an earlier build left behind is stale too.
    const built = (root: string): string[] => ['bin', 'action'].flatMap((dir) => fs.readdirSync(path.join(root, dir)).map((name) => `${dir}/${name}`)).sort();
    expect(built(REPO), 'bin/ and action/ hold other files than npm run bundle writes: run it').toEqual(built(out));
    expect(built(REPO)).toEqual(expect.arrayContaining(['bin/probe-lint.js', 'bin/probe-lint-lsp.js', 'action/index.js']));
    for (const file of built(out)) {
      expect(fs.readFileSync(path.join(out, file), 'utf8') === fs.readFileSync(path.join(REPO, file), 'utf8'), `${file} is stale: run npm run bundle`).toBe(true);
    }
  });

  it('are not what the end-to-end tests spawn: those are built from the current source for this run', () => {
    expect([CLI, ACTION]).toEqual([path.join(BUNDLES, 'bin', 'probe-lint.js'), path.join(BUNDLES, 'action', 'index.js')]);
    expect(BUNDLES.startsWith(REPO + path.sep)).toBe(false);
    const out = fresh();
    expect(fs.readFileSync(CLI, 'utf8') === fs.readFileSync(path.join(out, 'bin', 'probe-lint.js'), 'utf8'), 'CLI is what npm run bundle builds now (or src/ changed during this run)').toBe(true);
    expect(fs.readFileSync(ACTION, 'utf8') === fs.readFileSync(path.join(out, 'action', 'index.js'), 'utf8'), 'ACTION is what npm run bundle builds now (or src/ changed during this run)').toBe(true);
    expect([COMMITTED_CLI, COMMITTED_ACTION].every((f) => fs.existsSync(f))).toBe(true);
  });

  it('are spawned by no end-to-end test, since npm test does not rebuild them', () => {
    const committed = /['"]bin['"],\s*['"]probe-lint\.js['"]|['"]action['"],\s*['"]index\.js['"]|COMMITTED_(CLI|ACTION)|['"](\.\/)?(bin\/probe-lint|action\/index)\.js['"]\s*[,)\]]/;
    const spawning = fs
      .readdirSync(path.join(REPO, 'test'))
      .filter((f) => f.endsWith('.test.ts') && f !== 'package.test.ts')
      .filter((f) => committed.test(fs.readFileSync(path.join(REPO, 'test', f), 'utf8')));
    expect(spawning, 'spawn CLI and ACTION from helpers.ts, built from the current source').toEqual([]);
  });
});

describe('an installation missing a file beside the CLI', () => {
  it('says so and exits 2 when a document first needs the yaml parser, and lints what does not need it', () => {
    const copy = tempDir();
    fs.cpSync(BUNDLES, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'bin', 'yaml.cjs'));
    const project = tempTree({ 'plain.yaml': BROKEN, 'tagged.yaml': TAGGED });
    const cliOf = path.join(copy, 'bin', 'probe-lint.js');
    const plain = spawnSync(process.execPath, [cliOf, '--format', 'compact', 'plain.yaml'], { cwd: project, encoding: 'utf8' });
    expect(plain.status, plain.stderr).toBe(1);
    const tagged = spawnSync(process.execPath, [cliOf, 'tagged.yaml'], { cwd: project, encoding: 'utf8' });
    expect(tagged.status).toBe(2);
    expect(tagged.stderr).toBe('probe-lint: the installation is incomplete: ./yaml.cjs (the YAML parser, beside probe-lint\'s own file) is missing; install probe-lint again\n');
  });
});

describe('npm test (scripts/test.mjs)', () => {
  // A project of its own, outside CI, whose only golden is missing.
  const project = (): string => {
    const root = tempTree({
      'vitest.config.mjs': "export default { test: { include: ['*.test.ts'] } };\n",
      'golden.test.ts': [
        "import { expect, it } from 'vitest';",
        "it('passes', () => expect(1).toBe(1));",
        "it('matches its golden', async () => { await expect('output\\n').toMatchFileSnapshot('./case.out'); });",
        "it.skip('is skipped', () => {});",
        "it.todo('is to do');",
        '',
      ].join('\n'),
      'broken.test.ts': "throw new Error('this file does not load');\n",
    });
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
    return root;
  };
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' };
  const npmTest = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [path.join(REPO, 'scripts', 'test.mjs'), ...args], { cwd, env, encoding: 'utf8' });
  const closing = (stdout: string): string | undefined => stdout.trimEnd().split('\n').at(-1);

  it('fails on a missing golden instead of writing it, and counts skipped, todo and unloadable files', () => {
    const root = project();
    // What vitest does on its own outside CI: writes the golden and passes.
    const plain = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'golden.test.ts'], { cwd: root, env, encoding: 'utf8' });
    expect(plain.status, plain.stdout + plain.stderr).toBe(0);
    expect(fs.existsSync(path.join(root, 'case.out'))).toBe(true);
    fs.rmSync(path.join(root, 'case.out'));

    const run = npmTest(root);
    expect(run.status).toBe(1);
    expect(closing(run.stdout)).toBe('1 passed, 2 failed, 2 skipped');
    expect(fs.existsSync(path.join(root, 'case.out')), 'npm test wrote a golden').toBe(false);
  });

  it('fails on a golden that differs and leaves it as it was; goldens are updated with vitest -u only', () => {
    const root = project();
    fs.rmSync(path.join(root, 'broken.test.ts'));
    fs.writeFileSync(path.join(root, 'case.out'), 'stale\n');
    const run = npmTest(root);
    expect(run.status).toBe(1);
    expect(closing(run.stdout)).toBe('1 passed, 1 failed, 2 skipped');
    expect(fs.readFileSync(path.join(root, 'case.out'), 'utf8')).toBe('stale\n');

    const refused = npmTest(root, '-u');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('npx vitest run -u');
    expect(fs.readFileSync(path.join(root, 'case.out'), 'utf8')).toBe('stale\n');

    const update = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '-u'], { cwd: root, env, encoding: 'utf8' });
    expect(update.status, update.stdout + update.stderr).toBe(0);
    const rerun = npmTest(root);
    expect(rerun.status).toBe(0);
    expect(closing(rerun.stdout)).toBe('2 passed, 0 failed, 2 skipped');
  });
});

describe('the npm package', () => {
  it('packs the bundled bin and the files beside it with no dependencies, installs, and runs with npx', () => {
    const packDir = tempDir();
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const tarball = path.join(packDir, packed[0].filename);
    const files = packed[0].files.map((f: { path: string }) => f.path).sort();
    // The CLI and the files it loads when a run needs them (the language server, glob, yaml).
    expect(files).toEqual(expect.arrayContaining(fs.readdirSync(path.join(REPO, 'bin')).map((name) => `bin/${name}`)));
    expect(files).toContain('bin/probe-lint-lsp.js');
    expect(files).toContain('probe-lint.schema.json');
    expect(files.filter((f: string) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(manifest.dependencies ?? {}).toEqual({});

    const project = tempDir();
    fs.writeFileSync(path.join(project, 'package.json'), '{"name": "consumer", "version": "1.0.0", "private": true}');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: project, stdio: 'ignore' });
    fs.mkdirSync(path.join(project, 'k8s'));
    fs.writeFileSync(path.join(project, 'k8s', 'promxy.yaml'), BROKEN);
    // A tag sends its document to the `yaml` parser, which the package carries as a file of its own.
    fs.writeFileSync(path.join(project, 'k8s', 'tagged.yaml'), TAGGED);
    const run = spawnSync('npx', ['--no-install', 'probe-lint', 'k8s/'], { cwd: project, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toContain('probe-port-missing');
    expect(run.stdout).toContain('tagged.yaml');
    // A glob argument loads `glob`, which the package carries beside the CLI too.
    const globbed = spawnSync('npx', ['--no-install', 'probe-lint', '--format', 'compact', 'k8s/*.yaml'], { cwd: project, encoding: 'utf8' });
    expect(globbed.status, globbed.stderr).toBe(1);
    expect(globbed.stdout).toMatch(/^k8s\/promxy\.yaml:.*\[probe-port-missing\]$/m);
    console.log(`npm pack: ${packed[0].filename}, ${(packed[0].size / 1024).toFixed(0)} kB packed, ${(packed[0].unpackedSize / 1024).toFixed(0)} kB unpacked`);
  });
});

const hasPreCommit = HAS_PRE_COMMIT;
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
    // Not rendered without helm: a render-failed warning on the chart, which does not fail the default --fail-on error.
    expect(String(failing.stdout)).toContain('render-failed');

    fs.writeFileSync(path.join(project, 'k8s', 'promxy.yaml'), BROKEN.replace('port: web}', 'port: 8082}'));
    git(project, 'add', '.');
    const passing = run();
    expect(passing.status, String(passing.stdout)).toBe(0);
  }, 180_000);
});
