import { deployment } from '../src/doc-examples.js';
import { describeProbe, probeHandler } from '../src/facts.js';
import { defineRule } from '../src/rule.js';
import { entrySpan } from '../src/tree.js';

// On a hostNetwork pod the node's addresses are the pod's: loopback and IP literals (node-local-dns binds 169.254.20.10) are its own.
const NODE_LOCAL = /^(localhost|\d{1,3}(\.\d{1,3}){3}|\[?[0-9a-f:]+\]?)$/i;

export default defineRule({
  id: 'probe-remote-host',
  severity: 'warning',
  fixable: 'none',
  options: {},
  docs: {
    summary:
      '`httpGet.host` or `tcpSocket.host` is set: the probe checks another machine, not this container. Loopback and IP addresses on a `hostNetwork` pod are left alone: there the node is the pod.',
    why:
      "Kubelet probes the pod's IP unless `host` says otherwise. A probe with a host checks whatever answers there — a database, a load balancer, the node itself (`127.0.0.1` is the node, not the pod, because kubelet runs in the node's network) — so the container's own health goes unchecked, and an outage of that other machine marks every pod not-ready or restarts them all. For virtual hosts, set a `Host` header in `httpHeaders` instead.",
    fix: 'Remove `host`; for name-based virtual hosts send a `Host` header with `httpHeaders`. To watch another service, use monitoring, not a probe.',
    failing: deployment(`
readinessProbe:
  httpGet: {host: db.internal, path: /status, port: 8080}
  timeoutSeconds: 5
`),
    passing: deployment(`
readinessProbe:
  httpGet:
    path: /status
    port: 8080
    httpHeaders:
      - {name: Host, value: api.example.com}
  timeoutSeconds: 5
`),
  },
  checkContainer(container, ctx) {
    for (const probe of Object.values(container.probes)) {
      const handler = probeHandler(probe);
      if (!handler || (handler.kind !== 'httpGet' && handler.kind !== 'tcpSocket')) continue;
      const host = handler.host;
      if (!host.value || (container.workload.hostNetwork && NODE_LOCAL.test(host.value))) continue;
      ctx.report({
        span: entrySpan(host.entry ?? handler.entry),
        probe: probe.type,
        message: `${describeProbe(probe)} checks host "${host.value}", not this container: its own health goes unchecked, and when "${host.value}" is unreachable every pod fails the probe at once`,
      });
    }
  },
});
