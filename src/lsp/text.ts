// An editor's text as probe-lint reads it, and the way back: offsets into the
// BOM-less text (what every span and fix edit counts in) ↔ LSP positions in the
// document as the editor holds it. Both count UTF-16 code units, as LSP's
// default position encoding does.
import type { Position, Range } from 'vscode-languageserver';
import { displayPath } from '../inputs.js';
import { fromText } from '../read-inputs.js';
import { positionOf, type SourceFile } from '../source.js';
import type { Span } from '../tree.js';

export interface EditorText {
  source: SourceFile;
  /** 1 when the editor's text starts with a BOM that the linted text leaves out: columns of the first line move by it. */
  shift: number;
}

export function editorText(text: string, absPath: string, folder: string): EditorText {
  const source = fromText(displayPath(folder, absPath), absPath, text);
  return { source, shift: source.bom ? 1 : 0 };
}

export function lspPosition(at: EditorText, offset: number): Position {
  const { line, column } = positionOf(at.source, offset);
  return { line: line - 1, character: column - 1 + (line === 1 ? at.shift : 0) };
}

export function lspRange(at: EditorText, span: Span): Range {
  return { start: lspPosition(at, span.start), end: lspPosition(at, span.end) };
}

/** The linted text's offset of an editor offset (TextDocument.offsetAt). */
export function sourceOffset(at: EditorText, editorOffset: number): number {
  return Math.max(0, editorOffset - at.shift);
}
