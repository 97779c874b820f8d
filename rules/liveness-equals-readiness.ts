import { deployment } from '../src/doc-examples.js';
import { describeHandler, failsOnSlowness, failureWindow, normalPath, probeHandler, windowText } from '../src/facts.js';
import type { ProbeHandler } from '../src/model.js';
import { defineRule } from '../src/rule.js';
import { loadLane } from '../src/timeline/lanes.js';

export default defineRule({
  id: 'liveness-equals-readiness',
  severity: 'warning',
  severityNote: 'warning when liveness gives up no later than readiness; info when its failure window is longer',
  fixable: 'none',
  options: {},
  docs: {
    summary:
      'Liveness and readiness run the same check: the same handler after defaults, with named ports resolved, comparing path, host, scheme, headers, command and gRPC service. A warning when liveness gives up no later than readiness (its failure window is not longer); info when it is longer, the pattern the Kubernetes documentation shows for a cheap endpoint, which is only safe when that endpoint checks nothing outside the process . TCP checks are left alone: a connect fails only when nothing accepts connections, not under load (the kernel accepts them while the app stalls), and it checks nothing outside the process.',
    why:
      'Readiness answers "should this pod get traffic now?"; liveness answers "is this process wedged beyond repair?". When both ask the same endpoint with a window no longer than readiness\'s, the container is restarted the moment it is taken out of rotation: a recoverable overload becomes a restart loop that moves the load onto the remaining pods. With a longer liveness window the restart comes later, which is fine for an endpoint that only proves the process responds; but if it checks a database or an upstream, an outage of that dependency restarts every pod. That is why the incident this tool exists for ended with separate endpoints: a cheap `/healthz` for liveness and a `/ready` that checks dependencies.',
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
    // A TCP connect fails only when nothing accepts connections (the kernel accepts them while the app stalls):
    // load does not make it fail, so the same TCP check for both is not the restart-under-load trap.
    if (!live || !ready || !failsOnSlowness(liveness) || checkIdentity(live) !== checkIdentity(ready)) return;
    const routing = ctx.routing.of(container);
    const serves = routing.serves;
    const timeline = loadLane(container, routing, 'restart');
    const liveWindow = failureWindow(liveness);
    const readyWindow = failureWindow(readiness);
    const same = `liveness probe of container "${container.name}" runs the same check as its readiness probe (${describeHandler(live)})`;
    if (liveWindow.seconds <= readyWindow.seconds) {
      ctx.report({
        span: liveness.entry.keySpan,
        probe: 'liveness',
        severity: 'warning',
        timeline,
        message: `${same} and gives up no later (${windowText(liveWindow)}, readiness ${windowText(readyWindow)}): when that check fails under load the container is restarted ${serves ? 'as it is taken out of rotation' : 'as soon as it is marked not-ready'}, not given time to recover`,
      });
      return;
    }
    ctx.report({
      span: liveness.entry.keySpan,
      probe: 'liveness',
      severity: 'info',
      timeline,
      message: `${same}; liveness restarts it ${liveWindow.seconds - readyWindow.seconds}s after readiness ${serves ? 'takes it out of rotation' : 'marks it not-ready'} (${windowText(liveWindow)} vs ${windowText(readyWindow)}), which is only safe if that check looks at nothing outside the process: a database or upstream outage would restart every pod`,
    });
  },
});

/** What a handler checks, written so that equal checks give equal strings. */
function checkIdentity(handler: ProbeHandler): string {
  const port = handler.kind === 'exec' ? null : handler.port?.resolved ?? handler.port?.written ?? null;
  switch (handler.kind) {
    case 'httpGet': {
      const headers = handler.headers.map((h) => `${h.name.value.toLowerCase()}=${h.value}`).sort();
      return JSON.stringify(['http', port, normalPath(handler.path.value), handler.host.value, handler.scheme.value.toUpperCase(), headers]);
    }
    case 'tcpSocket':
      return JSON.stringify(['tcp', port, handler.host.value]);
    case 'grpc':
      return JSON.stringify(['grpc', port, handler.service.value]);
    case 'exec':
      return JSON.stringify(['exec', handler.command.value]);
  }
}
