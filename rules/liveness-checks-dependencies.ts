import { deployment } from '../src/doc-examples.js';
import { probeHandler } from '../src/facts.js';
import { defineRule } from '../src/rule.js';
import { commandLines } from '../src/shell.js';
import { entrySpan, type MapEntry } from '../src/tree.js';

const LOCAL = String.raw`(?!localhost\b|127\.0\.0\.1\b|\[?::1\]?|0\.0\.0\.0\b|\$\(hostname|\$\{?HOSTNAME)`;

export default defineRule<{ pathPatterns: string[]; commandPatterns: string[] }>({
  id: 'liveness-checks-dependencies',
  severity: 'warning',
  fixable: 'none',
  options: {
    pathPatterns: {
      type: 'patterns',
      default: [
        String.raw`(^|/)(ready|readyz|readiness)([/?]|$)`,
        String.raw`^/actuator/health/?([?]|$)`,
        String.raw`(^|[/?&=_.-])(db|database|deps|dependencies|upstream|deep)([/?&=_.-]|$)`,
      ],
      description: 'Regular expressions (case-insensitive) for liveness HTTP paths that check readiness or dependencies.',
    },
    commandPatterns: {
      type: 'patterns',
      default: [
        String.raw`\bpg_isready\b.*\s(-h\s*|--host[=\s])` + LOCAL + String.raw`[^\s-]`,
        String.raw`^(?=.*\bmysqladmin\b)(?=.*\bping\b).*\s(-h\s*|--host[=\s])` + LOCAL + String.raw`[^\s-]`,
        String.raw`\bredis-cli\b.*\s(-h\s*|--host[=\s])` + LOCAL + String.raw`[^\s-]`,
        String.raw`\b(curl|wget)\b.*\bhttps?://` + LOCAL + String.raw`[^\s/:'"]`,
      ],
      description:
        'Regular expressions for liveness exec commands that check another host, matched against each simple command (argv joined with spaces; each command of a script given to `sh -c` on its own; the first 4096 characters).',
    },
  },
  docs: {
    summary:
      "A liveness probe whose endpoint or command checks readiness or dependencies: paths such as `/ready`, `/readyz`, `/readiness`, Spring's `/actuator/health` (not `/actuator/health/liveness`), paths naming db, database, deps, dependencies, upstream or deep; commands such as `pg_isready -h`, `mysqladmin ping -h`, `redis-cli -h`, or `curl`/`wget` to another host.",
    why:
      'Liveness should answer one question: is this process wedged beyond repair? When it also checks a database or another service, an outage of that dependency fails liveness in every pod at once, and Kubernetes restarts all of them — which fixes nothing, drops in-flight work, and stampedes the dependency when they all come back. Check dependencies in readiness (which only takes pods out of rotation) and keep liveness cheap and local.',
    fix: 'Point liveness at an endpoint that checks only the process itself (Spring: `/actuator/health/liveness`), and move dependency checks to readiness.',
    failing: deployment(`
readinessProbe:
  httpGet: {path: /actuator/health/readiness, port: 8080}
  timeoutSeconds: 5
livenessProbe:
  httpGet: {path: /actuator/health, port: 8080}
  timeoutSeconds: 5
`),
    passing: deployment(`
readinessProbe:
  httpGet: {path: /actuator/health/readiness, port: 8080}
  timeoutSeconds: 5
livenessProbe:
  httpGet: {path: /actuator/health/liveness, port: 8080}
  timeoutSeconds: 5
`),
  },
  checkContainer(container, ctx) {
    const probe = container.probes.liveness;
    const handler = probe && probeHandler(probe);
    if (!probe || !handler) return;
    let subject: string | null = null;
    let at: MapEntry = handler.entry;
    if (handler.kind === 'httpGet') {
      const path = handler.path;
      if (ctx.options.pathPatterns.some((p) => new RegExp(p, 'i').test(path.value))) {
        subject = `path ${path.value}`;
        at = path.entry ?? handler.entry;
      }
    } else if (handler.kind === 'exec') {
      const command = handler.command;
      const patterns = ctx.options.commandPatterns.map((p) => new RegExp(p));
      if (commandLines(command.value).some((line) => patterns.some((p) => p.test(line)))) {
        subject = `command ${JSON.stringify(command.value.join(' ').replace(/\s+/g, ' ').trim())}`;
        at = command.entry ?? handler.entry;
      }
    }
    if (!subject) return;
    ctx.report({
      span: entrySpan(at),
      probe: 'liveness',
      message: `liveness probe of container "${container.name}" checks ${subject}, which depends on readiness or other services: when a dependency is down every pod fails liveness at once and all of them are restarted, which fixes nothing; check dependencies in readiness and keep liveness local`,
    });
  },
});
