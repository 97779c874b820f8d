import type { Span } from './tree.js';

/** One input as read: a file on disk or stdin. */
export interface SourceFile {
  /** Relative to the working directory with `/` separators, or `<stdin>`. */
  path: string;
  /** Where it lives on disk; null for stdin. */
  absPath: string | null;
  /** Decoded text without a BOM: every offset in probe-lint counts into this. */
  text: string;
  bom: boolean;
  /** Output of `helm template` or `kubectl kustomize` run on a directory; `path` is that directory. */
  rendered?: RenderedFrom;
  /**
   * Set when `text` holds only some whole lines of the file, the ones a finding shows (see `excerpt`):
   * offsets still count into the whole file, and positionOf, lineText and linesAround read them.
   */
  window?: TextWindow;
}

/** Where an excerpt's text starts in the whole file: its offset and 1-based line. */
export interface TextWindow {
  start: number;
  line: number;
}

export interface RenderedFrom {
  /** The renderer's name (src/renderers): which one carries its findings home. */
  tool: string;
  /** The command it was rendered with, as people would type it: `helm template`. */
  command: string;
  /** Absolute path of the rendered directory. */
  dir: string;
  /** Its entry file (Chart.yaml, kustomization.yaml): where a finding goes when nothing more precise is known. */
  entry: string;
  /** Files the render read that people edit, in the order the tool read them (values files, resources). */
  reads: string[];
  /** Which render of the directory this is when it is rendered several ways (a Helm value set); null when once. */
  variant: string | null;
  /** Every variant its directory was to be rendered as, this one and any that failed to render: what a finding of it is named among. */
  siblings?: readonly string[];
}

export interface Position {
  line: number;
  column: number;
}

const lineStartsCache = new WeakMap<SourceFile, number[]>();

function lineStarts(file: SourceFile): number[] {
  let starts = lineStartsCache.get(file);
  if (!starts) {
    starts = [0];
    const text = file.text;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    lineStartsCache.set(file, starts);
  }
  return starts;
}

/** 1-based line and column (UTF-16 code units) of an offset. */
export function positionOf(file: SourceFile, offset: number): Position {
  if (file.window) {
    const { line, column } = positionOf({ ...file, window: undefined }, offset - file.window.start);
    return { line: line + file.window.line - 1, column };
  }
  const starts = lineStarts(file);
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

/** The text of a 1-based line without its line ending. */
export function lineText(file: SourceFile, line: number): string {
  if (file.window) line -= file.window.line - 1;
  const starts = lineStarts(file);
  const start = starts[line - 1];
  if (start === undefined) return '';
  const next = starts[line];
  const end = next === undefined ? file.text.length : next - 1;
  return file.text.slice(start, end).replace(/\r$/, '');
}

export interface Range {
  start: Position;
  end: Position;
}

export function rangeOf(file: SourceFile, span: Span): Range {
  return { start: positionOf(file, span.start), end: positionOf(file, span.end) };
}

/** Where a line's text starts (after indentation and `- ` markers) and ends: what a finding located only by its line underlines. */
export function lineColumns(line: string): { column: number; endColumn: number } | null {
  const text = line.trimEnd();
  if (text.trim() === '') return null;
  const start = text.length - text.replace(/^[\s-]*/, '').length;
  return { column: start + 1, endColumn: text.length + 1 };
}

/**
 * The file's name and origin without its text, for what outlives the pass that read it: the routing pass's
 * Services and routes name their file (routing.ts compares paths), and a run lets the text go. No offset
 * into it can be resolved again: nothing reports on such an object.
 */
export function withoutText(file: SourceFile): SourceFile {
  return { ...file, text: '' };
}

/**
 * The whole lines holding offsets `from` to `to` (a line that `to` ends with its break included), and the
 * offset where they start: what a diff of an edit there shows.
 */
export function linesAround(file: SourceFile, from: number, to: number): { start: number; text: string } {
  const base = file.window?.start ?? 0;
  const text = file.text;
  const first = text.lastIndexOf('\n', from - base - 1) + 1;
  const last = to - base;
  const end = text.indexOf('\n', last > first && text[last - 1] === '\n' ? last - 1 : last);
  return { start: base + first, text: text.slice(first, end === -1 ? text.length : end + 1) };
}

/**
 * The file with only the lines from the one before `from` through the one holding `to` (with its line
 * break): what a finding let go of its file keeps to be shown (a code frame, a fix's diff).
 */
export function excerpt(file: SourceFile, from: number, to: number): SourceFile {
  const { line } = positionOf(file, from);
  const before = line > 1 ? file.text.lastIndexOf('\n', file.text.lastIndexOf('\n', from - 1) - 1) + 1 : 0;
  const { text } = linesAround(file, before, to);
  // A copy: a slice of the text would keep the whole text alive.
  return { ...file, text: structuredClone(text), window: { start: before, line: Math.max(1, line - 1) } };
}
