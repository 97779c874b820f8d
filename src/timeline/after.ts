// The manifest as it would be with every fix of a container applied
// (suggestions included), in memory: --fix's own passes (fixInPasses) apply
// that container's fixes to the file texts and lint the run again with those
// texts as overrides, until it has no fix left. Nothing is written.
import { buildModel } from '../build-model.js';
import { fixInPasses } from '../fix.js';
import type { Container, Model, Workload } from '../model.js';
import { decodedLossily } from '../read-inputs.js';
import type { Finding, Fix } from '../rule.js';
import { locator } from '../same-objects.js';
import type { SourceFile } from '../source.js';
import type { MapNode } from '../tree.js';
import { buildRouting, type ContainerRouting, type Routing } from '../routing.js';
import { run, type RunOptions, type RunResult } from '../run.js';
import { push } from '../multimap.js';

export interface Linted {
  result: RunResult;
  model: Model;
  routing: Routing;
}

/** A run with the model and routing its findings were made from (rebuilt from the same parsed files). */
export async function lintWithModel(options: RunOptions): Promise<Linted> {
  const result = await run(options);
  const model = buildModel(result.files);
  return { result, model, routing: buildRouting(model) };
}

export interface Fixed {
  /** The container in the fixed manifest; null when the fixes left it unreadable (a bug the fixer would refuse). */
  container: Container | null;
  routing: ContainerRouting | null;
  /** What was applied, in order, each with the probe it is about; of fixes that set one field in several passes, the last. */
  applied: string[];
  /** Fixes that are shown elsewhere and not applied here: a chart's templates and values, a Kustomize base. */
  elsewhere: string[];
}

/**
 * Each container's manifest with its own fixes applied. Fixes of one container only touch its pod, so the
 * containers of different workloads are fixed together; each container of one pod gets a round of its own.
 */
export async function afterFixes(options: RunOptions, first: Linted, chosen: readonly Container[]): Promise<Map<Container, Fixed>> {
  const fixed = new Map<Container, Fixed>();
  const firstKeys = containerKeys(first.model);
  const elsewhere = elsewhereFixes(findingsOf(first, new Map(chosen.map((c) => [firstKeys.get(c)!, c]))));
  for (const round of rounds(chosen)) {
    const wanted = new Map(round.map((c) => [firstKeys.get(c)!, c]));
    const applied = new Map<string, Applied[]>();
    /** The container and words of each fix the last lint proposed. */
    let proposed = new Map<Fix, { key: string; said: string; index: number }>();
    const refused = new Set<string>();
    const current = await fixInPasses(first, new Map(), {
      fixes: (linted) => {
        proposed = new Map();
        const byFile = new Map<SourceFile, Fix[]>();
        for (const { key, finding } of findingsOf(linted, wanted)) {
          const fix = finding.fix;
          // A chart's or a Kustomize base's fixes are shown against those files: listed apart, not applied.
          if (!fix || fix.target || finding.file.absPath === null) continue;
          proposed.set(fix, { key, said: finding.probe ? `${finding.probe}: ${fix.description}` : fix.description, index: proposed.size });
          push(byFile, finding.file, fix);
        }
        return byFile;
      },
      // --fix leaves a file whose bytes are not all UTF-8 as it is.
      admit: (file) => !decodedLossily(file) && !refused.has(file.absPath!),
      skip: () => {},
      refuse: (file) => void refused.add(file.absPath!),
      applied: (file, fixes, parsed) => {
        const where = locator(parsed);
        // Said in the order the lint reported them, not the order of their edits in the file.
        for (const fix of [...fixes].sort((a, b) => proposed.get(a)!.index - proposed.get(b)!.index)) {
          const { key, said } = proposed.get(fix)!;
          const fields = fix.changes.map((c) => JSON.stringify([file.absPath, where(c.map, c.key)]));
          push(applied, key, { said, fields });
        }
      },
      lint: (texts) => lintWithModel({ ...options, overrides: new Map(texts) }),
    });
    const keys = containerKeys(current.model);
    const byKey = new Map([...keys].map(([container, key]) => [key, container]));
    for (const [key, container] of wanted) {
      // A fix the fixer refuses (a bug) leaves the file as it was: the container is not shown as fixed.
      const now = refused.has(container.workload.object.file.absPath ?? '') ? null : (byKey.get(key) ?? null);
      fixed.set(container, {
        container: now,
        routing: now && current.routing.of(now),
        applied: lastPerField(applied.get(key) ?? []),
        elsewhere: elsewhere.get(key) ?? [],
      });
    }
  }
  return fixed;
}

/** A fix applied to a container: its words, and the fields it set (file, document and path of each). */
interface Applied {
  said: string;
  fields: string[];
}

/**
 * The words of the fixes applied, in order, leaving out a fix whose every field a later one set again
 * (`set failureThreshold to 10`, then `to 15` once another fix stretched the interval: only the last says
 * what the manifest ends with), and words said twice.
 */
function lastPerField(applied: readonly Applied[]): string[] {
  const setLater = new Set<string>();
  const kept: string[] = [];
  for (let i = applied.length - 1; i >= 0; i--) {
    const { said, fields } = applied[i]!;
    if (fields.length > 0 && fields.every((f) => setLater.has(f))) continue;
    for (const f of fields) setLater.add(f);
    kept.push(said);
  }
  return [...new Set(kept.reverse())];
}

/** The findings of the wanted containers in a lint (a run's, or the language server's of one text), with the container's key. */
export function findingsOf(linted: { result: { findings: readonly Finding[] }; model: Model }, wanted: ReadonlyMap<string, Container>): { key: string; finding: Finding }[] {
  const keys = containerKeys(linted.model);
  const byNode = new Map<MapNode, Workload>(linted.model.workloads.map((w) => [w.object.node, w]));
  const out: { key: string; finding: Finding }[] = [];
  for (const finding of linted.result.findings) {
    const workload = finding.owner && byNode.get(finding.owner.node);
    const container = workload?.containers.find((c) => c.name === finding.container);
    const key = container && keys.get(container);
    if (key && wanted.has(key)) out.push({ key, finding });
  }
  return out;
}

/** By container key, the fixes that are expressed in other files and so not applied here. */
function elsewhereFixes(found: readonly { key: string; finding: Finding }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { key, finding } of found) {
    const description = finding.fix?.target ? finding.fix.description : !finding.fix && finding.proposed ? finding.proposed.description : null;
    if (description !== null) push(out, key, description);
  }
  return out;
}

/**
 * Where a container is, in a way that survives fixes (they add and change fields, never objects or
 * containers): its file, its document, its workload's place among the document's workloads, its own place.
 */
export function containerKeys(model: Model): Map<Container, string> {
  const keys = new Map<Container, string>();
  const seen = new Map<unknown, number>();
  for (const workload of model.workloads) {
    const { document, file } = workload.object;
    const index = seen.get(document) ?? 0;
    seen.set(document, index + 1);
    workload.containers.forEach((container, i) => keys.set(container, [file.path, document.index, index, i].join('\0')));
  }
  return keys;
}

/** Containers grouped so that no round holds two of one pod. */
function rounds(chosen: readonly Container[]): Container[][] {
  const out: Container[][] = [];
  const taken = new Map<Workload, number>();
  for (const container of chosen) {
    const round = taken.get(container.workload) ?? 0;
    taken.set(container.workload, round + 1);
    (out[round] ??= []).push(container);
  }
  return out;
}

