// Rule documentation rendered from the structured docs on each rule.
import type { AnyRule, OptionSpec } from './rule.js';
import { DOCS_URL } from './version.js';

export function listRules(rules: readonly AnyRule[]): string {
  const rows = rules.map((r) => [r.id, r.severity, r.fixable, ruleTitle(r)]);
  const header = ['rule', 'default', 'fix', 'finds'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Where a rule's page is published: rules/<id>.md of the repository. */
export function ruleDocsUrl(rule: Pick<AnyRule, 'id'>): string {
  return `${DOCS_URL}/blob/main/rules/${rule.id}.md`;
}

/** `probe-lint rules --format json`: each rule's metadata, for editors, dashboards and scripts. */
export function rulesJson(rules: readonly AnyRule[]): string {
  const described = rules.map((rule) => ({
    id: rule.id,
    severity: rule.severity,
    // The default in words when it depends on the case (routing, port): null when `severity` says it all.
    severityNote: rule.severityNote ?? null,
    fixable: rule.fixable,
    title: ruleTitle(rule),
    summary: rule.docs.summary,
    options: Object.fromEntries(
      Object.entries(rule.options as Record<string, OptionSpec<unknown>>).map(([key, spec]) => [key, { type: spec.type, default: spec.default, description: spec.description }]),
    ),
    docs: ruleDocsUrl(rule),
  }));
  return JSON.stringify({ version: 1, rules: described }, null, 2) + '\n';
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
    ...exampleCaption(rule),
    '```yaml',
    rule.docs.failing.trimEnd(),
    '```',
    '',
    '## Not reported',
    '',
    ...exampleCaption(rule),
    '```yaml',
    rule.docs.passing.trimEnd(),
    '```',
  ];
  if (options.length > 0) {
    parts.push('', '## Options', '', ...options.map(([key, spec]) => `- \`${key}\` (default ${JSON.stringify(spec.default)}): ${spec.description}`));
  }
  return parts.join('\n') + '\n';
}

function exampleCaption(rule: AnyRule): string[] {
  return rule.docs.exampleFile ? [`\`${rule.docs.exampleFile}\`:`, ''] : [];
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
