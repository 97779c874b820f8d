import { deployment, SERVICE } from '../src/doc-examples.js';
import { servicesText, servingRoutes } from '../src/facts.js';
import { addEntry } from '../src/edit.js';
import { isLongRunning, type Container } from '../src/model.js';
import { defineRule, type ProposedFix } from '../src/rule.js';
import { asMap, child } from '../src/tree.js';

export default defineRule({
  id: 'prestop-hook-missing',
  severity: 'warning',
  fixable: 'unsafe',
  options: {},
  docs: {
    summary: 'A container that a Service routes to has no `lifecycle.preStop` hook.',
    why:
      'When a pod is deleted, kubelet sends SIGTERM at the same moment as the endpoint removal starts to spread: kube-proxy on every node and the ingress controllers take a few seconds to stop sending new connections. An application that exits on SIGTERM fails every request that still arrives, on every rollout and scale-down. A short preStop sleep keeps it serving until the routes have caught up.',
    fix: 'Add a preStop hook that waits a few seconds for routes to drain: `lifecycle.preStop.sleep.seconds: 5` on Kubernetes ≥ 1.30, or `exec: {command: [sleep, "5"]}` before; keep `terminationGracePeriodSeconds` above the sleep plus the time the app needs to drain.',
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
    if (!isLongRunning(container) || container.workload.batch || container.preStop) return;
    // Metrics scrapes go straight to pod IPs: a scrape lost at shutdown is not a failed request.
    const routes = servingRoutes(container, ctx.routing);
    const services = servicesText(routes)?.text;
    if (!services) return;
    const exposed = routes.flatMap((r) => r.exposedBy);
    const via = exposed.length > 0 ? `ingress controllers (${exposed[0]!.object.ref.kind} "${exposed[0]!.object.ref.name}") and kube-proxy still send` : 'kube-proxy still sends';
    const { major, minor } = ctx.kubernetesVersion;
    const sleepAction = major > 1 || minor >= 30;
    const hook = sleepAction ? 'a preStop `sleep: {seconds: 5}`' : 'a preStop `exec: {command: [sleep, "5"]}`';
    ctx.report({
      fix: preStopSleep(container, sleepAction),
      span: container.span,
      message: `container "${container.name}" has no preStop hook: on every rollout and scale-down it gets SIGTERM while ${via} it new requests for ${services}, and those requests fail; ${hook} keeps it serving until routes catch up`,
    });
  },
});

const SLEEP_SECONDS = 5;

/** A preStop hook that sleeps: the `sleep` action from Kubernetes 1.30, else `sleep` run in the image (it must have one). */
function preStopSleep(container: Container, sleepAction: boolean): ProposedFix | null {
  if (container.workload.terminationGracePeriodSeconds.value <= SLEEP_SECONDS) return null;
  const hook = sleepAction ? ['sleep:', `  seconds: ${SLEEP_SECONDS}`] : ['exec:', `  command: ["sleep", "${SLEEP_SECONDS}"]`];
  const file = container.workload.object.file;
  const lifecycle = asMap(child(container.node, 'lifecycle'));
  const edit = lifecycle
    ? addEntry(file, lifecycle, 'preStop', hook)
    : addEntry(file, container.node, 'lifecycle', ['preStop:', ...hook.map((line) => `  ${line}`)]);
  const how = sleepAction ? 'a sleep action' : 'exec sleep; the image needs a sleep binary';
  return edit && { description: `add a preStop hook that waits ${SLEEP_SECONDS}s (${how})`, edit };
}
