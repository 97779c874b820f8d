// The manifest as it would be with every fix of a container applied
// (suggestions included), in memory: fixes are applied to the file texts and
// the run is linted again with those texts as overrides, pass after pass as
// --fix does, until that container has no fix left. Nothing is written.
import { buildModel } from '../build-model.js';
import { applyEdits, type TextEdit } from '../edit.js';
import type { Container, Model, Workload } from '../model.js';
import type { Finding, Fix } from '../rule.js';
import type { MapNode } from '../tree.js';
import { buildRouting, type ContainerRouting, type Routing } from '../routing.js';
import { run, type RunOptions, type RunResult } from '../run.js';

const MAX_PASSES = 10;

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
  /** What was applied, in order, each with the probe it is about. */
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
    const applied = new Map<string, string[]>();
    const texts = new Map<string, string>();
    let current = first;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const byFile = new Map<string, { text: string; fixes: { key: string; fix: Fix; said: string }[] }>();
      for (const { key, finding } of findingsOf(current, wanted)) {
        const fix = finding.fix;
        if (!fix || fix.target || finding.file.absPath === null) continue;
        const entry = byFile.get(finding.file.absPath) ?? { text: finding.file.text, fixes: [] };
        entry.fixes.push({ key, fix, said: finding.probe ? `${finding.probe}: ${fix.description}` : fix.description });
        byFile.set(finding.file.absPath, entry);
      }
      if (byFile.size === 0) break;
      for (const [absPath, { text, fixes }] of byFile) {
        // What waits for the next pass is proposed again by the next lint.
        const accepted = nonOverlapping(fixes.map((f) => f.fix));
        for (const { key, fix, said } of fixes) if (accepted.includes(fix)) applied.set(key, [...(applied.get(key) ?? []), said]);
        texts.set(absPath, applyEdits(text, accepted.flatMap((f) => f.edits)));
      }
      current = await lintWithModel({ ...options, overrides: texts });
    }
    const keys = containerKeys(current.model);
    const byKey = new Map([...keys].map(([container, key]) => [key, container]));
    for (const [key, container] of wanted) {
      const now = byKey.get(key) ?? null;
      fixed.set(container, {
        container: now,
        routing: now && current.routing.of(now),
        applied: applied.get(key) ?? [],
        elsewhere: elsewhere.get(key) ?? [],
      });
    }
  }
  return fixed;
}

/** The findings of the wanted containers in a lint, with the container's key. */
function findingsOf(linted: Linted, wanted: ReadonlyMap<string, Container>): { key: string; finding: Finding }[] {
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
    if (description !== null) out.set(key, [...(out.get(key) ?? []), description]);
  }
  return out;
}

/**
 * Where a container is, in a way that survives fixes (they add and change fields, never objects or
 * containers): its file, its document, its workload's place among the document's workloads, its own place.
 */
function containerKeys(model: Model): Map<Container, string> {
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

/** Fixes whose edits touch nothing an earlier one touches (edits at one offset clash too: their order would be a guess); the rest wait for the next pass. */
function nonOverlapping(fixes: readonly Fix[]): Fix[] {
  const taken: TextEdit[] = [];
  const clash = (a: TextEdit, b: TextEdit): boolean => a.offset === b.offset || (a.offset < b.offset + b.length && b.offset < a.offset + a.length);
  const accepted: Fix[] = [];
  for (const fix of fixes) {
    if (fix.edits.some((e) => taken.some((t) => clash(e, t)))) continue;
    taken.push(...fix.edits);
    accepted.push(fix);
  }
  return accepted;
}
