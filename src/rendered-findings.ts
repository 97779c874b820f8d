// Findings on rendered output, as people read them: a base rendered by seven
// overlays, or a template rendered with three value sets, is one line to
// change, not seven or three findings on that line.
import { rendererOf } from './renderers/index.js';
import type { Finding, Severity } from './rule.js';
import type { SourceFile } from './source.js';
import { push } from './multimap.js';

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/**
 * What makes two renders' findings the same finding: the same rule saying the
 * same thing about the same object, container and probe, written at the same
 * source line (where the line is not known, of the same rendered directory).
 * A value set renders an object under the same name, so the name is part of
 * it: a `range` or a shared helper renders several objects from one line. An
 * overlay renames what it renders (prefixes, suffixes), so there the source
 * line stands for the object: a line of a resource file is in one object.
 */
function identityKey(finding: Finding): string | null {
  const rendered = finding.file.rendered;
  if (!rendered || rendered.variant === null) return null;
  const source = finding.source;
  const object = finding.object;
  const renamed = rendererOf(finding)?.variantsField === 'overlays';
  const what = [object?.kind, ...(renamed ? [] : [object?.namespace, object?.name]), finding.container, finding.probe];
  const place =
    source && source.line !== null
      ? [source.file, source.line]
      : [rendered.dir, object?.kind, object?.namespace, object?.name, finding.container, finding.probe];
  return JSON.stringify([finding.ruleId, finding.message, ...what, ...place]);
}

/**
 * Where the finding says to change it: the values key it names and its fix (equal for equal edits of one
 * file). A merged finding carries one render's, so they must be every render's.
 */
function homeKey(finding: Finding): string {
  const values = finding.source?.values;
  const fix = finding.fix;
  return JSON.stringify([
    values ? [values.file, values.key] : null,
    fix ? [fix.target?.absPath ?? fix.target?.path ?? null, fix.safe, fix.shownOnly ?? false, fix.edits] : null,
  ]);
}

/**
 * Merges findings of renders that share an identity into the first of them
 * (the list's order is kept), naming the variants (overlays, value sets) that
 * gave one, and for a directory rendered several ways (value sets) the
 * rendered ones that did not give it at all; value sets whose values files or
 * fixes differ stay separate findings, each naming its own. Counts are taken from
 * the list afterwards, so a merged finding counts once, at the highest
 * severity any render gave it (per-directory config can differ between
 * overlays).
 */
export function mergeRenders(findings: readonly Finding[], streams: readonly SourceFile[]): Finding[] {
  const variantsOf = new Map<string, string[]>();
  const plannedOf = new Map<string, readonly string[]>();
  for (const stream of streams) {
    const from = stream.rendered;
    if (from?.variant != null) push(variantsOf, from.dir, from.variant);
    if (from?.siblings) plannedOf.set(from.dir, from.siblings);
  }
  const identities = new Map<string, Set<string>>();
  const groups = new Map<string, Finding[]>();
  const keys = new Map<Finding, string>();
  for (const finding of findings) {
    const identity = identityKey(finding);
    if (identity === null) continue;
    const variant = finding.file.rendered!.variant!;
    identities.set(identity, (identities.get(identity) ?? new Set()).add(variant));
    // SPEC §1: overlays' findings with one rule, source line and message are one finding; value sets that name
    // different values files or fixes are not, since each says to change something else.
    const key = JSON.stringify([identity, rendererOf(finding)?.variantsField === 'overlays' ? null : homeKey(finding)]);
    keys.set(finding, key);
    push(groups, key, finding);
  }
  const merged: Finding[] = [];
  for (const finding of findings) {
    const key = keys.get(finding);
    const group = key === undefined ? undefined : groups.get(key);
    if (!group) merged.push(finding);
    else if (!oneEach(group)) merged.push(finding);
    else if (group[0] === finding) {
      const dir = finding.file.rendered!.dir;
      const rendered = variantsOf.get(dir) ?? [];
      const planned = [...new Set([...(plannedOf.get(dir) ?? []), ...rendered])];
      const withIdentity = identities.get(identityKey(finding)!)!;
      merged.push(mergeGroup(group, planned, rendered.filter((name) => !withIdentity.has(name))));
    }
  }
  return merged;
}

/**
 * Whether each render gave the group's finding once. Two of one render are
 * two objects that its renaming made look alike (one overlay building the same
 * base twice under two prefixes): they cannot be told apart across renders,
 * so they are left as they are.
 */
function oneEach(group: readonly Finding[]): boolean {
  const variants = group.map((f) => f.file.rendered!.variant);
  return new Set(variants).size === variants.length;
}

/**
 * `planned`: every variant the directory was to be rendered as (a value set
 * that failed to render included); `missing`: rendered ones that gave no
 * finding of this identity, whatever its fix.
 */
function mergeGroup(group: readonly Finding[], planned: readonly string[], missing: readonly string[]): Finding {
  const first = group[0]!;
  const field = rendererOf(first)?.variantsField;
  if (!field) return first;
  const names = [...new Set(group.map((f) => f.file.rendered!.variant!))].sort();
  // One overlay's finding is as it was: naming a single overlay says nothing its path does not. A directory rendered one
  // way only (a chart without value sets) has nothing to name.
  if (group.length === 1 && (field === 'overlays' || planned.length <= 1)) return first;
  const severity = group.reduce<Severity>((top, f) => (RANK[f.severity] > RANK[top] ? f.severity : top), first.severity);
  return { ...first, severity, fix: sharedFix(group), variants: { field, names, missing: planned.length > 1 ? [...missing].sort() : [] } };
}

/**
 * The fix of a merged finding: the one every render that has a fix agrees on.
 * A render without one (an overlay whose patch changed the probe) does not
 * veto the base edit the others need; renders that want different edits do.
 */
function sharedFix(group: readonly Finding[]): Finding['fix'] {
  const fixes = group.filter((f) => f.fix);
  const first = fixes[0];
  if (!first) return null;
  return fixes.every((f) => homeKey(f) === homeKey(first)) ? first.fix : null;
}
