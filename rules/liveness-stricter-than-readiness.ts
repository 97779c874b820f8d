import { deployment } from '../src/doc-examples.js';
import { canAct, failureWindow, raiseThreshold, settingSpan, thresholdFor, windowText } from '../src/facts.js';
import { defineRule } from '../src/rule.js';
import { loadLane } from '../src/timeline/lanes.js';

export default defineRule({
  id: 'liveness-stricter-than-readiness',
  severity: 'warning',
  fixable: 'safe',
  options: {},
  docs: {
    summary:
      'Liveness gives up sooner than readiness: its failure window (`failureThreshold × max(periodSeconds, timeoutSeconds)`) is shorter, so an overloaded container is restarted before it is taken out of rotation.',
    why:
      'Under load, the right order is: readiness fails first and the pod stops getting new requests, it catches up, readiness passes again. When liveness gives up first, the container is killed with its in-flight requests while it is still in rotation, and its load moves onto the other pods, which then fail the same way.',
    fix: 'Raise the liveness `failureThreshold` (or period) until its failure window is at least the readiness one.',
    failing: deployment(`
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  timeoutSeconds: 5
  periodSeconds: 10
  failureThreshold: 6
livenessProbe:
  httpGet: {path: /healthz, port: 8080}
  timeoutSeconds: 5
  periodSeconds: 10
  failureThreshold: 3
`),
    passing: deployment(`
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  timeoutSeconds: 5
  periodSeconds: 10
  failureThreshold: 3
livenessProbe:
  httpGet: {path: /healthz, port: 8080}
  timeoutSeconds: 5
  periodSeconds: 10
  failureThreshold: 6
`),
  },
  checkContainer(container, ctx) {
    const liveness = container.probes.liveness;
    const readiness = container.probes.readiness;
    // A probe that can never act (its named port is missing) orders nothing: probe-port-missing says so.
    if (!liveness || !readiness || !canAct(liveness) || !canAct(readiness)) return;
    const live = failureWindow(liveness);
    const ready = failureWindow(readiness);
    if (live.seconds >= ready.seconds) return;
    ctx.report({
      fix: raiseThreshold(ctx.edits, liveness, thresholdFor(liveness, ready.seconds)),
      span: settingSpan(liveness.failureThreshold, liveness),
      probe: 'liveness',
      timeline: loadLane(container, ctx.routing.of(container), 'restart'),
      message: `liveness probe of container "${container.name}" restarts it after ${windowText(live)} of failed checks, before its readiness probe takes it out of rotation after ${windowText(ready)}: under load the container is killed with its in-flight requests instead of being given time to catch up`,
    });
  },
});
