// Fixes as a unified diff (--fix-dry-run), split at YAML document starts so
// that hunks stay within a document.
import { diffLines, formatPatch, type Change, type StructuredPatchHunk } from 'diff';
import type { FixedFile } from './fix-write.js';

/**
 * The fixes as a unified diff, as `createTwoFilesPatch` writes one. `note` heads each file's patch
 * with a `# ` line (fixes shown, not applied): patch and git apply skip text before a `---` header.
 */
export function unifiedDiff(files: readonly FixedFile[], note?: string): string {
  const head = note === undefined ? '' : `# ${note}\n`;
  return files.map((f) => head + formatPatch({ oldFileName: `a/${f.path}`, newFileName: `b/${f.path}`, oldHeader: '', newHeader: '', hunks: hunksOf(lineChanges(f.before, f.after), 3) })).join('');
}

// A line of `---` at column 0 starts a YAML document.
const DOCUMENT_START = /^---(?=[ \t]|\r?\n|$)/gm;

function documentPieces(text: string): string[] {
  const starts = [0, ...[...text.matchAll(DOCUMENT_START)].map((m) => m.index).filter((i) => i > 0)];
  return starts.map((start, i) => text.slice(start, starts[i + 1] ?? text.length));
}

/**
 * The changed and unchanged lines, diffed document by document: fixes never touch a `---` line, and a
 * whole-file diff costs lines × changes (15 s for 4,000 fixes in a 1.6 MB file). Any pairing of the
 * pieces gives a true diff; this one gives the diff a reader expects.
 */
function lineChanges(before: string, after: string): Change[] {
  const a = documentPieces(before);
  const b = documentPieces(after);
  if (a.length !== b.length) return diffLines(before, after);
  const changes: Change[] = [];
  for (const [i, piece] of a.entries()) {
    for (const change of diffLines(piece, b[i]!)) {
      const last = changes.at(-1);
      // Unchanged lines on both sides of a document break are one run, as in a whole-file diff.
      if (last && !last.added && !last.removed && !change.added && !change.removed) changes[changes.length - 1] = { ...last, value: last.value + change.value, count: last.count + change.count };
      else changes.push(change);
    }
  }
  return changes;
}

/** Lines with their line break, the last one without when the text has none. */
function splitLines(text: string): string[] {
  const lines = text.split('\n').map((line) => `${line}\n`);
  if (text.endsWith('\n')) lines.pop();
  else lines.push(lines.pop()!.slice(0, -1));
  return lines;
}

/** Hunks with `context` lines around each change, merged where their context meets: what `structuredPatch` builds. */
function hunksOf(changes: readonly Change[], context: number): StructuredPatchHunk[] {
  const hunks: StructuredPatchHunk[] = [];
  let open: StructuredPatchHunk | null = null;
  let oldLine = 1;
  let newLine = 1;
  const close = (hunk: StructuredPatchHunk, trailing: string[]): void => {
    hunk.lines.push(...trailing.map((l) => ` ${l}`));
    hunk.oldLines = oldLine - hunk.oldStart + trailing.length;
    hunk.newLines = newLine - hunk.newStart + trailing.length;
    hunks.push(hunk);
  };
  for (const [i, change] of changes.entries()) {
    const lines = splitLines(change.value);
    if (change.added || change.removed) {
      if (!open) {
        const lead = i > 0 && context > 0 ? splitLines(changes[i - 1]!.value).slice(-context) : [];
        open = { oldStart: oldLine - lead.length, oldLines: 0, newStart: newLine - lead.length, newLines: 0, lines: lead.map((l) => ` ${l}`) };
      }
      open.lines.push(...lines.map((l) => `${change.added ? '+' : '-'}${l}`));
      if (change.added) newLine += lines.length;
      else oldLine += lines.length;
      continue;
    }
    if (open && lines.length <= context * 2 && i < changes.length - 1) {
      open.lines.push(...lines.map((l) => ` ${l}`));
    } else if (open) {
      close(open, lines.slice(0, context));
      open = null;
    }
    oldLine += lines.length;
    newLine += lines.length;
  }
  if (open) close(open, []);
  for (const hunk of hunks) hunk.lines = hunk.lines.flatMap((l) => (l.endsWith('\n') ? [l.slice(0, -1)] : [l, '\\ No newline at end of file']));
  return hunks;
}
