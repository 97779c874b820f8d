import { deployment } from '../src/doc-examples.js';
import { probeHandler } from '../src/facts.js';
import { defineRule } from '../src/rule.js';
import { entrySpan } from '../src/tree.js';

export default defineRule<{ minDelaySeconds: number }>({
  id: 'startup-probe-preferred',
  severity: 'info',
  fixable: 'none',
  options: {
    minDelaySeconds: { type: 'seconds', default: 30, description: 'Liveness initialDelaySeconds from which a startup probe is suggested.' },
  },
  docs: {
    summary: 'A liveness probe with `initialDelaySeconds` ≥ `minDelaySeconds` and no startup probe.',
    why:
      'A fixed delay is a guess: too short on a slow start (a cold cache, a big migration, a busy node), and the container is killed before it is up, in a loop; too long on a good day, and a container that hangs right after starting goes unnoticed for that long. A startup probe checks until the app is up — as long as `failureThreshold × periodSeconds` allows — and liveness starts right after it.',
    fix: 'Add a startup probe with the liveness handler and `failureThreshold × periodSeconds` covering the slowest start, and remove `initialDelaySeconds` from liveness.',
    failing: deployment(`
livenessProbe:
  httpGet: {path: /healthz, port: 8080}
  initialDelaySeconds: 90
  timeoutSeconds: 5
`),
    passing: deployment(`
startupProbe:
  httpGet: {path: /healthz, port: 8080}
  periodSeconds: 5
  failureThreshold: 36
livenessProbe:
  httpGet: {path: /healthz, port: 8080}
  timeoutSeconds: 5
`),
  },
  checkContainer(container, ctx) {
    const liveness = container.probes.liveness;
    if (!liveness || container.probes.startup || !probeHandler(liveness)) return;
    const delay = liveness.initialDelaySeconds;
    if (!delay.entry || delay.value < ctx.options.minDelaySeconds) return;
    ctx.report({
      span: entrySpan(delay.entry),
      probe: 'liveness',
      message: `liveness probe of container "${container.name}" waits a fixed ${delay.value}s before its first check: a slower start is killed in a restart loop, and a hang right after a fast start goes unnoticed for ${delay.value}s; a startup probe waits exactly as long as the app needs`,
    });
  },
});
