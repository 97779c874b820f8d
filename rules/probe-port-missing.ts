import { deployment } from '../src/doc-examples.js';
import { describeProbe, isPortName, probeHandler } from '../src/facts.js';
import type { Editor } from '../src/edit.js';
import type { Container, Probe } from '../src/model.js';
import { defineRule, proposeFix, type ProposedFix } from '../src/rule.js';
import { entrySpan, type MapEntry, type MapNode } from '../src/tree.js';

const CONSEQUENCE: Record<Probe['type'], string> = {
  readiness: 'kubelet discards every result, so the probe never passes and the pod never becomes ready',
  startup: 'kubelet discards every result, so the startup probe never completes and liveness and readiness never start',
  liveness: 'kubelet discards every result, so the probe never fires and silently protects nothing',
};

export default defineRule({
  id: 'probe-port-missing',
  severity: 'error',
  fixable: 'unsafe',
  options: {},
  docs: {
    summary:
      'A probe names a port that the probing container does not declare (a name declared by another container of the pod does not count), or that it declares only for UDP or SCTP.',
    why:
      "Kubelet looks a named probe port up in the probing container's own ports. When the name is not there it cannot run the check and discards every result: a readiness probe never passes (the pod never becomes ready), a startup probe never completes, and a liveness probe never fires, silently protecting nothing. A name declared for UDP resolves, but the probe then connects over TCP to a port that answers on UDP.",
    fix: 'Use a port name the probing container declares in its own `ports` (or the number), with `protocol: TCP`.',
    failing: deployment(`
ports:
  - {name: http, containerPort: 8080}
readinessProbe:
  httpGet: {path: /ready, port: web}
  timeoutSeconds: 5
`),
    passing: deployment(`
ports:
  - {name: http, containerPort: 8080}
readinessProbe:
  httpGet: {path: /ready, port: http}
  timeoutSeconds: 5
`),
  },
  checkContainer(container, ctx) {
    const fix = onlyTcpPort(ctx.edits, container);
    for (const probe of Object.values(container.probes)) {
      const handler = probeHandler(probe);
      if (!handler || handler.kind === 'exec' || handler.kind === 'grpc') continue;
      const port = handler.port;
      if (!port || typeof port.written !== 'string') continue;
      const name = port.written;
      if (port.declared && port.declared.protocol !== 'TCP') {
        ctx.report({
          fix: fix(handler.node, port.entry),
          span: entrySpan(port.entry),
          probe: probe.type,
          message: `${describeProbe(probe)} uses port "${name}", which the container declares for ${port.declared.protocol}: the probe connects over TCP to port ${port.declared.number ?? '?'}, where nothing answers TCP`,
        });
        continue;
      }
      if (port.declared) continue;
      const elsewhere = container.workload.containers.find((c) => c !== container && c.ports.some((p) => p.name === name));
      const where = elsewhere ? ` (container "${elsewhere.name}" declares it, but kubelet looks only in the probing container)` : '';
      ctx.report({
        fix: fix(handler.node, port.entry),
        span: entrySpan(port.entry),
        probe: probe.type,
        message: `${describeProbe(probe)} uses port "${name}", which container "${container.name}" does not declare${where}: ${CONSEQUENCE[probe.type]}`,
      });
    }
  },
});

/** The fix that points a probe at the container's one declared TCP port; none when there are several or none. */
function onlyTcpPort(edits: Editor, container: Container): (handlerNode: MapNode | null, port: MapEntry) => ProposedFix | null {
  const tcp = container.ports.filter((p) => p.protocol === 'TCP' && (p.name !== null || p.number !== null));
  const only = tcp.length === 1 ? tcp[0]! : null;
  return (handlerNode, port) => {
    if (!only || !handlerNode) return null;
    const value = only.name !== null && isPortName(only.name) ? only.name : only.number !== null ? String(only.number) : null;
    if (value === null) return null;
    return proposeFix(`use port ${value}, the container's only TCP port`, edits.set(handlerNode, port.key, value), false);
  };
}
