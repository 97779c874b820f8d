// Issue 10, hardening: what a repository's files (its config, its file names)
// can make probe-lint do. Values reach helm and kubectl as values, never as
// flags; pre-commit's file names are paths; no config above the repository
// top is read; config keys cannot reach Object.prototype; seconds fit
// Kubernetes' int32; a config is a small regular file or an error.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { configSchema } from '../src/config-schema.js';
import type { OptionSpec } from '../src/rule.js';
import { run } from '../src/run.js';
import { CLI, REPO, tempDir, tempTree, TOOLS, HAS_HELM, HAS_KUBECTL } from './helpers.js';

const hasHelm = HAS_HELM;
const hasKubectl = HAS_KUBECTL;
if (!hasHelm || !hasKubectl) console.warn('skipping the real-tool hardening tests: run scripts/fetch-tools.sh to get helm and kubectl into .tools/bin');
const hasSh = fs.existsSync('/bin/sh');
if (!hasSh) console.warn('skipping the /dev/zero and FIFO config tests: they need /bin/sh to cap the memory of the run they spawn');

const DEPLOYMENT = `apiVersion: apps/v1
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
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
            timeoutSeconds: 1
`;

/** A config file of that text in a temp dir, loaded against the real rules. */
function load(text: string): ReturnType<typeof loadConfig> {
  const file = path.join(tempTree({ '.probe-lint.yaml': text }), '.probe-lint.yaml');
  return loadConfig(file, RULES, '.probe-lint.yaml');
}

function configError(text: string): string {
  try {
    load(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`accepted:\n${text}`);
}

// ---------------------------------------------------------------------------
// 1. helm and kubectl

/**
 * A fake `tool` first on PATH: records each argv as one JSON line in the
 * returned log and prints a Deployment, so a run goes on as with the real tool.
 */
function fakeTool(dir: string, tool: string): string {
  const log = path.join(dir, `${tool}.log`);
  const script = [
    `#!${process.execPath}`,
    "const fs = require('node:fs');",
    `fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');`,
    `process.stdout.write(${JSON.stringify(DEPLOYMENT)});`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, tool), script, { mode: 0o755 });
  return log;
}

function invocations(log: string): string[][] {
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]) : [];
}

/** Every argument a user controls sits where helm/kubectl can only read a value: after `--`, or inside `--flag=value`. */
function expectValuesOnly(argv: string[], subcommand: string, flags: RegExp): void {
  expect(argv[0]).toBe(subcommand);
  const end = argv.indexOf('--');
  expect(end, JSON.stringify(argv)).toBeGreaterThan(0);
  for (const flag of argv.slice(1, end)) expect(flag, JSON.stringify(argv)).toMatch(flags);
  for (const operand of argv.slice(end + 1)) expect(operand.startsWith('-'), JSON.stringify(argv)).toBe(false);
}

const HOSTILE_NAMES = ['--output-dir=/anywhere', '--post-renderer=./x.sh', '-n', '--helm-release', 'Upper', 'under_score', 'a'.repeat(64)];

describe('user values reach helm and kubectl as values, never as flags', () => {
  const savedPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  /** A repository with a chart, an overlay, and fake helm and kubectl first on PATH. */
  function fakeToolsRepo(): { root: string; helmLog: string; kubectlLog: string } {
    const root = tempTree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\n',
      'chart/templates/deploy.yaml': DEPLOYMENT,
      '-vals/prod.yaml': 'replicas: 2\n',
      '-overlay/kustomization.yaml': 'resources: [deploy.yaml]\n',
      '-overlay/deploy.yaml': DEPLOYMENT,
    });
    const bin = tempDir();
    const helmLog = fakeTool(bin, 'helm');
    const kubectlLog = fakeTool(bin, 'kubectl');
    process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
    return { root, helmLog, kubectlLog };
  }

  for (const name of HOSTILE_NAMES) {
    it(`rejects helm.releaseName ${JSON.stringify(name.slice(0, 24))} with the key path`, () => {
      expect(configError(`helm:\n  releaseName: ${JSON.stringify(name)}\n`)).toMatch(/^\.probe-lint\.yaml:2: helm\.releaseName: .*release name/);
    });

    it(`rejects helm.namespace ${JSON.stringify(name.slice(0, 24))} with the key path`, () => {
      expect(configError(`helm:\n  namespace: ${JSON.stringify(name)}\n`)).toMatch(/^\.probe-lint\.yaml:2: helm\.namespace: .*namespace/);
    });
  }

  it('accepts the release names and namespaces helm accepts', () => {
    const config = load('helm:\n  releaseName: api-v2.prod\n  namespace: team-a\n');
    expect([config.helm.releaseName, config.helm.namespace]).toEqual(['api-v2.prod', 'team-a']);
  });

  it('rejects a values file whose path helm would split at a comma (into a second file or a URL)', () => {
    expect(configError('helm:\n  values: [ok.yaml, "a.yaml,https://example.com/v.yaml"]\n')).toMatch(/^\.probe-lint\.yaml:2: helm\.values\[1\]: .*comma/);
  });

  it('a run with a hostile config never runs helm', async () => {
    const { root, helmLog } = fakeToolsRepo();
    fs.writeFileSync(path.join(root, '.probe-lint.yaml'), 'helm:\n  releaseName: "--output-dir=/anywhere"\n');
    await expect(run({ paths: ['chart'], cwd: root })).rejects.toThrow(ConfigError);
    expect(invocations(helmLog)).toEqual([]);
  });

  for (const [option, value] of [
    ['helmRelease', '--output-dir=/anywhere'],
    ['helmRelease', '--post-renderer=./x.sh'],
    ['helmNamespace', '--post-renderer=./x.sh'],
  ] as const) {
    it(`a hostile ${option} from the command line or the Action is refused before helm runs: ${value}`, async () => {
      const { root, helmLog } = fakeToolsRepo();
      const result = await run({ paths: ['chart'], cwd: root, [option]: value });
      expect(invocations(helmLog)).toEqual([]);
      expect(result.notices.map((n) => n.message).join('\n')).toMatch(/not rendered: .*(release name|namespace)/);
      // Not rendered is not linted: a finding, so CI does not go green on it.
      const failed = result.findings.filter((f) => f.ruleId === 'render-failed');
      expect(failed.map((f) => f.file.path)).toEqual(['chart/Chart.yaml']);
      expect(failed[0]!.message).toMatch(/not a valid (release name|namespace).*set a valid one/);
    });
  }

  it('passes values files as absolute --values=FILE, the namespace as --namespace=NS, and release and chart after --', async () => {
    const { root, helmLog } = fakeToolsRepo();
    fs.writeFileSync(path.join(root, '.probe-lint.yaml'), 'helm:\n  values: ["-vals/prod.yaml"]\n  releaseName: api\n  namespace: prod\n');
    const fromConfig = await run({ paths: ['chart'], cwd: root });
    expect(fromConfig.notices).toEqual([]);
    // --helm-values is relative to the working directory, as the user typed it.
    await run({ paths: ['chart'], cwd: root, helmValues: ['-vals/prod.yaml', '--post-renderer=./x.sh'], helmRelease: 'r', helmNamespace: 'n' });
    const [config, flags] = invocations(helmLog);
    expectValuesOnly(config!, 'template', /^--(values=\/|namespace=[a-z0-9])/);
    expectValuesOnly(flags!, 'template', /^--(values=\/|namespace=[a-z0-9])/);
    expect(config).toEqual(['template', `--values=${path.join(root, '-vals', 'prod.yaml')}`, '--namespace=prod', '--', 'api', path.join(root, 'chart')]);
    expect(flags).toContain(`--values=${path.join(root, '--post-renderer=./x.sh')}`);
  });

  it('passes a kustomization directory to kubectl after --, as an absolute path', async () => {
    const { root, kubectlLog } = fakeToolsRepo();
    await run({ paths: ['.'], cwd: root });
    const [argv] = invocations(kubectlLog);
    expectValuesOnly(argv!, 'kustomize', /^$/);
    expect(argv).toEqual(['kustomize', '--', path.join(root, '-overlay')]);
  });

  describe.skipIf(!hasHelm || !hasKubectl)('the real helm and kubectl take these forms', () => {
    beforeAll(() => {
      const home = tempDir();
      process.env.HELM_CACHE_HOME = path.join(home, 'cache');
      process.env.HELM_CONFIG_HOME = path.join(home, 'config');
      process.env.HELM_DATA_HOME = path.join(home, 'data');
    });

    it('renders a chart with values from a directory named -vals, a release and a namespace', async () => {
      const root = tempTree({
        'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\n',
        'chart/templates/deploy.yaml': DEPLOYMENT.replace('name: api}', 'name: {{ .Release.Name }}, namespace: {{ .Release.Namespace }}}').replace('timeoutSeconds: 1', 'timeoutSeconds: {{ .Values.timeout }}'),
        'chart/values.yaml': 'timeout: 5\n',
        '-vals/prod.yaml': 'timeout: 1\n',
      });
      process.env.PATH = `${TOOLS}${path.delimiter}${savedPath}`;
      const result = await run({ paths: ['chart'], cwd: root, helmValues: ['-vals/prod.yaml'], helmRelease: 'api', helmNamespace: 'prod' });
      expect(result.notices).toEqual([]);
      expect(result.files[0]!.file.text).toContain('name: api, namespace: prod');
      expect(result.findings.map((f) => f.ruleId)).toContain('probe-timeout-short');
    });

    it('renders an overlay in a directory named -overlay', async () => {
      const root = tempTree({ '-overlay/kustomization.yaml': 'resources: [deploy.yaml]\n', '-overlay/deploy.yaml': DEPLOYMENT });
      process.env.PATH = `${TOOLS}${path.delimiter}${savedPath}`;
      const result = await run({ paths: ['.'], cwd: root });
      expect(result.notices).toEqual([]);
      expect(result.findings.map((f) => f.ruleId)).toContain('probe-timeout-short');
    });
  });
});

// ---------------------------------------------------------------------------
// The CLI built from the current source (helpers.ts CLI; bin/probe-lint.js is rebuilt by `npm run bundle`).

function spawnCli(args: string[], cwd: string, options: { memoryCapKiB?: number; timeout?: number } = {}): SpawnSyncReturns<string> {
  const env = { ...process.env, NO_COLOR: '', FORCE_COLOR: '0' };
  const spawnOptions = { cwd, env, encoding: 'utf8' as const, timeout: options.timeout ?? 30_000 };
  if (options.memoryCapKiB === undefined) return spawnSync(process.execPath, [CLI, ...args], spawnOptions);
  // A cap on address space: a run that reads /dev/zero dies in a second instead of filling the machine.
  return spawnSync('/bin/sh', ['-c', `ulimit -v ${options.memoryCapKiB}; exec "$0" "$@"`, process.execPath, CLI, ...args], spawnOptions);
}

// ---------------------------------------------------------------------------
// 2. pre-commit's file names

describe('file names after -- are paths (pre-commit passes committed file names)', () => {
  const hook = (): { entry: string; args?: string[] } => {
    const hooks = parseYaml(fs.readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; args?: string[] }[];
    return hooks.find((h) => h.id === 'probe-lint')!;
  };

  it('the hook ends its arguments with --, so a file named --output=notes.yaml is linted, not obeyed', () => {
    const { entry, args = [] } = hook();
    expect(entry).toBe('probe-lint');
    expect(args.at(-1)).toBe('--');
    // Routing context from the whole repository (pre-commit runs at its top), so a staged file gets CI's verdict.
    expect(args).toEqual(['--context', '.', '--']);
    const root = tempTree({ '--output=notes.yaml': DEPLOYMENT, 'notes.yaml': 'kept: true\n' });
    // pre-commit runs entry, then args, then the file names.
    const result = spawnCli([...args, '--output=notes.yaml'], root);
    expect(result.stdout).toContain('--output=notes.yaml');
    expect(result.stdout).toContain('probe-timeout-short');
    expect(fs.readFileSync(path.join(root, 'notes.yaml'), 'utf8')).toBe('kept: true\n');
  });

  it('a file named like an option is not created nor overwritten: -- --output=notes.yaml', () => {
    const root = tempTree({ '--output=notes.yaml': DEPLOYMENT });
    const result = spawnCli(['--', '--output=notes.yaml'], root);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('--output=notes.yaml');
    expect(fs.existsSync(path.join(root, 'notes.yaml'))).toBe(false);
  });

  it('a file named like a subcommand (rules, explain, help) after -- is linted, not run', () => {
    const root = tempTree({ rules: DEPLOYMENT, explain: DEPLOYMENT, help: DEPLOYMENT });
    for (const name of ['rules', 'explain', 'help']) {
      const result = spawnCli(['--', name], root);
      expect(result.stdout, `${name}: ${result.stderr}`).toMatch(new RegExp(`^\\n?${name}\\n`));
      expect(result.stdout).toContain('probe-timeout-short');
    }
    // Before --, the words are still the subcommands.
    const rules = spawnCli(['rules'], root);
    expect(rules.stdout).toContain('probe-timeout-short');
    expect(rules.stdout, 'the file was linted').not.toContain('timeoutSeconds: 1');
  });

  it('--helm-release and --helm-namespace refuse values helm would read as flags (exit 2)', () => {
    const root = tempTree({ 'a.yaml': DEPLOYMENT });
    for (const args of [['--helm-release', '--output-dir=/anywhere'], ['--helm-namespace', '--post-renderer=./x.sh'], ['--helm-release=-x']]) {
      const result = spawnCli([...args, 'a.yaml'], root);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/release name|namespace/);
    }
  });
});

// ---------------------------------------------------------------------------
// 3. The repository top

describe('config lookup stops at the repository top', () => {
  const outer = (gitAs: 'dir' | 'file' | null): string => {
    // Ignores everything and turns the rule the file breaks off: either shows the config was read.
    const root = tempTree({ '.probe-lint.yaml': 'ignore: ["**"]\nrules:\n  probe-timeout-short: off\n', 'repo/k8s/a.yaml': DEPLOYMENT });
    const git = path.join(root, 'repo', '.git');
    if (gitAs === 'dir') fs.mkdirSync(git);
    // A worktree or submodule has a .git file.
    if (gitAs === 'file') fs.writeFileSync(git, 'gitdir: /elsewhere\n');
    return root;
  };

  for (const gitAs of ['dir', 'file'] as const) {
    it(`a config above the directory holding .git (a ${gitAs}) is never read`, async () => {
      const root = outer(gitAs);
      for (const [cwd, paths] of [[path.join(root, 'repo'), ['k8s']], [path.join(root, 'repo', 'k8s'), ['.']]] as const) {
        const result = await run({ paths: [...paths], cwd });
        expect(result.config.file).toBeNull();
        expect(result.summary.files).toBe(1);
        expect(result.findings.map((f) => f.ruleId)).toContain('probe-timeout-short');
      }
    });
  }

  it('the config at the repository top itself is read', async () => {
    const root = outer('dir');
    fs.writeFileSync(path.join(root, 'repo', '.probe-lint.yml'), 'rules:\n  probe-timeout-short: off\n');
    const result = await run({ paths: ['.'], cwd: path.join(root, 'repo', 'k8s') });
    expect(result.config.file).toBe(path.join(root, 'repo', '.probe-lint.yml'));
    expect(result.findings.map((f) => f.ruleId)).not.toContain('probe-timeout-short');
  });

  it('outside any repository the search still goes upwards', async () => {
    const root = outer(null);
    const result = await run({ paths: ['k8s'], cwd: path.join(root, 'repo') });
    expect(result.config.file).toBe(path.join(root, '.probe-lint.yaml'));
    expect(result.findings.map((f) => f.ruleId)).not.toContain('probe-timeout-short');
  });
});

// ---------------------------------------------------------------------------
// 4. Prototype keys

describe('__proto__, constructor and prototype are unknown keys', () => {
  const KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString'];
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

  afterEach(() => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  for (const key of KEYS) {
    it(`${key} as a rule option`, () => {
      expect(configError(`rules:\n  probe-timeout-short:\n    ${key}: ["polluted"]\n`)).toMatch(new RegExp(`rules\\.probe-timeout-short\\.${key}: unknown option`));
      expect(configError(`rules:\n  probe-timeout-short:\n    ${key}: {polluted: 1}\n`)).toMatch(/unknown option/);
      expect(configError(`rules:\n  probe-timeout-short:\n    ${key}: 5\n`)).toMatch(/unknown option/);
    });

    it(`${key} as a rule id, a helm key and a top-level key`, () => {
      expect(configError(`rules:\n  ${key}: warning\n`)).toMatch(new RegExp(`rules\\.${key}: unknown rule`));
      expect(configError(`rules:\n  ${key}: {polluted: ["x"]}\n`)).toMatch(/unknown rule/);
      expect(configError(`helm:\n  ${key}: {polluted: "x"}\n`)).toMatch(new RegExp(`helm\\.${key}: unknown key`));
      expect(configError(`${key}: {polluted: "x"}\n`)).toMatch(new RegExp(`${key}: unknown key`));
    });
  }

  it('a merge key cannot bring them in either', () => {
    expect(configError('base: &b {__proto__: ["polluted"]}\n')).toMatch(/unknown key/);
    expect(configError('x: &b {__proto__: ["polluted"]}\nrules:\n  probe-timeout-short: {<<: *b, severity: error}\n')).toMatch(/unknown/);
  });
});

// ---------------------------------------------------------------------------
// 5. Seconds

describe('seconds options are whole numbers from 1 to 2147483647 (Kubernetes int32)', () => {
  const secondsOptions = RULES.flatMap((rule) =>
    Object.entries(rule.options as Record<string, OptionSpec<unknown>>)
      .filter(([, spec]) => spec.type === 'seconds')
      .map(([key]) => [rule.id, key] as const),
  );

  it('the rules declare seconds options', () => {
    expect(secondsOptions).toContainEqual(['probe-timeout-short', 'fixSeconds']);
  });

  for (const [id, key] of secondsOptions) {
    it(`rules.${id}.${key}`, () => {
      for (const big of ['1e+23', '3000000000', '2147483648']) {
        expect(configError(`rules:\n  ${id}:\n    ${key}: ${big}\n`), big).toMatch(new RegExp(`rules\\.${id}\\.${key}: must be at most 2147483647 seconds .*, not ${big.replace('+', '\\+')}$`));
      }
      for (const bad of ['0', '-1', '1.5', '.inf', '"5"']) {
        expect(configError(`rules:\n  ${id}:\n    ${key}: ${bad}\n`), bad).toMatch(new RegExp(`rules\\.${id}\\.${key}: must be a whole number of seconds ≥ 1, not `));
      }
      expect(load(`rules:\n  ${id}:\n    ${key}: 2147483647\n`).rules.get(id)?.options?.[key]).toBe(2147483647);
    });
  }

  it('the JSON Schema says the same', () => {
    const schema = configSchema(RULES) as { properties: { rules: { properties: Record<string, { oneOf: { properties?: Record<string, unknown> }[] }> } } };
    for (const [id, key] of secondsOptions) {
      expect(schema.properties.rules.properties[id]!.oneOf[1]!.properties![key]).toMatchObject({ type: 'integer', minimum: 1, maximum: 2147483647 });
    }
  });

  it('a fix never writes an out-of-range value: fixSeconds 1e+23 stops the run', async () => {
    const root = tempTree({ '.probe-lint.yaml': 'rules:\n  probe-timeout-short: {fixSeconds: 1e+23}\n', 'a.yaml': DEPLOYMENT });
    await expect(run({ paths: ['.'], cwd: root })).rejects.toThrow(/fixSeconds/);
  });
});

// ---------------------------------------------------------------------------
// 6. Only small regular files

describe('a config is read only when it is a regular file of at most 1 MiB', () => {
  it('a directory named .probe-lint.yaml', async () => {
    const root = tempTree({ 'a.yaml': DEPLOYMENT });
    fs.mkdirSync(path.join(root, '.probe-lint.yaml'));
    await expect(run({ paths: ['.'], cwd: root })).rejects.toThrow(/\.probe-lint\.yaml: cannot read config: a directory, not a regular file/);
  });

  it('a config over 1 MiB', () => {
    expect(configError(`# ${'x'.repeat(1024 * 1024)}\nrules: {}\n`)).toMatch(/larger than 1 MiB/);
    expect(load(`# ${'x'.repeat(1000 * 1024)}\nrules: {}\n`).file).not.toBeNull();
  });

  // These run the CLI in a child process with a memory cap and a time limit:
  // before the fix, reading /dev/zero filled memory and a FIFO blocked forever.
  it.skipIf(!hasSh)('a committed symlink to /dev/zero, found or named with --config', { timeout: 60_000 }, () => {
    const root = tempTree({ 'a.yaml': DEPLOYMENT });
    fs.symlinkSync('/dev/zero', path.join(root, '.probe-lint.yaml'));
    for (const args of [['a.yaml'], ['--config', '.probe-lint.yaml', 'a.yaml']]) {
      const started = Date.now();
      const result = spawnCli(args, root, { memoryCapKiB: 1_500_000, timeout: 20_000 });
      expect(result.signal, result.stderr).toBeNull();
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/\.probe-lint\.yaml: cannot read config: a character device, not a regular file/);
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  });

  const hasMkfifo = spawnSync('mkfifo', ['--version']).status === 0;
  if (!hasMkfifo) console.warn('skipping the FIFO config test: mkfifo is not available');

  it.skipIf(!hasSh || !hasMkfifo)('a FIFO named .probe-lint.yaml', { timeout: 60_000 }, () => {
    const root = tempTree({ 'a.yaml': DEPLOYMENT });
    expect(spawnSync('mkfifo', [path.join(root, '.probe-lint.yaml')]).status).toBe(0);
    const result = spawnCli(['a.yaml'], root, { memoryCapKiB: 1_500_000, timeout: 20_000 });
    expect(result.signal, 'the run blocked on the FIFO').toBeNull();
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/\.probe-lint\.yaml: cannot read config: a FIFO.*, not a regular file/);
  });
});
