import { describeHandler, describeProbe, failsOnSlowness, failureWindow, probeHandler, servicesText, settingSpan, settingText, windowText } from '../src/facts.js';
import type { Probe, ProbeType } from '../src/model.js';
import { merge, type Editor } from '../src/edit.js';
import { defineRule, proposeFix, type ProposedFix } from '../src/rule.js';
import { loadLane } from '../src/timeline/lanes.js';
import { deployment } from '../src/doc-examples.js';

const CHECKED: readonly ProbeType[] = ['readiness', 'liveness'];

export default defineRule<{ minSeconds: number; fixSeconds: number; longWindowSeconds: number }>({
  id: 'probe-timeout-short',
  severity: 'warning',
  severityNote: 'warning; info when the probe needs at least `longWindowSeconds` of failed checks before it acts',
  fixable: 'safe',
  options: {
    minSeconds: { type: 'seconds', default: 3, description: 'Shortest timeout, in seconds, accepted for HTTP, gRPC and exec probes.' },
    fixSeconds: { type: 'seconds', default: 5, description: 'Timeout the fix sets.' },
    longWindowSeconds: {
      type: 'seconds',
      default: 60,
      description: 'A probe whose failure window is at least this long needs minutes of slowness before it acts: its finding is then info.',
    },
  },
  docs: {
    summary:
      'An HTTP, gRPC or exec readiness or liveness probe with a timeout shorter than `minSeconds` (1 s when unset). A warning; info when the failure window (`failureThreshold × max(periodSeconds, timeoutSeconds)`) is at least `longWindowSeconds`, because slowness must then last minutes before the probe acts.',
    why:
      'A check that answers a little slower than its timeout counts as a failure. Health endpoints that touch a database or a cache slow down exactly when the service is busy, so a short timeout marks healthy pods not-ready (502s at the ingress) or restarts them (lost requests) under load. TCP checks are left alone: a connect either succeeds at once or not at all.',
    fix: 'Raise `timeoutSeconds` to `fixSeconds` (5). If the endpoint is slow because it checks dependencies, also give liveness a cheaper endpoint.',
    failing: deployment(`
readinessProbe:
  httpGet: {path: /health, port: 8080}
  timeoutSeconds: 2
`),
    passing: deployment(`
readinessProbe:
  httpGet: {path: /health, port: 8080}
  timeoutSeconds: 5
`),
  },
  checkContainer(container, ctx) {
    for (const type of CHECKED) {
      const probe = container.probes[type];
      const handler = probe && probeHandler(probe);
      if (!probe || !handler || !failsOnSlowness(probe)) continue;
      const timeout = probe.timeoutSeconds;
      if (timeout.value >= ctx.options.minSeconds) continue;
      const fix = raiseTimeout(ctx.edits, probe, ctx.options.fixSeconds);
      const routing = ctx.routing.of(container);
      const services = servicesText(routing)?.text;
      const window = failureWindow(probe);
      const long = window.seconds >= ctx.options.longWindowSeconds;
      const consequence =
        type === 'readiness'
          ? `when ${describeHandler(handler)} answers slower under load, the healthy pod is marked not-ready${services ? ` and dropped from ${services}` : ''}`
          : `when ${describeHandler(handler)} answers slower under load, that counts toward restarting a healthy container`;
      ctx.report({
        span: settingSpan(timeout, probe),
        probe: type,
        fix,
        severity: long ? 'info' : 'warning',
        timeline: loadLane(container, routing, type === 'readiness' ? 'not-ready' : 'restart'),
        message: `${describeProbe(probe)} fails any check slower than ${timeout.value}s (${settingText('timeoutSeconds', timeout)}; need ≥ ${ctx.options.minSeconds}s): ${consequence}${long ? `, though only after ${windowText(window)} of slow checks in a row` : ''}`,
      });
    }
  },
});

/**
 * Sets the timeout; a period below it goes up with it, which leaves the failure
 * window as it was (kubelet already waits out a running check) and keeps the probe in rhythm.
 */
function raiseTimeout(edits: Editor, probe: Probe, seconds: number): ProposedFix | null {
  if (!probe.node) return null;
  const timeout = edits.set(probe.node, 'timeoutSeconds', String(seconds));
  if (probe.periodSeconds.value >= seconds) return proposeFix(`set timeoutSeconds to ${seconds}`, timeout, true);
  return proposeFix(`set timeoutSeconds and periodSeconds to ${seconds}`, merge(timeout, edits.set(probe.node, 'periodSeconds', String(seconds))), true);
}
