// Chart templates, values files and kustomize bases are read once per run
// however many findings point into them; a changed file is read again.
// Every read here is bounded: only a regular file is opened (a FIFO blocks
// the run, /dev/zero never ends), and no more than a limit is read of it.
import fs from 'node:fs';
import { parseFile, type ParsedFile } from './parse.js';
import type { SourceFile } from './source.js';
import type { TreeNode } from './tree.js';

/** The most read of one manifest, template or values file: anything bigger is generated data, not something people edit. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/** A file's bytes, or why it was not read (`a FIFO, not a regular file`, `larger than 64 MiB (70 MiB)`). */
export type BoundedRead = { bytes: Buffer } | { skipped: string };

// Opening a FIFO for reading waits for a writer; non-blocking, the open returns
// at once and fstat can refuse it (it is checked again there in case the path was swapped after stat).
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function mebibytes(bytes: number): string {
  // Rounded up, so that a size just over a limit never reads as the limit itself.
  const mib = Math.ceil((bytes / (1024 * 1024)) * 10) / 10;
  return `${mib} MiB`;
}

function specialKind(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return stat.isDirectory() ? 'a directory' : 'a special file';
}

/** Why a file (as stat sees it, symlinks resolved) must not be read; null when it may. */
export function fileProblem(stat: fs.Stats, limit: number): string | null {
  if (!stat.isFile()) return `${specialKind(stat)}, not a regular file`;
  if (stat.size > limit) return `larger than ${mebibytes(limit)} (${mebibytes(stat.size)})`;
  return null;
}

/**
 * Reads a regular file of at most `limit` bytes. The path is checked before it
 * is opened (opening some devices has effects of its own), the open file again,
 * and the read stops past the limit even if the file grows meanwhile. Throws
 * what fs throws for a missing or unreadable file.
 */
export function readBounded(absPath: string, limit: number, scratch?: Buffer): BoundedRead {
  const before = fileProblem(fs.statSync(absPath), limit);
  if (before) return { skipped: before };
  const fd = fs.openSync(absPath, OPEN_FLAGS);
  try {
    const stat = fs.fstatSync(fd);
    const problem = fileProblem(stat, limit);
    if (problem) return { skipped: problem };
    const room = Math.min(stat.size, limit) + 1;
    let buffer = scratch && scratch.length >= room ? scratch : Buffer.allocUnsafe(room);
    let total = 0;
    for (;;) {
      if (total === buffer.length) {
        if (total > limit) return { skipped: `larger than ${mebibytes(limit)}` };
        buffer = Buffer.concat([buffer], Math.min(buffer.length * 2, limit + 1));
      }
      const read = fs.readSync(fd, buffer, total, buffer.length - total, null);
      if (read === 0) return { bytes: buffer.subarray(0, total) };
      total += read;
    }
  } finally {
    fs.closeSync(fd);
  }
}

export interface TreeFile {
  file: SourceFile;
  /** The whole parse: every document, the first error. */
  parsed: ParsedFile;
  /** The trees of its documents that have one, in order. */
  roots: TreeNode[];
}

interface Entry {
  stamp: string;
  text: string | null;
  tree?: TreeFile | null;
}

const cache = new Map<string, Entry>();

function cached(absPath: string, limit: number): Entry | null {
  let stamp: string;
  try {
    const stat = fs.statSync(absPath);
    // The limit is part of the stamp: a file read under a smaller one is not a hit for a larger one.
    stamp = `${stat.mtimeMs}:${stat.size}:${limit}`;
  } catch {
    return null;
  }
  const hit = cache.get(absPath);
  if (hit?.stamp === stamp) return hit;
  let text: string | null;
  try {
    const read = readBounded(absPath, limit);
    text = 'bytes' in read ? read.bytes.toString('utf8') : null;
  } catch {
    text = null;
  }
  const entry: Entry = { stamp, text };
  cache.set(absPath, entry);
  return entry;
}

/** A file's text; null when it cannot be read, is not a regular file or is over `limit` bytes. */
export function readTextFile(absPath: string, limit = MAX_FILE_BYTES): string | null {
  return cached(absPath, limit)?.text ?? null;
}

/** A YAML file on disk as trees, one per document; null when it cannot be read (as readTextFile). */
export function readTreeFile(absPath: string, limit = MAX_FILE_BYTES): TreeFile | null {
  const entry = cached(absPath, limit);
  if (!entry || entry.text === null) return null;
  if (entry.tree === undefined) {
    const bom = entry.text.charCodeAt(0) === 0xfeff;
    const file: SourceFile = { path: absPath, absPath, text: bom ? entry.text.slice(1) : entry.text, bom };
    const parsed = parseFile(file, true);
    entry.tree = { file, parsed, roots: parsed.documents.flatMap((d) => d.root ?? []) };
  }
  return entry.tree;
}
