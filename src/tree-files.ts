// Chart templates, values files and kustomize bases are read once per run
// however many findings point into them; a changed file is read again.
import fs from 'node:fs';
import { parseFile } from './parse.js';
import type { SourceFile } from './source.js';
import type { TreeNode } from './tree.js';

export interface TreeFile {
  file: SourceFile;
  roots: TreeNode[];
}

interface Entry {
  stamp: string;
  text: string | null;
  tree?: TreeFile | null;
}

const cache = new Map<string, Entry>();

function cached(absPath: string): Entry | null {
  let stamp: string;
  try {
    const stat = fs.statSync(absPath);
    stamp = `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return null;
  }
  const hit = cache.get(absPath);
  if (hit?.stamp === stamp) return hit;
  let text: string | null;
  try {
    text = fs.readFileSync(absPath, 'utf8');
  } catch {
    text = null;
  }
  const entry: Entry = { stamp, text };
  cache.set(absPath, entry);
  return entry;
}

/** A file's text; null when it cannot be read. */
export function readTextFile(absPath: string): string | null {
  return cached(absPath)?.text ?? null;
}

/** A YAML file on disk as trees, one per document; null when it cannot be read. */
export function readTreeFile(absPath: string): TreeFile | null {
  const entry = cached(absPath);
  if (!entry || entry.text === null) return null;
  if (entry.tree === undefined) {
    const bom = entry.text.charCodeAt(0) === 0xfeff;
    const file: SourceFile = { path: absPath, absPath, text: bom ? entry.text.slice(1) : entry.text, bom };
    entry.tree = { file, roots: parseFile(file, true).documents.flatMap((d) => d.root ?? []) };
  }
  return entry.tree;
}
