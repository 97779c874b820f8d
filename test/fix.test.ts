// Fixes in the layouts people write: CRLF, BOM, four-space indentation, flow
// style, trailing comments, several documents, anchors.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';
import { fixAll } from '../src/fix.js';
import { replaceFile, type ReplaceFile } from '../src/fix-write.js';
import { plain } from '../src/same-objects.js';
import { defineRule, type AnyRule } from '../src/rule.js';
import { commentsOf, parseFile } from '../src/parse.js';
import { CLI, CORPUS, FIXTURES, HAS_KUBECTL, TOOLS, cli, tempDir, tempTree, withoutTools, FIXABLE_PATH, differences } from './helpers.js';

const dir = path.join(FIXTURES, 'fixes');
const cases = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.fixed.yaml'));

function comments(text: string): string[] {
  return commentsOf(text.replace(/^\uFEFF/, '')).map((c) => c.text.trim()).sort();
}

describe('fixes keep the layout', () => {
  for (const name of cases) {
    it(`${name}: matches its golden, keeps every comment, and a second run changes nothing`, async () => {
      const before = fs.readFileSync(path.join(dir, name), 'utf8');
      const outcome = await fixAll({ paths: [name], cwd: dir }, true);
      const fixed = outcome.files[0];
      const after = fixed ? (fixed.bom ? '\uFEFF' : '') + fixed.after : before;
      await expect(after).toMatchFileSnapshot(path.join(dir, name.replace(/\.yaml$/, '.fixed.yaml')));
      expect(comments(after)).toEqual(expect.arrayContaining(comments(before)));
      expect(before.includes('\r\n')).toBe(after.includes('\r\n'));
      if (before.includes('\r\n')) expect(after.replace(/\r\n/g, '')).not.toContain('\n');
      expect(after.startsWith('\uFEFF')).toBe(before.startsWith('\uFEFF'));
      if (fixed) {
        const again = await fixAll({ paths: [name], cwd: dir, overrides: new Map([[fixed.absPath, fixed.after]]) }, true);
        expect(again.files).toEqual([]);
      }
    });
  }

  it('never edits through an anchor', async () => {
    const outcome = await fixAll({ paths: ['anchors.yaml'], cwd: dir }, true);
    const after = outcome.files[0]?.after ?? '';
    expect(after).toContain('readinessProbe: &probe\n        httpGet: {path: /ready, port: 8080}\n        timeoutSeconds: 1\n');
  });
});

describe('a fix that misbehaves', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: api}\nspec:\n  containers:\n    - name: api\n      image: example/api:1.0\n';
  const rogue = (text: string): AnyRule =>
    defineRule({
      id: 'rogue',
      severity: 'warning',
      fixable: 'safe',
      options: {},
      docs: { summary: '', why: '', fix: '', failing: '', passing: '' },
      checkContainer(container, ctx) {
        const image = container.node.entries.find((e) => e.key === 'image')!;
        ctx.report({
          span: container.span,
          message: 'rogue',
          fix: { description: 'claims to set timeoutSeconds', safe: true, edit: { edits: [{ offset: image.value!.span.start, length: 7, text }], changes: [{ map: container.node, key: 'timeoutSeconds' }] } },
        });
      },
    });

  it('leaves a file alone when its objects would change beyond the fixed fields', async () => {
    const root = tempTree({ 'pod.yaml': pod });
    const outcome = await fixAll({ paths: ['pod.yaml'], cwd: root, rules: [rogue('other')] }, false);
    expect(outcome.files).toEqual([]);
    expect(outcome.refused).toEqual([{ path: 'pod.yaml', reason: expect.stringContaining('spec.containers.0.image') }]);
  });

  it('holds each fix to what its rule declares: a suggestions-only rule proposes no safe fix, and a safe fix only changes probe numbers', async () => {
    const root = tempTree({ 'pod.yaml': pod });
    const declaring = (fixable: 'safe' | 'unsafe', key: string): AnyRule =>
      defineRule({
        id: 'declared',
        severity: 'warning',
        fixable,
        options: {},
        docs: { summary: '', why: '', fix: '', failing: '', passing: '' },
        checkContainer(container, ctx) {
          ctx.report({ span: container.span, message: 'declared', fix: { description: `set ${key}`, safe: true, edit: { edits: [], changes: [{ map: container.node, key }] } } });
        },
      });
    await expect(run({ paths: ['pod.yaml'], cwd: root, rules: [declaring('unsafe', 'timeoutSeconds')] })).rejects.toThrow(/declares only suggestions/);
    await expect(run({ paths: ['pod.yaml'], cwd: root, rules: [declaring('safe', 'image')] })).rejects.toThrow(/changes image/);
    const fine = await run({ paths: ['pod.yaml'], cwd: root, rules: [declaring('safe', 'timeoutSeconds')] });
    expect(fine.findings.map((f) => f.fix?.safe)).toEqual([true]);
  });

  it('leaves a file alone when a fix would break it', async () => {
    const root = tempTree({ 'pod.yaml': pod });
    const outcome = await fixAll({ paths: ['pod.yaml'], cwd: root, rules: [rogue('[broken')] }, false);
    expect(outcome.files).toEqual([]);
    expect(outcome.refused[0]!.reason).toContain('would break it');
  });
});

describe('probe-lint --fix', () => {
  it('writes safe fixes in place, keeps the file mode, and leaves suggestions for --unsafe-fixes', () => {
    const root = tempTree({ 'app.yaml': fs.readFileSync(path.join(dir, 'crlf.yaml'), 'utf8') });
    const file = path.join(root, 'app.yaml');
    fs.chmodSync(file, 0o640);
    const dry = cli(['--fix-dry-run', 'app.yaml'], { cwd: root });
    expect(dry.stdout).toContain('-            timeoutSeconds: 1\r');
    expect(fs.readFileSync(file, 'utf8')).toContain('timeoutSeconds: 1\r\n');
    const safe = cli(['--fix', 'app.yaml'], { cwd: root });
    expect(safe.stderr).toContain('fixed');
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('timeoutSeconds: 5\r\n');
    expect(text).not.toContain('preStop');
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    cli(['--fix', '--unsafe-fixes', 'app.yaml'], { cwd: root });
    expect(fs.readFileSync(file, 'utf8')).toContain('preStop:\r\n');
    expect(fs.readdirSync(root)).toEqual(['app.yaml']);
  });

  it('offers no fixes in a file with a document that does not parse', async () => {
    const good = fs.readFileSync(path.join(dir, 'trailing-comments.yaml'), 'utf8');
    const root = tempTree({ 'mixed.yaml': `${good}---\nkind: [\n` });
    const outcome = await fixAll({ paths: ['mixed.yaml'], cwd: root }, true);
    expect(outcome.files).toEqual([]);
    expect(outcome.result.findings.some((f) => f.ruleId === 'probe-timeout-short')).toBe(true);
    expect(outcome.result.findings.every((f) => f.fix === null)).toBe(true);
  });

  it('never fixes stdin', () => {
    const input = fs.readFileSync(path.join(dir, 'trailing-comments.yaml'), 'utf8');
    const result = cli(['--fix', '-f', 'json', '-'], { input });
    const findings: { fix: unknown }[] = JSON.parse(result.stdout).findings;
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.fix === null)).toBe(true);
  });

  it('shows fixes in the JSON report as edits against the original text', () => {
    const result = cli(['-f', 'json', 'trailing-comments.yaml'], { cwd: dir });
    const finding = JSON.parse(result.stdout).findings.find((f: { ruleId: string }) => f.ruleId === 'probe-timeout-short');
    expect(finding.fix).toEqual({ description: 'set timeoutSeconds to 5', safe: true, edits: [{ file: 'trailing-comments.yaml', offset: expect.any(Number), length: 1, text: '5' }] });
    const text = fs.readFileSync(path.join(dir, 'trailing-comments.yaml'), 'utf8');
    expect(text.slice(finding.fix.edits[0].offset - 16, finding.fix.edits[0].offset + 1)).toBe('timeoutSeconds: 2');
  });
});


const present = fs.existsSync(CORPUS);
describe.skipIf(!present)('--fix --unsafe-fixes over a copy of the corpus', () => {
  it('changes only fixable fields, keeps every comment, leaves nothing safe-fixable, and is stable', () => {
    const copy = path.join(tempDir(), 'corpus');
    fs.cpSync(CORPUS, copy, { recursive: true });
    spawnSync('chmod', ['-R', 'u+w', copy]);
    const originals = new Map<string, string>();
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.(ya?ml|json)$/.test(e.name)) originals.set(p, fs.readFileSync(p, 'utf8'));
      }
    };
    walk(copy);
    const env = withoutTools();
    const first = cli(['--fix', '--unsafe-fixes', '-f', 'json', '.'], { cwd: copy, env });
    const report = JSON.parse(first.stdout);
    expect(first.status, first.stderr).toBe(report.summary.error > 0 ? 1 : 0);
    expect(report.findings.filter((f: { fix: { safe: boolean } | null }) => f.fix?.safe)).toEqual([]);
    let changed = 0;
    for (const [file, before] of originals) {
      const after = fs.readFileSync(file, 'utf8');
      if (after === before) continue;
      changed++;
      const source = (text: string) => ({ path: file, absPath: file, text: text.replace(/^\uFEFF/, ''), bom: false });
      const was = parseFile(source(before), true);
      const now = parseFile(source(after), true);
      expect(now.error, file).toBeNull();
      expect(now.documents.length, file).toBe(was.documents.length);
      was.documents.forEach((doc, i) => {
        for (const at of differences(plain(doc.root), plain(now.documents[i]!.root), '', [])) expect(at, file).toMatch(FIXABLE_PATH);
      });
      expect(comments(after), file).toEqual(expect.arrayContaining(comments(before)));
    }
    expect(changed).toBeGreaterThan(100);
    const second = spawnSync(process.execPath, [CLI, '--fix', '--unsafe-fixes', '-f', 'json', '.'], { cwd: copy, env, encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(second.stderr).toContain('fixed 0 problems in 0 files');
    console.log(`corpus --fix --unsafe-fixes: ${changed} files changed; ${first.stderr.match(/fixed \d+ problems in \d+ files/)?.[0]}`);
  }, 240_000);
});

describe.skipIf(!HAS_KUBECTL)('fixAll and Kustomize resource files (real kubectl)', () => {
  // test/fixtures/kustomize/knock-on: the first render proposes 2 base fixes; only a render of the written base proposes the third.
  const fixture = path.join(FIXTURES, 'kustomize', 'knock-on');
  const base = 'base/deployment.yaml';
  const original = fs.readFileSync(path.join(fixture, base), 'utf8');

  async function withKubectl<T>(body: (cwd: string) => Promise<T>): Promise<T> {
    const cwd = tempDir();
    fs.cpSync(fixture, cwd, { recursive: true });
    const saved = process.env.PATH;
    process.env.PATH = `${TOOLS}${path.delimiter}${saved ?? ''}`;
    try {
      return await body(cwd);
    } finally {
      process.env.PATH = saved;
    }
  }

  it('without a writer writes nothing and returns the first render\'s base fixes to write', async () => {
    await withKubectl(async (cwd) => {
      const outcome = await fixAll({ paths: ['.'], cwd }, false);
      expect(fs.readFileSync(path.join(cwd, base), 'utf8')).toBe(original);
      expect(outcome.written).toEqual([]);
      expect(outcome.files.map((f) => [f.path, f.fixes])).toEqual([[base, 2]]);
    });
  });

  it('with a writer writes the base in rounds until a fresh render proposes nothing', async () => {
    await withKubectl(async (cwd) => {
      const writes: string[] = [];
      const write: ReplaceFile = async (target, bytes, expected) => {
        writes.push(bytes.toString('utf8'));
        return replaceFile(target, bytes, expected);
      };
      const outcome = await fixAll({ paths: ['.'], cwd }, false, write);
      // Round one: readiness; round two: the liveness threshold the fixed readiness makes too low.
      expect(writes).toHaveLength(2);
      expect(outcome.files).toEqual([]);
      expect(outcome.written.map((f) => [f.path, f.fixes, f.before === original])).toEqual([[base, 3, true]]);
      expect(fs.readFileSync(path.join(cwd, base), 'utf8')).toBe(outcome.written[0]!.after);
      expect(outcome.written[0]!.after).toContain('            failureThreshold: 4\n          lifecycle:');
      expect(outcome.result.findings.filter((f) => f.fix)).toEqual([]);
    });
  });

  it('a base whose write fails is tried once, left as it is, and its findings keep their fixes', async () => {
    await withKubectl(async (cwd) => {
      let tries = 0;
      const refuse: ReplaceFile = async () => {
        tries++;
        return 'it changed on disk while --fix ran, so the fixes would undo that change; run --fix again';
      };
      const outcome = await fixAll({ paths: ['.'], cwd }, false, refuse);
      expect(tries).toBe(1);
      expect(outcome.written).toEqual([]);
      expect(outcome.unwritten.map((u) => u.path)).toEqual([base]);
      expect(fs.readFileSync(path.join(cwd, base), 'utf8')).toBe(original);
      expect(outcome.result.findings.filter((f) => f.fix?.target?.path === base)).toHaveLength(2);
    });
  });
});
