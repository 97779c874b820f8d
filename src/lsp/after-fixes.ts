// One container as it would be with all its fixes (suggestions included),
// made in memory on the document's text: what the hover's timeline draws as
// "after". Nothing is written and no other container's fixes are taken.
import type { Container } from '../model.js';
import type { ContainerRouting } from '../routing.js';
import type { Fix } from '../rule.js';
import { containerKeys, findingsOf } from '../timeline/after.js';
import { fixText } from './code-actions.js';
import type { LintedSources } from './lint-sources.js';

export interface FixedContainer {
  container: Container;
  routing: ContainerRouting;
}

/**
 * The container after its fixes, found again in the fixed text; null when it has none to apply or cannot be
 * found. `linted` is the lint of `text` that `container` is from; `lint` lints a text the fixes made.
 */
export async function containerAfterFixes(text: string, linted: LintedSources, container: Container, lint: (text: string) => Promise<LintedSources>): Promise<FixedContainer | null> {
  // Where the container is, in a way fixes do not change (timeline/after.ts's key, as the CLI's timeline finds it again).
  const wanted = containerKeys(linted.model).get(container);
  if (wanted === undefined) return null;
  const only = new Map([[wanted, container]]);
  const own = (current: LintedSources): Fix[] =>
    findingsOf({ result: current, model: current.model }, only).flatMap(({ finding: { fix } }) => (fix && !fix.shownOnly && !fix.target ? [fix] : []));
  const fixed = await fixText(text, linted, own, lint);
  // None to make, or --fix would not make them.
  if (fixed === null || fixed.text === text) return null;
  // The last pass linted the fixed text.
  const after = fixed.linted;
  const found = [...containerKeys(after.model)].find(([, key]) => key === wanted)?.[0];
  return found ? { container: found, routing: after.routing.of(found) } : null;
}
