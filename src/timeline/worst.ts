// The timelines of the worst findings, as text for the Action's job summary
// (SPEC §7, §10): errors first, then the shortest time until it hurts.
import { objectLabel, repositoryLocation, type LocatedFinding } from '../format/report.js';
import type { Severity } from '../rule.js';
import { drawLine, terminalText, type DrawOptions } from './draw.js';
import { focusSeconds } from './lanes.js';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Two lines for each of the `n` worst findings that carry a timeline: where and what it is, then the
 * one-line picture. Preformatted text without colour: put it in a `<pre>` block, escaped for HTML.
 */
export function worstTimelines(findings: readonly LocatedFinding[], n = 5, options: Partial<DrawOptions> = {}): string[] {
  const draw: DrawOptions = { ascii: options.ascii ?? false, color: options.color ?? false };
  const timed = findings.filter((f) => f.finding.timeline);
  // Array.prototype.sort is stable: equal findings keep the report's order.
  const worst = [...timed].sort(({ finding: a }, { finding: b }) => RANK[a.severity] - RANK[b.severity] || focusSeconds(a.timeline!) - focusSeconds(b.timeline!)).slice(0, n);
  return worst.flatMap((located) => {
    const { finding } = located;
    // Where the rest of the summary puts it: for a chart or an overlay, the template or resource people edit.
    const at = repositoryLocation(located);
    const label = objectLabel(finding.object, finding.container, finding.probe);
    return [terminalText(`${at.path}:${at.line}  ${finding.severity}  ${finding.ruleId}  ${label}`, draw), `  ${drawLine(finding.timeline!, draw)}`];
  });
}
