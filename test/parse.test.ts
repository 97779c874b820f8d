// Which documents are linted: one definition of a Kubernetes object (src/kinds.ts) for the cheap
// pre-scan and the full parse, whatever the spelling of the YAML.
import { describe, expect, it } from 'vitest';
import { parseFile } from '../src/parse.js';
import { run } from '../src/run.js';
import { tempTree } from './helpers.js';

const source = (text: string) => ({ path: 'x.yaml', absPath: null, text, bom: false });

/** Containers the run saw, by name. */
async function containers(text: string): Promise<string[]> {
  const root = tempTree({ 'x.yaml': text });
  const result = await run({ paths: ['x.yaml'], cwd: root });
  expect(result.findings.filter((f) => f.ruleId === 'invalid-yaml')).toEqual([]);
  return [...new Set(result.findings.map((f) => f.container ?? ''))].sort();
}

const pod = (containersKey: string, extra = ''): string => `apiVersion: v1
kind: Pod
metadata:
  name: api
${extra}spec:
  ${containersKey}:
    - name: web
      image: example/web:1.0
      readinessProbe: {httpGet: {path: /ready, port: 8080}, timeoutSeconds: 1}
`;

describe('documents that hold a workload are linted however they are written', () => {
  it('an escaped key', async () => {
    expect(await containers(pod('"\\u0063ontainers"'))).toEqual(['web']);
  });

  it('Deployments inside a ConfigMapList', async () => {
    const list = `apiVersion: v1
kind: ConfigMapList
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api}
    spec:
      selector: {matchLabels: {app: api}}
      template:
        metadata: {labels: {app: api}}
        spec:
          containers:
            - name: web
              image: example/web:1.0
              readinessProbe: {httpGet: {path: /ready, port: 8080}, timeoutSeconds: 1}
`;
    expect(await containers(list)).toEqual(['web']);
  });

  it('a quoted annotation holding a column-0 kind: Secret line', async () => {
    // A flow document may continue a quoted string at column 0.
    const annotated = `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api", "annotations": {"note": "first
kind: Secret
last"}}, "spec": {"containers": [{"name": "web", "image": "w", "readinessProbe": {"httpGet": {"path": "/", "port": 8080}, "timeoutSeconds": 1}}]}}
`;
    expect(await containers(annotated)).toEqual(['web']);
  });

  it('%TAG directives after a document end marker belong to the next document', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n...\n%TAG !e! tag:example.com,2000:\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n`;
    const parsed = parseFile(source(text));
    expect(parsed.error).toBeNull();
    expect(parsed.documents.map((d) => d.header?.kind)).toEqual(['ConfigMap', 'ConfigMap']);
  });

  it('resolves every alias to the last anchor of that name before it, in one walk', () => {
    const anchors = Array.from({ length: 300 }, (_, i) => `  a${i}: &p${i} {timeoutSeconds: ${i + 1}}`).join('\n');
    const aliases = Array.from({ length: 300 }, (_, i) => `  b${i}: *p${i}`).join('\n');
    const redefined = `  c: &p0 {timeoutSeconds: 999}\n  d: *p0\n`;
    const parsed = parseFile(source(`apiVersion: v1\nkind: Pod\nx:\n${anchors}\n${aliases}\n${redefined}spec: {containers: []}\n`));
    const root = parsed.documents[0]!.root!;
    const x = root.kind === 'map' ? root.entries.find((e) => e.key === 'x')!.value! : null;
    const value = (key: string): unknown => {
      const map = x?.kind === 'map' ? x.entries.find((e) => e.key === key)?.value : undefined;
      return map?.kind === 'map' && map.entries[0]?.value?.kind === 'scalar' ? map.entries[0].value.value : undefined;
    };
    expect(value('b0')).toBe(1);
    expect(value('b299')).toBe(300);
    expect(value('d')).toBe(999);
  });
});
