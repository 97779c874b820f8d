import { deployment } from '../src/doc-examples.js';
import { describeHandler, normalPath, probeHandler } from '../src/facts.js';
import type { ProbeHandler } from '../src/model.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'liveness-equals-readiness',
  severity: 'warning',
  fixable: 'none',
  options: {},
  docs: {
    summary:
      'Liveness and readiness run the same check: the same handler after defaults, with named ports resolved, comparing path, host, scheme, headers, command and gRPC service. Timings do not make two checks different.',
    why:
      'Readiness answers "should this pod get traffic now?"; liveness answers "is this process wedged beyond repair?". When both ask the same endpoint, the first slow dependency or burst of load that makes the pod not-ready also, a little later, restarts it: a recoverable overload becomes a restart loop that moves the load onto the remaining pods. Give liveness a cheap endpoint that only proves the process is alive (`/healthz`, `/livez`) and keep dependency checks in readiness.',
    fix: 'Give liveness its own cheap endpoint that only proves the process responds (`/healthz`, `/livez`, Spring\'s `/actuator/health/liveness`), and keep dependency checks in readiness.',
    failing: deployment(`
ports:
  - {name: http, containerPort: 8080}
readinessProbe:
  httpGet: {path: /health, port: http}
livenessProbe:
  httpGet: {path: /health, port: 8080}
  failureThreshold: 6
`),
    passing: deployment(`
ports:
  - {name: http, containerPort: 8080}
readinessProbe:
  httpGet: {path: /ready, port: http}
livenessProbe:
  httpGet: {path: /healthz, port: http}
  failureThreshold: 6
`),
  },
  checkContainer(container, ctx) {
    const liveness = container.probes.liveness;
    const readiness = container.probes.readiness;
    if (!liveness || !readiness) return;
    const live = probeHandler(liveness);
    const ready = probeHandler(readiness);
    if (!live || !ready || checkIdentity(live) !== checkIdentity(ready)) return;
    ctx.report({
      span: liveness.entry.keySpan,
      probe: 'liveness',
      message: `liveness probe of container "${container.name}" runs the same check as its readiness probe (${describeHandler(live)}): when that check fails under load the container is restarted, not only taken out of rotation`,
    });
  },
});

/** What a handler checks, written so that equal checks give equal strings. */
function checkIdentity(handler: ProbeHandler): string {
  const port = handler.kind === 'exec' ? null : handler.port?.resolved ?? handler.port?.written ?? null;
  switch (handler.kind) {
    case 'httpGet': {
      const headers = handler.headers.map((h) => `${h.name.toLowerCase()}=${h.value}`).sort();
      return JSON.stringify(['http', port, normalPath(handler.path), handler.host, handler.scheme.toUpperCase(), headers]);
    }
    case 'tcpSocket':
      return JSON.stringify(['tcp', port, handler.host]);
    case 'grpc':
      return JSON.stringify(['grpc', port, handler.service]);
    case 'exec':
      return JSON.stringify(['exec', handler.command]);
  }
}
