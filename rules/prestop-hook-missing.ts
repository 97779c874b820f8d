import { deployment, SERVICE } from '../src/doc-examples.js';
import { servicesText, servingRoutes } from '../src/facts.js';
import { isLongRunning } from '../src/model.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'prestop-hook-missing',
  severity: 'warning',
  fixable: 'none',
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
    const hook = major > 1 || minor >= 30 ? 'a preStop `sleep: {seconds: 5}`' : 'a preStop `exec: {command: [sleep, "5"]}`';
    ctx.report({
      span: container.span,
      message: `container "${container.name}" has no preStop hook: on every rollout and scale-down it gets SIGTERM while ${via} it new requests for ${services}, and those requests fail; ${hook} keeps it serving until routes catch up`,
    });
  },
});
