// The suppressions baseline end to end: --suppress-all, --suppress-rule,
// --suppressions-location and --prune-suppressions on a repository copied to a
// temp dir, with the built CLI spawned as users run it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SuppressionEntry } from '../src/suppressions-file.js';
import { parseAllDocuments } from 'yaml';
import { CORPUS, HAS_KUBECTL, REPO, TOOLS, cli, tempDir, tempTree, withoutTools } from './helpers.js';

const FILE = 'probe-lint-suppressions.json';

type Entry = SuppressionEntry;

interface JsonFinding {
  ruleId: string;
  file: string;
  probe: string | null;
  container: string | null;
  object: { kind: string; name: string } | null;
}

function sample(name: string): string {
  return fs.readFileSync(path.join(REPO, 'samples', name), 'utf8');
}

/** A repository (it has a .git) with findings in two files and a third without any. */
function repository(): string {
  return tempTree({
    '.git/HEAD': 'ref: refs/heads/main\n',
    'k8s/api.yaml': sample('incident-api.yaml'),
    'k8s/storefront.yaml': sample('storefront.yaml'),
    'k8s/api-fixed.yaml': sample('incident-api-fixed.yaml'),
  });
}

function json(args: string[], cwd: string): { status: number | null; stderr: string; findings: JsonFinding[]; suppressed: number } {
  const result = cli(['--format', 'json', ...args], { cwd });
  if (result.status === 2) throw new Error(result.stderr);
  const report = JSON.parse(result.stdout);
  return { status: result.status, stderr: result.stderr, findings: report.findings, suppressed: report.summary.suppressed };
}

function entries(dir: string, file = FILE): Entry[] {
  return JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')).suppressions;
}

function edit(dir: string, file: string, from: string, to: string): void {
  const abs = path.join(dir, file);
  const text = fs.readFileSync(abs, 'utf8');
  expect(text.split(from).length, `${from} once in ${file}`).toBe(2);
  fs.writeFileSync(abs, text.replace(from, to));
}

/** The file's documents written another way: indented by 4, every mapping's keys in reverse order. */
function reformatted(text: string): string[] {
  return parseAllDocuments(text).map((doc) => {
    const reverse = (node: unknown): void => {
      if (node && typeof node === 'object' && 'items' in node && Array.isArray(node.items)) {
        if ((node as { constructor: { name: string } }).constructor.name === 'YAMLMap') node.items.reverse();
        for (const item of node.items) {
          reverse(item);
          if (item && typeof item === 'object' && 'value' in item) reverse(item.value);
        }
      }
    };
    reverse(doc.contents);
    return doc.toString({ indent: 4, indentSeq: false });
  });
}

describe('--suppress-all', () => {
  it('writes every finding, after which a plain run exits 0 and says how many it suppressed', () => {
    const dir = repository();
    const before = json([], dir);
    expect(before.status).toBe(1);
    expect(before.findings.length).toBe(7);

    const written = cli(['--suppress-all', '.'], { cwd: dir });
    expect(written.stderr).toContain(`probe-lint: wrote 7 suppressions to ${FILE}`);
    expect(written.status).toBe(0);
    expect(written.stdout).toContain('0 problems (0 errors, 0 warnings, 0 info, 7 suppressed)');

    const plain = cli(['--fail-on', 'info', '.'], { cwd: dir });
    expect(plain.status, plain.stdout).toBe(0);
    expect(plain.stdout).toContain('7 suppressed');
    expect(plain.stderr).toBe('');
    const after = json([], dir);
    expect(after.findings).toEqual([]);
    expect(after.suppressed).toBe(7);

    // The file says what each entry is about, by repository-relative path.
    const list = entries(dir);
    expect(list.map((e) => e.file)).toEqual([...Array(5).fill('k8s/api.yaml'), 'k8s/storefront.yaml', 'k8s/storefront.yaml']);
    expect(list[0]).toMatchObject({ object: 'Deployment shop/api', container: 'api', count: 1 });
    expect(list.every((e) => /^[0-9a-f]{32}$/.test(e.fingerprint))).toBe(true);
  });

  it('regenerates a byte-identical file, sorted, two-space JSON with a trailing newline', () => {
    const dir = repository();
    expect(cli(['--suppress-all', '.'], { cwd: dir }).status).toBe(0);
    const first = fs.readFileSync(path.join(dir, FILE), 'utf8');
    const again = cli(['--suppress-all', '.'], { cwd: dir });
    expect(again.stderr).toContain(`${FILE} unchanged (7 suppressions)`);
    expect(fs.readFileSync(path.join(dir, FILE), 'utf8')).toBe(first);
    expect(first.endsWith('}\n')).toBe(true);
    expect(first).toBe(JSON.stringify(JSON.parse(first), null, 2) + '\n');
    const keys = entries(dir).map((e) => [e.file, e.object, e.rule, e.fingerprint].join('\0'));
    expect(keys).toEqual([...keys].sort());
    // Written from a subdirectory, the file is the same: paths are relative to the repository top.
    fs.rmSync(path.join(dir, FILE));
    expect(cli(['--suppress-all', '..'], { cwd: path.join(dir, 'k8s') }).status).toBe(0);
    expect(fs.readFileSync(path.join(dir, FILE), 'utf8')).toBe(first);
  });

  it('makes exactly a finding that comes back reappear', () => {
    const dir = repository();
    cli(['--suppress-all', '.'], { cwd: dir });
    edit(dir, 'k8s/api-fixed.yaml', '            timeoutSeconds: 5\n            failureThreshold: 5', '            timeoutSeconds: 1\n            failureThreshold: 5');
    const after = json(['--fail-on', 'warning', '.'], dir);
    expect(after.status).toBe(1);
    expect(after.findings.map((f) => [f.file, f.ruleId, f.container, f.probe])).toEqual([['k8s/api-fixed.yaml', 'probe-timeout-short', 'api', 'readiness']]);
    expect(after.suppressed).toBe(7);
  });

  it('keeps its findings suppressed when objects move to another file and are reformatted', () => {
    const dir = repository();
    cli(['--suppress-all', '.'], { cwd: dir });
    const [deployment, ...rest] = reformatted(fs.readFileSync(path.join(dir, 'k8s/api.yaml'), 'utf8'));
    fs.mkdirSync(path.join(dir, 'apps/api'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'apps/api/deployment.yaml'), deployment!);
    fs.writeFileSync(path.join(dir, 'k8s/api.yaml'), rest.join('---\n'));
    fs.writeFileSync(path.join(dir, 'k8s/storefront.yaml'), reformatted(fs.readFileSync(path.join(dir, 'k8s/storefront.yaml'), 'utf8')).join('---\n'));
    // Reformatted for real: the test would prove nothing if the text were the same.
    expect(deployment).toMatch(/^spec:\n {4}template:/);

    const after = json(['--fail-on', 'info', '.'], dir);
    expect(after.findings).toEqual([]);
    expect(after.suppressed).toBe(7);
    expect(after.status).toBe(0);
    expect(after.stderr).toBe('');
    // Regenerated, the entries follow the object to its new file.
    cli(['--suppress-all', '.'], { cwd: dir });
    expect(entries(dir).filter((e) => e.object === 'Deployment shop/api').map((e) => e.file)).toEqual(Array(5).fill('apps/api/deployment.yaml'));
  });

  it('reports the findings of a copy of an object: each entry counts the findings it stands for', () => {
    const dir = repository();
    cli(['--suppress-all', '.'], { cwd: dir });
    fs.copyFileSync(path.join(dir, 'k8s/storefront.yaml'), path.join(dir, 'k8s/storefront-copy.yaml'));
    const after = json(['.'], dir);
    expect(after.findings.map((f) => f.file)).toEqual(['k8s/storefront-copy.yaml', 'k8s/storefront-copy.yaml']);
    expect(after.status).toBe(1);
  });

  it('keeps the entries of files this run did not lint', () => {
    const dir = repository();
    cli(['--suppress-all', '.'], { cwd: dir });
    edit(dir, 'k8s/storefront.yaml', '  replicas: 3', '  replicas: 3\n  paused: false');
    const again = cli(['--suppress-all', 'k8s/api.yaml'], { cwd: dir });
    expect(again.stderr).toContain(`${FILE} unchanged (7 suppressions)`);
    expect(entries(dir).filter((e) => e.file === 'k8s/storefront.yaml')).toHaveLength(2);
  });
});

describe('what a run judges', () => {
  it('keys stdin by the name --stdin-filename gives it', () => {
    const dir = repository();
    cli(['--suppress-all', '.'], { cwd: dir });
    const input = fs.readFileSync(path.join(dir, 'k8s/api.yaml'), 'utf8');
    const named = cli(['--format', 'json', '--stdin-filename', 'k8s/api.yaml', '-'], { cwd: dir, input });
    expect(JSON.parse(named.stdout).findings).toEqual([]);
    expect(JSON.parse(named.stdout).summary.suppressed).toBe(5);
    expect(named.stderr).toBe('');
    // Under another name it is another file, whose entries do not exist.
    const renamed = cli(['--format', 'json', '--stdin-filename', 'k8s/other.yaml', '-'], { cwd: dir, input });
    expect(JSON.parse(renamed.stdout).findings).toHaveLength(5);
  });

  it('leaves the entries of an overlay it could not render alone, though it lints the kustomization file named to it', () => {
    const dir = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'app/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n',
      'app/deployment.yaml': sample('incident-api-fixed.yaml'),
    });
    // What a run with kubectl wrote for the overlay's rendered output.
    const entry = { file: 'app/kustomization.yaml', object: 'Deployment shop/api-fixed', container: 'api', probe: 'readiness', rule: 'probe-timeout-short', message: null, fingerprint: '0123456789abcdef0123456789abcdef', count: 1 };
    const text = JSON.stringify({ version: 1, suppressions: [entry] }, null, 2) + '\n';
    fs.writeFileSync(path.join(dir, FILE), text);
    const env = withoutTools();
    // As pre-commit names the files it stages.
    const files = ['app/kustomization.yaml', 'app/deployment.yaml'];
    const plain = cli(['--format', 'json', ...files], { cwd: dir, env });
    expect(JSON.parse(plain.stdout).findings.map((f: JsonFinding) => f.ruleId)).toContain('render-failed');
    expect(plain.stderr).not.toContain('--prune-suppressions');
    cli(['--prune-suppressions', ...files], { cwd: dir, env });
    expect(fs.readFileSync(path.join(dir, FILE), 'utf8')).toBe(text);
  });
});

describe('a chart helm cannot render', () => {
  it('regenerates its render-failed entry in place, keeping the entries of its rendered output', () => {
    const dir = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
      'chart/templates/deployment.yaml': sample('incident-api.yaml'),
    });
    // What a run with helm wrote for the chart's rendered output.
    const rendered = { file: 'chart/Chart.yaml', object: 'Deployment shop/api', container: 'api', probe: 'readiness', rule: 'probe-timeout-short', message: null, fingerprint: '0123456789abcdef0123456789abcdef', count: 1 };
    fs.writeFileSync(path.join(dir, FILE), JSON.stringify({ version: 1, suppressions: [rendered] }));
    const env = withoutTools();
    expect(cli(['--suppress-all', '.'], { cwd: dir, env }).status).toBe(0);
    const first = fs.readFileSync(path.join(dir, FILE), 'utf8');
    expect(entries(dir).map((e) => [e.rule, e.count])).toEqual([['render-failed', 1], ['probe-timeout-short', 1]]);
    const again = cli(['--suppress-all', '.'], { cwd: dir, env });
    expect(again.stderr).toContain(`${FILE} unchanged (2 suppressions)`);
    expect(fs.readFileSync(path.join(dir, FILE), 'utf8')).toBe(first);
    expect(cli(['--prune-suppressions', '.'], { cwd: dir, env }).stderr).not.toContain('removed');
  });
});

describe('--prune-suppressions', () => {
  it('says once that entries are stale, for the files it linted only, and prune removes exactly the fixed finding\'s entry', () => {
    const dir = repository();
    cli(['--suppress-all', '.'], { cwd: dir });
    const before = entries(dir);
    edit(dir, 'k8s/api.yaml', '            periodSeconds: 5\n            timeoutSeconds: 2\n            failureThreshold: 3', '            periodSeconds: 5\n            timeoutSeconds: 2\n            failureThreshold: 5');

    const stale = cli(['.'], { cwd: dir });
    expect(stale.status).toBe(0);
    const notices = stale.stderr.split('\n').filter(Boolean);
    expect(notices).toEqual([`probe-lint: ${FILE}: 1 suppression for files linted here matches nothing any more; run probe-lint --prune-suppressions to remove it`]);
    // A run over other files cannot judge the entries of k8s/api.yaml.
    expect(cli(['k8s/storefront.yaml'], { cwd: dir }).stderr).toBe('');

    const pruned = cli(['--prune-suppressions', '.'], { cwd: dir });
    expect(pruned.stderr).toContain(`probe-lint: removed 1 suppression from ${FILE} (6 left)`);
    expect(pruned.status).toBe(0);
    const after = entries(dir);
    const gone = before.filter((e) => !after.some((a) => a.fingerprint === e.fingerprint && a.file === e.file));
    expect(gone.map((e) => [e.file, e.rule, e.probe])).toEqual([['k8s/api.yaml', 'probe-failure-window-short', 'readiness']]);
    expect(after).toEqual(before.filter((e) => e !== gone[0]));
    expect(cli(['.'], { cwd: dir }).stderr).toBe('');
  });

  it('lowers a count, and drops the entries of a file that is gone from the tree it walked', () => {
    const dir = repository();
    const storefront = fs.readFileSync(path.join(dir, 'k8s/storefront.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'k8s/storefront.yaml'), `${storefront}---\n${storefront}`);
    fs.mkdirSync(path.join(dir, 'k8s/old'));
    fs.copyFileSync(path.join(dir, 'k8s/api.yaml'), path.join(dir, 'k8s/old/api.yaml'));
    cli(['--suppress-all', '.'], { cwd: dir });
    expect(entries(dir).filter((e) => e.file === 'k8s/storefront.yaml').map((e) => e.count)).toEqual([2, 2]);
    expect(entries(dir).filter((e) => e.file === 'k8s/old/api.yaml')).toHaveLength(5);

    fs.writeFileSync(path.join(dir, 'k8s/storefront.yaml'), storefront);
    fs.rmSync(path.join(dir, 'k8s/old'), { recursive: true });
    // Neither file is judged by a run over another one.
    expect(cli(['k8s/api.yaml'], { cwd: dir }).stderr).toBe('');
    expect(cli(['.'], { cwd: dir }).stderr).toContain('7 suppressions for files linted here match nothing any more');
    expect(cli(['--prune-suppressions', '.'], { cwd: dir }).stderr).toContain(`removed 7 suppressions from ${FILE} (7 left)`);
    expect(entries(dir).filter((e) => e.file === 'k8s/storefront.yaml').map((e) => e.count)).toEqual([1, 1]);
    expect(entries(dir).map((e) => e.file)).not.toContain('k8s/old/api.yaml');
  });

  it('is exit 2 without a file to prune', () => {
    const dir = repository();
    const result = cli(['--prune-suppressions', '.'], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`no ${FILE} found`);
  });
});

describe('--suppress-rule', () => {
  it('writes only that rule\'s findings, keeping the other entries', () => {
    const dir = repository();
    const written = cli(['--suppress-rule', 'probe-timeout-short', '--suppress-rule', 'readiness-probe-missing', '.'], { cwd: dir });
    expect(written.stderr).toContain(`wrote 3 suppressions to ${FILE}`);
    expect(new Set(entries(dir).map((e) => e.rule))).toEqual(new Set(['probe-timeout-short', 'readiness-probe-missing']));
    const after = json(['.'], dir);
    expect(after.findings.map((f) => f.ruleId).sort()).toEqual(['liveness-equals-readiness', 'prestop-hook-missing', 'prestop-hook-missing', 'probe-failure-window-short']);
    expect(after.suppressed).toBe(3);
    expect(after.status).toBe(0);
    cli(['--suppress-rule', 'prestop-hook-missing', '.'], { cwd: dir });
    expect(entries(dir)).toHaveLength(5);
  });

  it('refuses an unknown rule id with a suggestion', () => {
    const dir = repository();
    const result = cli(['--suppress-rule', 'probe-timeout-shrt', '.'], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--suppress-rule probe-timeout-shrt: unknown rule; did you mean "probe-timeout-short"?');
    expect(fs.existsSync(path.join(dir, FILE))).toBe(false);
  });

  it('does not go with --suppress-all, --prune-suppressions or --fix', () => {
    const dir = repository();
    expect(cli(['--suppress-all', '--prune-suppressions', '.'], { cwd: dir }).status).toBe(2);
    expect(cli(['--suppress-all', '--suppress-rule', 'probe-timeout-short', '.'], { cwd: dir }).status).toBe(2);
    const fix = cli(['--fix', '--suppress-all', '.'], { cwd: dir });
    expect(fix.status).toBe(2);
    expect(fix.stderr).toContain('--fix');
  });
});

describe('--suppressions-location', () => {
  it('writes and reads the file it names; without it that file is not found', () => {
    const dir = repository();
    const missingDir = cli(['--suppress-all', '--suppressions-location', 'ci/baseline.json', '.'], { cwd: dir });
    expect(missingDir.status).toBe(2);
    expect(missingDir.stderr).toBe('probe-lint: ci/baseline.json: cannot write suppressions: its directory does not exist; create it first\n');
    fs.mkdirSync(path.join(dir, 'ci'));
    const written = cli(['--suppress-all', '--suppressions-location', 'ci/baseline.json', '.'], { cwd: dir });
    expect(written.status, written.stderr).toBe(0);
    expect(written.stderr).toContain('wrote 7 suppressions to ci/baseline.json');
    expect(fs.existsSync(path.join(dir, FILE))).toBe(false);
    expect(entries(dir, 'ci/baseline.json')).toHaveLength(7);
    expect(cli(['.'], { cwd: dir }).status).toBe(1);
    const named = json(['--suppressions-location', 'ci/baseline.json', '.'], dir);
    expect(named.findings).toEqual([]);
    expect(named.suppressed).toBe(7);
  });

  it('is exit 2 when the file it names is missing', () => {
    const dir = repository();
    const result = cli(['--suppressions-location', 'nope.json', '.'], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('nope.json: no such suppressions file');
  });

  it('finds the nearest file upwards from a subdirectory, and none above the repository top', () => {
    const outer = tempDir();
    const dir = path.join(outer, 'repo');
    fs.cpSync(repository(), dir, { recursive: true });
    cli(['--suppress-all', '.'], { cwd: dir });
    expect(json(['.'], path.join(dir, 'k8s')).suppressed).toBe(7);
    fs.renameSync(path.join(dir, FILE), path.join(outer, FILE));
    expect(json(['.'], dir).findings).toHaveLength(7);
  });
});

describe('a corrupt suppressions file', () => {
  it('is exit 2 naming the file and the line, for bad JSON and for a bad shape', () => {
    const dir = repository();
    cli(['--suppress-all', '.'], { cwd: dir });
    const good = fs.readFileSync(path.join(dir, FILE), 'utf8');

    fs.writeFileSync(path.join(dir, FILE), good.replace('"count": 1\n    },', '"count": 1\n    },,'));
    const broken = cli(['.'], { cwd: dir });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toBe(`probe-lint: ${FILE}:13:7: not valid JSON: Unexpected token ','; fix it, or delete it and run probe-lint --suppress-all\n`);
    fs.writeFileSync(path.join(dir, FILE), good.replace('"version": 1,', '"version": 1'));
    expect(cli(['.'], { cwd: dir }).stderr).toMatch(new RegExp(`^probe-lint: ${FILE}:3:3: not valid JSON: `));
    // Cut inside a string: the error is where the text ends.
    const cut = good.slice(0, 300);
    fs.writeFileSync(path.join(dir, FILE), cut);
    expect(cli(['.'], { cwd: dir }).stderr).toContain(`${FILE}:${cut.split('\n').length}:${cut.length - cut.lastIndexOf('\n')}: not valid JSON: `);

    fs.writeFileSync(path.join(dir, FILE), good.replace('"count": 1', '"count": 0'));
    const shape = cli(['.'], { cwd: dir });
    expect(shape.status).toBe(2);
    expect(shape.stderr).toBe(`probe-lint: ${FILE}:12: suppressions[0].count: must be a whole number ≥ 1, not 0\n`);

    fs.writeFileSync(path.join(dir, FILE), good.replace('"version": 1', '"version": 2'));
    expect(cli(['.'], { cwd: dir }).stderr).toContain(`${FILE}:2: version: is 2: written by a newer probe-lint`);

    fs.writeFileSync(path.join(dir, FILE), good.replace('"probe": "liveness"', '"prbe": "liveness"'));
    expect(cli(['.'], { cwd: dir }).stderr).toContain('suppressions[0].prbe: unknown key; did you mean "probe"?');

    // --suppress-all does not write over what it cannot read: the entries for other files would be lost.
    expect(cli(['--suppress-all', '.'], { cwd: dir }).status).toBe(2);
  });
});

const corpus = fs.existsSync(CORPUS);
if (!corpus) console.warn(`skipping the suppressions corpus check: ${CORPUS} is absent (it sits beside this repository in CI)`);

describe.skipIf(!corpus)('the suppressions cycle on corpus repositories', () => {
  it.each(['plain/GoogleCloudPlatform__microservices-demo', 'plain/kubernetes__examples', 'kustomize/online-boutique'])('%s: suppress-all, then a plain run exits 0, and regenerating is byte-identical', (folder) => {
    const dir = path.join(tempDir(), 'repo');
    fs.cpSync(path.join(CORPUS, folder), dir, { recursive: true });
    fs.mkdirSync(path.join(dir, '.git'));
    const before = json(['.'], dir);
    expect(before.findings.length).toBeGreaterThan(0);
    expect(cli(['--suppress-all', '.'], { cwd: dir }).status).toBe(0);
    const first = fs.readFileSync(path.join(dir, FILE), 'utf8');
    const plain = cli(['--fail-on', 'info', '.'], { cwd: dir });
    expect(plain.status, plain.stdout.slice(-2000)).toBe(0);
    expect(plain.stdout).toContain(`${before.findings.length + before.suppressed} suppressed`);
    expect(cli(['--suppress-all', '.'], { cwd: dir }).status).toBe(0);
    expect(fs.readFileSync(path.join(dir, FILE), 'utf8')).toBe(first);
  });
});

describe('fingerprints of rendered output', () => {
  /** A base with findings and one overlay; `overlay(dir, name)` adds another. */
  const kustomized = (): string =>
    tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'base/kustomization.yaml': 'resources:\n  - api.yaml\n',
      'base/api.yaml': sample('incident-api.yaml'),
      'overlays/staging/kustomization.yaml': 'namespace: staging\nresources:\n  - ../../base\n',
    });
  const overlay = (dir: string, name: string, prefix = ''): void => {
    fs.mkdirSync(path.join(dir, 'overlays', name));
    fs.writeFileSync(path.join(dir, 'overlays', name, 'kustomization.yaml'), `namespace: ${name}\n${prefix ? `namePrefix: ${prefix}\n` : ''}resources:\n  - ../../base\n`);
  };
  const env = { PATH: `${TOOLS}:${process.env.PATH ?? ''}` };
  const sarifFingerprints = (args: string[], cwd: string): string[] =>
    JSON.parse(cli(['--format', 'sarif', '--suppressions-location', 'none.json', ...args], { cwd, env }).stdout)
      .runs[0].results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['probeLint/v1'])
      .sort();

  it.skipIf(!HAS_KUBECTL)('do not change with the overlay that sorts first, nor when one overlay is linted alone', () => {
    const dir = kustomized();
    fs.writeFileSync(path.join(dir, 'none.json'), JSON.stringify({ version: 1, suppressions: [] }));
    const before = sarifFingerprints(['.'], dir);
    expect(before.length).toBeGreaterThan(0);
    const written = cli(['--suppress-all', '.'], { cwd: dir, env });
    expect(written.status, written.stderr).toBe(0);
    // Keyed by the base file people edit, not by the overlay that rendered it first.
    expect(new Set(entries(dir).map((e) => e.file))).toEqual(new Set(['base/api.yaml']));

    // An overlay that sorts before staging renders the same base lines in another namespace.
    overlay(dir, 'dev');
    const plain = json(['--fail-on', 'info', '.'], dir);
    expect(plain.findings).toEqual([]);
    expect(plain.status).toBe(0);
    expect(plain.stderr).not.toContain('--prune-suppressions');
    for (const one of ['overlays/staging', 'overlays/dev']) {
      const alone = json(['--fail-on', 'info', one], dir);
      expect(alone.findings, one).toEqual([]);
      expect(alone.stderr, one).not.toContain('--prune-suppressions');
    }
    // SARIF's partialFingerprints are the same keys: code scanning sees the same alerts.
    expect(sarifFingerprints(['.'], dir)).toEqual(before);
    expect(sarifFingerprints(['overlays/dev'], dir)).toEqual(before);

    // One whose names differ (its messages name its own Services) renders the same lines too: nothing new.
    overlay(dir, 'prod', 'prod-');
    expect(json(['--fail-on', 'info', '.'], dir).findings).toEqual([]);
    expect(json(['--fail-on', 'info', 'overlays/prod'], dir).findings).toEqual([]);
    expect(sarifFingerprints(['overlays/prod'], dir)).toEqual(before);
  });

  it.skipIf(!HAS_KUBECTL)('keep an object moved to another resource file suppressed, and an object copied there reported', () => {
    const dir = kustomized();
    expect(cli(['--suppress-all', '.'], { cwd: dir, env }).status).toBe(0);
    const [deployment, ...rest] = sample('incident-api.yaml').split(/^---\n/m);
    fs.writeFileSync(path.join(dir, 'base/api.yaml'), rest.join('---\n'));
    fs.writeFileSync(path.join(dir, 'base/deployment.yaml'), deployment!);
    fs.writeFileSync(path.join(dir, 'base/kustomization.yaml'), 'resources:\n  - deployment.yaml\n  - api.yaml\n');
    const moved = json(['--fail-on', 'info', '.'], dir);
    expect(moved.findings).toEqual([]);
    expect(moved.stderr).not.toContain('--prune-suppressions');
    // Left in the old file too, it is one more object: its findings are new.
    fs.writeFileSync(path.join(dir, 'base/api.yaml'), sample('incident-api.yaml').replace('name: api\n', 'name: api-copy\n'));
    expect(json(['.'], dir).findings.length).toBeGreaterThan(0);
  });

  it('of a chart that did not render do not change with the directory the run starts from', () => {
    const dir = tempTree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'charts/api/Chart.yaml': 'apiVersion: v2\nname: api\nversion: 1.0.0\n',
      'charts/api/templates/deployment.yaml': sample('incident-api.yaml'),
    });
    const env = withoutTools();
    expect(cli(['--suppress-all', '--fail-on', 'warning', '.'], { cwd: dir, env }).status).toBe(0);
    expect(entries(dir).map((e) => [e.file, e.rule])).toEqual([['charts/api/Chart.yaml', 'render-failed']]);
    // The message names the chart relative to the working directory: `api` here, `charts/api` at the top.
    const inner = cli(['--format', 'json', '--fail-on', 'warning', 'api'], { cwd: path.join(dir, 'charts'), env });
    expect(inner.status, inner.stdout).toBe(0);
    expect(JSON.parse(inner.stdout).summary.suppressed).toBe(1);
    expect(inner.stderr).not.toContain('--prune-suppressions');
    const top = JSON.parse(cli(['--format', 'sarif', 'charts/api'], { cwd: dir, env }).stdout).runs[0].results;
    const sub = JSON.parse(cli(['--format', 'sarif', 'api'], { cwd: path.join(dir, 'charts'), env }).stdout).runs[0].results;
    expect(sub.map((r: { partialFingerprints: unknown }) => r.partialFingerprints)).toEqual(top.map((r: { partialFingerprints: unknown }) => r.partialFingerprints));
  });
});

describe('the suppressions file is found like the config', () => {
  it('from the linted paths upwards, wherever the run starts, and --suppress-all writes it at their repository top', () => {
    const outer = tempDir();
    const dir = path.join(outer, 'repo');
    fs.cpSync(repository(), dir, { recursive: true });
    // Run from outside the repository: the file goes to the top of the repository holding the paths, not here.
    const written = cli(['--suppress-all', 'repo/k8s'], { cwd: outer });
    expect(written.status, written.stderr).toBe(0);
    expect(written.stderr).toContain(`wrote 7 suppressions to repo/${FILE}`);
    expect(fs.existsSync(path.join(outer, FILE))).toBe(false);
    expect(entries(dir).map((e) => e.file)).toContain('k8s/api.yaml');
    const plain = json(['repo/k8s'], outer);
    expect(plain.findings).toEqual([]);
    expect(plain.suppressed).toBe(7);
    expect(json(['repo/k8s/api.yaml'], outer).suppressed).toBe(5);
    // From a sibling directory of the repository's own.
    fs.mkdirSync(path.join(dir, 'docs'));
    expect(json(['../k8s'], path.join(dir, 'docs')).suppressed).toBe(7);
    // Stdin is looked up from where --stdin-filename puts it.
    const input = fs.readFileSync(path.join(dir, 'k8s/api.yaml'), 'utf8');
    const named = cli(['--format', 'json', '--stdin-filename', 'repo/k8s/api.yaml', '-'], { cwd: outer, input });
    expect(JSON.parse(named.stdout).summary.suppressed).toBe(5);
    // --prune-suppressions finds it too.
    expect(cli(['--prune-suppressions', 'repo/k8s'], { cwd: outer }).status).toBe(0);
  });

  it('outside any repository, --suppress-all writes it in the working directory', () => {
    const outer = tempDir();
    fs.cpSync(path.join(REPO, 'samples', 'incident-api.yaml'), path.join(outer, 'k8s', 'api.yaml'));
    const written = cli(['--suppress-all', 'k8s'], { cwd: outer });
    expect(written.status, written.stderr).toBe(0);
    expect(fs.existsSync(path.join(outer, FILE))).toBe(true);
    expect(fs.existsSync(path.join(outer, 'k8s', FILE))).toBe(false);
  });
});
