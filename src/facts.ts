// Kubernetes arithmetic and wording shared by rules: how long a probe takes
// to give up, what a handler checks, where a finding about a field points.
import type { Container, PortRef, Probe, ProbeHandler, Setting } from './model.js';
import { routedServices, type ContainerRouting } from './routing.js';
import type { Editor } from './edit.js';
import { proposeFix, type ProposedFix } from './rule.js';
import { longestSleep } from './shell.js';
import { entrySpan, type Span } from './tree.js';

export interface FailureWindow {
  threshold: number;
  /** Seconds between checks: kubelet skips ticks while a check is still running. */
  interval: number;
  seconds: number;
}

export function failureWindow(probe: Probe): FailureWindow {
  const threshold = probe.failureThreshold.value;
  const interval = Math.max(probe.periodSeconds.value, probe.timeoutSeconds.value);
  return { threshold, interval, seconds: threshold * interval };
}

export function windowText(w: FailureWindow): string {
  return `${w.threshold} × ${w.interval}s = ${w.seconds}s`;
}

/** The window the probe would have with another failureThreshold: the interval stays as kubelet keeps it. */
function windowWith(probe: Probe, threshold: number): FailureWindow {
  const { interval } = failureWindow(probe);
  return { threshold, interval, seconds: threshold * interval };
}

/** The smallest failureThreshold whose window reaches `seconds`. */
export function thresholdFor(probe: Probe, seconds: number): number {
  return Math.ceil(seconds / failureWindow(probe).interval);
}

export interface StartDeadline {
  delay: number;
  window: FailureWindow;
  /** Seconds after the container starts: the delay, then the failure window. */
  seconds: number;
}

/** When a probe gives up on a container that never answers from its start: it waits `initialDelaySeconds`, then fails for its window. */
export function startDeadline(probe: Probe): StartDeadline {
  const delay = probe.initialDelaySeconds.value;
  const window = failureWindow(probe);
  return { delay, window, seconds: delay + window.seconds };
}

/** `10s + 3 × 10s = 40s`; the window alone when there is no delay. */
export function deadlineText(d: StartDeadline): string {
  return d.delay === 0 ? windowText(d.window) : `${d.delay}s + ${d.window.threshold} × ${d.window.interval}s = ${d.seconds}s`;
}

export interface ShutdownSchedule {
  /** What the preStop hook sleeps, when that can be read; null without a hook or when its length is unknown. */
  sleep: number | null;
  /**
   * A `sleep` action longer than the grace period: the API server rejects the pod (§2), so it never runs
   * and is never shut down; `sigterm` and `sigkill` are then what the manifest says, not what happens.
   */
  rejected: boolean;
  /** Seconds after deletion: the preStop hook runs first, and SIGTERM follows when it ends. */
  sigterm: number;
  /** Seconds after deletion: the grace period counts from deletion, not from SIGTERM. */
  sigkill: number;
}

/** A pod's shutdown from its deletion (t = 0), when endpoint removal and the preStop hook start together. */
export function shutdownSchedule(container: Container): ShutdownSchedule {
  const sleep = preStopSleep(container);
  const grace = container.workload.terminationGracePeriodSeconds.value;
  // Only the sleep action is checked by the API server: a `sleep N` in an exec command runs and is cut short.
  const rejected = container.preStop?.handler?.kind === 'sleep' && sleep !== null && sleep > grace;
  return { sleep, rejected, sigterm: sleep ?? 0, sigkill: grace };
}

/**
 * Whether slow answers make the probe fail: a check slower than its timeout counts as a failure. Not so for a
 * TCP connect, which fails only when nothing accepts connections: the kernel accepts them while the app stalls.
 * False for a probe without a well-formed handler (it checks nothing).
 */
export function failsOnSlowness(probe: Probe): boolean {
  const handler = probeHandler(probe);
  return handler !== null && handler.kind !== 'tcpSocket';
}

/** The probe's one well-formed handler; null for probes that probe-invalid reports instead. */
export function probeHandler(probe: Probe): ProbeHandler | null {
  const only = probe.handlers.length === 1 ? probe.handlers[0]! : null;
  return only?.node ? only : null;
}

export function describeProbe(probe: Probe): string {
  return `${probe.type} probe of container "${probe.container.name}"`;
}

/** What the check does, in a few words: `GET /health on port 8080`. */
export function describeHandler(handler: ProbeHandler): string {
  switch (handler.kind) {
    case 'httpGet':
      return `${handler.scheme.value === 'HTTPS' ? 'HTTPS ' : ''}GET ${normalPath(handler.path.value)} on port ${portText(handler.port)}`;
    case 'tcpSocket':
      return `the TCP connect to port ${portText(handler.port)}`;
    case 'grpc':
      return `the gRPC health check on port ${portText(handler.port)}`;
    case 'exec':
      return `the command ${JSON.stringify(handler.command.value.join(' '))}`;
  }
}

export function normalPath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

function portText(port: PortRef | null): string {
  if (!port || port.written === null) return '?';
  return typeof port.written === 'string' && port.resolved !== null ? `${port.written} (${port.resolved})` : String(port.written);
}

/** The written field, else the probe's key: where a finding about a setting points. */
export function settingSpan(setting: Setting<unknown>, probe: Probe): Span {
  return setting.entry ? entrySpan(setting.entry) : probe.entry.keySpan;
}

/** How a setting reads in a message: `timeoutSeconds: 2`, or `timeoutSeconds unset (1s)`. */
export function settingText(name: string, setting: Setting<number>): string {
  if (!setting.entry) return `${name} unset, default ${setting.value}s`;
  const written = setting.written ?? null;
  return written === setting.value ? `${name}: ${setting.value}` : `${name}: ${JSON.stringify(written)}, which means ${setting.value}s`;
}

export interface ServicesText {
  /** `service "api"`, `services "api" and "api-canary"`. */
  text: string;
  plural: boolean;
}

/** The Services that route to a container, for messages; null when none does. */
export function servicesText(routing: ContainerRouting): ServicesText | null {
  const names = [...new Set(routedServices(routing).map((s) => s.object.ref.name ?? '?'))];
  if (names.length === 0) return null;
  const quoted = names.map((n) => `"${n}"`);
  const text = names.length === 1 ? `service ${quoted[0]}` : `services ${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
  return { text, plural: names.length > 1 };
}

/** Seconds a container's preStop hook sleeps: a `sleep` action, or the longest `sleep N` of an exec command or its shell script. */
function preStopSleep(container: Container): number | null {
  const handler = container.preStop?.handler;
  if (!handler) return null;
  if (handler.kind === 'sleep') return handler.seconds.value;
  if (handler.kind === 'exec') return longestSleep(handler.command.value);
  return null;
}

/** The fix that sets a probe's failureThreshold, saying what window it gives. */
export function raiseThreshold(edits: Editor, probe: Probe, threshold: number): ProposedFix | null {
  const edit = probe.node && edits.set(probe.node, 'failureThreshold', String(threshold));
  return proposeFix(`set failureThreshold to ${threshold} (${windowText(windowWith(probe, threshold))})`, edit, true);
}

/** Whether a probe can act at all: a named port the container does not declare makes kubelet discard every result. */
export function canAct(probe: Probe): boolean {
  const handler = probeHandler(probe);
  if (!handler) return false;
  const port = handler.kind === 'exec' ? null : handler.port;
  return !(port && typeof port.written === 'string' && !port.declared);
}

/** An IANA service name: 1–15 of a-z, 0-9 and "-", at least one letter, no leading, trailing or doubled "-". */
export function isPortName(name: string): boolean {
  return /^(?!-)(?!.*--)(?=.*[a-z])[a-z0-9-]{1,15}(?<!-)$/.test(name);
}
