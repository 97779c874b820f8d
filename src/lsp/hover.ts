// Hover on a probe (its key or any of its fields): what it checks and, in this
// manifest's numbers, how long until it acts (SPEC §2's windows, from the same
// arithmetic the rules use), then its timeline (SPEC §10) before and after the
// container's fixes.
import type { Container, Model, Probe, ProbeType } from '../model.js';
import { describeHandler, failureWindow, probeHandler, servicesText, windowText } from '../facts.js';
import type { ContainerRouting, Routing } from '../routing.js';
import { drawPair } from '../timeline/draw.js';
import { loadLane, startLane, type TimelineFacts } from '../timeline/lanes.js';
import type { Span } from '../tree.js';
import type { FixedContainer } from './after-fixes.js';

const ORDER: readonly ProbeType[] = ['startup', 'readiness', 'liveness'];

/** The probe whose key or fields hold the offset, and the span the hover is about. */
export function probeAt(model: Model, offset: number): { probe: Probe; span: Span } | null {
  for (const workload of model.workloads) {
    for (const container of workload.containers) {
      for (const probe of Object.values(container.probes)) {
        const span = { start: probe.entry.keySpan.start, end: probe.node?.span.end ?? probe.entry.keySpan.end };
        if (offset >= span.start && offset <= span.end) return { probe, span };
      }
    }
  }
  return null;
}

/** Markdown: the hovered probe in full, then one line for each other probe of its container, for comparison. */
export function probeSummary(probe: Probe, routing: Routing): string {
  const container = probe.container;
  const handler = probeHandler(probe);
  const check = handler ? describeHandler(handler) : 'no single handler (the API server rejects it)';
  const lines = [
    `**${probe.entry.key}** of container \`${container.name}\`: ${check}`,
    '',
    `- checks every ${probe.periodSeconds.value}s with a ${probe.timeoutSeconds.value}s timeout, the first ${probe.initialDelaySeconds.value}s after the container starts`,
    `- ${consequence(probe, routing)}`,
  ];
  if (probe.type === 'readiness') lines.push(`- ready again after ${passes(probe.successThreshold.value)}`);
  const others = ORDER.flatMap((type) => (type === probe.type || !container.probes[type] ? [] : [container.probes[type]!]));
  if (others.length > 0) lines.push('', ...others.map((other) => `- ${other.entry.key}: ${consequence(other, routing)}`));
  return lines.join('\n');
}

/** What the probe does once its failure window (§2) has passed. */
function consequence(probe: Probe, routing: Routing): string {
  const window = windowText(failureWindow(probe));
  switch (probe.type) {
    case 'readiness': {
      const services = servicesText(routing.of(probe.container))?.text;
      return `not ready after ${window} of failed checks${services ? `: dropped from ${services}` : ''}`;
    }
    case 'liveness':
      return `restarts the container after ${window} of failed checks${startupGate(probe.container)}`;
    case 'startup':
      return `restarts the container if it has not passed within ${window} (plus the ${probe.initialDelaySeconds.value}s initial delay); liveness and readiness wait until it passes`;
  }
}

/**
 * The timeline lane of the probe (slow answers for readiness and liveness, a slow start for a startup
 * probe), drawn as it is and with the container's fixes applied, as a plain-text block.
 */
export function probeTimeline(probe: Probe, routing: ContainerRouting, after: FixedContainer | null): string {
  const lane = (container: Container, of: ContainerRouting): TimelineFacts => (probe.type === 'startup' ? startLane(container) : loadLane(container, of));
  const before = lane(probe.container, routing);
  const lines = drawPair({ before, after: after ? lane(after.container, after.routing) : before }, { ascii: false, color: false });
  const said = after ? '' : '\n(no fix applies to this container: after is the same as before)';
  return `\`\`\`text\n${lines.join('\n')}\n\`\`\`${said}`;
}

function startupGate(container: Container): string {
  return container.probes.startup ? ', once the startup probe has passed' : '';
}

function passes(n: number): string {
  return n === 1 ? '1 passing check' : `${n} passing checks in a row`;
}
