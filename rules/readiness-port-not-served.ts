import { deployment, SERVICE } from '../src/doc-examples.js';
import { describeProbe, probeHandler, servicesText } from '../src/facts.js';
import { defineRule } from '../src/rule.js';
import { entrySpan } from '../src/tree.js';

export default defineRule({
  id: 'readiness-port-not-served',
  severity: 'off',
  fixable: 'none',
  options: {},
  docs: {
    summary:
      'A container that a Service routes to has a readiness probe on a port that no Service routing to it targets — typically a metrics or admin port. Off by default: a dedicated health port is a common, deliberate design (controller-runtime\'s 8081, ingress-nginx\'s 10254).',
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
    if ((handler.kind === 'httpGet' || handler.kind === 'tcpSocket') && handler.host.value) return;
    const routing = ctx.routing.of(container);
    if (!routing.serves || routing.routes.length === 0) return;
    const served = new Set(routing.routes.flatMap((r) => (r.targetNumber === null ? [] : [r.targetNumber])));
    if (served.size === 0 || served.has(handler.port.resolved)) return;
    const written = handler.port.written;
    const port = typeof written === 'string' ? `${handler.port.resolved} (${written})` : String(handler.port.resolved);
    ctx.report({
      span: entrySpan(handler.port.entry),
      probe: 'readiness',
      message: `${describeProbe(probe)} checks port ${port}, but traffic from ${servicesText(routing)!.text} goes to port${served.size > 1 ? 's' : ''} ${[...served].join(', ')}: readiness says nothing about the path that serves requests`,
    });
  },
});
