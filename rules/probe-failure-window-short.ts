import { deployment } from '../src/doc-examples.js';
import { describeProbe, failsOnSlowness, failureWindow, type FailureWindow, probeHandler, raiseThreshold, servicesText, settingSpan, thresholdFor, windowText } from '../src/facts.js';
import type { ProbeType } from '../src/model.js';
import { defineRule } from '../src/rule.js';
import { loadLane } from '../src/timeline/lanes.js';

export default defineRule<{ readinessMinSeconds: number; livenessMinSeconds: number }>({
  id: 'probe-failure-window-short',
  severity: 'warning',
  fixable: 'safe',
  options: {
    readinessMinSeconds: { type: 'seconds', default: 20, description: 'Shortest time, in seconds, a readiness probe may take to mark a pod not-ready.' },
    livenessMinSeconds: { type: 'seconds', default: 30, description: 'Shortest time, in seconds, a liveness probe may take to restart a container.' },
  },
  docs: {
    summary:
      'A readiness probe that gives up in less than `readinessMinSeconds`, a liveness probe that gives up in less than `livenessMinSeconds`, or either giving up after a single failed check. The time is `failureThreshold × max(periodSeconds, timeoutSeconds)`. A `tcpSocket` probe is only checked for `failureThreshold: 1`: the kernel accepts connections while the app stalls, so a short window does not turn slowness into failures.',
    why:
      'A few slow answers in a row are normal for a busy service: a GC pause, a cold cache, a slow database. When the failure window is that short, readiness drops healthy pods from their Service (and the ingress answers 502 while they flap in and out), and liveness restarts containers that were only busy, which moves their load onto the others.',
    fix: 'Raise `failureThreshold` until `failureThreshold × max(periodSeconds, timeoutSeconds)` reaches the minimum (20 s for readiness, 30 s for liveness).',
    failing: deployment(`
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
`),
    passing: deployment(`
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 4
`),
  },
  checkContainer(container, ctx) {
    const minimum: Partial<Record<ProbeType, number>> = {
      readiness: ctx.options.readinessMinSeconds,
      liveness: ctx.options.livenessMinSeconds,
    };
    for (const type of ['readiness', 'liveness'] as const) {
      const probe = container.probes[type];
      const needed = minimum[type]!;
      const handler = probe && probeHandler(probe);
      if (!probe || !handler) continue;
      const window = failureWindow(probe);
      const single = window.threshold === 1;
      // Slowness does not fail a TCP connect: its short window is no problem, a single check still is.
      const slow = failsOnSlowness(probe);
      if (!single && (window.seconds >= needed || !slow)) continue;
      const routing = ctx.routing.of(container);
      const services = servicesText(routing)?.text;
      const giveUp = single
        ? `gives up after a single failed check`
        : `gives up after ${windowText(window)} of failed checks`;
      const consequence =
        type === 'readiness'
          ? `a short stall under load marks the healthy pod not-ready${services ? ` and drops it from ${services}` : ''}`
          : 'a short stall under load restarts a container that was only busy';
      const threshold = Math.max(2, slow ? thresholdFor(probe, needed) : 2);
      ctx.report({
        fix: raiseThreshold(ctx.edits, probe, threshold),
        span: settingSpan(probe.failureThreshold, probe),
        probe: type,
        timeline: loadLane(container, routing, type === 'readiness' ? 'not-ready' : 'restart'),
        message: `${describeProbe(probe)} ${giveUp} (${needs(single, !slow, window, needed)}): ${consequence}`,
      });
    }
  },
});

function needs(single: boolean, tcp: boolean, window: FailureWindow, seconds: number): string {
  if (!single) return `need ≥ ${seconds}s`;
  return `failureThreshold: 1, ${windowText(window)}; need ≥ 2 checks${tcp ? '' : ` and ≥ ${seconds}s`}`;
}
