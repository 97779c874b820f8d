// Issue 10, hardening of what probe-lint reads and writes: special files and
// huge files, symlinks out of the tree, directories named on purpose, control
// characters in terminal and workflow output, SARIF URIs, and the Action's
// SARIF file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { formatGithub } from '../src/format/github.js';
import { toReport, type Report } from '../src/format/report.js';
import { formatSarif } from '../src/format/sarif.js';
import { formatNotice, formatStylish } from '../src/format/stylish.js';
import type { Notice } from '../src/inputs.js';
import { run, type RunResult } from '../src/run.js';
import { readTextFile, readTreeFile } from '../src/tree-files.js';
import { ACTION, actionEnvironment, tempDir, tempTree } from './helpers.js';

/** A Pod with one finding (probe-timeout-short, fixable) on line 11. */
const POD = `apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: api
      image: example/api:1.0
      readinessProbe:
        httpGet: {path: /ready, port: 8080}
        timeoutSeconds: 1
`;

/** Tests that would hang on a regression fail fast instead. */
const FAST = { timeout: 15_000 };

const lint = (cwd: string, paths: string[], ignore?: string[]): Promise<RunResult> => run({ paths, cwd, ignore });
const linted = (result: RunResult): string[] => result.files.map((f) => f.file.path).sort();
const noticeOn = (result: RunResult, file: string): Notice | undefined => result.notices.find((n) => n.file === file);
const report = (result: RunResult): Report => toReport(result, '0.0.0');

/** Makes a FIFO; false where mkfifo is missing. */
function mkfifo(file: string): boolean {
  return spawnSync('mkfifo', [file]).status === 0;
}
const HAS_MKFIFO = (() => {
  const probe = path.join(tempDir(), 'probe');
  return mkfifo(probe);
})();

/** A file of `bytes` zeros after `head`, without writing them (sparse). */
function bigFile(file: string, head: string, bytes: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, head);
  fs.truncateSync(file, bytes);
}

describe('special and huge files are never read', () => {
  it.skipIf(!fs.existsSync('/dev/zero'))('skips a kustomization that links to a device, naming it, in a walk and for a file named beside it', FAST, async () => {
    const root = tempTree({ 'overlay/pod.yaml': POD });
    fs.symlinkSync('/dev/zero', path.join(root, 'overlay', 'kustomization.yaml'));
    for (const paths of [['.'], ['overlay/pod.yaml']]) {
      const result = await lint(root, paths);
      expect(noticeOn(result, 'overlay/kustomization.yaml')?.message, paths.join(' ')).toMatch(/not a regular file/);
      // The overlay is not rendered: its resources are linted as they are.
      expect(linted(result)).toEqual(['overlay/pod.yaml']);
      expect(result.findings.map((f) => f.ruleId)).toEqual(['probe-timeout-short']);
    }
  });

  it.skipIf(!HAS_MKFIFO)('skips a FIFO named on the command line, matched by a glob or met in a walk, naming it', FAST, async () => {
    const root = tempTree({ 'pod.yaml': POD });
    expect(mkfifo(path.join(root, 'pipe.yaml'))).toBe(true);
    for (const paths of [['pipe.yaml'], ['*.yaml'], ['.']]) {
      const result = await lint(root, paths);
      expect(noticeOn(result, 'pipe.yaml')?.message, paths.join(' ')).toMatch(/FIFO.*not a regular file/);
      expect(linted(result)).toEqual(paths[0] === 'pipe.yaml' ? [] : ['pod.yaml']);
    }
  });

  it.skipIf(!HAS_MKFIFO)('never opens a FIFO or a device as a template, values file or kustomization', FAST, () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'values.yaml');
    expect(mkfifo(fifo)).toBe(true);
    expect(readTextFile(fifo)).toBeNull();
    expect(readTreeFile(fifo)).toBeNull();
    if (fs.existsSync('/dev/zero')) expect(readTextFile('/dev/zero')).toBeNull();
  });

  it('skips a manifest over 64 MiB and a kustomization over 1 MiB with a notice, without reading them', FAST, async () => {
    const root = tempTree({ 'pod.yaml': POD, 'overlay/pod.yaml': POD });
    bigFile(path.join(root, 'huge.yaml'), POD, 64 * 1024 * 1024 + 1);
    bigFile(path.join(root, 'overlay', 'kustomization.yaml'), 'resources: [pod.yaml]\n', 1024 * 1024 + 1);
    const result = await lint(root, ['.']);
    expect(noticeOn(result, 'huge.yaml')?.message).toMatch(/larger than 64 MiB/);
    expect(noticeOn(result, 'overlay/kustomization.yaml')?.message).toMatch(/larger than 1 MiB/);
    expect(linted(result)).toEqual(['overlay/pod.yaml', 'pod.yaml']);
    const named = await lint(root, ['huge.yaml']);
    expect(noticeOn(named, 'huge.yaml')?.message).toMatch(/larger than 64 MiB/);
    expect(linted(named)).toEqual([]);
  });
});

describe('symlinks out of the tree', () => {
  it('a glob does not follow a symlink out of the tree it names', async () => {
    const base = tempDir();
    const secret = POD.replace('        timeoutSeconds: 1', '        # password: hunter2\n        timeoutSeconds: 1');
    fs.mkdirSync(path.join(base, 'outside'));
    fs.writeFileSync(path.join(base, 'outside', 'secret.yaml'), secret);
    const repo = path.join(base, 'repo');
    fs.mkdirSync(path.join(repo, 'k8s'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'k8s', 'ok.yaml'), POD);
    fs.symlinkSync('../../outside/secret.yaml', path.join(repo, 'k8s', 'x.yaml'));
    fs.symlinkSync('../../outside', path.join(repo, 'k8s', 'linked'));
    for (const pattern of ['k8s/*.yaml', 'k8s/*', 'k8s/**/*.yaml', '*/*']) {
      const result = await lint(repo, [pattern]);
      expect(linted(result), pattern).toEqual(['k8s/ok.yaml']);
      expect(result.files.every((f) => f.file.absPath?.startsWith(repo + path.sep)), pattern).toBe(true);
      expect(formatStylish(report(result), { color: false }), pattern).not.toContain('hunter2');
    }
  });
});

describe('directories named explicitly', () => {
  const tree = {
    '.git/HEAD': 'ref: refs/heads/main\n',
    '.gitignore': 'generated/\n*.local.yaml\n',
    'generated/pod.yaml': POD,
    'generated/dev.local.yaml': POD,
    'generated/.gitignore': 'skip.yaml\n',
    'generated/skip.yaml': POD,
    'generated/deeper/pod.yaml': POD,
    'legacy/pod.yaml': POD,
    'legacy/old/pod.yaml': POD,
  };

  it('walks a gitignored directory named on the command line, with the ignores below it still applied', async () => {
    const root = tempTree(tree);
    expect(linted(await lint(root, ['generated']))).toEqual(['generated/deeper/pod.yaml', 'generated/pod.yaml']);
    expect(linted(await lint(root, ['./generated/']))).toEqual(['generated/deeper/pod.yaml', 'generated/pod.yaml']);
    expect(linted(await lint(path.join(root, 'generated'), ['.']))).toEqual(['deeper/pod.yaml', 'pod.yaml']);
    // A walk from above still skips it.
    expect(linted(await lint(root, ['.']))).toEqual(['legacy/old/pod.yaml', 'legacy/pod.yaml']);
  });

  it('walks a directory that --ignore excludes when it is named, and lints a file named under it', async () => {
    const root = tempTree(tree);
    expect(linted(await lint(root, ['legacy'], ['legacy/']))).toEqual(['legacy/old/pod.yaml', 'legacy/pod.yaml']);
    expect(linted(await lint(root, ['legacy'], ['legacy/', 'old/']))).toEqual(['legacy/pod.yaml']);
    expect(linted(await lint(root, ['legacy/pod.yaml'], ['legacy/']))).toEqual(['legacy/pod.yaml']);
    // A walk from above skips both: with nothing else, that is a path with nothing to lint (SPEC §5).
    await expect(lint(root, ['.'], ['legacy/'])).rejects.toThrow(/^\.: no YAML file, Helm chart or kustomization in this directory that is not ignored \(2 ignored/);
  });
});

/** Every C0 and C1 control character but the newline. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/** The colour codes stylish itself writes. */
const OWN_SGR = /\u001b\[(?:1|2|4|22|24|31|32|33|34|39)m/g;

describe('terminal output', () => {
  const evil = (): string => {
    const manifest = POD.replace('    - name: api', '    - name: "api\\e[2J\\e]0;pwned\\a\\x9b31m"').replace('        timeoutSeconds: 1', '        # \u001b[31mred\u001b[0m \u009b2J\n        timeoutSeconds: 1');
    return tempTree({ 'pod\u001b[2J\u0007.yaml': manifest });
  };

  it('stylish prints no control character from file names, values or code frames', async () => {
    const result = await lint(evil(), ['.']);
    expect(result.findings.length).toBeGreaterThan(0);
    expect(result.findings.some((f) => f.message.includes('\u001b[2J'))).toBe(true);
    const plain = formatStylish(report(result), { color: false });
    expect(plain).not.toMatch(CONTROL);
    expect(plain).toContain('pod');
    const coloured = formatStylish(report(result), { color: true });
    expect(coloured).toMatch(OWN_SGR);
    expect(coloured.replace(OWN_SGR, '')).not.toMatch(CONTROL);
  });

  it('notices are made printable the same way', () => {
    const line = formatNotice({ file: 'pod\u001b[2J.yaml', line: 3, message: 'binary\u0007 file\r\nskipped' });
    // One line, ended by the only newline in it.
    expect(line.slice(0, -1)).not.toMatch(CONTROL);
    expect(line).toBe('probe-lint: pod\u241b[2J.yaml:3: binary\u2407 file\u240d\u240askipped\n');
  });
});

describe('GitHub workflow commands and job summary', () => {
  it('a file name or message with a newline cannot start a workflow command', async () => {
    const root = tempTree({ 'a\n::stop-commands::tok\r\n,b:c%.yaml': POD });
    const result = await lint(root, ['.']);
    result.findings[0]!.message += '\n::stop-commands::tok2';
    const out = formatGithub(report(result));
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^::warning file=a%0A%3A%3Astop-commands%3A%3Atok%0D%0A%2Cb%3Ac%25\.yaml,line=11,/);
    expect(lines[0]).toContain('%0A::stop-commands::tok2');
  });

  it('the Action escapes notices in the log and file names and messages in the job summary', async () => {
    const { noticeLine } = await import('../src/action.js');
    const { summaryText } = await import('../src/github-summary.js');
    const line = noticeLine({ file: 'x\n::stop-commands::tok\n.yaml', line: null, message: 'binary file skipped\r\n::error::fake' });
    expect(line).not.toMatch(/[\r\n]/);
    expect(line.startsWith('probe-lint: ')).toBe(true);
    for (const text of ['a|b`c`<img src=x>\n\n# heading\r\n', 'plain.yaml']) {
      const escaped = summaryText(text);
      expect(escaped).not.toMatch(/[|`<>\r\n]/);
    }
    expect(summaryText('k8s/api.yaml')).toBe('k8s/api.yaml');
  });
});

describe('SARIF URIs', () => {
  it('percent-encodes artifact locations as RFC 3986 URI references', async () => {
    const root = tempTree({ 'my app#1 ü.yaml': POD, 'dir x/50%?.yaml': POD });
    const result = await lint(root, ['.']);
    const log = JSON.parse(formatSarif(report(result), { rules: RULES, root }));
    const uris = log.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris.sort()).toEqual(['dir%20x/50%25%3F.yaml', 'my%20app%231%20%C3%BC.yaml']);
    const fixUris = log.runs[0].results.map((r: { fixes: { artifactChanges: { artifactLocation: { uri: string } }[] }[] }) => r.fixes[0]!.artifactChanges[0]!.artifactLocation.uri);
    expect(fixUris.sort()).toEqual(uris.sort());
    for (const uri of uris) {
      expect(uri).toMatch(/^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*$/);
      expect(decodeURIComponent(new URL(uri, 'file:///repo/').pathname)).toMatch(/^\/repo\/(my app#1 ü|dir x\/50%\?)\.yaml$/);
    }
  });
});

describe('the Action writes its SARIF only inside the workspace', () => {
  it('refuses to write through a symlink or outside GITHUB_WORKSPACE, and replaces files atomically', async () => {
    const { writeWorkspaceFile } = await import('../src/action.js');
    const workspace = tempDir();
    const outside = tempDir();
    const target = path.join(outside, 'target.sarif');
    fs.writeFileSync(target, 'original');
    fs.symlinkSync(target, path.join(workspace, 'probe-lint.sarif'));
    fs.symlinkSync(outside, path.join(workspace, 'reports'));
    await expect(writeWorkspaceFile(workspace, 'probe-lint.sarif', 'x')).rejects.toThrow(/symlink/);
    await expect(writeWorkspaceFile(workspace, 'reports/out.sarif', 'x')).rejects.toThrow(/outside the workspace/);
    await expect(writeWorkspaceFile(workspace, 'reports/new/out.sarif', 'x')).rejects.toThrow(/outside the workspace/);
    await expect(writeWorkspaceFile(workspace, '../escape.sarif', 'x')).rejects.toThrow(/outside the workspace/);
    await expect(writeWorkspaceFile(workspace, path.join(outside, 'abs.sarif'), 'x')).rejects.toThrow(/outside the workspace/);
    expect(fs.readFileSync(target, 'utf8')).toBe('original');
    expect(fs.readdirSync(outside)).toEqual(['target.sarif']);

    const written = await writeWorkspaceFile(workspace, 'out/dir/probe-lint.sarif', 'one');
    expect(written).toBe(path.join(fs.realpathSync(workspace), 'out', 'dir', 'probe-lint.sarif'));
    await writeWorkspaceFile(workspace, 'out/dir/probe-lint.sarif', 'two');
    expect(fs.readFileSync(written, 'utf8')).toBe('two');
    expect(fs.readdirSync(path.dirname(written))).toEqual(['probe-lint.sarif']);
  });

  it('fails the step, as run by a runner, rather than write through a committed symlink', FAST, () => {
    const action = ACTION;
    const workspace = tempTree({ 'k8s/pod.yaml': POD, 'k8s/bad\n::stop-commands::tok\n.yaml': Buffer.from([0, 1, 2]) });
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'target'), 'original');
    fs.symlinkSync(path.join(outside, 'target'), path.join(workspace, 'probe-lint.sarif'));
    const { env } = actionEnvironment(workspace, { paths: 'k8s', config: '', 'fail-on': 'never', 'sarif-file': 'probe-lint.sarif', 'helm-values': '', annotations: 'true' });
    const result = spawnSync(process.execPath, [action], { cwd: workspace, env, encoding: 'utf8', timeout: 14_000 });
    expect(result.stdout).not.toMatch(/^::stop-commands::/m);
    expect(result.stdout).toMatch(/^::error::probe-lint: .*probe-lint\.sarif.*symlink/m);
    expect(result.status).toBe(1);
    expect(fs.readFileSync(path.join(outside, 'target'), 'utf8')).toBe('original');
  });
});
