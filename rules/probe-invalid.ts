import { deployment } from '../src/doc-examples.js';
import { describeProbe, isPortName } from '../src/facts.js';
import type { PortRef, Probe, ProbeHandler } from '../src/model.js';
import { defineRule } from '../src/rule.js';
import { merge, removeEntry, setValue, type EditSet } from '../src/edit.js';
import type { SourceFile } from '../src/source.js';
import { entry, asScalar, entrySpan, type MapEntry, type MapNode, type Span } from '../src/tree.js';

const NUMBER_FIELDS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const;

// RFC 9110 token.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

interface Problem {
  span: Span;
  text: string;
  /** The unambiguous repair, when there is one. */
  repair?: { text: string; edit: EditSet | null };
}

export default defineRule({
  id: 'probe-invalid',
  severity: 'error',
  fixable: 'safe',
  options: {},
  docs: {
    summary:
      'A probe the API server rejects: no handler or several; `successThreshold` other than 1 on liveness or startup; `terminationGracePeriodSeconds` on readiness, or ≤ 0 on liveness or startup; negative or non-integer numbers; a port outside 1–65535 or an invalid port name (a quoted `"8080"` is a name); a named gRPC port; a scheme other than HTTP or HTTPS; an invalid header name; an empty exec command.',
    why:
      'The whole object is rejected at apply time, usually in the middle of a deploy pipeline, long after review. Some of these mistakes hide a misunderstanding worth fixing in review: a quoted port that was meant as a number, a success threshold on liveness that was meant for readiness.',
    fix: 'Write numbers unquoted and as whole numbers, give each probe exactly one handler, keep `successThreshold: 1` on liveness and startup probes, and set `terminationGracePeriodSeconds` only on liveness and startup probes, above 0.',
    failing: deployment(`
livenessProbe:
  httpGet: {path: /healthz, port: "8080"}
  successThreshold: 2
  timeoutSeconds: "5"
`),
    passing: deployment(`
livenessProbe:
  httpGet: {path: /healthz, port: 8080}
  successThreshold: 1
  timeoutSeconds: 5
`),
  },
  checkContainer(container, ctx) {
    const file = container.workload.object.file;
    for (const probe of Object.values(container.probes)) {
      const problems = probeProblems(file, probe);
      const first = problems[0];
      if (!first) continue;
      const repairs = problems.flatMap((p) => (p.repair?.edit ? [p.repair] : []));
      const edit = repairs.length > 0 ? merge(...repairs.map((r) => r.edit)) : null;
      ctx.report({
        fix: edit && { description: repairs.map((r) => r.text).join(', '), edit },
        span: first.span,
        probe: probe.type,
        message: `${describeProbe(probe)} is rejected by the API server: ${problems.map((p) => p.text).join('; ')}`,
      });
    }
  },
});

function probeProblems(file: SourceFile, probe: Probe): Problem[] {
  if (!probe.node) return [{ span: entrySpan(probe.entry), text: `${probe.entry.key} must be a mapping` }];
  const problems: Problem[] = [];
  if (probe.handlers.length === 0) {
    problems.push({ span: probe.entry.keySpan, text: 'it has no handler (one of httpGet, tcpSocket, exec or grpc)' });
  } else if (probe.handlers.length > 1) {
    problems.push({
      span: probe.handlers[1]!.entry.keySpan,
      text: `it has ${probe.handlers.length} handlers (${probe.handlers.map((h) => h.kind).join(', ')}); exactly one is allowed`,
    });
  }
  for (const field of NUMBER_FIELDS) {
    const written = probe[field].entry;
    if (written) problems.push(...integerProblems(file, probe.node, written, field, false));
  }
  const success = probe.successThreshold;
  if (probe.type !== 'readiness' && success.entry && success.value !== 1) {
    problems.push({
      span: entrySpan(success.entry),
      text: `successThreshold must be 1 on a ${probe.type} probe, not ${success.value}`,
      repair: { text: 'set successThreshold to 1', edit: setValue(file, probe.node, 'successThreshold', '1') },
    });
  }
  const grace = probe.terminationGracePeriodSeconds;
  if (grace) {
    if (probe.type === 'readiness') {
      problems.push({
        span: entrySpan(grace),
        text: 'a readiness probe may not set terminationGracePeriodSeconds',
        repair: { text: 'remove terminationGracePeriodSeconds', edit: removeEntry(file, probe.node, grace) },
      });
    } else {
      problems.push(...integerProblems(file, probe.node, grace, 'terminationGracePeriodSeconds', true));
    }
  }
  for (const handler of probe.handlers) problems.push(...handlerProblems(file, handler));
  return problems;
}

/** `"5"` where 5 was meant: the one non-integer whose repair is certain. */
function unquote(file: SourceFile, map: MapNode, e: MapEntry, value: unknown): Problem['repair'] {
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) return undefined;
  return { text: `write ${e.key} as the number ${Number(value)}`, edit: setValue(file, map, e.key, String(Number(value))) };
}

function integerProblems(file: SourceFile, map: MapNode, e: MapEntry, field: string, positive: boolean): Problem[] {
  const value = asScalar(e.value)?.value;
  const span = entrySpan(e);
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    const repair = !positive || Number(value) > 0 ? unquote(file, map, e, value) : undefined;
    return [{ span, text: `${field} must be an integer, not ${JSON.stringify(value ?? null)}`, repair }];
  }
  if (positive && value <= 0) return [{ span, text: `${field} must be greater than 0, not ${value}` }];
  if (value < 0) return [{ span, text: `${field} must not be negative (${value})` }];
  return [];
}

function handlerProblems(file: SourceFile, handler: ProbeHandler): Problem[] {
  if (!handler.node) return [{ span: entrySpan(handler.entry), text: `${handler.kind} must be a mapping` }];
  switch (handler.kind) {
    case 'exec':
      return handler.command.length === 0 ? [{ span: entrySpan(handler.entry), text: 'exec has an empty command' }] : [];
    case 'grpc':
      return portProblems(file, handler, handler.port, false);
    case 'tcpSocket':
      return portProblems(file, handler, handler.port, true);
    case 'httpGet': {
      const problems = portProblems(file, handler, handler.port, true);
      if (handler.scheme !== 'HTTP' && handler.scheme !== 'HTTPS') {
        problems.push({ span: fieldSpan(handler, 'scheme'), text: `scheme must be HTTP or HTTPS, not ${JSON.stringify(handler.scheme)}` });
      }
      for (const header of handler.headers) {
        if (!HEADER_NAME.test(header.name)) {
          const name = entry(header.node, 'name');
          problems.push({ span: name ? entrySpan(name) : header.node.span, text: `${JSON.stringify(header.name)} is not a valid HTTP header name` });
        }
      }
      return problems;
    }
  }
}

function fieldSpan(handler: ProbeHandler, key: string): Span {
  const e = entry(handler.node ?? undefined, key);
  return e ? entrySpan(e) : handler.entry.keySpan;
}

function portProblems(file: SourceFile, handler: ProbeHandler, port: PortRef | null, namesAllowed: boolean): Problem[] {
  if (!port) return [{ span: handler.entry.keySpan, text: `${handler.kind} needs a port` }];
  const span = entrySpan(port.entry);
  const written = port.written;
  if (typeof written === 'number') {
    return Number.isInteger(written) && written >= 1 && written <= 65535
      ? []
      : [{ span, text: `port must be between 1 and 65535, not ${written}` }];
  }
  if (typeof written !== 'string') return [{ span, text: 'port must be a number or a port name' }];
  if (!namesAllowed) {
    const repair = handler.node ? unquote(file, handler.node, port.entry, written) : undefined;
    return [{ span, text: `a gRPC port must be a number, not the name ${JSON.stringify(written)}`, repair }];
  }
  if (/^\d+$/.test(written)) {
    const number = Number(written);
    const repair = number >= 1 && number <= 65535 && handler.node ? unquote(file, handler.node, port.entry, written) : undefined;
    return [{ span, text: `port ${JSON.stringify(written)} is quoted, which makes it a port name, and a name needs a letter; write it unquoted`, repair }];
  }
  return isPortName(written) ? [] : [{ span, text: `port name ${JSON.stringify(written)} is not valid (1–15 of a-z, 0-9 and "-", with a letter, no leading, trailing or doubled "-")` }];
}
