// Issue 10, "no byte lost": --fix changes the bytes it means to change and no
// others, in the file it means to change and no other, or says why it did not.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { fixAll } from '../src/fix.js';
import { unifiedDiff } from '../src/fix-diff.js';
import { replaceFile, writeFixed, type FixedFile, type Refusal } from '../src/fix-write.js';
import { run } from '../src/run.js';
import { tempDir, tempTree } from './helpers.js';

/** A Deployment whose two probes each need a timeout fix (and nothing else safe). */
function deployment(name: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 2
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: api
          image: example/api:1.0
          ports: [{containerPort: 8080}]
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
            periodSeconds: 10
            timeoutSeconds: 1
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            periodSeconds: 10
            timeoutSeconds: 1
`;
}

const APP = deployment('api');
const FIXED_APP = APP.replaceAll('timeoutSeconds: 1', 'timeoutSeconds: 5');

async function fixAndWrite(root: string, paths: string[], unsafe = false): Promise<{ written: FixedFile[]; unwritten: Refusal[] }> {
  const outcome = await fixAll({ paths, cwd: root }, unsafe);
  expect(outcome.refused).toEqual([]);
  return { written: outcome.files, unwritten: await writeFixed(outcome.files) };
}

describe('a file that is not valid UTF-8', () => {
  it('is linted but not fixed: every byte stays, no diff is shown, and a notice names the file', async () => {
    const bytes = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from(' au lait\n'), Buffer.from(APP)]);
    const root = tempTree({ 'k8s/app.yaml': bytes });
    const outcome = await fixAll({ paths: ['k8s'], cwd: root }, false);
    const unwritten = await writeFixed(outcome.files);
    expect(fs.readFileSync(path.join(root, 'k8s/app.yaml')).equals(bytes)).toBe(true);
    expect(unwritten).toEqual([]);
    expect(outcome.files).toEqual([]);
    expect(unifiedDiff(outcome.files)).toBe('');
    expect(outcome.result.notices).toContainEqual({ file: 'k8s/app.yaml', line: null, message: expect.stringContaining('not valid UTF-8') });
    expect(outcome.skipped).toEqual([{ path: 'k8s/app.yaml', reason: expect.stringContaining('not valid UTF-8') }]);
    const timeouts = outcome.result.findings.filter((f) => f.ruleId === 'probe-timeout-short');
    expect(timeouts).toHaveLength(2);
    // Nothing is left "fixable with --fix" in a file --fix leaves alone.
    expect(timeouts.map((f) => f.fix)).toEqual([null, null]);
  });

  it('is told apart from a valid file that holds U+FFFD and other non-ASCII text, which is fixed byte for byte', async () => {
    const text = `# café ☃ \uFFFD 🚀\n${APP}`;
    const root = tempTree({ 'app.yaml': text });
    const { written, unwritten } = await fixAndWrite(root, ['.']);
    expect(fs.readFileSync(path.join(root, 'app.yaml')).equals(Buffer.from(`# café ☃ \uFFFD 🚀\n${FIXED_APP}`))).toBe(true);
    expect(written.map((f) => f.fixes)).toEqual([2]);
    expect(unwritten).toEqual([]);
  });
});

/** The same Deployment as JSON, written as `JSON.stringify(…, null, 2)` writes it. */
function jsonDeployment(container: Record<string, unknown>): string {
  const object = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'api' } },
      template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'api', image: 'example/api:1.0', ...container }] } },
    },
  };
  return `${JSON.stringify(object, null, 2)}\n`;
}

const JSON_SERVICE = `${JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 8080 }] } }, null, 2)}\n`;

interface JsonContainer {
  livenessProbe: { timeoutSeconds: number; periodSeconds: number };
  readinessProbe?: { tcpSocket: { port: number } };
  lifecycle?: { preStop: { sleep: { seconds: number } } };
}

function container(text: string): JsonContainer {
  return (JSON.parse(text) as { spec: { template: { spec: { containers: JsonContainer[] } } } }).spec.template.spec.containers[0]!;
}

describe('fixes in JSON', () => {
  const probed = { ports: [{ containerPort: 8080 }], livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 } };

  it('add keys and whole blocks to a .json manifest in JSON, laid out as the file is', async () => {
    const root = tempTree({ 'app.json': jsonDeployment(probed), 'service.json': JSON_SERVICE });
    const { written, unwritten } = await fixAndWrite(root, ['.'], true);
    const after = fs.readFileSync(path.join(root, 'app.json'), 'utf8');
    const fixed = container(after);
    expect(fixed.livenessProbe.timeoutSeconds).toBe(5);
    expect(fixed.readinessProbe).toEqual({ tcpSocket: { port: 8080 } });
    expect(fixed.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    // Laid out exactly as JSON.stringify(…, null, 2) lays out the fixed object: the rest of the formatting is the file's.
    expect(after).toBe(`${JSON.stringify(JSON.parse(after), null, 2)}\n`);
    expect(written.map((f) => f.path)).toEqual(['app.json']);
    expect(unwritten).toEqual([]);
  });

  it('stay JSON in a minified .json manifest', async () => {
    const minified = `${JSON.stringify(JSON.parse(jsonDeployment(probed)))}\n`;
    const root = tempTree({ 'app.json': minified, 'service.json': JSON_SERVICE });
    await fixAndWrite(root, ['.'], true);
    const after = fs.readFileSync(path.join(root, 'app.json'), 'utf8');
    expect(container(after).livenessProbe.timeoutSeconds).toBe(5);
    expect(container(after).lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(after).toBe(`${JSON.stringify(JSON.parse(after))}\n`);
  });

  it('write quoted keys into a JSON-style flow map of a YAML file', async () => {
    const yaml = APP.replace('httpGet: {path: /ready, port: 8080}\n            periodSeconds: 10\n            timeoutSeconds: 1', '{"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 10}').replace(
      'readinessProbe:\n            {',
      'readinessProbe: {',
    );
    expect(yaml).toContain('readinessProbe: {"httpGet"');
    const root = tempTree({ 'app.yaml': yaml });
    await fixAndWrite(root, ['.']);
    expect(fs.readFileSync(path.join(root, 'app.yaml'), 'utf8')).toContain('readinessProbe: {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 10, "timeoutSeconds": 5}\n');
  });

  it('offer no fix that JSON cannot express (a startup probe inserted before an entry)', async () => {
    const slow = { ...probed, livenessProbe: { ...probed.livenessProbe, initialDelaySeconds: 120, timeoutSeconds: 5 } };
    const root = tempTree({ 'app.json': jsonDeployment(slow), 'service.json': JSON_SERVICE });
    const outcome = await fixAll({ paths: ['.'], cwd: root }, true);
    const startup = outcome.result.findings.find((f) => f.ruleId === 'startup-probe-preferred');
    expect(startup?.fix ?? null).toBeNull();
    for (const file of outcome.files) expect(() => JSON.parse(file.after)).not.toThrow();
  });
});

describe('a file that changes while --fix runs', () => {
  it('is not written when what was linted is not what is on disk', async () => {
    const root = tempTree({ 'app.yaml': APP });
    const file = path.join(root, 'app.yaml');
    const edited = APP.replace('name: api\nspec', 'name: edited\nspec');
    // The lint reads one text while the disk holds another: as when the file is saved mid-run.
    const outcome = await fixAll({ paths: ['.'], cwd: root, overrides: new Map([[file, edited]]) }, false);
    expect(outcome.files.map((f) => f.fixes)).toEqual([2]);
    const unwritten = await writeFixed(outcome.files);
    expect(fs.readFileSync(file, 'utf8')).toBe(APP);
    expect(unwritten).toEqual([{ path: 'app.yaml', reason: expect.stringContaining('changed on disk') }]);
  });

  it('is not written when it changed between the fixing and the writing, and the others are', async () => {
    const root = tempTree({ 'a.yaml': APP, 'b.yaml': deployment('b') });
    const outcome = await fixAll({ paths: ['.'], cwd: root }, false);
    const saved = `${APP}# saved by the user\n`;
    fs.writeFileSync(path.join(root, 'a.yaml'), saved);
    const unwritten = await writeFixed(outcome.files);
    expect(fs.readFileSync(path.join(root, 'a.yaml'), 'utf8')).toBe(saved);
    expect(fs.readFileSync(path.join(root, 'b.yaml'), 'utf8')).toBe(deployment('b').replaceAll('timeoutSeconds: 1', 'timeoutSeconds: 5'));
    expect(unwritten).toEqual([{ path: 'a.yaml', reason: expect.stringContaining('changed on disk') }]);
  });
});

describe('symlinks', () => {
  it('are written through: the real file is fixed once, and the link stays a link', async () => {
    const root = tempTree({ 'k8s/real.yaml': APP });
    fs.symlinkSync('real.yaml', path.join(root, 'k8s/link.yaml'));
    const outcome = await fixAll({ paths: ['k8s'], cwd: root }, false);
    expect(outcome.files.map((f) => [f.path, f.fixes])).toEqual([['k8s/real.yaml', 2]]);
    expect(await writeFixed(outcome.files)).toEqual([]);
    expect(fs.lstatSync(path.join(root, 'k8s/link.yaml')).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(path.join(root, 'k8s/link.yaml'))).toBe('real.yaml');
    expect(fs.readFileSync(path.join(root, 'k8s/real.yaml'), 'utf8')).toBe(FIXED_APP);
    // What is left is described for both names, from the fixed text.
    expect(outcome.result.findings.filter((f) => f.ruleId === 'probe-timeout-short')).toEqual([]);
  });

  it('named alone, write to the file they point to', async () => {
    const root = tempTree({ 'base/real.yaml': APP });
    fs.mkdirSync(path.join(root, 'k8s'));
    fs.symlinkSync('../base/real.yaml', path.join(root, 'k8s/link.yaml'));
    const { unwritten } = await fixAndWrite(root, ['k8s/link.yaml']);
    expect(fs.lstatSync(path.join(root, 'k8s/link.yaml')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(root, 'base/real.yaml'), 'utf8')).toBe(FIXED_APP);
    expect(unwritten).toEqual([]);
  });

  it('to a file outside the linted tree are not written through', async () => {
    const outside = tempTree({ 'outside.yaml': APP });
    const root = tempTree({});
    fs.symlinkSync(path.join(outside, 'outside.yaml'), path.join(root, 'link.yaml'));
    const outcome = await fixAll({ paths: ['link.yaml'], cwd: root }, false);
    expect(outcome.files).toEqual([]);
    expect(outcome.skipped).toEqual([{ path: 'link.yaml', reason: expect.stringContaining('outside') }]);
    expect(fs.readFileSync(path.join(outside, 'outside.yaml'), 'utf8')).toBe(APP);
  });
});

describe('the temporary file', () => {
  it('is never a planted symlink: a link at the old predictable name leads nowhere', async () => {
    const outside = tempTree({ 'victim.txt': 'keep me\n' });
    const root = tempTree({ 'app.yaml': APP });
    const planted = path.join(root, `.app.yaml.probe-lint-${process.pid}.tmp`);
    fs.symlinkSync(path.join(outside, 'victim.txt'), planted);
    const { unwritten } = await fixAndWrite(root, ['app.yaml']);
    expect(fs.readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('keep me\n');
    expect(fs.lstatSync(path.join(root, 'app.yaml')).isFile()).toBe(true);
    expect(fs.readFileSync(path.join(root, 'app.yaml'), 'utf8')).toBe(FIXED_APP);
    // Nothing but the file and the planted link is left behind.
    expect(fs.readdirSync(root).sort()).toEqual([path.basename(planted), 'app.yaml'].sort());
    expect(unwritten).toEqual([]);
  });

  it('keeps the file mode', async () => {
    const root = tempTree({ 'app.yaml': APP });
    fs.chmodSync(path.join(root, 'app.yaml'), 0o604);
    await fixAndWrite(root, ['app.yaml']);
    expect(fs.statSync(path.join(root, 'app.yaml')).mode & 0o7777).toBe(0o604);
  });
});

describe('a large file', () => {
  // 3,000 rather than 2,000: the quadratic fixer took 48 s for 2,000 here, inside the timeout; it needs minutes for 3,000.
  it('takes 6,000 fixes across 3,000 Deployments in one run, within the test timeout', async () => {
    const count = 3000;
    const text = Array.from({ length: count }, (_, i) => deployment(`app-${i}`)).join('---\n');
    const root = tempTree({ 'big.yaml': text });
    const started = performance.now();
    const outcome = await fixAll({ paths: ['big.yaml'], cwd: root }, false);
    const seconds = (performance.now() - started) / 1000;
    expect(outcome.refused).toEqual([]);
    expect(outcome.files.map((f) => f.fixes)).toEqual([2 * count]);
    expect(outcome.files[0]!.after).toBe(text.replaceAll('timeoutSeconds: 1', 'timeoutSeconds: 5'));
    console.log(`--fix of ${count} Deployments (${(text.length / 1e6).toFixed(1)} MB, ${2 * count} fixes): ${seconds.toFixed(1)} s`);
  }, 60_000);
});

describe('the diff --fix-dry-run shows', () => {
  const fixed = (before: string, after: string): FixedFile => ({ path: 'f.yaml', absPath: '/f.yaml', target: '/f.yaml', before, after, bom: false, fixes: 1 });
  const cases: [string, string, string][] = [
    ['one document', APP, FIXED_APP],
    ['changes beside document breaks', `${APP}---\n${APP}---\n${APP}`, `${FIXED_APP}---\n${APP}---\n${FIXED_APP}`],
    ['no final line break', `${APP}---\nkind: Pod\nx: 1`, `${APP}---\nkind: Pod\nx: 2`],
    ['a change on the last line of a document', 'a: 1\n---\nb: 1\n---\nc: 1\n', 'a: 2\n---\nb: 2\n---\nc: 1\nd: 1\n'],
    ['CRLF', APP.replaceAll('\n', '\r\n'), FIXED_APP.replaceAll('\n', '\r\n')],
    ['nothing changed', APP, APP],
  ];
  for (const [name, before, after] of cases) {
    it(`is the diff createTwoFilesPatch writes: ${name}`, () => {
      expect(unifiedDiff([fixed(before, after)])).toBe(createTwoFilesPatch('a/f.yaml', 'b/f.yaml', before, after, '', '', { context: 3 }));
    });
  }

  it('of 4,000 fixes in 2,000 documents holds every change, diffed document by document', () => {
    const before = Array.from({ length: 2000 }, (_, i) => deployment(`app-${i}`)).join('---\n');
    const started = performance.now();
    const diff = unifiedDiff([fixed(before, before.replaceAll('timeoutSeconds: 1', 'timeoutSeconds: 5'))]);
    const seconds = (performance.now() - started) / 1000;
    expect(diff.match(/^\+ +timeoutSeconds: 5$/gm)).toHaveLength(4000);
    console.log(`diff of 4,000 fixes: ${seconds.toFixed(2)} s`);
  });
});

describe('a file that cannot be written', () => {
  it('is reported with the reason the system gives, and the other files are written', async () => {
    const root = tempTree({ 'a.yaml': APP, 'b.yaml': APP });
    const outcome = await fixAll({ paths: ['.'], cwd: root }, false);
    const readOnly = async (target: string, bytes: Buffer, expected: Buffer): Promise<string | null> => {
      if (path.basename(target) === 'a.yaml') throw Object.assign(new Error(`EROFS: read-only file system, open '${target}'`), { code: 'EROFS' });
      return replaceFile(target, bytes, expected);
    };
    const unwritten = await writeFixed(outcome.files, readOnly);
    expect(fs.readFileSync(path.join(root, 'a.yaml'), 'utf8')).toBe(APP);
    expect(fs.readFileSync(path.join(root, 'b.yaml'), 'utf8')).toBe(FIXED_APP);
    expect(unwritten).toEqual([{ path: 'a.yaml', reason: expect.stringContaining('EROFS') }]);
  });

  it('in a read-only directory is reported, not thrown', async (context) => {
    const root = tempTree({ 'ro/a.yaml': APP, 'rw/b.yaml': APP });
    const ro = path.join(root, 'ro');
    const outcome = await fixAll({ paths: ['.'], cwd: root }, false);
    const undo = readOnly(ro);
    // Root writes through chmod, and a container may forbid mounts: nothing to observe then (the test above covers the mechanism).
    if (!undo) context.skip('the directory stays writable here (root without mount)');
    try {
      const unwritten = await writeFixed(outcome.files);
      expect(fs.readFileSync(path.join(ro, 'a.yaml'), 'utf8')).toBe(APP);
      expect(fs.readFileSync(path.join(root, 'rw/b.yaml'), 'utf8')).toBe(FIXED_APP);
      expect(unwritten).toEqual([{ path: 'ro/a.yaml', reason: expect.stringMatching(/EACCES|EPERM|EROFS/) }]);
    } finally {
      undo?.();
    }
  });
});

function writable(dir: string): boolean {
  try {
    fs.writeFileSync(path.join(dir, '.probe'), '');
    fs.rmSync(path.join(dir, '.probe'));
    return true;
  } catch {
    return false;
  }
}

/** Makes a directory read-only: chmod for a user, a read-only bind mount for root; returns how to undo it, or null when it cannot. */
function readOnly(dir: string): (() => void) | null {
  fs.chmodSync(dir, 0o555);
  if (!writable(dir)) return () => fs.chmodSync(dir, 0o755);
  fs.chmodSync(dir, 0o755);
  if (spawnSync('mount', ['--bind', dir, dir]).status !== 0) return null;
  const undo = (): void => void spawnSync('umount', [dir]);
  if (spawnSync('mount', ['-o', 'remount,bind,ro', dir]).status !== 0 || writable(dir)) {
    undo();
    return null;
  }
  return undo;
}

describe('what a run reads', () => {
  it('decodes invalid UTF-8 as U+FFFD for the lint, so offsets still count in the decoded text', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'app.yaml'), Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from(`\n${APP}`)]));
    const result = await run({ paths: ['app.yaml'], cwd: dir });
    expect(result.files[0]!.file.text.startsWith('# caf\uFFFD\n')).toBe(true);
  });
});

describe('a document the lint read with js-yaml only', () => {
  it('that YAML 1.2 rejects leaves the file unfixed, with a notice, instead of an internal error', async () => {
    // js-yaml accepts a flow sequence continued at column 0 in block context; `yaml` does not.
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  key: [a\n, b]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: b\n      readinessProbe: {httpGet: {path: /, port: 80}}\n';
    const root = tempTree({ 'x.yaml': text });
    const outcome = await fixAll({ paths: ['x.yaml'], cwd: root }, true);
    expect(outcome.refused).toEqual([]);
    expect(outcome.files).toEqual([]);
    expect(outcome.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/^line 6 does not parse as YAML 1\.2/)]);
    expect(outcome.result.findings.filter((f) => f.ruleId === 'probe-timeout-short')).toHaveLength(1);
  });
});
