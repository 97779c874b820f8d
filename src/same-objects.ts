// The check a fixed file must pass before it is written: it still holds the
// same objects, apart from the fields its fixes meant to change.
import type { ParsedFile } from './parse.js';
import type { TreeNode } from './tree.js';

export type Path = (string | number)[];

export interface ChangedPath {
  document: number;
  path: Path;
}

interface NodePlace {
  document: number;
  /** null for a document's root. */
  parent: TreeNode | null;
  /** The key or index the parent holds it under. */
  step: string | number;
}

/**
 * Finds which document a changed map is in, and the path from its root to the changed key.
 * One walk of the file indexes every node, however many changes ask.
 */
export function locator(parsed: ParsedFile): (map: TreeNode, key: string) => ChangedPath {
  let index: Map<TreeNode, NodePlace> | null = null;
  return (map, key) => {
    index ??= indexNodes(parsed);
    const found = index.get(map);
    if (!found) throw new Error(`a fix changed a map outside the documents of ${parsed.file.path}`);
    const steps: Path = [key];
    for (let place: NodePlace = found; place.parent !== null; place = index.get(place.parent)!) steps.unshift(place.step);
    return { document: found.document, path: steps };
  };
}

/** Each node's document and parent, as a depth-first walk first reaches it (an aliased node keeps its first place). */
function indexNodes(parsed: ParsedFile): Map<TreeNode, NodePlace> {
  const index = new Map<TreeNode, NodePlace>();
  for (const document of parsed.documents) {
    if (!document.root) continue;
    // An explicit stack, children pushed last-first: the order of a recursive walk, without its depth limit.
    const stack: { node: TreeNode; place: NodePlace }[] = [{ node: document.root, place: { document: document.index, parent: null, step: '' } }];
    while (stack.length > 0) {
      const { node, place } = stack.pop()!;
      if (index.has(node)) continue;
      index.set(node, place);
      const children: [string | number, TreeNode | null][] =
        node.kind === 'map' ? node.entries.map((e) => [e.key, e.value]) : node.kind === 'seq' ? node.items.map((n, i) => [i, n]) : [];
      for (let i = children.length - 1; i >= 0; i--) {
        const [step, child] = children[i]!;
        if (child && !index.has(child)) stack.push({ node: child, place: { document: document.index, parent: node, step } });
      }
    }
  }
  return index;
}

/** Why a text must not replace another: its objects changed where no fix meant to change them; null when it is fine. */
export function sameObjects(before: ParsedFile, after: ParsedFile, changed: readonly ChangedPath[]): string | null {
  const now = after.documents;
  if (before.documents.length !== now.length) return 'the fixes would change its number of documents';
  const byDocument = new Map<number, Path[]>();
  for (const c of changed) {
    const paths = byDocument.get(c.document);
    if (paths) paths.push(c.path);
    else byDocument.set(c.document, [c.path]);
  }
  for (const [i, doc] of before.documents.entries()) {
    const paths = byDocument.get(i) ?? [];
    const difference = firstDifference(withoutPaths(plain(doc.root), paths), withoutPaths(plain(now[i]!.root), paths), []);
    if (difference) return `the fixes would change ${difference.join('.')} in document ${i + 1}, which no fix meant to change`;
  }
  return null;
}

function firstDifference(a: unknown, b: unknown, at: Path): Path | null {
  if (a === b) return null;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return at;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const found = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], [...at, key]);
    if (found) return found;
  }
  return null;
}

/** Whether two pieces of plain data are equal, deeply. */
export function sameData(a: unknown, b: unknown): boolean {
  return firstDifference(a, b, []) === null;
}

/** A tree as plain data. */
export function plain(node: TreeNode | null, depth = 0): unknown {
  if (!node || depth > 200) return null;
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map((n) => plain(n, depth + 1));
  return Object.fromEntries(node.entries.map((e) => [e.key, plain(e.value, depth + 1)]));
}

/** The value without the changed paths; `plain` builds fresh objects, so they are deleted in place. */
function withoutPaths(value: unknown, paths: readonly Path[]): unknown {
  for (const p of paths) {
    let at: unknown = value;
    for (const step of p.slice(0, -1)) at = at && typeof at === 'object' ? (at as Record<string | number, unknown>)[step] : undefined;
    if (at && typeof at === 'object') delete (at as Record<string | number, unknown>)[p.at(-1)!];
  }
  return value;
}
