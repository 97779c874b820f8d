import { deployment } from '../src/doc-examples.js';
import { describeProbe, isPortName } from '../src/facts.js';
import type { PortRef, Probe, ProbeHandler, Setting } from '../src/model.js';
import { defineRule, proposeFix } from '../src/rule.js';
import { merge, type EditSet, type Editor } from '../src/edit.js';
import { entrySpan, type MapNode, type Span } from '../src/tree.js';

const NUMBER_FIELDS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const;

/** Probe numbers are int32 in the API: a larger value is rejected, however it is written (`3000000000`, `1e+23`). */
const INT32_MAX = 2147483647;

// RFC 9110 token.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

interface Problem {
  span: Span;
  text: string;
  /** The unambiguous repair, when there is one; safe when it only rewrites one of the probe's numbers (§4). */
  repair?: { text: string; edit: EditSet | null; safe: boolean };
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
    fix: 'Write numbers unquoted and as whole numbers, give each probe exactly one handler, keep `successThreshold: 1` on liveness and startup probes, and set `terminationGracePeriodSeconds` only on liveness and startup probes, above 0. Repairs that only rewrite one of a probe\'s numbers (a quoted `"5"`, `successThreshold`) are safe; removing a readiness probe\'s grace period or unquoting a port changes what the probe means, so those are suggestions.',
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
    for (const probe of Object.values(container.probes)) {
      const problems = probeProblems(ctx.edits, probe);
      const first = problems[0];
      if (!first) continue;
      const repairs = problems.flatMap((p) => (p.repair?.edit ? [p.repair] : []));
      const edit = repairs.length > 0 ? merge(...repairs.map((r) => r.edit)) : null;
      ctx.report({
        fix: proposeFix(repairs.map((r) => r.text).join(', '), edit, repairs.every((r) => r.safe)),
        span: first.span,
        probe: probe.type,
        message: `${describeProbe(probe)} is rejected by the API server: ${problems.map((p) => p.text).join('; ')}`,
      });
    }
  },
});

function probeProblems(edits: Editor, probe: Probe): Problem[] {
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
  for (const field of NUMBER_FIELDS) problems.push(...integerProblems(edits, probe.node, probe[field], field, false));
  const success = probe.successThreshold;
  if (probe.type !== 'readiness' && success.entry && success.value !== 1) {
    problems.push({
      span: entrySpan(success.entry),
      text: `successThreshold must be 1 on a ${probe.type} probe, not ${success.value}`,
      repair: { text: 'set successThreshold to 1', edit: edits.set(probe.node, 'successThreshold', '1'), safe: true },
    });
  }
  const grace = probe.terminationGracePeriodSeconds;
  if (grace.entry) {
    if (probe.type === 'readiness') {
      problems.push({
        span: entrySpan(grace.entry),
        text: 'a readiness probe may not set terminationGracePeriodSeconds',
        // A removal is a suggestion (§4): the value may have been meant for the liveness probe.
        repair: { text: 'remove terminationGracePeriodSeconds', edit: edits.remove(probe.node, grace.entry), safe: false },
      });
    } else {
      problems.push(...integerProblems(edits, probe.node, grace, 'terminationGracePeriodSeconds', true));
    }
  }
  for (const handler of probe.handlers) problems.push(...handlerProblems(edits, handler));
  return problems;
}

/** `"5"` where 5 was meant: the one non-integer whose repair is certain. */
function unquote(edits: Editor, map: MapNode, key: string, value: unknown, safe: boolean): Problem['repair'] {
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) return undefined;
  return { text: `write ${key} as the number ${Number(value)}`, edit: edits.set(map, key, String(Number(value))), safe };
}

function integerProblems(edits: Editor, map: MapNode, setting: Setting<unknown>, field: string, positive: boolean): Problem[] {
  if (!setting.entry) return [];
  const value = setting.written;
  const span = entrySpan(setting.entry);
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    // The probe's own numbers are safe to unquote; the grace period is a different kind of field.
    const repair = !positive || Number(value) > 0 ? unquote(edits, map, field, value, !positive) : undefined;
    return [{ span, text: `${field} must be an integer, not ${JSON.stringify(value ?? null)}`, repair }];
  }
  if (positive && value <= 0) return [{ span, text: `${field} must be greater than 0, not ${value}` }];
  if (value < 0) return [{ span, text: `${field} must not be negative (${value})` }];
  if (value > INT32_MAX) return [{ span, text: `${field} must fit in 32 bits (at most ${INT32_MAX}), not ${value}` }];
  return [];
}

function handlerProblems(edits: Editor, handler: ProbeHandler): Problem[] {
  if (!handler.node) return [{ span: entrySpan(handler.entry), text: `${handler.kind} must be a mapping` }];
  switch (handler.kind) {
    case 'exec':
      return handler.command.value.length === 0 ? [{ span: entrySpan(handler.entry), text: 'exec has an empty command' }] : [];
    case 'grpc':
      return portProblems(edits, handler, handler.port, false);
    case 'tcpSocket':
      return portProblems(edits, handler, handler.port, true);
    case 'httpGet': {
      const problems = portProblems(edits, handler, handler.port, true);
      const scheme = handler.scheme;
      if (scheme.value !== 'HTTP' && scheme.value !== 'HTTPS') {
        problems.push({ span: scheme.entry ? entrySpan(scheme.entry) : handler.entry.keySpan, text: `scheme must be HTTP or HTTPS, not ${JSON.stringify(scheme.value)}` });
      }
      for (const header of handler.headers) {
        if (!HEADER_NAME.test(header.name.value)) {
          const name = header.name.entry;
          problems.push({ span: name ? entrySpan(name) : header.node.span, text: `${JSON.stringify(header.name.value)} is not a valid HTTP header name` });
        }
      }
      return problems;
    }
  }
}

function portProblems(edits: Editor, handler: ProbeHandler, port: PortRef | null, namesAllowed: boolean): Problem[] {
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
    // Which port a probe checks is not a number to tune: a suggestion (§4).
    const repair = handler.node ? unquote(edits, handler.node, port.entry.key, written, false) : undefined;
    return [{ span, text: `a gRPC port must be a number, not the name ${JSON.stringify(written)}`, repair }];
  }
  if (/^\d+$/.test(written)) {
    const number = Number(written);
    const repair = number >= 1 && number <= 65535 && handler.node ? unquote(edits, handler.node, port.entry.key, written, false) : undefined;
    return [{ span, text: `port ${JSON.stringify(written)} is quoted, which makes it a port name, and a name needs a letter; write it unquoted`, repair }];
  }
  return isPortName(written) ? [] : [{ span, text: `port name ${JSON.stringify(written)} is not valid (1–15 of a-z, 0-9 and "-", with a letter, no leading, trailing or doubled "-")` }];
}
