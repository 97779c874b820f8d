// What the walker picks up and how bad input is handled.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { lint, tempDir, tempTree } from './helpers.js';

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

const CHART_TEMPLATE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
spec:
  template:
    spec:
      containers:
        - name: app
          {{- with .Values.readinessProbe }}
          readinessProbe: {{ toYaml . | nindent 12 }}
          {{- end }}
`;

const files = (result: Awaited<ReturnType<typeof lint>>): string[] => [...new Set(result.findings.map((f) => f.file.path))].sort();

describe('walking directories', () => {
  it('takes .yaml, .yml and .json files and skips .git, node_modules, .gitignore and --ignore matches', async () => {
    const root = tempTree({
      'a.yaml': POD,
      'b.yml': POD,
      'c.json': JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'x', readinessProbe: { exec: { command: ['true'] } } }] } }),
      'notes.txt': POD,
      '.git/config.yaml': POD,
      'node_modules/pkg/pod.yaml': POD,
      '.gitignore': 'generated/\n*.local.yaml\n',
      'generated/pod.yaml': POD,
      'dev.local.yaml': POD,
      'legacy/pod.yaml': POD,
      'nested/.gitignore': 'skip-me.yaml\n',
      'nested/skip-me.yaml': POD,
      'nested/keep.yaml': POD,
    });
    const result = await run(root, ['.'], ['legacy/']);
    expect(files(result)).toEqual(['a.yaml', 'b.yml', 'c.json', 'nested/keep.yaml']);
  });

  it('skips non-Kubernetes YAML silently', async () => {
    const root = tempTree({
      'workflow.yaml': 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n',
      'values.yaml': 'replicaCount: 1\nimage:\n  repository: nginx\n',
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n',
      'list.yaml': '- a\n- b\n',
    });
    const result = await run(root, ['.']);
    expect(result.findings).toEqual([]);
    expect(result.notices).toEqual([]);
    expect(result.summary).toMatchObject({ files: 4, objects: 0 });
  });

  it('does not follow symlinks out of the root and does not loop', async () => {
    const outside = tempTree({ 'outside.yaml': POD });
    const root = tempTree({ 'inside/pod.yaml': POD });
    fs.symlinkSync(path.join(outside, 'outside.yaml'), path.join(root, 'link-out.yaml'));
    fs.symlinkSync(root, path.join(root, 'inside', 'loop'));
    fs.symlinkSync(path.join(root, 'inside'), path.join(root, 'inside-again'));
    const result = await run(root, ['.']);
    expect(files(result)).toEqual(['inside/pod.yaml']);
  });

  it('expands globs', async () => {
    const root = tempTree({ 'k8s/a.yaml': POD, 'k8s/sub/b.yaml': POD, 'other/c.yaml': POD });
    const result = await run(root, ['k8s/**/*.yaml']);
    expect(files(result)).toEqual(['k8s/a.yaml', 'k8s/sub/b.yaml']);
  });
});

describe('Helm chart sources', () => {
  const chart = {
    'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
    'charts/app/values.yaml': 'readinessProbe:\n  httpGet: {path: /ready, port: http}\n',
    'charts/app/templates/deployment.yaml': CHART_TEMPLATE,
    'charts/app/templates/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n',
    'plain/pod.yaml': POD,
  };
  // As on a machine without helm, whatever this one has installed.
  const savedPath = process.env.PATH;
  beforeAll(() => {
    process.env.PATH = tempDir();
  });
  afterAll(() => {
    process.env.PATH = savedPath;
  });
  const renderFailed = (result: Awaited<ReturnType<typeof run>>): string[] => result.findings.filter((f) => f.ruleId === 'render-failed').map((f) => f.file.path);

  it('skips a chart directory with one render-failed finding and never reports its templates as broken YAML', async () => {
    const root = tempTree(chart);
    const result = await run(root, ['.']);
    expect(result.findings.filter((f) => f.ruleId === 'invalid-yaml')).toEqual([]);
    expect(files(result)).toEqual(['charts/app/Chart.yaml', 'plain/pod.yaml']);
    expect(renderFailed(result)).toEqual(['charts/app/Chart.yaml']);
    expect(result.findings.find((f) => f.ruleId === 'render-failed')!.message).toContain('helm template charts/app | probe-lint -');
    expect(result.notices.map((n) => n.file)).toEqual(['charts/app']);
  });

  it('treats template files named directly (as pre-commit passes them) as their chart, once', async () => {
    const root = tempTree(chart);
    const result = await run(root, ['charts/app/templates/deployment.yaml', 'charts/app/templates/service.yaml', 'charts/app/values.yaml']);
    expect(result.findings.map((f) => `${f.file.path} ${f.ruleId}`)).toEqual(['charts/app/Chart.yaml render-failed']);
    expect(result.notices.map((n) => n.file)).toEqual(['charts/app']);
  });

  it('skips a chart when walking from inside it', async () => {
    const root = tempTree(chart);
    const result = await run(path.join(root, 'charts', 'app'), ['templates']);
    expect(result.findings.map((f) => `${f.file.path} ${f.ruleId}`)).toEqual(['Chart.yaml render-failed']);
    expect(result.notices).toHaveLength(1);
  });
});

describe('bad input', () => {
  it('reports a broken document and lints the others of the same file', async () => {
    const root = tempTree({ 'mixed.yaml': `${POD}---\nkind: [\n---\n${POD.replace('name: api', 'name: api2')}` });
    const result = await run(root, ['.']);
    expect(result.findings.map((f) => f.ruleId).sort()).toEqual(['invalid-yaml', 'probe-timeout-short', 'probe-timeout-short']);
    const broken = result.findings.find((f) => f.ruleId === 'invalid-yaml')!;
    expect(broken.file.text.slice(0, broken.span.start).split('\n').length).toBe(14);
  });

  it('keeps positions right with a BOM, CRLF line endings and tabs in strings', async () => {
    const crlf = `\uFEFF${POD.replace('image: example/api:1.0', 'image: "example/api:1.0\\t"')}`.replace(/\n/g, '\r\n');
    const root = tempTree({ 'crlf.yaml': crlf });
    const result = await run(root, ['.']);
    const finding = result.findings.find((f) => f.ruleId === 'probe-timeout-short')!;
    const text = finding.file.text;
    expect(text.slice(finding.span.start, finding.span.end)).toBe('timeoutSeconds: 1');
  });

  it('survives binary files, empty files, wrong types, deep nesting and alias bombs', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const root = tempTree({
      'binary.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]),
      'empty.yaml': '',
      'comments-only.yaml': '# nothing here\n---\n# nor here\n',
      'wrong-types.yaml': `apiVersion: v1
kind: Pod
metadata: {name: odd}
spec:
  containers:
    - name: odd
      ports: {}
      env: "nope"
      command: 42
      readinessProbe:
        httpGet: [1, 2]
        timeoutSeconds: "5"
    - just-a-string
    - name: other
      livenessProbe: 7
`,
      'deep.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(2000)}${']'.repeat(2000)}\n`,
      'deeper.yaml': `apiVersion: v1\nkind: Pod\nmetadata: {name: deeper}\nspec:\n  containers: []\n  x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
      'bomb.yaml': `apiVersion: v1\nkind: Pod\nmetadata: {name: bomb}\nspec:\n  containers: []\n  x:\n${bomb.map((l) => `    ${l}`).join('\n')}\n`,
    });
    const result = await run(root, ['.']);
    expect(result.notices.map((n) => `${n.file}: ${n.message}`)).toEqual(['binary.yaml: binary file skipped']);
    expect(result.findings.filter((f) => f.file.path === 'wrong-types.yaml').map((f) => f.ruleId).sort()).toEqual(['probe-invalid', 'probe-invalid']);
    expect(result.findings.filter((f) => f.file.path === 'deeper.yaml').map((f) => f.message)).toEqual(['cannot parse YAML: nested too deeply to parse']);
  });
});

function run(cwd: string, paths: string[], ignore: string[] = []): ReturnType<typeof lint> {
  return import('../src/run.js').then(({ run: runLint }) => runLint({ paths, cwd, ignore, rules: RULES }));
}
