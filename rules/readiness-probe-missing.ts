import { deployment, SERVICE } from '../src/doc-examples.js';
import { scalarText, type Editor } from '../src/edit.js';
import { isPortName, servicesText } from '../src/facts.js';
import { isLongRunning, type Container } from '../src/model.js';
import { defineRule, proposeFix, type ProposedFix } from '../src/rule.js';
import { frontNames, isMetricsPort, trafficRoutes, type ContainerRouting } from '../src/routing.js';

export default defineRule({
  id: 'readiness-probe-missing',
  severity: 'error',
  severityNote: 'error when a Service routes to the container or an Ingress or route exposes it; warning when routing is guessed, or when it only declares a non-metrics port',
  fixable: 'unsafe',
  options: {},
  docs: {
    summary:
      'A serving container without a readiness probe: an error when a Service of the same run routes requests to a port it declares, or an Ingress or Gateway route sends traffic to it; a warning when routing is only guessed (the Service targets a number no container declares), or when nothing routes to it but it declares a non-metrics port. Never reported on Jobs, CronJobs, batch Pods or containers that only sleep, nor on containers whose declared ports are all metrics ports and that nothing routes to.',
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
    const routing = ctx.routing.of(container);
    if (routing.sleeper) return;
    if (routing.serves) {
      const senders = sendersText(routing);
      ctx.report({
        fix: routing.certain ? tcpReadinessProbe(ctx.edits, container, routing) : null,
        span: container.span,
        probe: 'readiness',
        severity: routing.certain ? 'error' : 'warning',
        message: routing.certain
          ? `container "${container.name}" has no readiness probe: ${senders.text} send${senders.plural ? '' : 's'} it requests ${container.workload.readinessGates ? 'as soon as its readiness gates pass, whether or not it can serve yet' : 'from the moment it starts, before it can serve'}, and keep${senders.plural ? '' : 's'} sending them while it is overloaded or broken`
          : `container "${container.name}" has no readiness probe, and ${senders.text} send${senders.plural ? '' : 's'} port ${guessedPorts(routing)} to its pod, which no container declares (probably this one, the first): if it listens there, it gets requests before it can serve and while it is broken`,
      });
      return;
    }
    // Metrics ports are scraped straight from pod IPs: they are no sign that users' requests arrive.
    const ports = container.ports.flatMap((p) => (p.number === null || isMetricsPort(p) ? [] : [p.number]));
    if (ports.length === 0) return;
    ctx.report({
      span: container.span,
      probe: 'readiness',
      severity: 'warning',
      message: `container "${container.name}" declares port${ports.length > 1 ? 's' : ''} ${ports.join(', ')} but has no readiness probe: no Service in these manifests routes to ${ports.length > 1 ? 'them' : 'it'}, but one that does will send requests before the container can serve and while it is broken`,
    });
  },
});

/** Who sends it requests: its Services, else the Ingresses and routes in front of it. */
function sendersText(routing: ContainerRouting): { text: string; plural: boolean } {
  const services = servicesText(routing);
  if (services) return services;
  const fronts = frontNames(routing);
  return { text: fronts.join(' and '), plural: fronts.length > 1 };
}

function guessedPorts(routing: ContainerRouting): string {
  const numbers = trafficRoutes(routing).flatMap((r) => (r.targetNumber === null ? [] : [r.targetNumber]));
  return [...new Set(numbers)].join(', ');
}

/**
 * A TCP readiness probe on the declared port traffic arrives on. A TCP check
 * only knows that the port accepts connections; it guesses no path, and it
 * already keeps traffic away until the app listens.
 */
function tcpReadinessProbe(edits: Editor, container: Container, routing: ContainerRouting): ProposedFix | null {
  const route = trafficRoutes(routing).find((r) => r.containerPort && r.containerPort.protocol === 'TCP');
  const declared = route?.containerPort;
  if (!declared) return null;
  const port = declared.name !== null && isPortName(declared.name) ? declared.name : declared.number;
  if (port === null || (typeof port === 'number' && (port < 1 || port > 65535))) return null;
  const value = scalarText(port);
  return proposeFix(`add a TCP readiness probe on port ${value}`, edits.add(container.node, 'readinessProbe', ['tcpSocket:', `  port: ${value}`]), false);
}
