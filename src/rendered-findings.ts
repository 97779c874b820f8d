// Findings on rendered kustomize output, as people read them: a base rendered
// by seven overlays is one line to change, not seven findings on that line.
import type { Finding, Severity } from './rule.js';

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** What makes two overlays' findings one: the same rule saying the same thing about the same resource line. */
function mergeKey(finding: Finding): string | null {
  const source = finding.source;
  if (finding.file.rendered?.tool !== 'kustomize' || !source || source.line === null) return null;
  return [finding.ruleId, source.file, source.line, finding.message].join('\0');
}

/**
 * Merges findings of kustomize renders that share rule, source file, source
 * line and message into the first of them (the list's order is kept), naming
 * every overlay that gave one. Counts are taken from the list afterwards, so a
 * merged finding counts once, at the highest severity any overlay gave it
 * (per-directory config can differ between overlays).
 */
export function mergeOverlayFindings(findings: readonly Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = mergeKey(finding);
    if (key === null) continue;
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  const merged: Finding[] = [];
  for (const finding of findings) {
    const key = mergeKey(finding);
    const group = key === null ? undefined : groups.get(key);
    if (!group || group.length === 1) merged.push(finding);
    else if (group[0] === finding) merged.push(mergeGroup(group));
  }
  return merged;
}

function mergeGroup(group: readonly Finding[]): Finding {
  const first = group[0]!;
  const severity = group.reduce<Severity>((top, f) => (RANK[f.severity] > RANK[top] ? f.severity : top), first.severity);
  const overlays = [...new Set(group.map((f) => f.file.path))].sort();
  // The same line and message: any overlay's fix edits that line the same way.
  const fix = first.fix ?? group.find((f) => f.fix)?.fix ?? null;
  return { ...first, severity, overlays, fix };
}
