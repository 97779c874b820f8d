import { deployment } from '../src/doc-examples.js';
import { defineRule } from '../src/rule.js';

// Reported by the suppression stage (src/suppress.ts), which knows what each
// directive matched; the rule declares its severity and docs like any other.
export default defineRule({
  id: 'unused-suppression',
  severity: 'info',
  fixable: 'none',
  options: {},
  docs: {
    summary:
      'A `# probe-lint-disable-next-line`, `# probe-lint-disable` comment or a `probe-lint.dev/ignore` annotation that suppresses nothing, or names a rule that does not exist.',
    why:
      'Suppressions outlive the problems they hid: the probe gets fixed, the comment stays, and the next real problem on that line goes unreported. Reporting the ones that match nothing keeps them honest. A suppression naming a rule that is switched off is not reported.',
    fix: 'Remove the comment or annotation, or the rule ids in it that no longer match. Suppress with a reason: `# probe-lint-disable-next-line probe-timeout-short -- /health answers from memory`.',
    failing: deployment(`
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  # probe-lint-disable-next-line probe-timeout-short -- /ready is served from memory
  timeoutSeconds: 5
`),
    passing: deployment(`
readinessProbe:
  httpGet: {path: /ready, port: 8080}
  # probe-lint-disable-next-line probe-timeout-short -- /ready is served from memory
  timeoutSeconds: 2
`),
  },
});
