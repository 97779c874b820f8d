// SPEC §6: the nearest config to each file applies to it (no merging), `--config`
// applies to all, `$schema` is allowed, and `--print-config FILE` shows which
// config a file gets.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, FIXTURES, REPO, tempDir, tempTree, TOOLS, HAS_HELM } from './helpers.js';
import { run } from '../src/run.js';

const MANIFEST = fs.readFileSync(path.join(FIXTURES, 'probe-timeout-short', 'readiness-2s.yaml'), 'utf8');

/** The findings of a run as `file rule severity`, one a line. */
async function findings(cwd: string, extra: Partial<Parameters<typeof run>[0]> = {}): Promise<string[]> {
  const result = await run({ paths: ['.'], cwd, ...extra });
  return result.findings.map((f) => `${f.file.path} ${f.ruleId} ${f.severity}`);
}

describe('a config in a subdirectory applies below it', () => {
  const tree = (): string =>
    tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.probe-lint.yaml': 'rules:\n  probe-timeout-short: error\n',
      'api.yaml': MANIFEST,
      'team/.probe-lint.yaml': 'rules:\n  probe-timeout-short: off\n',
      'team/api.yaml': MANIFEST,
      'team/deep/api.yaml': MANIFEST,
    });

  it('the nearest config decides each file, whole', async () => {
    const lines = await findings(tree());
    expect(lines).toContain('api.yaml probe-timeout-short error');
    expect(lines.filter((l) => l.startsWith('team/'))).not.toEqual([]);
    expect(lines.filter((l) => l.startsWith('team/') && l.includes('probe-timeout-short'))).toEqual([]);
  });

  it('without merging: a rule the nearer config leaves out keeps its default, not the outer config\'s setting', async () => {
    const dir = tree();
    fs.writeFileSync(path.join(dir, '.probe-lint.yaml'), 'rules:\n  probe-timeout-short: error\n  prestop-hook-missing: off\n');
    const lines = await findings(dir);
    expect(lines.filter((l) => l.startsWith('api.yaml prestop-hook-missing'))).toEqual([]);
    expect(lines).toContain('team/api.yaml prestop-hook-missing warning');
  });

  it('--config applies to every file, the nested ones included', async () => {
    const lines = await findings(tree(), { configFile: '.probe-lint.yaml' });
    expect(lines).toContain('team/api.yaml probe-timeout-short error');
    expect(lines).toContain('team/deep/api.yaml probe-timeout-short error');
  });

  it('--rule overrides every config', async () => {
    const lines = await findings(tree(), { ruleFlags: ['probe-timeout-short=info'] });
    expect(lines).toContain('api.yaml probe-timeout-short info');
    expect(lines).toContain('team/api.yaml probe-timeout-short info');
  });

  it('a nested config\'s ignore applies below it, and the outer one\'s does not', async () => {
    const dir = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.probe-lint.yaml': 'ignore: ["**/generated/**"]\n',
      'generated/api.yaml': MANIFEST,
      'team/.probe-lint.yml': 'ignore: ["legacy/**"]\n',
      'team/legacy/api.yaml': MANIFEST,
      'team/generated/api.yaml': MANIFEST,
    });
    const files = new Set((await run({ paths: ['.'], cwd: dir })).files.map((f) => f.file.path));
    expect([...files].sort()).toEqual(['team/generated/api.yaml']);
  });

  it('each directory\'s Kubernetes version decides the fix (preStop sleep action from 1.30)', async () => {
    const dir = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'new/api.yaml': MANIFEST,
      'old/.probe-lint.yaml': 'kubernetesVersion: "1.28"\n',
      'old/api.yaml': MANIFEST,
    });
    const result = await run({ paths: ['.'], cwd: dir });
    const hook = (file: string): string => result.findings.find((f) => f.file.path === file && f.ruleId === 'prestop-hook-missing')!.message;
    expect(hook('new/api.yaml')).toContain('sleep: {seconds:');
    expect(hook('old/api.yaml')).toContain('exec: {command: [sleep');
  });

  it('a nested config turns unused-suppression off for its own files', async () => {
    const dir = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'a.yaml': `# probe-lint-disable probe-remote-host\n${MANIFEST}`,
      'quiet/.probe-lint.yaml': 'rules:\n  unused-suppression: off\n',
      'quiet/a.yaml': `# probe-lint-disable probe-remote-host\n${MANIFEST}`,
    });
    const lines = await findings(dir);
    expect(lines.filter((l) => l.includes('unused-suppression'))).toEqual(['a.yaml unused-suppression info']);
  });
});

const hasHelm = HAS_HELM;
if (!hasHelm) console.warn('skipping the per-chart config test: run scripts/fetch-tools.sh to get helm into .tools/bin');

describe.skipIf(!hasHelm)('a chart is rendered with the values its nearest config names', () => {
  it('two charts, two configs, two verdicts', () => {
    const chart = (name: string): Record<string, string> => ({
      [`${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`,
      [`${name}/values.yaml`]: 'timeout: 2\n',
      [`${name}/values-ok.yaml`]: 'timeout: 5\n',
      [`${name}/templates/api.yaml`]: MANIFEST.replace('timeoutSeconds: 2 # the incident\'s value', 'timeoutSeconds: {{ .Values.timeout }}'),
    });
    const dir = tempTree({
      '.git/HEAD': '',
      ...chart('strict'),
      ...chart('tuned'),
      'tuned/.probe-lint.yaml': 'helm:\n  values: ["values-ok.yaml"]\n',
    });
    const home = tempDir();
    const env = { PATH: `${TOOLS}${path.delimiter}${process.env.PATH}`, HELM_CACHE_HOME: home, HELM_CONFIG_HOME: home, HELM_DATA_HOME: home };
    const out = cli(['--format', 'json', '.'], { cwd: dir, env });
    const timeouts = (JSON.parse(out.stdout).findings as { ruleId: string; rendered: { from: string } }[]).filter((f) => f.ruleId === 'probe-timeout-short').map((f) => f.rendered.from);
    expect(timeouts).toEqual(['strict']);
  });
});

describe('$schema (SPEC §6: editors use it)', () => {
  it('is allowed in JSON and YAML configs', () => {
    for (const [name, text] of [
      ['.probe-lint.json', '{ "$schema": "./node_modules/probe-lint/probe-lint.schema.json", "rules": { "probe-timeout-short": "error" } }\n'],
      ['.probe-lint.yaml', '$schema: ./node_modules/probe-lint/probe-lint.schema.json\nrules:\n  probe-timeout-short: error\n'],
    ]) {
      const dir = tempTree({ '.git/HEAD': '', [name!]: text!, 'api.yaml': MANIFEST });
      const out = cli(['--format', 'json', '.'], { cwd: dir });
      expect(out.stderr, name).toBe('');
      expect(out.status, name).toBe(1);
      expect(JSON.parse(out.stdout).findings.some((f: { ruleId: string; severity: string }) => f.ruleId === 'probe-timeout-short' && f.severity === 'error')).toBe(true);
    }
  });

  it('must be a string', () => {
    const dir = tempTree({ '.git/HEAD': '', '.probe-lint.json': '{ "$schema": 3 }\n', 'api.yaml': MANIFEST });
    const out = cli(['.'], { cwd: dir });
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/\.probe-lint\.json:1: \$schema: must be a string/);
  });

  it('is in the shipped schema, so that editors do not flag it', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'probe-lint.schema.json'), 'utf8'));
    expect(schema.properties.$schema.type).toBe('string');
  });
});

describe('--print-config', () => {
  const dir = (): string =>
    tempTree({
      '.git/HEAD': '',
      '.probe-lint.yaml': 'kubernetesVersion: "1.29"\nrules:\n  probe-timeout-short: { severity: error, minSeconds: 2 }\n',
      'team/.probe-lint.json': '{ "ignore": ["legacy/**"] }\n',
      'team/api.yaml': MANIFEST,
    });

  it('shows the working directory\'s config with every rule\'s defaults filled in', () => {
    const out = cli(['--print-config'], { cwd: dir() });
    expect(out.status).toBe(0);
    const config = JSON.parse(out.stdout);
    expect(config.file).toBe('.probe-lint.yaml');
    expect(config.kubernetesVersion).toBe('1.29');
    expect(config.rules['probe-timeout-short']).toEqual({ severity: 'error', options: expect.objectContaining({ minSeconds: 2, fixSeconds: 5 }) });
    expect(config.rules['readiness-port-not-served'].severity).toBe('off');
  });

  it('FILE shows which config applies to it', () => {
    const out = cli(['--print-config', 'team/api.yaml'], { cwd: dir() });
    expect(out.status).toBe(0);
    const config = JSON.parse(out.stdout);
    expect(config.file).toBe('team/.probe-lint.json');
    expect(config.ignore).toEqual(['legacy/**']);
    expect(config.kubernetesVersion).toBe('1.30');
    expect(config.rules['probe-timeout-short'].severity).toBe('warning');
  });

  it('shows --rule and --kube-version over the file, and a bad config is exit 2', () => {
    const root = dir();
    const out = cli(['--print-config', 'team/api.yaml', '--rule', 'probe-timeout-short=off', '--kube-version', '1.31'], { cwd: root });
    expect(JSON.parse(out.stdout).rules['probe-timeout-short'].severity).toBe('off');
    expect(JSON.parse(out.stdout).kubernetesVersion).toBe('1.31');
    fs.writeFileSync(path.join(root, 'team', '.probe-lint.json'), '{ "rulez": {} }\n');
    const bad = cli(['--print-config', 'team/api.yaml'], { cwd: root });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/team\/\.probe-lint\.json:1: rulez: unknown key; did you mean "rules"\?/);
  });
});

describe('the review of #11', () => {
  it('a glob skips what a parent config ignores, even below a directory with its own config, as a walk does', async () => {
    const dir = tempTree({
      '.git/HEAD': '',
      '.probe-lint.yaml': 'ignore: ["legacy/"]\n',
      'app/api.yaml': MANIFEST,
      'legacy/.probe-lint.yaml': 'rules:\n  probe-timeout-short: error\n',
      'legacy/api.yaml': MANIFEST,
    });
    const walked = (await run({ paths: ['.'], cwd: dir })).files.map((f) => f.file.path);
    const globbed = (await run({ paths: ['**/*.yaml'], cwd: dir })).files.map((f) => f.file.path);
    expect(walked).toEqual(['app/api.yaml']);
    expect(globbed).toEqual(walked);
  });

  it('a file renamed and then named alone with --context . (as the pre-commit hook does) keeps its suppressions', () => {
    const storefront = fs.readFileSync(path.join(REPO, 'samples', 'storefront.yaml'), 'utf8');
    const dir = tempTree({ '.git/HEAD': '', 'k8s/old.yaml': storefront });
    expect(cli(['--suppress-all', '.'], { cwd: dir }).status).toBe(0);
    fs.renameSync(path.join(dir, 'k8s', 'old.yaml'), path.join(dir, 'k8s', 'new.yaml'));
    expect(cli(['.'], { cwd: dir }).status).toBe(0);
    const hook = cli(['--context', '.', '--', 'k8s/new.yaml'], { cwd: dir });
    expect(hook.stdout + hook.stderr).not.toContain('readiness-probe-missing');
    expect(hook.status).toBe(0);
  });

  it('--no-error-on-unmatched-pattern with a path through a file is a notice, not an internal error', () => {
    const dir = tempTree({ '.git/HEAD': '', 'api.yaml': MANIFEST });
    const out = cli(['--no-error-on-unmatched-pattern', 'api.yaml/foo', 'api.yaml'], { cwd: dir });
    expect(out.stderr).not.toContain('internal error');
    expect(out.status).toBe(0);
  });
});
