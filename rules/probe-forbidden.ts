import { deployment } from '../src/doc-examples.js';
import type { ProbeType } from '../src/model.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'probe-forbidden',
  severity: 'error',
  fixable: 'none',
  options: {},
  docs: {
    summary: 'A probe on a plain init container (one without `restartPolicy: Always`) or on an ephemeral container.',
    why:
      'The API server rejects the whole pod: init containers run to completion one after another, so there is nothing to probe, and ephemeral containers are never probed. Usually the probe was meant for the main container, or the init container was meant to be a native sidecar (`restartPolicy: Always`, Kubernetes ≥ 1.29).',
    fix: 'Move the probe to the main container, or make the init container a native sidecar with `restartPolicy: Always` (Kubernetes ≥ 1.29).',
    failing: deployment(
      `readinessProbe:
  httpGet: {path: /ready, port: 8080}
  timeoutSeconds: 5`,
      `initContainers:
  - name: migrate
    image: example/migrate:1.0
    readinessProbe:
      exec: {command: [test, -f, /tmp/done]}`,
    ),
    passing: deployment(
      `readinessProbe:
  httpGet: {path: /ready, port: 8080}
  timeoutSeconds: 5`,
      `initContainers:
  - name: migrate
    image: example/migrate:1.0`,
    ),
  },
  checkContainer(container, ctx) {
    if (container.role !== 'init' && container.role !== 'ephemeral') return;
    const what = container.role === 'init' ? 'init container' : 'ephemeral container';
    const why =
      container.role === 'init'
        ? 'init containers run to completion before the pod starts; make it a sidecar with restartPolicy: Always if it must keep running'
        : 'ephemeral containers are never probed';
    for (const [type, probe] of Object.entries(container.probes) as [ProbeType, NonNullable<(typeof container.probes)[ProbeType]>][]) {
      ctx.report({
        span: probe.entry.keySpan,
        probe: type,
        message: `${what} "${container.name}" has a ${type} probe, which the API server rejects with the whole pod: ${why}`,
      });
    }
  },
});
