// One container as it would be with all its fixes (suggestions included),
// made in memory on the document's text: what the hover's timeline draws as
// "after". Nothing is written and no other container's fixes are taken.
import type { Container, Model } from '../model.js';
import type { ContainerRouting } from '../routing.js';
import type { Fix } from '../rule.js';
import { fixText } from './code-actions.js';
import type { LintedSources } from './lint-sources.js';

export interface FixedContainer {
  container: Container;
  routing: ContainerRouting;
}

/** The container after its fixes, found again in the fixed text; null when it has none to apply or cannot be found. */
export async function containerAfterFixes(text: string, model: Model, container: Container, lint: (text: string) => Promise<LintedSources>): Promise<FixedContainer | null> {
  const wanted = places(model).get(container);
  if (wanted === undefined) return null;
  const own = (linted: LintedSources): Fix[] => {
    const at = places(linted.model);
    return linted.findings.flatMap((finding) => {
      const workload = linted.model.workloads.find((w) => w.object === finding.owner);
      const subject = workload?.containers.find((c) => c.name === finding.container);
      return subject && at.get(subject) === wanted && finding.fix && !finding.fix.shownOnly && !finding.fix.target ? [finding.fix] : [];
    });
  };
  const fixed = await fixText(text, async (current) => {
    const linted = await lint(current);
    return { parsed: linted.files[0]!, fixes: own(linted) };
  });
  // None to make, or --fix would not make them.
  if (fixed === null || fixed === text) return null;
  const linted = await lint(fixed);
  const found = [...places(linted.model)].find(([, place]) => place === wanted)?.[0];
  return found ? { container: found, routing: linted.routing.of(found) } : null;
}

/**
 * Where each container is in its file, in a way fixes do not change (they add and change fields, never
 * objects or containers): its document, its workload's place among that document's, its own place.
 */
function places(model: Model): Map<Container, string> {
  const out = new Map<Container, string>();
  const seen = new Map<number, number>();
  for (const workload of model.workloads) {
    const document = workload.object.document.index;
    const index = seen.get(document) ?? 0;
    seen.set(document, index + 1);
    workload.containers.forEach((container, i) => out.set(container, `${document}/${index}/${i}`));
  }
  return out;
}
