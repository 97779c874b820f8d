import { deployment } from '../src/doc-examples.js';
import { describeProbe, probeHandler } from '../src/facts.js';
import { defineRule } from '../src/rule.js';
import { entrySpan } from '../src/tree.js';

export default defineRule({
  id: 'probe-port-undeclared',
  severity: 'info',
  fixable: 'none',
  options: {},
  docs: {
    summary:
      "A numeric probe port that is not among the container's declared ports, when it declares some, no other container of the pod declares it (a mesh sidecar answering for the app), the probe sets no `host`, and the number does not appear as a whole number in its command, args or env values (`--port=8081`, `:8081`, `PORT=8081`). A hint about a possible typo: ports need no declaration to work.",
    why:
      'Declaring ports is optional, so a probe on an undeclared port is legal and often right (an admin or health listener nobody declared). But when a container lists its ports and the probe aims at another number that nothing in its configuration mentions, one possible cause is a port changed in one place and not the other: the check then fails forever (readiness never passes, liveness restarts the container in a loop). It is a hint to look, never a warning.',
    fix: 'Point the probe at a port the application listens on and declare it in `ports`; if the port is set somewhere probe-lint cannot see, declare it anyway — it documents the container.',
    failing: deployment(`
ports:
  - containerPort: 8080
readinessProbe:
  httpGet: {path: /ready, port: 8081}
  timeoutSeconds: 5
`),
    passing: deployment(`
ports:
  - containerPort: 8080
args: ["--admin-port=8081"]
readinessProbe:
  httpGet: {path: /ready, port: 8081}
  timeoutSeconds: 5
`),
  },
  checkContainer(container, ctx) {
    const declared = container.ports.flatMap((p) => (p.number === null ? [] : [p.number]));
    if (declared.length === 0) return;
    // A mesh sidecar (or any neighbour) that declares the number may be the one answering: pods share one network namespace.
    const neighbours = new Set(container.workload.containers.filter((c) => c !== container).flatMap((c) => c.ports.flatMap((p) => (p.number === null ? [] : [p.number]))));
    const mentioned = [...container.argv, ...container.envValues].join('\n');
    for (const probe of Object.values(container.probes)) {
      const handler = probeHandler(probe);
      if (!handler || handler.kind === 'exec') continue;
      const port = handler.port;
      if (!port || typeof port.written !== 'number' || declared.includes(port.written) || neighbours.has(port.written)) continue;
      if ((handler.kind === 'httpGet' || handler.kind === 'tcpSocket') && handler.host.value) continue;
      if (new RegExp(`(?<![0-9])${port.written}(?![0-9])`).test(mentioned)) continue;
      const consequence =
        probe.type === 'liveness'
          ? 'if nothing listens there, the container is restarted in a loop'
          : probe.type === 'readiness'
            ? 'if nothing listens there, the pod never becomes ready'
            : 'if nothing listens there, the startup probe never succeeds and the container is restarted in a loop';
      ctx.report({
        span: entrySpan(port.entry),
        probe: probe.type,
        message: `${describeProbe(probe)} checks port ${port.written}, which the container does not declare (it declares ${declared.join(', ')}) and its command, args and env never mention: ${consequence}`,
      });
    }
  },
});
