import { deployment, SERVICE } from '../src/doc-examples.js';
import { addEntry, scalarText } from '../src/edit.js';
import { isPortName } from '../src/facts.js';
import { isLongRunning, type Container } from '../src/model.js';
import { defineRule, type ProposedFix } from '../src/rule.js';
import type { Route } from '../src/routing.js';
import { servicesText, servingRoutes } from '../src/facts.js';

export default defineRule({
  id: 'readiness-probe-missing',
  severity: 'error',
  severityNote: 'error when a Service routes to the container, warning when it only declares ports',
  fixable: 'unsafe',
  options: {},
  docs: {
    summary:
      'A serving container without a readiness probe: an error when a Service of the same run routes requests to it, a warning when it only declares ports (or only a metrics Service selects it). Never reported on Jobs, CronJobs, Pods that are not restarted, or containers with neither ports nor a Service.',
    why:
      'Without a readiness probe a pod counts as ready as soon as its containers start. The Service sends it requests before the application listens (connection refused during every rollout and scale-up), and keeps sending them while it is overloaded or has lost its database, because nothing ever takes it out of rotation.',
    fix: 'Add a readiness probe on the port the Service targets, checking an endpoint that answers only when the application can serve (`/ready`), with `timeoutSeconds` ≥ 3 and a failure window of at least 20 s.',
    failing: deployment(`
ports:
  - containerPort: 8080
`) + SERVICE,
    passing: deployment(`
ports:
  - containerPort: 8080
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  timeoutSeconds: 5
  periodSeconds: 5
  failureThreshold: 4
`) + SERVICE,
  },
  checkContainer(container, ctx) {
    if (!isLongRunning(container) || container.workload.batch || container.probes.readiness) return;
    // A Service in front of metrics only is scraped, not sent users' requests: such a container only declares ports.
    const routes = servingRoutes(container, ctx.routing);
    const services = servicesText(routes);
    if (services) {
      ctx.report({
        fix: tcpReadinessProbe(container, routes),
        span: container.span,
        probe: 'readiness',
        severity: 'error',
        message: `container "${container.name}" has no readiness probe: ${services.text} send${services.plural ? '' : 's'} it requests from the moment it starts, before it can serve, and keep${services.plural ? '' : 's'} sending them while it is overloaded or broken`,
      });
      return;
    }
    const ports = container.ports.flatMap((p) => (p.number === null ? [] : [p.number]));
    if (ports.length === 0) return;
    ctx.report({
      span: container.span,
      probe: 'readiness',
      severity: 'warning',
      message: `container "${container.name}" declares port${ports.length > 1 ? 's' : ''} ${ports.join(', ')} but has no readiness probe: any Service that selects it will send requests before it can serve and while it is broken`,
    });
  },
});

/**
 * A TCP readiness probe on the port the Service targets. A TCP check only knows
 * that the port accepts connections; it guesses no path, and it already keeps
 * traffic away until the app listens.
 */
function tcpReadinessProbe(container: Container, routes: readonly Route[]): ProposedFix | null {
  const route = routes.find((r) => r.containerPort) ?? routes[0];
  if (!route || route.servicePort.protocol !== 'TCP') return null;
  const declared = route.containerPort;
  const port = declared ? (declared.name !== null && isPortName(declared.name) ? declared.name : declared.number) : route.servicePort.targetPort;
  if (port === null || (typeof port === 'string' && !isPortName(port)) || (typeof port === 'number' && (port < 1 || port > 65535))) return null;
  const value = scalarText(port);
  const edit = addEntry(container.workload.object.file, container.node, 'readinessProbe', ['tcpSocket:', `  port: ${value}`]);
  return edit && { description: `add a TCP readiness probe on port ${value}`, edit };
}
