import { deployment, SERVICE } from '../src/doc-examples.js';
import { describeProbe, probeHandler, servicesText, servingRoutes } from '../src/facts.js';
import { defineRule } from '../src/rule.js';
import { entrySpan } from '../src/tree.js';

export default defineRule({
  id: 'readiness-port-not-served',
  severity: 'info',
  fixable: 'none',
  options: {},
  docs: {
    summary:
      'A container that a Service routes to has a readiness probe on a port that no selecting Service routes to — typically a metrics or admin port.',
    why:
      'Readiness decides whether the pod gets traffic on the serving port. A check on another port (a metrics exporter, an admin listener) passes while the serving path is broken or overloaded, so the pod stays in rotation when it should not — and the opposite when the admin port is the one that is slow.',
    fix: 'Probe the port the Service targets, with an endpoint that exercises the serving path.',
    failing: deployment(`
ports:
  - {name: http, containerPort: 8080}
  - {name: metrics, containerPort: 9090}
readinessProbe:
  httpGet: {path: /metrics, port: metrics}
  timeoutSeconds: 5
`) + SERVICE,
    passing: deployment(`
ports:
  - {name: http, containerPort: 8080}
  - {name: metrics, containerPort: 9090}
readinessProbe:
  httpGet: {path: /ready, port: http}
  timeoutSeconds: 5
`) + SERVICE,
  },
  checkContainer(container, ctx) {
    const probe = container.probes.readiness;
    const handler = probe && probeHandler(probe);
    if (!probe || !handler || handler.kind === 'exec' || handler.port?.resolved == null) return;
    if ((handler.kind === 'httpGet' || handler.kind === 'tcpSocket') && handler.host) return;
    // A Service in front of metrics only is not a serving path readiness should follow.
    const routes = servingRoutes(container, ctx.routing);
    if (routes.length === 0) return;
    const served = new Set(
      routes.flatMap((r) => {
        const number = r.containerPort?.number ?? r.servicePort.targetPort;
        return typeof number === 'number' ? [number] : [];
      }),
    );
    if (served.size === 0 || served.has(handler.port.resolved)) return;
    const written = handler.port.written;
    const port = typeof written === 'string' ? `${handler.port.resolved} (${written})` : String(handler.port.resolved);
    ctx.report({
      span: entrySpan(handler.port.entry),
      probe: 'readiness',
      message: `${describeProbe(probe)} checks port ${port}, but traffic from ${servicesText(routes)!.text} goes to port${served.size > 1 ? 's' : ''} ${[...served].join(', ')}: readiness says nothing about the path that serves requests`,
    });
  },
});
