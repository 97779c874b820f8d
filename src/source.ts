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
