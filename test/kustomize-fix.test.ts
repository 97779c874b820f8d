// Kustomize fixes go home (SPEC §1, §4): a fix on rendered output lands in the
// base resource file when the rendered value is written there literally, --fix
// applies it once, and --fix-dry-run shows the fixes the JSON carries.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits, editorFor, merge, type EditSet } from '../src/edit.js';
import { unifiedDiff } from '../src/fix-diff.js';
import { kustomizeHome } from '../src/renderers/kustomize-source.js';
import type { ObjectRef } from '../src/model.js';
import { parseFile } from '../src/parse.js';
import type { ProposedFix } from '../src/rule.js';
import type { SourceFile } from '../src/source.js';
import { asMap, child, mapAt, mapItems, type MapNode, type TreeNode } from '../src/tree.js';
import { cli, FIXTURES, HAS_HELM, HAS_KUBECTL, tempDir, tempTree, TOOLS } from './helpers.js';

// ---------------------------------------------------------------------------
// kustomizeHome on its own: rendered documents written here as kubectl writes them.

/** A base as people write it: four-space indentation, a trailing comment, keys in their own order. */
const BASE = `apiVersion: apps/v1
kind: Deployment
metadata:
    name: api
spec:
    template:
        spec:
            containers:
                - name: api
                  image: example/api:1.0
                  ports:
                      - {name: http, containerPort: 8080}
                  readinessProbe:
                      httpGet: {path: /ready, port: http}
                      timeoutSeconds: 1   # /ready checks the database
                      periodSeconds: 5
            terminationGracePeriodSeconds: 30
`;

interface RenderedProbe {
  name?: string;
  image?: string;
  timeout?: number | null;
  period?: number;
  probe?: boolean;
}

/** What `kubectl kustomize` makes of BASE: sorted keys, two spaces, sequences not indented; with an overlay's changes. */
function renderedText(o: RenderedProbe = {}): string {
  const probe =
    o.probe === false
      ? ''
      : `        readinessProbe:
          httpGet:
            path: /ready
            port: http
          periodSeconds: ${o.period ?? 5}
${o.timeout === null ? '' : `          timeoutSeconds: ${o.timeout ?? 1}\n`}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${o.name ?? 'dev-api'}
spec:
  template:
    spec:
      containers:
      - image: ${o.image ?? 'example/api:1.0'}
        name: api
        ports:
        - containerPort: 8080
          name: http
${probe}      terminationGracePeriodSeconds: 30
`;
}

interface Rendered {
  file: SourceFile;
  root: TreeNode;
  container: MapNode;
  probe: MapNode | undefined;
}

function render(o: RenderedProbe = {}): Rendered {
  const file: SourceFile = { path: 'overlays/dev', absPath: null, text: renderedText(o), bom: false };
  const root = parseFile(file, true).documents[0]!.root!;
  const container = mapItems(child(mapAt(asMap(root), 'spec', 'template', 'spec'), 'containers'))[0]!;
  return { file, root, container, probe: mapAt(container, 'readinessProbe') };
}

const REF: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: null, name: 'dev-api' };

function home(base: string, r: Rendered, proposed: ProposedFix | null, at = 'timeoutSeconds', ref = REF) {
  const cwd = tempTree({ 'base/deployment.yaml': base });
  const result = kustomizeHome({
    resources: [path.join(cwd, 'base', 'deployment.yaml')],
    ref,
    rendered: { root: r.root, offset: r.file.text.indexOf(at) },
    proposed,
    cwd,
  });
  return { cwd, result };
}

function proposal(edit: EditSet | null, safe = true, description = 'set timeoutSeconds to 5'): ProposedFix {
  expect(edit).not.toBeNull();
  return { description, edit: edit!, safe };
}

describe('kustomizeHome', () => {
  it('locates the finding at the resource line that writes the field, for a prefixed name', () => {
    const r = render();
    const { result } = home(BASE, r, null);
    const line = BASE.split('\n')[14]!;
    expect(line.trim()).toMatch(/^timeoutSeconds: 1/);
    expect(result?.source).toMatchObject({ file: 'base/deployment.yaml', line: 15, values: null, columns: { column: 23, endColumn: line.length + 1 } });
    expect(result?.fix).toBeNull();
  });

  it('gives nothing for an object no resource file defines', () => {
    const r = render({ name: 'dev-worker' });
    expect(home(BASE, r, null, 'timeoutSeconds', { ...REF, name: 'dev-worker' }).result).toBeNull();
    expect(home(BASE, r, null, 'timeoutSeconds', { ...REF, kind: 'StatefulSet' }).result).toBeNull();
  });

  it('sets a literal value in the base, keeping its comment, and targets the base file', () => {
    const r = render();
    const { cwd, result } = home(BASE, r, proposal(editorFor(r.file).set(r.probe!, 'timeoutSeconds', '5')));
    const fix = result!.fix!;
    expect(fix).toMatchObject({ description: 'set timeoutSeconds to 5', safe: true });
    expect(fix.shownOnly).toBeUndefined();
    expect(fix.target).toMatchObject({ path: 'base/deployment.yaml', absPath: path.join(cwd, 'base', 'deployment.yaml') });
    expect(fix.edits).toEqual([{ offset: BASE.indexOf('1   # /ready'), length: 1, text: '5' }]);
    expect(applyEdits(BASE, fix.edits)).toBe(BASE.replace('timeoutSeconds: 1   #', 'timeoutSeconds: 5   #'));
    expect(fix.changes).toEqual([expect.objectContaining({ key: 'timeoutSeconds' })]);
  });

  it('gives no fix when an overlay patched the value (rendered 2, base 1), but still locates it', () => {
    const r = render({ timeout: 2 });
    const { result } = home(BASE, r, proposal(editorFor(r.file).set(r.probe!, 'timeoutSeconds', '5')));
    expect(result?.source.line).toBe(15);
    expect(result?.fix).toBeNull();
  });

  it('carries several numbers over together, or none when one of them was patched', () => {
    const both = (r: Rendered) => proposal(merge(editorFor(r.file).set(r.probe!, 'timeoutSeconds', '5'), editorFor(r.file).set(r.probe!, 'periodSeconds', '10')));
    const literal = render();
    const fix = home(BASE, literal, both(literal)).result!.fix!;
    expect(applyEdits(BASE, fix.edits)).toBe(BASE.replace('timeoutSeconds: 1', 'timeoutSeconds: 5').replace('periodSeconds: 5', 'periodSeconds: 10'));
    const patched = render({ period: 3 });
    expect(home(BASE, patched, both(patched)).result!.fix).toBeNull();
  });

  it('adds a missing key to the base probe map, indented as the base indents it', () => {
    const r = render();
    const add = proposal(editorFor(r.file).set(r.probe!, 'failureThreshold', '4'), true, 'set failureThreshold to 4');
    const fix = home(BASE, r, add, 'readinessProbe').result!.fix!;
    expect(applyEdits(BASE, fix.edits)).toBe(BASE.replace('periodSeconds: 5\n', 'periodSeconds: 5\n                      failureThreshold: 4\n'));
  });

  it('adds no key when a patch touched the probe (its other numbers differ from the base), or when the base lacks the probe', () => {
    const patched = render({ timeout: 2 });
    const add = (r: Rendered) => proposal(editorFor(r.file).set(r.probe!, 'failureThreshold', '4'));
    expect(home(BASE, patched, add(patched), 'readinessProbe').result!.fix).toBeNull();
    // A base without the probe: the overlay's patch wrote all of it.
    const withoutProbe = BASE.replace(/ {18}readinessProbe:[\s\S]*?periodSeconds: 5\n/, '');
    const r = render();
    expect(home(withoutProbe, r, add(r), 'readinessProbe').result!.fix).toBeNull();
  });

  it('expresses a suggestion on the base when the map it adds to is literal, keeping it a suggestion', () => {
    const r = render({ probe: false });
    const withoutProbe = BASE.replace(/ {18}readinessProbe:[\s\S]*?periodSeconds: 5\n/, '');
    const suggest = proposal(editorFor(r.file).add(r.container, 'readinessProbe', ['tcpSocket:', '  port: http']), false, 'add a TCP readiness probe on port http');
    const fix = home(withoutProbe, r, suggest, 'name: api').result!.fix!;
    expect(fix.safe).toBe(false);
    expect(applyEdits(withoutProbe, fix.edits)).toBe(
      withoutProbe.replace('containerPort: 8080}\n', 'containerPort: 8080}\n                  readinessProbe:\n                      tcpSocket:\n                          port: http\n'),
    );
    // An overlay's `images:` changed the container: the base container is not what was rendered.
    const retagged = render({ probe: false, image: 'example/api:2.0' });
    const again = proposal(editorFor(retagged.file).add(retagged.container, 'readinessProbe', ['tcpSocket:', '  port: http']), false);
    expect(home(withoutProbe, retagged, again, 'name: api').result!.fix).toBeNull();
  });

  it('never edits an anchored value', () => {
    const anchored = BASE.replace('timeoutSeconds: 1', 'timeoutSeconds: &t 1').replace('periodSeconds: 5', 'periodSeconds: 5\n                      x-copy: *t');
    const r = render();
    expect(home(anchored, r, proposal(editorFor(r.file).set(r.probe!, 'timeoutSeconds', '5'))).result!.fix).toBeNull();
  });

  it('prefers the longest resource name the rendered name contains', () => {
    const two = `${BASE}---\n${BASE.replace('name: api\n', 'name: dev-api\n')}`;
    const r = render();
    const fix = home(two, r, proposal(editorFor(r.file).set(r.probe!, 'timeoutSeconds', '5'))).result!.fix!;
    expect(fix.edits[0]!.offset).toBeGreaterThan(BASE.length);
  });
});

// ---------------------------------------------------------------------------
// End to end with real kubectl: test/fixtures/kustomize has a base whose readiness
// probe writes `timeoutSeconds: 1` and no failureThreshold, overlay dev (a name
// prefix), staging (patches replicas) and prod (patches timeoutSeconds to 2).

const FIXTURE = path.join(FIXTURES, 'kustomize');
const ENV = { PATH: `${TOOLS}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}/usr/bin:/bin` };
const OVERLAYS = ['dev', 'staging', 'prod'];

/** The fixture's base and overlays (its other directories are trees of their own). */
function copyFixture(): string {
  const dir = tempDir();
  for (const part of ['base', 'overlays']) fs.cpSync(path.join(FIXTURE, part), path.join(dir, part), { recursive: true });
  return dir;
}

/** Every file under a directory with its bytes. */
function snapshot(dir: string): Map<string, string> {
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile());
  return new Map(files.sort().map((f) => [f.split(path.sep).join('/'), fs.readFileSync(path.join(dir, f), 'latin1')]));
}

function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f));
}

interface JsonEdit {
  file: string;
  offset: number;
  length: number;
  text: string;
}
interface JsonFinding {
  ruleId: string;
  message: string;
  file: string;
  line: number;
  overlays: string[] | null;
  rendered: { from: string; line: number } | null;
  source: { file: string; line: number | null } | null;
  fix: { description: string; safe: boolean; edits: JsonEdit[] } | null;
}

/** The overlays a finding stands for: those merged into it, else the one it was rendered from. */
function overlaysOf(f: JsonFinding): string[] {
  return f.overlays ?? (f.rendered ? [f.rendered.from] : []);
}

function lintJson(cwd: string, paths: string[] = ['.']): JsonFinding[] {
  const result = cli(['--format', 'json', ...paths], { cwd, env: ENV });
  expect(result.stderr).not.toContain('internal error');
  return (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings;
}

function kustomize(dir: string): string {
  const result = spawnSync(path.join(TOOLS, 'kubectl'), ['kustomize', dir], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

/** The readiness probe of the rendered api Deployment, as plain text lines. */
function readiness(rendered: string): string {
  return /^ {8}readinessProbe:\n((?: {10}.*\n)+)/m.exec(rendered)?.[1] ?? '';
}

const BASE_FILE = 'base/deployment.yaml';
const ORIGINAL = fs.readFileSync(path.join(FIXTURE, BASE_FILE), 'utf8');
/** The base as --fix should leave it: the literal timeout raised, the missing threshold added after the probe's last key. */
const FIXED = ORIGINAL.replace('timeoutSeconds: 1   #', 'timeoutSeconds: 5   #').replace(
  '            periodSeconds: 5\n',
  '            periodSeconds: 5\n            failureThreshold: 4\n',
);

describe.skipIf(!HAS_KUBECTL)('kustomize fixes through overlays (real kubectl)', () => {
  it('JSON: fixes of findings whose value the base writes literally edit the base file; the patched overlay gets none', () => {
    const cwd = copyFixture();
    const findings = lintJson(cwd);
    const timeout = findings.filter((f) => f.ruleId === 'probe-timeout-short');
    // Merged into one finding naming both overlays, or one per overlay: either way dev and staging carry the base fix.
    const literal = timeout.filter((f) => f.message.includes('timeoutSeconds: 1'));
    expect(literal.flatMap(overlaysOf).sort()).toEqual(['overlays/dev', 'overlays/staging']);
    for (const f of literal) {
      expect(f.source).toEqual({ file: BASE_FILE, line: ORIGINAL.split('\n').findIndex((l) => l.includes('timeoutSeconds: 1')) + 1 });
      expect(f.fix?.safe).toBe(true);
      expect(f.fix?.edits).toEqual([{ file: BASE_FILE, offset: ORIGINAL.indexOf('1   #'), length: 1, text: '5' }]);
    }
    // prod's own timeout (2) is the overlay's patch: located in the base, but no fix there.
    const patched = timeout.filter((f) => !literal.includes(f));
    expect(patched.map((f) => [overlaysOf(f), f.message.includes('timeoutSeconds: 2'), f.fix])).toEqual([[['overlays/prod'], true, null]]);
    // Every fix the report carries edits the base, and only where it writes the rendered value.
    for (const f of findings.filter((x) => x.fix)) for (const e of f.fix!.edits) expect(e.file).toBe(BASE_FILE);
    const window = findings.find((f) => f.ruleId === 'probe-failure-window-short' && f.fix);
    expect(applyEdits(ORIGINAL, window!.fix!.edits)).toBe(ORIGINAL.replace('            periodSeconds: 5\n', '            periodSeconds: 5\n            failureThreshold: 4\n'));
  });

  it('--fix changes only the base literal, a second --fix changes nothing, and every overlay renders the fixed values', () => {
    const cwd = copyFixture();
    const before = snapshot(cwd);
    const first = cli(['--fix', '.'], { cwd, env: ENV });
    expect(first.stderr).not.toContain('internal error');
    expect(first.stderr).toContain('fixed 2 problems in 1 file');
    const after = snapshot(cwd);
    expect(changedFiles(before, after)).toEqual([BASE_FILE]);
    expect(fs.readFileSync(path.join(cwd, BASE_FILE), 'utf8')).toBe(FIXED);
    // What is left is prod's patched timeout, which the base cannot fix.
    const left = lintJson(cwd).filter((f) => f.ruleId === 'probe-timeout-short');
    expect(left.map((f) => [overlaysOf(f), f.message.includes('timeoutSeconds: 2'), f.fix])).toEqual([[['overlays/prod'], true, null]]);

    const second = cli(['--fix', '.'], { cwd, env: ENV });
    expect(second.stderr).toContain('fixed 0 problems in 0 files');
    expect(changedFiles(after, snapshot(cwd))).toEqual([]);

    for (const overlay of OVERLAYS) {
      const probe = readiness(kustomize(path.join(cwd, 'overlays', overlay)));
      expect(probe, overlay).toContain(`timeoutSeconds: ${overlay === 'prod' ? 2 : 5}\n`);
      expect(probe, overlay).toContain('failureThreshold: 4\n');
    }
  });

  it('--fix-dry-run shows exactly the fixes the JSON carries and writes nothing', () => {
    const cwd = copyFixture();
    const before = snapshot(cwd);
    const fixes = lintJson(cwd).flatMap((f) => (f.fix?.safe ? [f.fix] : []));
    const unique = [...new Map(fixes.map((f) => [JSON.stringify(f.edits), f])).values()];
    const expected = unifiedDiff([{ path: BASE_FILE, absPath: '', target: '', before: ORIGINAL, after: applyEdits(ORIGINAL, unique.flatMap((f) => f.edits)), bom: false, fixes: unique.length }]);
    const dry = cli(['--fix-dry-run', '.'], { cwd, env: ENV });
    expect(dry.stdout).toBe(expected);
    expect(dry.stderr).toContain(`would fix ${unique.length} problems in 1 file (nothing written)`);
    expect(changedFiles(before, snapshot(cwd))).toEqual([]);
    // And what it shows is what --fix then writes.
    cli(['--fix', '.'], { cwd, env: ENV });
    expect(fs.readFileSync(path.join(cwd, BASE_FILE), 'utf8')).toBe(FIXED);
  });

  it('the patched overlay alone carries no fix, and --fix leaves every file as it is', () => {
    const cwd = copyFixture();
    const findings = lintJson(cwd, ['overlays/prod']);
    expect(findings.some((f) => f.ruleId === 'probe-timeout-short')).toBe(true);
    // Its failure-window finding is on a probe the patch touched: nothing is added to the base either.
    expect(findings.filter((f) => f.fix)).toEqual([]);
    const before = snapshot(cwd);
    const fixed = cli(['--fix', 'overlays/prod'], { cwd, env: ENV });
    expect(fixed.stderr).toContain('fixed 0 problems in 0 files');
    expect(changedFiles(before, snapshot(cwd))).toEqual([]);
  });
});

describe.skipIf(!HAS_KUBECTL)('kustomize fixes settle within one --fix (real kubectl)', () => {
  // test/fixtures/kustomize/knock-on: raising the base's readiness failureThreshold (1 → 2, window 32s) leaves
  // liveness (3 × 10s = 30s) giving up first, which only a render of the fixed base shows; prod's patch
  // writes the base's own bad timeout (1), so fixing the base literal leaves prod's finding in place.
  const KNOCK_ON = path.join(FIXTURE, 'knock-on');
  const original = fs.readFileSync(path.join(KNOCK_ON, BASE_FILE), 'utf8');
  const settled = original
    .replace('timeoutSeconds: 1\n            failureThreshold: 1\n', 'timeoutSeconds: 5\n            failureThreshold: 2\n')
    .replace('timeoutSeconds: 3\n            failureThreshold: 3\n', 'timeoutSeconds: 3\n            failureThreshold: 4\n');

  function copyKnockOn(): string {
    const dir = tempDir();
    fs.cpSync(KNOCK_ON, dir, { recursive: true });
    return dir;
  }

  it('applies the knock-on fix a fresh render of the fixed base shows, and a second --fix changes nothing', () => {
    const cwd = copyKnockOn();
    expect(settled).not.toBe(original);
    const first = cli(['--fix', '.'], { cwd, env: ENV });
    expect(first.stderr).not.toContain('internal error');
    expect(first.stderr).toContain('fixed 3 problems in 1 file');
    expect(fs.readFileSync(path.join(cwd, BASE_FILE), 'utf8')).toBe(settled);
    const after = snapshot(cwd);
    const second = cli(['--fix', '.'], { cwd, env: ENV });
    expect(second.stderr).toContain('fixed 0 problems in 0 files');
    expect(changedFiles(after, snapshot(cwd))).toEqual([]);
  });

  it('reports after --fix exactly what a fresh lint of the files on disk reports: prod keeps its patched timeout', () => {
    const cwd = copyKnockOn();
    const fixed = cli(['--fix', '--format', 'json', '.'], { cwd, env: ENV });
    const reported = (JSON.parse(fixed.stdout) as { findings: JsonFinding[] }).findings;
    expect(reported).toEqual(lintJson(cwd));
    expect(reported.map((f) => [f.ruleId, overlaysOf(f), f.message.includes('timeoutSeconds: 1'), f.fix])).toEqual([['probe-timeout-short', ['overlays/prod'], true, null]]);
  });

  it('the stylish report calls a base fix a fix and counts it as fixable with --fix', () => {
    const cwd = copyFixture();
    const out = cli(['.'], { cwd, env: ENV }).stdout;
    expect(out).toContain('    fix: set timeoutSeconds to 5\n');
    expect(out).not.toContain('change in the chart');
    const fixable = lintJson(cwd).filter((f) => f.fix?.safe).length;
    expect(fixable).toBeGreaterThan(0);
    expect(out).toContain(`  ${fixable} fixable with --fix (--fix-dry-run shows the diff)`);
  });
});

describe.skipIf(!HAS_HELM)('--fix-dry-run and fixes --fix never writes (real helm)', () => {
  it('shows chart values fixes as diffs marked not applied, and counts them apart', () => {
    const cwd = tempTree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 0.1.0\n',
      'chart/values.yaml': 'probe:\n  timeoutSeconds: 1 # seconds\n',
      'chart/templates/deployment.yaml': `apiVersion: apps/v1
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
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
            periodSeconds: 10
            timeoutSeconds: {{ .Values.probe.timeoutSeconds }}
`,
    });
    const json = cli(['--format', 'json', 'chart'], { cwd, env: ENV });
    const carried = (JSON.parse(json.stdout) as { findings: JsonFinding[] }).findings.flatMap((f) => (f.fix?.safe ? [f.fix] : []));
    expect(carried.flatMap((f) => f.edits.map((e) => e.file))).toEqual(['chart/values.yaml']);
    const values = fs.readFileSync(path.join(cwd, 'chart/values.yaml'), 'utf8');
    const dry = cli(['--fix-dry-run', 'chart'], { cwd, env: ENV });
    expect(dry.stdout).toBe(
      `# not applied: chart values and templates are edited by hand (SPEC §4)\n` +
        unifiedDiff([{ path: 'chart/values.yaml', absPath: '', target: '', before: values, after: applyEdits(values, carried[0]!.edits), bom: false, fixes: 1 }]),
    );
    expect(dry.stderr).toContain('would fix 0 problems in 0 files; 1 more fix in 1 file shown, not applied (nothing written)');
    cli(['--fix', 'chart'], { cwd, env: ENV });
    expect(fs.readFileSync(path.join(cwd, 'chart/values.yaml'), 'utf8')).toBe(values);
  });
  it('shows every shown-only fix the JSON carries, one that conflicts with another as a diff of its own', () => {
    // One toYaml map feeds both probes: readiness needs failureThreshold 4 (4 × 5s = 20s), liveness 6 (30s).
    const values = 'probe:\n  httpGet: {path: /healthz, port: http}\n  periodSeconds: 5\n  timeoutSeconds: 1\n  failureThreshold: 3\n';
    const cwd = tempTree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
      'chart/values.yaml': values,
      'chart/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {app: x}
  template:
    metadata:
      labels: {app: x}
    spec:
      containers:
        - name: app
          image: app:1
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            {{- toYaml .Values.probe | nindent 12 }}
          livenessProbe:
            {{- toYaml .Values.probe | nindent 12 }}
`,
    });
    const json = cli(['--format', 'json', 'chart'], { cwd, env: ENV });
    const carried = (JSON.parse(json.stdout) as { findings: JsonFinding[] }).findings.flatMap((f) => (f.fix?.safe ? [f.fix] : []));
    const distinct = [...new Map(carried.map((f) => [JSON.stringify(f.edits), f])).values()];
    expect(distinct.map((f) => f.edits.map((e) => e.text).join())).toEqual(expect.arrayContaining(['4', '5', '6']));
    expect(distinct).toHaveLength(3);
    const file = (after: string) => ({ path: 'chart/values.yaml', absPath: '', target: '', before: values, after, bom: false, fixes: 0 });
    const dry = cli(['--fix-dry-run', 'chart'], { cwd, env: ENV });
    expect(dry.stdout).toBe(
      unifiedDiff(
        [file(values.replace('timeoutSeconds: 1', 'timeoutSeconds: 5').replace('failureThreshold: 3', 'failureThreshold: 4')), file(values.replace('failureThreshold: 3', 'failureThreshold: 6'))],
        'not applied: chart values and templates are edited by hand (SPEC §4)',
      ),
    );
    expect(dry.stderr).toContain('would fix 0 problems in 0 files; 3 more fixes in 1 file shown, not applied, 1 of them as a diff of its own because it conflicts with another (nothing written)');
  });
});
