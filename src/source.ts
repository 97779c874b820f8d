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
   * Set when only some whole lines of the file are kept, the ones its findings show (see `excerpt`): `text`
   * is then empty, offsets still count into the whole file, and positionOf, lineText and linesAround read
   * these.
   */
  windows?: readonly TextWindow[];
}

/** Whole lines of a file: their text, and the offset and 1-based line where they start. */
export interface TextWindow {
  start: number;
  line: number;
  text: string;
  /** They run to the end of the file: an offset or line past it reads as it would in the whole text. */
  last: boolean;
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

/** A text with where it sits in its file: the file itself, or one window of an excerpt. */
interface Lines {
  text: string;
  start: number;
  line: number;
}

const lineStartsCache = new WeakMap<object, number[]>();

function lineStarts(key: object, text: string): number[] {
  let starts = lineStartsCache.get(key);
  if (!starts) {
    starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    lineStartsCache.set(key, starts);
  }
  return starts;
}

const whole = new WeakMap<SourceFile, Lines>();

/** The lines that hold `offset` (or `line`, when given): the file's text, or the window of an excerpt that has it. */
function linesOf(file: SourceFile, offset: number, line?: number): Lines {
  if (file.windows) {
    const found = file.windows.find((w) =>
      line === undefined
        ? w.start <= offset && (offset <= w.start + w.text.length || w.last)
        : w.line <= line && (line < w.line + lineStarts(w, w.text).length || w.last),
    );
    // An excerpt keeps every line its findings show: anything else asked of it is a bug, not a place to guess.
    if (!found) throw new Error(`${file.path}: ${line === undefined ? `offset ${offset}` : `line ${line}`} is not in the lines kept of it`);
    return found;
  }
  let lines = whole.get(file);
  if (!lines) whole.set(file, (lines = { text: file.text, start: 0, line: 1 }));
  return lines;
}

/** Where each line of a file read whole starts (offsets): the index positionOf searches, made once per file. */
export function lineStartsOf(file: SourceFile): readonly number[] {
  if (file.windows) throw new Error(`${file.path}: only some lines of it are kept`);
  const lines = linesOf(file, 0);
  return lineStarts(lines, lines.text);
}

/** 1-based line and column (UTF-16 code units) of an offset. */
export function positionOf(file: SourceFile, offset: number): Position {
  const lines = linesOf(file, offset);
  const starts = lineStarts(lines, lines.text);
  const at = offset - lines.start;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return { line: lines.line + lo, column: at - starts[lo]! + 1 };
}

/** The text of a 1-based line without its line ending. */
export function lineText(file: SourceFile, line: number): string {
  const lines = linesOf(file, 0, line);
  const starts = lineStarts(lines, lines.text);
  const start = starts[line - lines.line];
  if (start === undefined) return '';
  const next = starts[line - lines.line + 1];
  const end = next === undefined ? lines.text.length : next - 1;
  return lines.text.slice(start, end).replace(/\r$/, '');
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
  const { text, start: base } = linesOf(file, from);
  const first = text.lastIndexOf('\n', from - base - 1) + 1;
  const last = to - base;
  const end = text.indexOf('\n', last > first && text[last - 1] === '\n' ? last - 1 : last);
  return { start: base + first, text: text.slice(first, end === -1 ? text.length : end + 1) };
}

/**
 * The file with only the lines its findings show: for each span, from the line before it through the line
 * that holds its end (line break included), spans that touch merged into one window. What findings keep of
 * a file that is let go: their positions, code frames and fix diffs read these lines.
 */
export function excerpt(file: SourceFile, spans: readonly Span[]): SourceFile {
  const ranges = spans
    .map((span) => {
      const { line } = positionOf(file, span.start);
      const from = line > 1 ? file.text.lastIndexOf('\n', file.text.lastIndexOf('\n', span.start - 1) - 1) + 1 : 0;
      const { start, text } = linesAround(file, from, span.end);
      return { start, end: start + text.length, line: Math.max(1, line - 1) };
    })
    .sort((a, b) => a.start - b.start);
  const merged: typeof ranges = [];
  for (const range of ranges) {
    const last = merged.at(-1);
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  const windows = merged.map(({ start, end, line }) => ({ start, line, text: ownCopy(file.text.slice(start, end)), last: end >= file.text.length }));
  return { ...file, text: '', windows };
}

/**
 * Plain data with every string copied: a string read from a file is often a slice of its text (and a message
 * built from one holds the slice), and would keep the whole text alive. Concatenating and cutting makes the
 * engine flatten a copy; strings of under 13 characters are never slices.
 */
export function ownCopy<T>(value: T): T {
  if (typeof value === 'string') return (value.length < 13 ? value : (value + ' ').slice(0, -1)) as T;
  if (Array.isArray(value)) return value.map(ownCopy) as T;
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = ownCopy(item);
  return copy as T;
}
