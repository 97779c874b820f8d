// ESLint-style flags and the messages around them (SPEC §5), end to end: the
// CLI built from the current source, spawned as users and CI run it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { CLI, REPO, cli, tempDir, tempTree } from './helpers.js';

/** One warning (probe-timeout-short at 10:9), nothing else. */
const POD = `apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  containers:
    - name: api
      image: api:1
      readinessProbe:
        httpGet: {path: /health, port: 8080}
        timeoutSeconds: 1
`;

const json = (stdout: string): { findings: { file: string; ruleId: string; severity: string; message: string }[]; summary: Record<string, number> } => JSON.parse(stdout);
const linted = (stdout: string): string[] => [...new Set(json(stdout).findings.map((f) => f.file))].sort();
/** Lines of stderr that look like a stack frame. */
const STACK = /^\s+at /m;

describe('--format compact', () => {
  it('writes one clickable line per finding, then the summary line of stylish', () => {
    const result = cli(['-f', 'compact', 'samples/']);
    expect(result.status).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    const findings = lines.slice(0, -2);
    expect(findings).toHaveLength(9);
    for (const line of findings) expect(line).toMatch(/^samples\/[\w-]+\.yaml:\d+:\d+: (error|warning|info): .+ \[[a-z-]+\]$/);
    expect(findings).toContain(
      'samples/incident-api.yaml:31:13: warning: readiness probe of container "api" fails any check slower than 2s (timeoutSeconds: 2; need ≥ 3s): when GET /health on port http (8080) answers slower under load, the healthy pod is marked not-ready and dropped from service "api" [probe-timeout-short]',
    );
    expect(lines.at(-2)).toBe('');
    const stylishSummary = cli(['samples/']).stdout.trimEnd().split('\n').find((l) => l.startsWith('✖'))!;
    expect(stylishSummary).toBe(`✖ ${lines.at(-1)}`);
  });

  it('keeps one finding on one line whatever the file name holds', () => {
    const root = tempTree({ 'odd\nname.yaml': POD });
    const result = cli(['-f', 'compact', '.'], { cwd: root });
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^odd\u240aname\.yaml:10:9: warning: .* \[probe-timeout-short\]$/),
      '',
      '1 problem (0 errors, 1 warning, 0 info) in 1 file, 1 document, 1 object, 1 container',
    ]);
  });

  it('prints only the summary when nothing is found', () => {
    const result = cli(['-f', 'compact', 'samples/incident-api-fixed.yaml']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^0 problems \(0 errors, 0 warnings, 0 info\) in 1 file, /);
    expect(result.stdout.split('\n')).toHaveLength(2);
  });
});

describe('--quiet', () => {
  it('leaves warnings and info out of the report and its counts', () => {
    const result = cli(['--quiet', '-f', 'json', 'samples/']);
    expect(result.status).toBe(1);
    const report = json(result.stdout);
    expect(report.findings.map((f) => f.severity)).toEqual(['error']);
    expect(report.summary).toMatchObject({ error: 1, warning: 0, info: 0 });
    const stylish = cli(['--quiet', 'samples/']).stdout;
    expect(stylish).not.toMatch(/\bwarning\b|\binfo\b {2}/);
    expect(stylish).toContain('1 problem (1 error, 0 warnings, 0 info)');
  });

  it('sets the exit code by what remains', () => {
    expect(cli(['--fail-on', 'warning', 'samples/worker-with-comments.yaml']).status).toBe(1);
    expect(cli(['--quiet', '--fail-on', 'warning', 'samples/worker-with-comments.yaml']).status).toBe(0);
  });
});

describe('--max-warnings', () => {
  // worker-with-comments.yaml: 2 warnings, no error.
  it('exits 1 when more warnings than allowed remain, and says so', () => {
    const over = cli(['--max-warnings', '1', 'samples/worker-with-comments.yaml']);
    expect(over.status).toBe(1);
    expect(over.stderr).toContain('probe-lint: too many warnings (2, --max-warnings 1)');
    const at = cli(['--max-warnings', '2', 'samples/worker-with-comments.yaml']);
    expect(at.status).toBe(0);
    expect(at.stderr).toBe('');
    expect(cli(['--max-warnings', '0', 'samples/incident-api-fixed.yaml']).status).toBe(0);
  });

  it('counts no warning under --quiet, as ESLint does', () => {
    expect(cli(['--quiet', '--max-warnings', '0', 'samples/worker-with-comments.yaml']).status).toBe(0);
  });

  it('still fails on errors, and on warnings past the limit with --fail-on never', () => {
    expect(cli(['--max-warnings', '100', 'samples/']).status).toBe(1);
    expect(cli(['--fail-on', 'never', '--max-warnings', '0', 'samples/worker-with-comments.yaml']).status).toBe(1);
  });

  it('takes -1 as no limit, ESLint\'s default', () => {
    const none = cli(['--max-warnings', '-1', 'samples/worker-with-comments.yaml']);
    expect(none.status, none.stderr).toBe(0);
    expect(none.stderr).toBe('');
    expect(cli(['--max-warnings=-1', '--fail-on', 'never', 'samples/worker-with-comments.yaml']).status).toBe(0);
  });

  it('refuses a limit that is not a count', () => {
    for (const bad of ['x', '-2', '1.5', '']) {
      const result = cli(['--max-warnings', bad, 'samples/']);
      expect(result.status, bad).toBe(2);
      expect(result.stderr, bad).toContain("option '--max-warnings <n>' argument");
      expect(result.stdout, bad).toBe('');
    }
  });
});

describe('paths with nothing to lint', () => {
  const tree = (): string =>
    tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'k8s/pod.yaml': POD,
      'docs/README.md': '# docs\n',
      'generated/pod.yaml': POD,
      '.gitignore': 'generated/\n',
    });

  it('are an error naming them (exit 2), and nothing is linted', () => {
    const root = tree();
    const cases: [string[], RegExp][] = [
      [['k8s', 'k8z'], /^probe-lint: k8z: no such file or directory; /],
      [['k8s/*.yml'], /^probe-lint: k8s\/\*\.yml: no YAML file, Helm chart or kustomization matches this glob; /],
      [['docs/*'], /^probe-lint: docs\/\*: no YAML file, Helm chart or kustomization matches this glob; /],
      [['docs'], /^probe-lint: docs: no YAML file, Helm chart or kustomization in this directory; /],
      [['k8s', '--ignore', 'pod.yaml'], /^probe-lint: k8s: no YAML file, Helm chart or kustomization in this directory that is not ignored \(1 ignored by \.gitignore, --ignore or the config\); /],
    ];
    for (const [args, message] of cases) {
      const result = cli(args, { cwd: root });
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toContain('--no-error-on-unmatched-pattern');
      expect(result.stdout, args.join(' ')).toBe('');
    }
  });

  it('are also an error when nothing is named and the working directory has nothing', () => {
    const result = cli([], { cwd: tempTree({ 'notes.txt': 'x\n' }) });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^probe-lint: \.: no YAML file, Helm chart or kustomization in this directory; /);
  });

  it('are notices with --no-error-on-unmatched-pattern, and the rest is linted', () => {
    const root = tree();
    const result = cli(['--no-error-on-unmatched-pattern', '-f', 'json', 'k8z', 'docs', 'k8s/*.yml', 'k8s'], { cwd: root });
    expect(result.status).toBe(0);
    expect(linted(result.stdout)).toEqual(['k8s/pod.yaml']);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'probe-lint: k8z: no such file or directory',
      'probe-lint: docs: no YAML file, Helm chart or kustomization in this directory',
      'probe-lint: k8s/*.yml: no YAML file, Helm chart or kustomization matches this glob',
    ]);
    expect(cli(['--no-error-on-unmatched-pattern', 'docs'], { cwd: root }).status).toBe(0);
  });

  it('do not include a file or directory named explicitly that an ignore would skip in a walk', () => {
    const root = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': 'generated/\n*.local.yaml\n',
      '.probe-lint.yaml': 'ignore: ["vendor/"]\n',
      'generated/pod.yaml': POD,
      'dev.local.yaml': POD,
      'legacy/pod.yaml': POD,
      'vendor/pod.yaml': POD,
      'k8s/pod.yaml': POD,
    });
    const files = (args: string[]): string[] => {
      const result = cli(['-f', 'json', '--ignore', 'legacy/', ...args], { cwd: root });
      expect(result.status, args.join(' ')).toBe(0);
      return linted(result.stdout);
    };
    // A walk skips every one of them.
    expect(files(['.'])).toEqual(['k8s/pod.yaml']);
    expect(files(['generated/pod.yaml', 'dev.local.yaml', 'legacy/pod.yaml', 'vendor/pod.yaml'])).toEqual([
      'dev.local.yaml', 'generated/pod.yaml', 'legacy/pod.yaml', 'vendor/pod.yaml',
    ]);
    expect(files(['generated', 'legacy', 'vendor'])).toEqual(['generated/pod.yaml', 'legacy/pod.yaml', 'vendor/pod.yaml']);
  });
});

describe('--stdin-filename', () => {
  const repo = (): string =>
    tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'k8s/.probe-lint.yaml': 'rules:\n  probe-timeout-short: error\n',
    });

  it('names stdin in the report instead of <stdin>', () => {
    const root = repo();
    const result = cli(['--stdin-filename', 'k8s/api.yaml', '-f', 'compact', '-'], { cwd: root, input: POD });
    expect(result.stdout).toMatch(/^k8s\/api\.yaml:10:9: /);
    expect(cli(['-f', 'compact', '-'], { cwd: root, input: POD }).stdout).toMatch(/^<stdin>:10:9: /);
    const inner = cli(['--stdin-filename', './api.yaml', '-f', 'json', '-'], { cwd: path.join(root, 'k8s'), input: POD });
    expect(json(inner.stdout).findings.map((f) => f.file)).toEqual(['api.yaml']);
  });

  it('looks up the config from the directory the name is in', () => {
    const root = repo();
    const named = cli(['--stdin-filename', 'k8s/api.yaml', '-f', 'json', '-'], { cwd: root, input: POD });
    expect(named.status).toBe(1);
    expect(json(named.stdout).findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['probe-timeout-short error']);
    const unnamed = cli(['-f', 'json', '-'], { cwd: root, input: POD });
    expect(unnamed.status).toBe(0);
    expect(json(unnamed.stdout).findings.map((f) => `${f.ruleId} ${f.severity}`)).toEqual(['probe-timeout-short warning']);
  });

  it('places stdin\'s findings at that name in SARIF and in the github format, from the repository top', () => {
    const root = repo();
    const sarif = cli(['--stdin-filename', 'k8s/api.yaml', '-f', 'sarif', '-'], { cwd: root, input: POD });
    const [result] = JSON.parse(sarif.stdout).runs[0].results;
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('k8s/api.yaml');
    expect(result.locations[0].physicalLocation.region).toMatchObject({ startLine: 10, startColumn: 9 });
    // From a subdirectory the name is relative to it; the annotation's path is still from the top.
    const github = cli(['--stdin-filename', 'api.yaml', '-f', 'github', '-'], { cwd: path.join(root, 'k8s'), input: POD, env: { GITHUB_WORKSPACE: '' } });
    expect(github.stdout).toMatch(/^::error file=k8s\/api\.yaml,line=10,col=9,/);
    // Without a name stdin has no place on disk.
    expect(JSON.parse(cli(['-f', 'sarif', '-'], { cwd: root, input: POD }).stdout).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('stdin');
  });

  it('goes with -', () => {
    const result = cli(['--stdin-filename', 'k8s/api.yaml', 'samples/'], { input: POD });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('probe-lint: --stdin-filename names what - reads: add - to the paths\n');
  });
});

describe('probe-lint rules --format', () => {
  it('json: every rule with its metadata, options and docs', () => {
    const result = cli(['rules', '--format', 'json']);
    expect(result.status).toBe(0);
    const listed = JSON.parse(result.stdout) as { version: number; rules: any[] };
    expect(listed.version).toBe(1);
    expect(listed.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    for (const rule of listed.rules) {
      expect(Object.keys(rule)).toEqual(['id', 'severity', 'severityNote', 'fixable', 'title', 'summary', 'options', 'docs']);
      expect(['error', 'warning', 'info', 'off']).toContain(rule.severity);
      expect(['none', 'safe', 'unsafe']).toContain(rule.fixable);
      expect(rule.docs).toBe(`https://github.com/probe-lint/probe-lint/blob/main/rules/${rule.id}.md`);
      expect(fs.existsSync(path.join(REPO, 'rules', `${rule.id}.md`)), rule.id).toBe(true);
    }
    const timeout = listed.rules.find((r) => r.id === 'probe-timeout-short');
    expect(timeout).toMatchObject({ severity: 'warning', fixable: 'safe', severityNote: expect.stringMatching(/^warning; info when/) });
    expect(listed.rules.find((r) => r.id === 'probe-forbidden')).toMatchObject({ severity: 'error', fixable: 'none', severityNote: null, title: expect.stringMatching(/^A probe on a plain init container/) });
    expect(timeout.options.minSeconds).toEqual({ type: 'seconds', default: expect.any(Number), description: expect.stringMatching(/\w/) });
    const readiness = listed.rules.find((r) => r.id === 'readiness-probe-missing');
    expect(readiness.severityNote).toMatch(/^error when a Service routes/);
  });

  it('table stays the default', () => {
    const table = cli(['rules', '--format', 'table']);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/^rule +default +fix +finds\n/);
    expect(cli(['rules']).stdout).toBe(table.stdout);
    expect(cli(['rules', '-f', 'xml']).status).toBe(2);
  });
});

describe('an unknown rule id gets a "did you mean"', () => {
  const typo = 'probe-timout-short';
  const hint = 'did you mean "probe-timeout-short"?';

  it('in explain', () => {
    const result = cli(['explain', typo]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`probe-lint: unknown rule "${typo}"; ${hint}\n`);
    const far = cli(['explain', 'zzz']);
    expect(far.status).toBe(2);
    expect(far.stderr).toBe('probe-lint: unknown rule "zzz"; run probe-lint rules for the list\n');
  });

  it('in --rule', () => {
    const result = cli(['--rule', `${typo}=warning`, 'samples/']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`probe-lint: --rule ${typo}=warning: unknown rule; ${hint}\n`);
  });

  it('in the config', () => {
    const root = tempTree({ '.git/HEAD': 'x\n', '.probe-lint.yaml': `rules:\n  ${typo}: error\n`, 'pod.yaml': POD });
    const result = cli(['.'], { cwd: root });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^probe-lint: \\.probe-lint\\.yaml:2: rules\\.${typo}: unknown rule; did you mean "probe-timeout-short"\\?\\n$`));
  });

  it('in a suppression comment', () => {
    const root = tempTree({ 'pod.yaml': `# probe-lint-disable ${typo}\n${POD}` });
    const result = cli(['-f', 'json', '.'], { cwd: root });
    const unused = json(result.stdout).findings.find((f) => f.ruleId === 'unused-suppression');
    expect(unused?.message).toContain(`"${typo}" is not a rule (${hint})`);
  });
});

describe('failures are one line', () => {
  it('-o into a missing directory names the file and why', () => {
    const missing = path.join(tempDir(), 'missing', 'report.json');
    const result = cli(['-f', 'json', '-o', missing, 'samples/']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`probe-lint: cannot write the report to ${missing}: its directory does not exist; create it first\n`);
    const dir = tempDir();
    expect(cli(['-o', dir, 'samples/']).stderr).toBe(`probe-lint: cannot write the report to ${dir}: it is a directory; name a file\n`);
  });

  it.skipIf(!fs.existsSync('/dev/full'))('a report stdout cannot take is one line and exit 2', () => {
    const full = fs.openSync('/dev/full', 'w');
    try {
      const result = spawnSync(process.execPath, [CLI, 'samples/'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/^probe-lint: cannot write the report to standard output: ENOSPC[^\n]*\n$/);
    } finally {
      fs.closeSync(full);
    }
  });

  // A working directory deleted under the process: nothing the CLI expects, so it lands on the internal-error path.
  const inDeletedDir = (env: Record<string, string>): ReturnType<typeof spawnSync> => {
    const dir = tempDir();
    return spawnSync('sh', ['-c', 'cd "$1" && rmdir "$1" && exec "$2" "$3" .', 'sh', dir, process.execPath, CLI], {
      encoding: 'utf8',
      env: { ...process.env, DEBUG: '', ...env },
    });
  };

  it('an internal error is one line, with the stack only under DEBUG=probe-lint', () => {
    const plain = inDeletedDir({});
    expect(plain.status).toBe(2);
    expect(plain.stderr).toMatch(/^probe-lint: internal error: ENOENT[^\n]*uv_cwd \(DEBUG=probe-lint shows the stack; please report it at https:\/\/github\.com\/probe-lint\/probe-lint\/issues\)\n$/);
    const debug = inDeletedDir({ DEBUG: 'express,probe-lint' });
    expect(debug.status).toBe(2);
    expect(String(debug.stderr)).toMatch(/^probe-lint: internal error: ENOENT[^\n]*uv_cwd\n/);
    expect(String(debug.stderr)).toMatch(STACK);
    expect(String(plain.stderr)).not.toMatch(STACK);
  });
});

describe('--format github', () => {
  it('gives paths from the repository top, whatever directory it runs from', () => {
    const result = cli(['-f', 'github', 'incident-api.yaml'], { cwd: path.join(REPO, 'samples'), env: { GITHUB_WORKSPACE: '' } });
    const files = result.stdout.trimEnd().split('\n').map((l) => /file=([^,]+),/.exec(l)?.[1]);
    expect(files.length).toBeGreaterThan(0);
    expect(new Set(files)).toEqual(new Set(['samples/incident-api.yaml']));
  });

  it('takes GITHUB_WORKSPACE as the top when it is set', () => {
    const root = tempTree({ 'deploy/k8s/pod.yaml': POD });
    const inner = path.join(root, 'deploy');
    const result = cli(['-f', 'github', 'k8s/'], { cwd: inner, env: { GITHUB_WORKSPACE: root } });
    expect(result.stdout).toMatch(/^::warning file=deploy\/k8s\/pod\.yaml,line=10,col=9,/);
    // Outside a repository and a workflow, the working directory is the top.
    expect(cli(['-f', 'github', 'k8s/'], { cwd: inner, env: { GITHUB_WORKSPACE: '' } }).stdout).toMatch(/^::warning file=k8s\/pod\.yaml,/);
  });
});

describe('--help', () => {
  it('shows the new flags and an example of each', () => {
    const help = cli(['--help']).stdout;
    for (const flag of ['--quiet', '--max-warnings <n>', '--no-error-on-unmatched-pattern', '--stdin-filename <name>', 'compact']) expect(help, flag).toContain(flag);
    const examples = help.slice(help.indexOf('Examples:'));
    for (const example of ['--format compact', '--quiet', '--max-warnings 0', '--no-error-on-unmatched-pattern', '--stdin-filename', 'rules --format json']) {
      expect(examples, example).toContain(example);
    }
    expect(cli(['rules', '--help']).stdout).toContain('--format <format>');
  });
});

describe('--print-config', () => {
  const tree = (): string =>
    tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.probe-lint.yaml': 'kubernetesVersion: "1.29"\n',
      'team/.probe-lint.yaml': 'kubernetesVersion: "1.31"\n',
      'team/api.yaml': POD,
    });
  const shown = (args: string[], cwd: string): { file: string; kubernetesVersion: string } => {
    const result = cli(args, { cwd });
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  it('DIR shows the config of the files in the directory, not of the directory as a file of its parent', () => {
    const root = tree();
    expect(shown(['--print-config', 'team'], root)).toMatchObject({ file: 'team/.probe-lint.yaml', kubernetesVersion: '1.31' });
    expect(shown(['--print-config', 'team/'], root)).toMatchObject({ file: 'team/.probe-lint.yaml' });
    expect(shown(['--print-config', 'team/api.yaml'], root)).toMatchObject({ file: 'team/.probe-lint.yaml' });
    expect(shown(['--print-config', '.'], path.join(root, 'team'))).toMatchObject({ file: '.probe-lint.yaml', kubernetesVersion: '1.31' });
  });

  it('without a path of its own shows the config of the first path argument, else of the working directory', () => {
    const root = tree();
    expect(shown(['team', '--print-config'], root)).toMatchObject({ file: 'team/.probe-lint.yaml', kubernetesVersion: '1.31' });
    expect(shown(['team/api.yaml', '.', '--print-config'], root)).toMatchObject({ file: 'team/.probe-lint.yaml' });
    expect(shown(['--print-config'], root)).toMatchObject({ file: '.probe-lint.yaml', kubernetesVersion: '1.29' });
  });
});
