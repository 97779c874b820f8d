import { deployment, SERVICE } from '../src/doc-examples.js';
import { servicesText, shutdownSchedule } from '../src/facts.js';
import { merge, type Editor } from '../src/edit.js';
import { isLongRunning, type Container, type Workload } from '../src/model.js';
import { defineRule, proposeFix, type ProposedFix } from '../src/rule.js';
import { frontNames, type ContainerRouting } from '../src/routing.js';
import { shutdownLane } from '../src/timeline/lanes.js';

export default defineRule({
  id: 'prestop-hook-missing',
  severity: 'warning',
  fixable: 'unsafe',
  options: {},
  docs: {
    summary:
      'A serving container (a Service routes to it, guessed routing included, or an Ingress or Gateway route exposes it) has no `lifecycle.preStop` hook. Not reported for containers that only sleep, pods with `terminationGracePeriodSeconds: 0`, or a lone replica that never runs beside another: a StatefulSet, ReplicationController or ReplicaSet with one replica, or a one-replica Deployment with the `Recreate` strategy.',
    why:
      'When a pod is deleted, kubelet sends SIGTERM at the same moment as the endpoint removal starts to spread: kube-proxy on every node and the ingress controllers take a few seconds to stop sending new connections. An application that exits on SIGTERM fails every request that still arrives, on every rollout and scale-down. A short preStop sleep keeps it serving until the routes have caught up.',
    fix: 'Add a preStop hook that waits a few seconds for routes to drain: `lifecycle.preStop.sleep.seconds: 5` on Kubernetes ≥ 1.30, or `exec: {command: [sleep, "5"]}` before; keep `terminationGracePeriodSeconds` above the sleep plus the time the app needs to drain (the suggestion raises a grace period under 15 s to 15 s). A StatefulSet with one replica has no other endpoint to drain to, and a pod with grace 0 asked to die at once: neither is reported.',
    failing: deployment(`
ports:
  - containerPort: 8080
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  timeoutSeconds: 5
  periodSeconds: 5
  failureThreshold: 4
`) + SERVICE,
    passing: deployment(`
ports:
  - containerPort: 8080
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  timeoutSeconds: 5
  periodSeconds: 5
  failureThreshold: 4
lifecycle:
  preStop:
    sleep: {seconds: 10}
`) + SERVICE,
  },
  checkContainer(container, ctx) {
    const { workload } = container;
    if (!isLongRunning(container) || workload.batch || container.preStop) return;
    // Grace 0 asks for an immediate kill; a lone replica that is never rolled alongside a successor has no other endpoint to drain to.
    if (workload.terminationGracePeriodSeconds.value === 0 || alwaysAlone(workload)) return;
    const routing = ctx.routing.of(container);
    if (!routing.serves) return;
    const { major, minor } = ctx.kubernetesVersion;
    const sleepAction = major > 1 || minor >= 30;
    const hook = sleepAction ? `a preStop \`sleep: {seconds: ${SLEEP_SECONDS}}\`` : `a preStop \`exec: {command: [sleep, "${SLEEP_SECONDS}"]}\``;
    ctx.report({
      fix: preStopSleep(ctx.edits, container, sleepAction),
      span: container.span,
      timeline: shutdownLane(container, routing, 'sigterm'),
      message: `container "${container.name}" has no preStop hook: on every rollout and scale-down it gets SIGTERM while ${senders(routing)} may still send it new requests, and those requests fail; ${hook}${graceNote(shutdownSchedule(container).sigkill)} keeps it serving until routes catch up`,
    });
  },
});

/**
 * One replica that never runs beside another: a StatefulSet replaces its pod in place, a Deployment with the
 * `Recreate` strategy stops the old pod before it starts the new one, and a ReplicationController or bare
 * ReplicaSet is never rolled. A draining hook gains nothing there.
 */
function alwaysAlone(workload: Workload): boolean {
  if ((workload.replicas ?? 1) > 1) return false;
  const { kind } = workload.object.ref;
  return kind === 'StatefulSet' || kind === 'ReplicationController' || kind === 'ReplicaSet' || (kind === 'Deployment' && workload.strategy === 'Recreate');
}

/** Who keeps sending requests while the endpoint removal spreads: ingress controllers and gateways, kube-proxy, DNS clients of headless Services. */
function senders(routing: ContainerRouting): string {
  const ingresses = frontNames(routing, (k) => k === 'Ingress');
  const routes = frontNames(routing, (k) => k !== 'Ingress');
  const proxied = servicesText({ ...routing, routes: routing.routes.filter((r) => !r.service.headless) });
  const headless = servicesText({ ...routing, routes: routing.routes.filter((r) => r.service.headless) });
  return [
    ingresses.length > 0 ? `ingress controllers (${ingresses.join(', ')})` : null,
    routes.length > 0 ? `the proxies behind Gateway API routes (${routes.join(', ')})` : null,
    proxied ? `kube-proxy (for ${proxied.text})` : null,
    headless ? `clients that looked up headless ${headless.text}` : null,
  ]
    .filter((part): part is string => part !== null)
    .join(' and ');
}

const SLEEP_SECONDS = 5;
/** What the app gets after the sleep to finish in-flight requests, at least. */
const DRAIN_SECONDS = 10;

/** The grace period must outlast the sleep and the drain after it: say so when it does not. */
function graceNote(grace: number): string {
  const needed = SLEEP_SECONDS + DRAIN_SECONDS;
  return grace >= needed ? '' : `, with terminationGracePeriodSeconds raised from ${grace} to ${needed},`;
}

/**
 * A preStop hook that sleeps: the `sleep` action from Kubernetes 1.30, else `sleep` run in the image (it must have
 * one). The API server rejects a sleep longer than the grace period, so a short one is raised in the same fix.
 */
function preStopSleep(edits: Editor, container: Container, sleepAction: boolean): ProposedFix | null {
  const hook = sleepAction ? ['sleep:', `  seconds: ${SLEEP_SECONDS}`] : ['exec:', `  command: ["sleep", "${SLEEP_SECONDS}"]`];
  const addHook = container.lifecycle
    ? edits.add(container.lifecycle, 'preStop', hook)
    : edits.add(container.node, 'lifecycle', ['preStop:', ...hook.map((line) => `  ${line}`)]);
  const how = sleepAction ? 'a sleep action' : 'exec sleep; the image needs a sleep binary';
  const grace = shutdownSchedule(container).sigkill;
  const needed = SLEEP_SECONDS + DRAIN_SECONDS;
  if (grace >= needed) return proposeFix(`add a preStop hook that waits ${SLEEP_SECONDS}s (${how})`, addHook, false);
  const raise = edits.set(container.workload.podSpec, 'terminationGracePeriodSeconds', String(needed));
  return proposeFix(`add a preStop hook that waits ${SLEEP_SECONDS}s (${how}) and raise terminationGracePeriodSeconds from ${grace} to ${needed}`, merge(addHook, raise), false);
}
