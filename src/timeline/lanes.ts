// What a container's probes and shutdown do over time (SPEC §10), as plain data:
// seconds and words only, so a finding can carry it to a formatter without
// keeping the model alive. Every number comes from facts.ts, the arithmetic the
// rules report with.
import {
  canAct,
  deadlineText,
  describeHandler,
  failsOnSlowness,
  failureWindow,
  probeHandler,
  servicesText,
  shutdownSchedule,
  startDeadline,
  windowText,
} from '../facts.js';
import type { Container, Probe } from '../model.js';
import type { ContainerRouting } from '../routing.js';

/** load: t = 0 when the check starts answering slower than its timeout; start: when the container starts; shutdown: when the pod is deleted. */
export type LaneKind = 'load' | 'start' | 'shutdown';

export type EventKind = 'not-ready' | 'restart' | 'startup-gives-up' | 'routes-caught-up' | 'sigterm' | 'sigkill';

export interface TimelineEvent {
  kind: EventKind;
  /** Seconds after t = 0. */
  at: number;
  /** How the time comes about, with the manifest's numbers: `3 × 5s = 15s, timeout 2s`. */
  how: string;
  /** What happens then: `readiness takes the pod out of service "api"`. */
  what: string;
  /** The same in a few words, for the one-line version: `out of service "api"`. */
  label: string;
}

export interface TimelineFacts {
  lane: LaneKind;
  /** What t = 0 is, in words. */
  origin: string;
  /** In order of time. */
  events: TimelineEvent[];
  /** What the lane leaves out and why: a probe that is missing or can never act. */
  notes: string[];
  /** The event a finding is about ('' when it has none): its time orders the worst findings. */
  focus: EventKind | '';
}

/** Seconds routes take to catch up with an endpoint removal when nothing says otherwise (SPEC §10's `propagationSeconds`). */
export const DEFAULT_PROPAGATION_SECONDS = 3;

/** Slow answers: when readiness takes the pod out of its Services and when liveness restarts it. */
export function loadLane(container: Container, routing: ContainerRouting, focus: EventKind | '' = ''): TimelineFacts {
  const events: TimelineEvent[] = [];
  const notes: string[] = [];
  const readiness = container.probes.readiness;
  const liveness = container.probes.liveness;
  const services = routing.serves ? servicesText(routing) : null;
  const out = services ? `out of ${services.text}` : 'not-ready';
  for (const [probe, kind, what, label] of [
    [readiness, 'not-ready', services ? `readiness takes the pod ${out}` : 'readiness marks the pod not-ready', out],
    [liveness, 'restart', 'liveness restarts the container', 'restart'],
  ] as const) {
    if (!probe) continue;
    const handler = probeHandler(probe);
    if (!handler || !canAct(probe)) {
      notes.push(`${probe.type} probe never acts: ${handler ? 'its named port is not declared' : 'it has no valid handler'}`);
      continue;
    }
    // The kernel accepts connections while the app stalls: slowness alone never fails a TCP check.
    if (!failsOnSlowness(probe)) {
      notes.push(`${probe.type} probe is a TCP connect: it fails only when nothing accepts connections, not on slow answers`);
      continue;
    }
    const window = failureWindow(probe);
    events.push({ kind, at: window.seconds, how: `${windowText(window)}, timeout ${probe.timeoutSeconds.value}s`, what, label });
  }
  if (!readiness) notes.push('no readiness probe: the pod stays in rotation however slowly it answers');
  if (!liveness) notes.push('no liveness probe: nothing restarts a wedged container');
  return { lane: 'load', origin: `${checkedText(readiness, liveness)} starts answering slower than its timeout`, events: byTime(events), notes, focus };
}

/** What the probes check, for t = 0: the one check they run, else the health check in general. */
function checkedText(...probes: (Probe | undefined)[]): string {
  const checks = [...new Set(probes.flatMap((p) => (p && probeHandler(p) ? [describeHandler(probeHandler(p)!)] : [])))];
  return checks.length === 1 ? checks[0]! : 'the health check';
}

/** A start that never answers: when the startup probe gives up, or without one, when liveness restarts it. */
export function startLane(container: Container, focus: EventKind | '' = ''): TimelineFacts {
  const events: TimelineEvent[] = [];
  const notes: string[] = [];
  const startup = container.probes.startup;
  const liveness = container.probes.liveness;
  // Liveness only starts once a startup probe has passed: with one, the startup probe alone decides.
  const probe = startup ?? liveness;
  if (probe && probeHandler(probe) && canAct(probe)) {
    const deadline = startDeadline(probe);
    events.push(
      probe.type === 'startup'
        ? { kind: 'startup-gives-up', at: deadline.seconds, how: deadlineText(deadline), what: 'the startup probe gives up and restarts a container that is not up yet', label: 'startup gives up' }
        : { kind: 'restart', at: deadline.seconds, how: deadlineText(deadline), what: 'liveness restarts a container that is not up yet', label: 'restart' },
    );
  } else if (probe) notes.push(`${probe.type} probe never acts on a slow start`);
  return { lane: 'start', origin: 'the container starts', events, notes, focus };
}

/**
 * Deletion: endpoint removal and preStop start at t = 0; routes catch up; SIGTERM when preStop ends; SIGKILL at the grace period.
 * A pod the API server rejects (a sleep action longer than its grace period) is never deleted: a note says so instead.
 */
export function shutdownLane(
  container: Container,
  routing: ContainerRouting,
  focus: EventKind | '' = '',
  propagationSeconds: number = DEFAULT_PROPAGATION_SECONDS,
): TimelineFacts {
  const schedule = shutdownSchedule(container);
  const grace = container.workload.terminationGracePeriodSeconds;
  const events: TimelineEvent[] = [];
  const notes: string[] = [];
  const origin = 'the pod is deleted: endpoint removal and the preStop hook start together';
  if (schedule.rejected) {
    notes.push(`the API server rejects this pod: its preStop sleep of ${schedule.sleep}s is longer than its grace period of ${grace.value}s`);
    return { lane: 'shutdown', origin, events, notes, focus };
  }
  if (routing.serves) {
    events.push({ kind: 'routes-caught-up', at: propagationSeconds, how: `${propagationSeconds}s, assumed`, what: 'routes have caught up, no new requests arrive', label: 'routes caught up' });
  }
  const hook = !container.preStop ? 'no preStop hook' : schedule.sleep === null ? 'a preStop hook of unknown length' : `preStop sleeps ${schedule.sleep}s`;
  if (container.preStop && schedule.sleep === null) notes.push('the preStop hook does not sleep a known time: SIGTERM comes when it ends');
  events.push({ kind: 'sigterm', at: schedule.sigterm, how: hook, what: 'SIGTERM, when the preStop hook ends', label: 'SIGTERM' });
  events.push({ kind: 'sigkill', at: schedule.sigkill, how: grace.entry ? `terminationGracePeriodSeconds: ${grace.value}` : `terminationGracePeriodSeconds unset, default ${grace.value}s`, what: 'SIGKILL, at the grace period', label: 'SIGKILL' });
  return { lane: 'shutdown', origin, events: byTime(events), notes, focus };
}

/** Every lane of a container, for the timeline command. */
export function containerLanes(container: Container, routing: ContainerRouting, propagationSeconds: number): TimelineFacts[] {
  return [loadLane(container, routing), startLane(container), shutdownLane(container, routing, '', propagationSeconds)];
}

/** Seconds until the event a finding is about; Infinity when that event never comes. */
export function focusSeconds(facts: TimelineFacts): number {
  return facts.events.find((e) => e.kind === facts.focus)?.at ?? Infinity;
}

function byTime(events: TimelineEvent[]): TimelineEvent[] {
  return [...events].sort((a, b) => a.at - b.at);
}
