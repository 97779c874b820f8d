// Text edits against the original file, built from tree nodes: replace a
// scalar, add a key to a block or flow map, remove an entry, insert a block
// before an entry. The user's formatting around them is left alone: edits
// splice at node ranges, indent like their neighbours and use the file's own
// line ending. Nodes that are anchored or aliased are never edited (it would
// change every place that uses them): the helpers return null instead.
import type { SourceFile } from './source.js';
import type { MapEntry, MapNode, TreeNode } from './tree.js';
import { entry } from './tree.js';

export interface TextEdit {
  offset: number;
  length: number;
  text: string;
}

/** A field a fix changes, so the fixer can check that nothing else changed. */
export interface Change {
  map: MapNode;
  key: string;
}

export interface EditSet {
  edits: TextEdit[];
  changes: Change[];
}

// Both scan the whole file; a large file with many findings asks many times.
const endings = new WeakMap<SourceFile, string>();
const steps = new WeakMap<SourceFile, number>();

function lineEnding(file: SourceFile): string {
  let eol = endings.get(file);
  if (eol === undefined) endings.set(file, (eol = file.text.includes('\r\n') ? '\r\n' : '\n'));
  return eol;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** Whether only spaces stand between the start of the line and `offset`. */
function startsLine(text: string, offset: number): boolean {
  return /^[ ]*$/.test(text.slice(lineStart(text, offset), offset));
}

/** The indentation step of the file: the smallest indent a nested block adds, else 2. */
function indentStep(file: SourceFile): number {
  let step = steps.get(file);
  if (step === undefined) steps.set(file, (step = measureIndentStep(file)));
  return step;
}

function measureIndentStep(file: SourceFile): number {
  let best = Infinity;
  const lines = file.text.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (!/:\s*$/.test(line) || /^\s*#/.test(line)) continue;
    const next = lines[i + 1]!;
    if (next.trim() === '' || /^\s*#/.test(next)) continue;
    const indent = (s: string): number => s.length - s.replace(/^[ -]*/, '').length;
    // `- key:` lines: the key's column counts, not the dash's.
    const diff = indent(next) - indent(line);
    if (diff > 0 && diff < best) best = diff;
    if (best === 2) break;
  }
  return Number.isFinite(best) && best <= 8 ? best : 2;
}

/** A scalar as YAML 1.1 readers (Kubernetes) take it back: strings that would read as something else are quoted. */
export function scalarText(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const special = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
  const plain = /^[A-Za-z_/][\w./-]*$/.test(value) && !special.test(value);
  return plain ? value : JSON.stringify(value);
}

function replaceScalar(node: TreeNode, text: string): TextEdit | null {
  if (node.shared || node.kind !== 'scalar') return null;
  return { offset: node.span.start, length: node.span.end - node.span.start, text };
}

/**
 * Lines of a block under a key, e.g. ['preStop:', '  sleep:', '    seconds: 5'] with
 * relative indentation in steps of two spaces, re-indented to the file's step.
 */
function reindent(lines: string[], base: string, step: number): string[] {
  return lines.map((line) => {
    const depth = (line.length - line.trimStart().length) / 2;
    return base + ' '.repeat(depth * step) + line.trimStart();
  });
}

/**
 * Adds `key: value` (a one-line value) or `key:` with a nested block to a map, as its
 * last entry. `block` lines are indented in steps of two spaces relative to the key.
 */
export function addEntry(file: SourceFile, map: MapNode, key: string, value: string | string[]): EditSet | null {
  if (map.shared) return null;
  const text = file.text;
  // Merged entries (`<<: *base`) live elsewhere in the file; only the map's own count for placement.
  const own = map.entries.filter((x) => x.keySpan.start >= map.span.start && x.keySpan.start < map.span.end);
  if (map.flow) {
    if (Array.isArray(value)) return null;
    const last = own.at(-1);
    const at = last ? (last.value ? last.value.span.end : last.keySpan.end) : map.span.start + 1;
    return { edits: [{ offset: at, length: 0, text: `${last ? ', ' : ''}${key}: ${value}` }], changes: [{ map, key }] };
  }
  const first = own[0];
  if (!first) return null;
  const eol = lineEnding(file);
  const indent = ' '.repeat(column(text, first.keySpan.start));
  const lines = Array.isArray(value)
    ? [`${indent}${key}:`, ...reindent(value, indent + ' '.repeat(indentStep(file)), indentStep(file))]
    : [`${indent}${key}: ${value}`];
  // valueEnd of a block map is on the line after its last entry (after the indentation of what
  // follows, when comment lines come between), or the end of a file without a final newline.
  const at = startsLine(text, map.span.end) ? lineStart(text, map.span.end) : map.span.end;
  const needsBreak = at > 0 && text[at - 1] !== '\n';
  return { edits: [{ offset: at, length: 0, text: (needsBreak ? eol : '') + lines.join(eol) + (needsBreak ? '' : eol) }], changes: [{ map, key }] };
}

/** Sets a one-line value: replaces it when written, adds the key otherwise. */
export function setValue(file: SourceFile, map: MapNode, key: string, value: string): EditSet | null {
  const existing = entry(map, key);
  if (!existing) return addEntry(file, map, key, value);
  if (map.shared || !existing.value) return null;
  const edit = replaceScalar(existing.value, value);
  return edit ? { edits: [edit], changes: [{ map, key }] } : null;
}

/** Removes an entry: its whole lines in a block map, `key: value` and a comma in a flow map. */
export function removeEntry(file: SourceFile, map: MapNode, e: MapEntry): EditSet | null {
  if (map.shared || (e.value?.shared ?? false)) return null;
  const text = file.text;
  const end = e.value ? e.value.span.end : e.keySpan.end;
  if (map.flow) {
    const after = /^\s*,\s*/.exec(text.slice(end));
    const before = /,\s*$/.exec(text.slice(map.span.start + 1, e.keySpan.start));
    const from = !after && before ? map.span.start + 1 + before.index : e.keySpan.start;
    const to = after ? end + after[0].length : end;
    return { edits: [{ offset: from, length: to - from, text: '' }], changes: [{ map, key: e.key }] };
  }
  if (!startsLine(text, e.keySpan.start) || map.entries.length < 2) return null;
  const from = lineStart(text, e.keySpan.start);
  // Through the end of the value's last line, keeping a trailing comment on that line with it.
  const newline = text.indexOf('\n', end > from && text[end - 1] === '\n' ? end - 1 : end);
  const to = newline === -1 ? text.length : newline + 1;
  return { edits: [{ offset: from, length: to - from, text: '' }], changes: [{ map, key: e.key }] };
}

/** Inserts lines (already indented as the entry's key is) before an entry of a block map. */
export function insertBefore(file: SourceFile, map: MapNode, e: MapEntry, key: string, lines: string[]): EditSet | null {
  if (map.shared || map.flow || !startsLine(file.text, e.keySpan.start)) return null;
  const eol = lineEnding(file);
  const from = lineStart(file.text, e.keySpan.start);
  return { edits: [{ offset: from, length: 0, text: lines.join(eol) + eol }], changes: [{ map, key }] };
}

/** The source text of an entry, from its key to the end of its value, without trailing line breaks. */
export function entryText(file: SourceFile, e: MapEntry): string {
  const end = e.value ? e.value.span.end : e.keySpan.end;
  return file.text.slice(e.keySpan.start, end).replace(/\s+$/, '');
}

export function columnOf(file: SourceFile, offset: number): number {
  return column(file.text, offset);
}

export function merge(...sets: (EditSet | null)[]): EditSet | null {
  if (sets.some((s) => s === null)) return null;
  return { edits: sets.flatMap((s) => s!.edits), changes: sets.flatMap((s) => s!.changes) };
}

/** The edit helpers bound to one file: what a rule's context hands it, so rules never pass files around. */
export interface Editor {
  set(map: MapNode, key: string, value: string): EditSet | null;
  add(map: MapNode, key: string, value: string | string[]): EditSet | null;
  remove(map: MapNode, e: MapEntry): EditSet | null;
  insertBefore(map: MapNode, e: MapEntry, key: string, lines: string[]): EditSet | null;
  /** The source text of an entry, from its key to the end of its value. */
  text(e: MapEntry): string;
  /** 0-based column of an offset. */
  column(offset: number): number;
}

export function editorFor(file: SourceFile): Editor {
  return {
    set: (map, key, value) => setValue(file, map, key, value),
    add: (map, key, value) => addEntry(file, map, key, value),
    remove: (map, e) => removeEntry(file, map, e),
    insertBefore: (map, e, key, lines) => insertBefore(file, map, e, key, lines),
    text: (e) => entryText(file, e),
    column: (offset) => columnOf(file, offset),
  };
}

/** The text with the edits applied; edits are against the original and do not overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.offset - a.offset)) {
    out = out.slice(0, edit.offset) + edit.text + out.slice(edit.offset + edit.length);
  }
  return out;
}
