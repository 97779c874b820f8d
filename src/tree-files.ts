// Values files, templates' resources and kustomize bases are read once per
// run however many findings point into them; a changed file is read again.
import fs from 'node:fs';
import { parseFile } from './parse.js';
import type { SourceFile } from './source.js';
import type { TreeNode } from './tree.js';

export interface TreeFile {
  file: SourceFile;
  roots: TreeNode[];
}

const cache = new Map<string, { stamp: string; tree: TreeFile | null }>();

/** A YAML file on disk as trees, one per document; null when it cannot be read. */
export function readTreeFile(absPath: string): TreeFile | null {
  let stamp: string;
  try {
    const stat = fs.statSync(absPath);
    stamp = `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return null;
  }
  const hit = cache.get(absPath);
  if (hit?.stamp === stamp) return hit.tree;
  let tree: TreeFile | null = null;
  try {
    const text = fs.readFileSync(absPath, 'utf8');
    const bom = text.charCodeAt(0) === 0xfeff;
    const file: SourceFile = { path: absPath, absPath, text: bom ? text.slice(1) : text, bom };
    tree = { file, roots: parseFile(file, true).documents.flatMap((d) => d.root ?? []) };
  } catch {
    tree = null;
  }
  cache.set(absPath, { stamp, tree });
  return tree;
}
