// --fix: apply fixes in passes until nothing applicable is left (at most 10),
// re-parsing every pass, then check that each file still holds the same
// objects apart from the fields the fixes meant to change, and write it
// atomically with its BOM, line endings and mode kept.
import fs from 'node:fs/promises';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { applyEdits, type TextEdit } from './edit.js';
import { parseFile, type ParsedFile } from './parse.js';
import type { Fix } from './rule.js';
import { run, type RunOptions, type RunResult } from './run.js';
import type { SourceFile } from './source.js';
import type { MapNode, TreeNode } from './tree.js';

const MAX_PASSES = 10;

export interface FixedFile {
  path: string;
  absPath: string;
  before: string;
  after: string;
  bom: boolean;
  fixes: number;
}

export interface FixOutcome {
  /** The lint of the fixed texts: what is left. */
  result: RunResult;
  files: FixedFile[];
  /** Files left as they were because a fix would have broken them: a bug in probe-lint, reported as such. */
  refused: { path: string; reason: string }[];
}

type Path = (string | number)[];

export async function fixAll(options: RunOptions, unsafe: boolean): Promise<FixOutcome> {
  const texts = new Map<string, string>();
  const originals = new Map<string, SourceFile>();
  const counts = new Map<string, number>();
  const changedPaths = new Map<string, { document: number; path: Path }[]>();
  const refused = new Map<string, { path: string; reason: string }>();
  const refuse = (file: SourceFile, reason: string): void => {
    refused.set(file.absPath!, { path: file.path, reason });
    texts.delete(file.absPath!);
  };
  options = { ...options, renderCache: options.renderCache ?? new Map() };
  let result = await run(options);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let appliedThisPass = 0;
    for (const [file, fixes] of fixesByFile(result, unsafe)) {
      if (refused.has(file.absPath!)) continue;
      const parsed = result.files.find((p) => p.file === file)!;
      const accepted = nonOverlapping(fixes);
      if (accepted.length === 0) continue;
      const after = applyEdits(file.text, accepted.flatMap((f) => f.edits));
      const reparsed = parseFile({ ...file, text: after }, true);
      if (reparsed.error) {
        refuse(originals.get(file.absPath!) ?? file, `a fix would break it (${reparsed.error.message}; ${accepted.map((f) => f.description).join('; ')})`);
        continue;
      }
      if (!originals.has(file.absPath!)) originals.set(file.absPath!, file);
      const paths = changedPaths.get(file.absPath!) ?? [];
      for (const fix of accepted) paths.push(...fix.changes.map((c) => locate(parsed, c.map, c.key)));
      changedPaths.set(file.absPath!, paths);
      texts.set(file.absPath!, after);
      counts.set(file.absPath!, (counts.get(file.absPath!) ?? 0) + accepted.length);
      appliedThisPass += accepted.length;
    }
    if (appliedThisPass === 0) break;
    result = await run({ ...options, overrides: texts });
  }
  const files: FixedFile[] = [];
  for (const [absPath, after] of texts) {
    const original = originals.get(absPath)!;
    const changedElsewhere = sameObjects(original, after, changedPaths.get(absPath) ?? []);
    if (changedElsewhere) refuse(original, changedElsewhere);
    else files.push({ path: original.path, absPath, before: original.text, after, bom: original.bom, fixes: counts.get(absPath) ?? 0 });
  }
  // What is reported describes the files as they will be: refused ones as on disk.
  if (refused.size > 0) result = await run({ ...options, overrides: texts });
  return { result, files: files.sort((a, b) => (a.path < b.path ? -1 : 1)), refused: [...refused.values()] };
}

function isApplicable(fix: Fix | null, unsafe: boolean): fix is Fix {
  return fix !== null && (fix.safe || unsafe);
}

function fixesByFile(result: RunResult, unsafe: boolean): Map<SourceFile, Fix[]> {
  const byFile = new Map<SourceFile, Fix[]>();
  for (const finding of result.findings) {
    // Changes mapped onto a chart's values or templates are shown, never applied.
    if (!isApplicable(finding.fix, unsafe) || finding.file.absPath === null || finding.fix.target) continue;
    const list = byFile.get(finding.file) ?? [];
    list.push(finding.fix);
    byFile.set(finding.file, list);
  }
  return byFile;
}

/** Fixes whose edits touch nothing an earlier fix touches; the rest wait for the next pass. */
function nonOverlapping(fixes: Fix[]): Fix[] {
  const taken: TextEdit[] = [];
  const clash = (a: TextEdit, b: TextEdit): boolean =>
    a.offset === b.offset || (a.offset < b.offset + b.length && b.offset < a.offset + a.length);
  const accepted: Fix[] = [];
  const ordered = [...fixes].sort((a, b) => Math.min(...a.edits.map((e) => e.offset)) - Math.min(...b.edits.map((e) => e.offset)));
  for (const fix of ordered) {
    if (fix.edits.some((e) => taken.some((t) => clash(e, t)))) continue;
    taken.push(...fix.edits);
    accepted.push(fix);
  }
  return accepted;
}

/** Which document a changed map is in, and the path from its root to the changed key. */
function locate(parsed: ParsedFile, map: MapNode, key: string): { document: number; path: Path } {
  for (const document of parsed.documents) {
    if (!document.root) continue;
    const found = pathTo(document.root, map);
    if (found) return { document: document.index, path: [...found, key] };
  }
  throw new Error(`a fix changed a map outside the documents of ${parsed.file.path}`);
}

function pathTo(node: TreeNode, target: TreeNode, seen = new Set<TreeNode>()): Path | null {
  if (node === target) return [];
  if (seen.has(node)) return null;
  seen.add(node);
  const children: [string | number, TreeNode | null][] =
    node.kind === 'map' ? node.entries.map((e) => [e.key, e.value]) : node.kind === 'seq' ? node.items.map((n, i) => [i, n]) : [];
  for (const [step, child] of children) {
    if (!child) continue;
    const below = pathTo(child, target, seen);
    if (below) return [step, ...below];
  }
  return null;
}

/** Why a file must not be written: its objects changed where no fix meant to change them; null when it is fine. */
function sameObjects(original: SourceFile, after: string, changed: { document: number; path: Path }[]): string | null {
  const before = parseFile(original, true).documents;
  const now = parseFile({ ...original, text: after }, true).documents;
  if (before.length !== now.length) return 'the fixes would change its number of documents';
  for (const [i, doc] of before.entries()) {
    const paths = changed.filter((c) => c.document === i).map((c) => c.path);
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

/** A tree as plain data. */
export function plain(node: TreeNode | null, depth = 0): unknown {
  if (!node || depth > 200) return null;
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'seq') return node.items.map((n) => plain(n, depth + 1));
  return Object.fromEntries(node.entries.map((e) => [e.key, plain(e.value, depth + 1)]));
}

function withoutPaths(value: unknown, paths: Path[]): unknown {
  const copy = structuredClone(value);
  for (const p of paths) {
    let at: unknown = copy;
    for (const step of p.slice(0, -1)) at = at && typeof at === 'object' ? (at as Record<string | number, unknown>)[step] : undefined;
    if (at && typeof at === 'object') delete (at as Record<string | number, unknown>)[p.at(-1)!];
  }
  return copy;
}

/** Writes each fixed file through a temporary file in the same directory, keeping its mode and BOM. */
export async function writeFixed(files: readonly FixedFile[]): Promise<void> {
  for (const file of files) {
    const { mode } = await fs.stat(file.absPath);
    const temp = path.join(path.dirname(file.absPath), `.${path.basename(file.absPath)}.probe-lint-${process.pid}.tmp`);
    try {
      await fs.writeFile(temp, (file.bom ? '\uFEFF' : '') + file.after, { mode });
      await fs.chmod(temp, mode);
      await fs.rename(temp, file.absPath);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
  }
}

export function unifiedDiff(files: readonly FixedFile[]): string {
  return files.map((f) => createTwoFilesPatch(`a/${f.path}`, `b/${f.path}`, f.before, f.after, '', '', { context: 3 })).join('');
}

