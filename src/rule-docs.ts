// Rule documentation rendered from the structured docs on each rule.
import type { AnyRule } from './rule.js';

export function listRules(rules: readonly AnyRule[]): string {
  const rows = rules.map((r) => [r.id, r.severity, r.fixable, ruleTitle(r)]);
  const header = ['rule', 'default', 'fix', 'finds'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** The page of `probe-lint explain` and of rules/<id>.md. */
export function ruleMarkdown(rule: AnyRule): string {
  const options = Object.entries(rule.options as Record<string, { default: unknown; description: string }>);
  const parts = [
    `# ${rule.id}`,
    '',
    `Default severity: ${rule.severityNote ?? rule.severity}. Automatic fix: ${rule.fixable === 'none' ? 'none' : rule.fixable === 'safe' ? 'safe (applied by --fix)' : 'suggestion (applied by --fix --unsafe-fixes)'}.`,
    '',
    rule.docs.summary,
    '',
    '## Why it matters',
    '',
    rule.docs.why,
    '',
    '## How to fix',
    '',
    rule.docs.fix,
    '',
    '## Reported',
    '',
    '```yaml',
    rule.docs.failing.trimEnd(),
    '```',
    '',
    '## Not reported',
    '',
    '```yaml',
    rule.docs.passing.trimEnd(),
    '```',
  ];
  if (options.length > 0) {
    parts.push('', '## Options', '', ...options.map(([key, spec]) => `- \`${key}\` (default ${JSON.stringify(spec.default)}): ${spec.description}`));
  }
  return parts.join('\n') + '\n';
}

/** The first clause of the summary: "A probe the API server rejects: no handler…" → "A probe the API server rejects". */
export function ruleTitle(rule: AnyRule): string {
  const text = rule.docs.summary;
  let code = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '`') code = !code;
    // A colon or period that ends a clause, not one inside `code` or a number like 1.30.
    else if (!code && (c === ':' || c === '.') && (i + 1 === text.length || text[i + 1] === ' ')) return text.slice(0, i);
  }
  return text;
}
