// SPEC §1's routing definitions where one fixture file cannot show them: objects spread over
// directories, and the sleeper commands.
import { describe, expect, it } from 'vitest';
import { isSleeper } from '../src/routing.js';
import { run } from '../src/run.js';
import { tempTree } from './helpers.js';

const deployment = (name: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
        - name: app
          image: example/${name}:1.0
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /ready, port: http}, timeoutSeconds: 5, failureThreshold: 4, periodSeconds: 5}
`;
const service = (name: string, app: string): string => `---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: ${app}}
  ports: [{name: http, port: 80, targetPort: http}]
`;
const ingress = (name: string, backend: string): string => `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}}
spec:
  defaultBackend: {service: {name: ${backend}, port: {number: 80}}}
`;

describe('routing', () => {
  it('sends an Ingress to the Service of that name written nearest to it when several samples reuse the name', async () => {
    const root = tempTree({
      'guestbook/frontend.yaml': deployment('guestbook') + service('frontend', 'guestbook'),
      'tutorial/app.yaml': deployment('tutorial') + service('frontend', 'tutorial') + ingress('public', 'frontend'),
    });
    const { findings } = await run({ paths: ['.'], cwd: root });
    const prestop = findings.filter((f) => f.ruleId === 'prestop-hook-missing');
    expect(prestop.map((f) => [f.file.path, f.message.includes('Ingress "public"')])).toEqual([
      ['guestbook/frontend.yaml', false],
      ['tutorial/app.yaml', true],
    ]);
  });

  it('lets one Ingress reach every Service of that name when none is nearer than another', async () => {
    const root = tempTree({
      'a/app.yaml': deployment('a') + service('frontend', 'a'),
      'b/app.yaml': deployment('b') + service('frontend', 'b'),
      'ingress.yaml': ingress('public', 'frontend'),
    });
    const { findings } = await run({ paths: ['.'], cwd: root });
    const exposed = findings.filter((f) => f.ruleId === 'prestop-hook-missing' && f.message.includes('Ingress "public"'));
    expect(exposed.map((f) => f.file.path)).toEqual(['a/app.yaml', 'b/app.yaml']);
  });

  it('matches a Service without a namespace to a pod in any namespace, and two written namespaces only when equal', async () => {
    const namespaced = (ns: string): string => deployment('api').replace('metadata: {name: api}', `metadata: {name: api, namespace: ${ns}}`);
    const root = tempTree({
      'any.yaml': namespaced('shop') + service('api', 'api'),
      'other.yaml': namespaced('shop') + service('api', 'api').replace('metadata: {name: api}', 'metadata: {name: api, namespace: billing}'),
    });
    const any = await run({ paths: ['any.yaml'], cwd: root });
    const other = await run({ paths: ['other.yaml'], cwd: root });
    expect(any.findings.filter((f) => f.ruleId === 'prestop-hook-missing')).toHaveLength(1);
    expect(other.findings.filter((f) => f.ruleId === 'prestop-hook-missing')).toHaveLength(0);
  });

  it('knows a sleeper by its whole command, never by part of a script', () => {
    const sleepers = [
      ['sleep', 'infinity'],
      ['sleep', '3600'],
      ['/bin/sleep', '1d'],
      ['tail', '-f', '/dev/null'],
      ['/pause'],
      ['sh', '-c', 'sleep infinity'],
      ['/bin/bash', '-c', 'exec sleep 86400'],
      ['sh', '-c', 'while true; do sleep 30; done'],
      ['/bin/sh', '-c', 'trap : TERM INT; sleep infinity & wait'],
    ];
    const servers = [
      [],
      ['nginx', '-g', 'daemon off;'],
      ['sh', '-c', 'sleep 5 && exec server'],
      ['sh', '-c', 'python -m http.server & sleep infinity'],
      ['sleep'],
      ['sh', '-c', 'sleep $DELAY; ./run'],
    ];
    expect(sleepers.filter((argv) => !isSleeper(argv))).toEqual([]);
    expect(servers.filter((argv) => isSleeper(argv))).toEqual([]);
  });
});

describe('command patterns', () => {
  it('see each simple command, cut to a bounded length, so no pattern runs over a huge argv', async () => {
    const { commandLines } = await import('../src/shell.js');
    const huge = `curl ${'x'.repeat(480_000)}`;
    const lines = commandLines(['sh', '-c', `pg_isready -h db.internal; ${huge}`]);
    expect(lines[0]).toBe('pg_isready -h db.internal');
    expect(lines.every((line) => line.length <= 4096)).toBe(true);
    expect(lines).toHaveLength(2);
  });
});
