import { deployment } from '../src/doc-examples.js';
import { merge, type Editor } from '../src/edit.js';
import { probeHandler, startDeadline } from '../src/facts.js';
import { PROBE_DEFAULTS, type Probe } from '../src/model.js';
import { defineRule, proposeFix, type ProposedFix } from '../src/rule.js';
import { startLane } from '../src/timeline/lanes.js';
import { entrySpan, holdsShared, type MapEntry } from '../src/tree.js';

export default defineRule<{ minDelaySeconds: number }>({
  id: 'startup-probe-preferred',
  severity: 'info',
  fixable: 'unsafe',
  options: {
    minDelaySeconds: { type: 'seconds', default: 30, description: 'Liveness initialDelaySeconds from which a startup probe is suggested.' },
  },
  docs: {
    summary: 'A liveness probe with `initialDelaySeconds` ≥ `minDelaySeconds` and no startup probe.',
    why:
      'A fixed delay is a guess: too short on a slow start (a cold cache, a big migration, a busy node), and the container is killed before it is up, in a loop; too long on a good day, and a container that hangs right after starting goes unnoticed for that long. A startup probe checks until the app is up — as long as `failureThreshold × periodSeconds` allows — and liveness starts right after it.',
    fix: 'Add a startup probe with the liveness handler and timeout and `failureThreshold × periodSeconds` covering the slowest start, and remove `initialDelaySeconds` from liveness.',
    failing: deployment(`
livenessProbe:
  httpGet: {path: /healthz, port: 8080}
  initialDelaySeconds: 90
  timeoutSeconds: 5
`),
    passing: deployment(`
startupProbe:
  httpGet: {path: /healthz, port: 8080}
  timeoutSeconds: 5
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
      fix: startupProbe(ctx.edits, liveness, delay.entry),
      span: entrySpan(delay.entry),
      probe: 'liveness',
      timeline: startLane(container, 'restart'),
      message: `liveness probe of container "${container.name}" waits a fixed ${delay.value}s before its first check: a slower start is killed in a restart loop, and a hang right after a fast start goes unnoticed for ${delay.value}s; a startup probe waits exactly as long as the app needs`,
    });
  },
});

/**
 * A startup probe with the liveness handler and timeout, allowing the old delay plus the
 * liveness failure window (what the container had before), and the delay removed.
 */
function startupProbe(edits: Editor, liveness: Probe, delay: MapEntry): ProposedFix | null {
  const handler = probeHandler(liveness);
  const container = liveness.container;
  // The handler's text is copied above the liveness probe: an alias in it would come before its anchor.
  if (!handler || !liveness.node || liveness.node.flow || holdsShared(handler.entry.value)) return null;
  const period = liveness.periodSeconds.value;
  const allowed = startDeadline(liveness).seconds;
  const threshold = Math.ceil(allowed / period);
  const keyIndent = ' '.repeat(edits.column(liveness.entry.keySpan.start));
  const childIndent = ' '.repeat(edits.column(liveness.node.span.start));
  // The check runs as liveness runs it: a slow start answers no faster than liveness allows.
  const timeout = liveness.timeoutSeconds.value;
  const lines = [
    `${keyIndent}startupProbe:`,
    childIndent + edits.text(handler.entry),
    ...(timeout !== PROBE_DEFAULTS.timeoutSeconds ? [`${childIndent}timeoutSeconds: ${timeout}`] : []),
    `${childIndent}periodSeconds: ${period}`,
    `${childIndent}failureThreshold: ${threshold}`,
  ];
  const edit = merge(edits.insertBefore(container.node, liveness.entry, 'startupProbe', lines), edits.remove(liveness.node, delay));
  return proposeFix(`add a startupProbe allowing ${threshold} × ${period}s = ${threshold * period}s to start, and remove initialDelaySeconds`, edit, false);
}
