// Which files a kustomization reads: rendered through it, they are not linted
// again on their own (and patches, being partial objects, never are).
import fs from 'node:fs';
import path from 'node:path';
import { readTreeFile } from '../tree-files.js';
import { asMap, asSeq, child, mapItems, stringOf, type MapNode } from '../tree.js';

export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** The most read of a kustomization file: it is a short list of references; a bigger one is not one to render. */
export const MAX_KUSTOMIZATION_BYTES = 1024 * 1024;

/** The kustomization file of a directory: a regular file only, so a device or FIFO under that name is never opened (SPEC §9). */
export function kustomizationFile(dir: string): string | null {
  for (const name of KUSTOMIZATION_NAMES) {
    const file = path.join(dir, name);
    if (isRegularFile(file)) return file;
  }
  return null;
}

function isRegularFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** A `kind: Component` is only built as part of the kustomizations that include it. */
export function isComponent(dir: string): boolean {
  return stringOf(child(read(dir) ?? undefined, 'kind')) === 'Component';
}

export interface KustomizationFiles {
  /** Directories of kustomizations it builds on (bases, components, resource directories). */
  kustomizations: Set<string>;
  /** Resource files (complete objects). */
  resources: Set<string>;
  /** Patches and other inputs that are not complete objects. */
  partial: Set<string>;
}

function isRemote(ref: string): boolean {
  return /^[a-z]+:\/\//i.test(ref) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref) || ref.startsWith('git@');
}

function read(dir: string): MapNode | null {
  const file = kustomizationFile(dir);
  return file ? (asMap(readTreeFile(file, MAX_KUSTOMIZATION_BYTES)?.roots[0]) ?? null) : null;
}

/** Everything a kustomization reads, following bases and components; the kustomization files too. */
export function kustomizationFiles(dir: string): KustomizationFiles {
  const into: KustomizationFiles = { kustomizations: new Set(), resources: new Set(), partial: new Set() };
  // A walk with a worklist, not recursion: a chain of thousands of overlays neither overflows the stack nor is read twice.
  const pending = [dir];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (into.kustomizations.has(next)) continue;
    into.kustomizations.add(next);
    const own = directReferences(next);
    for (const file of own.resources) into.resources.add(file);
    for (const file of own.partial) into.partial.add(file);
    pending.push(...own.kustomizations);
  }
  return into;
}

/** What one kustomization file names itself: the kustomizations, resources and partial inputs it reads directly. */
export function directReferences(dir: string): KustomizationFiles {
  const into: KustomizationFiles = { kustomizations: new Set(), resources: new Set(), partial: new Set() };
  const root = read(dir);
  if (!root) return into;
  const own = kustomizationFile(dir);
  if (own) into.partial.add(own);
  const strings = (key: string): string[] => asSeq(child(root, key))?.items.flatMap((n) => stringOf(n) ?? []) ?? [];
  const paths = (key: string): string[] => mapItems(child(root, key)).flatMap((m) => stringOf(child(m, 'path')) ?? []);
  for (const ref of [...strings('resources'), ...strings('bases'), ...strings('components')]) {
    if (isRemote(ref)) continue;
    const target = path.resolve(dir, ref);
    if (kustomizationFile(target)) into.kustomizations.add(target);
    else into.resources.add(target);
  }
  const partial = [
    ...strings('patchesStrategicMerge').filter((p) => !p.includes('\n')),
    ...paths('patches'),
    ...paths('patchesJson6902'),
    ...paths('replacements'),
    ...strings('crds'),
    ...strings('configurations'),
    ...strings('transformers'),
    ...strings('generators'),
    ...strings('validators'),
  ];
  for (const ref of partial) if (!isRemote(ref)) into.partial.add(path.resolve(dir, ref));
  return into;
}
