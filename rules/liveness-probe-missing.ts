import { deployment, SERVICE } from '../src/doc-examples.js';
import { servicesText } from '../src/facts.js';
import { isLongRunning } from '../src/model.js';
import { defineRule } from '../src/rule.js';

export default defineRule({
  id: 'liveness-probe-missing',
  severity: 'off',
  fixable: 'none',
  options: {},
  docs: {
    summary:
      'A serving container (a Service routes to it, or an Ingress or Gateway route exposes it) without a liveness probe. Off by default: for teams whose policy requires one.',
    why:
      'A liveness probe restarts a container that is wedged — deadlocked, out of file descriptors, stuck in a loop — which readiness alone would leave running, out of rotation, forever. It is off by default because a bad liveness probe does more harm than none (see liveness-checks-dependencies and probe-failure-window-short); enable it where a policy demands one.',
    fix: 'Add a liveness probe on a cheap, local endpoint, with a failure window of at least 30 s and longer than the readiness one.',
    failing: deployment(`
ports:
  - containerPort: 8080
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  timeoutSeconds: 5
`) + SERVICE,
    passing: deployment(`
ports:
  - containerPort: 8080
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  timeoutSeconds: 5
livenessProbe:
  httpGet: {path: /healthz, port: 8080}
  timeoutSeconds: 5
`) + SERVICE,
  },
  checkContainer(container, ctx) {
    if (!isLongRunning(container) || container.workload.batch || container.probes.liveness) return;
    const routing = ctx.routing.of(container);
    if (!routing.serves) return;
    const services = servicesText(routing);
    ctx.report({
      span: container.span,
      probe: 'liveness',
      message: `container "${container.name}" has no liveness probe: if it wedges (deadlock, exhausted connections) it keeps running${services ? ` and, once out of rotation, ${services.text} lose${services.plural ? '' : 's'} its capacity` : ''} until someone restarts it by hand`,
    });
  },
});
