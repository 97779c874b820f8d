// Findings on rendered output, as people read them: a base rendered by seven
// overlays, or a template rendered with three value sets, is one line to
// change, not seven or three findings on that line.
import { rendererOf } from './renderers/index.js';
import type { Finding, Severity } from './rule.js';
import type { SourceFile } from './source.js';

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/**
 * What makes two renders' findings one: the same rule saying the same thing
 * about the same source line; where the line is not known, about the same
 * object, container and probe of the same rendered directory.
 */
function mergeKey(finding: Finding): string | null {
  const rendered = finding.file.rendered;
  if (!rendered || rendered.variant === null) return null;
  const source = finding.source;
  const place =
    source && source.line !== null
      ? [source.file, source.line]
      : [rendered.dir, finding.object?.kind, finding.object?.namespace, finding.object?.name, finding.container, finding.probe];
  return [finding.ruleId, finding.message, ...place].join('\0');
}

/**
 * Merges findings of renders that share a key into the first of them (the
 * list's order is kept), naming the variants (overlays, value sets) that gave
 * one, and for a directory rendered several ways (value sets) the ones that
 * did not. Counts are taken from the list afterwards, so a merged finding
 * counts once, at the highest severity any render gave it (per-directory
 * config can differ between overlays).
 */
export function mergeRenders(findings: readonly Finding[], streams: readonly SourceFile[]): Finding[] {
  const variantsOf = new Map<string, string[]>();
  for (const stream of streams) {
    const from = stream.rendered;
    if (from?.variant != null) variantsOf.set(from.dir, [...(variantsOf.get(from.dir) ?? []), from.variant]);
  }
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
    if (!group) merged.push(finding);
    else if (group[0] === finding) {
      const one = mergeGroup(group, variantsOf.get(finding.file.rendered!.dir) ?? []);
      if (one) merged.push(one);
    }
  }
  return merged;
}

function mergeGroup(group: readonly Finding[], siblings: readonly string[]): Finding | null {
  const first = group[0]!;
  const field = rendererOf(first)?.variantsField;
  if (!field) return first;
  const names = [...new Set(group.map((f) => f.file.rendered!.variant!))].sort();
  // A directory rendered one way only (a chart without value sets) has nothing to name.
  const missing = siblings.length > 1 ? siblings.filter((name) => !names.includes(name)).sort() : [];
  // One overlay's finding is as it was: naming a single overlay says nothing its path does not.
  if (group.length === 1 && (field === 'overlays' || siblings.length <= 1)) return first;
  const severity = group.reduce<Severity>((top, f) => (RANK[f.severity] > RANK[top] ? f.severity : top), first.severity);
  // The same line and message: any render's fix edits that line the same way.
  const fix = first.fix ?? group.find((f) => f.fix)?.fix ?? null;
  return { ...first, severity, fix, variants: { field, names, missing } };
}
