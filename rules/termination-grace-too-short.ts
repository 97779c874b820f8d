import { deployment } from '../src/doc-examples.js';
import { shutdownSchedule } from '../src/facts.js';
import { defineRule, proposeFix } from '../src/rule.js';
import { entrySpan } from '../src/tree.js';
import { shutdownLane } from '../src/timeline/lanes.js';

/** Time left after the sleep for the app to finish in-flight work: the default grace period. */
const DRAIN_SECONDS = 30;

export default defineRule({
  id: 'termination-grace-too-short',
  severity: 'warning',
  fixable: 'unsafe',
  options: {},
  docs: {
    summary:
      "The pod's `terminationGracePeriodSeconds` (30 when unset) is not longer than a container's preStop sleep — read from a `sleep` action, an exec `sleep N`, or `sleep N` inside a script passed to a shell (the largest N).",
    why:
      'The grace period counts from the start of the preStop hook, not from SIGTERM. When the hook sleeps for all of it, kubelet sends SIGKILL the moment the application would have started draining: in-flight requests are cut off, connections reset, and the preStop sleep that was meant to make shutdown clean makes it abrupt.',
    fix: 'Raise the pod\'s `terminationGracePeriodSeconds` above the preStop sleep plus the time the application needs to finish in-flight requests, or shorten the sleep.',
    failing: deployment(
      `lifecycle:
  preStop:
    exec:
      command: [sh, -c, "sleep 30 && nginx -s quit"]`,
      'terminationGracePeriodSeconds: 30',
    ),
    passing: deployment(
      `lifecycle:
  preStop:
    exec:
      command: [sh, -c, "sleep 30 && nginx -s quit"]`,
      'terminationGracePeriodSeconds: 60',
    ),
  },
  checkContainer(container, ctx) {
    const { sleep, sigterm, sigkill } = shutdownSchedule(container);
    const grace = container.workload.terminationGracePeriodSeconds;
    if (sleep === null || !container.preStop || sigkill > sigterm) return;
    const graceText = grace.entry ? `terminationGracePeriodSeconds is ${grace.value}` : `terminationGracePeriodSeconds is unset (${grace.value}s)`;
    const raised = Math.ceil(sleep) + DRAIN_SECONDS;
    // A pod-level change: it lengthens every shutdown of the pod, so it is a suggestion (§4).
    const edit = ctx.edits.set(container.workload.podSpec, 'terminationGracePeriodSeconds', String(raised));
    ctx.report({
      fix: proposeFix(`set terminationGracePeriodSeconds to ${raised} (the ${sleep}s sleep + ${DRAIN_SECONDS}s to drain)`, edit, false),
      span: grace.entry ? entrySpan(grace.entry) : container.preStop.entry.keySpan,
      timeline: shutdownLane(container, ctx.routing.of(container), 'sigkill'),
      message: `container "${container.name}" sleeps ${sleep}s in its preStop hook, but the pod's ${graceText}: SIGKILL lands ${sigkill < sigterm ? `${sigterm - sigkill}s before the sleep ends` : 'as the sleep ends'}, before the app can drain its in-flight requests`,
    });
  },
});
