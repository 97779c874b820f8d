// Text edits against the original file, built from tree nodes: replace a
// scalar, add a key to a block or flow map, remove an entry, insert a block
// before an entry. The user's formatting around them is left alone: edits
// splice at node ranges, indent like their neighbours and use the file's own
// line ending. Nodes that are anchored or aliased are never edited (it would
// change every place that uses them): the helpers return null instead. A flow
// map written JSON-style (a .json manifest, or quoted keys) gets JSON: quoted
// keys, JSON values, nested blocks as objects; what JSON cannot say (a block
// inserted before an entry) is not offered there.
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

/** Entries written in the map itself: merged ones (`<<: *base`) live elsewhere in the file. */
function ownEntries(map: MapNode): MapEntry[] {
  return map.entries.filter((x) => x.keySpan.start >= map.span.start && x.keySpan.start < map.span.end);
}

/** Whether a flow map is written as JSON: in a .json file, or with every key in double quotes. */
function jsonStyle(file: SourceFile, map: MapNode, own: readonly MapEntry[]): boolean {
  if (!map.flow) return false;
  if (/\.json$/i.test(file.path)) return true;
  return own.length > 0 && own.every((e) => file.text[e.keySpan.start] === '"');
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * A one-line YAML value as JSON: numbers, booleans and quoted strings (scalarText quotes with JSON.stringify)
 * stand as they are, a plain string gets quotes; null when it is something JSON cannot read.
 */
function jsonValue(yaml: string): string | null {
  if (JSON_NUMBER.test(yaml) || yaml === 'true' || yaml === 'false' || yaml === 'null') return yaml;
  if (/^["[{]/.test(yaml)) {
    try {
      JSON.parse(yaml);
      return yaml;
    } catch {
      return null;
    }
  }
  // A plain YAML scalar: its text is the string.
  return /^[^\s#'&*!|>%@`,\]}-]/.test(yaml) && !/: | #|\s$/.test(yaml) ? JSON.stringify(yaml) : null;
}

/** A block of `key:` / `key: value` lines, two spaces a level, as a tree; null for shapes it cannot hold (sequences). */
interface Block {
  key: string;
  value: string | Block[];
}

function parseBlock(lines: readonly string[]): Block[] | null {
  const root: Block[] = [];
  const open: { depth: number; children: Block[] }[] = [{ depth: -1, children: root }];
  for (const line of lines) {
    const depth = (line.length - line.trimStart().length) / 2;
    const match = /^([A-Za-z_][\w.-]*):(?: (.+))?$/.exec(line.trimStart());
    if (!match || !Number.isInteger(depth)) return null;
    while (open.at(-1)!.depth >= depth) open.pop();
    const parent = open.at(-1)!;
    if (depth !== parent.depth + 1) return null;
    const block: Block = { key: match[1]!, value: match[2] ?? [] };
    parent.children.push(block);
    if (typeof block.value !== 'string') open.push({ depth, children: block.value });
  }
  return root;
}

/** How a JSON-style map lays out its entries: between entries, between key and value, and one level of indentation. */
interface JsonLayout {
  /** Before each entry after the first: `,\n    ` or `, ` or `,`. */
  separator: string;
  colon: string;
  /** Set for a map written one entry a line: the entries' indentation and the step to nest by. */
  lines: { indent: string; step: string; eol: string } | null;
}

function jsonLayout(file: SourceFile, map: MapNode, own: readonly MapEntry[]): JsonLayout {
  const text = file.text;
  const last = own.at(-1);
  const colon = last?.value ? text.slice(last.keySpan.end, last.value.span.start) : ': ';
  if (!last || !startsLine(text, last.keySpan.start)) {
    const before = own.at(-2);
    const between = before ? text.slice(before.value ? before.value.span.end : before.keySpan.end, last!.keySpan.start) : null;
    const separator = between !== null && /^[ ]*,[ ]*$/.test(between) ? between : colon.endsWith(' ') ? ', ' : ',';
    return { separator, colon: /^[ ]*:[ ]*$/.test(colon) ? colon : ': ', lines: null };
  }
  const eol = lineEnding(file);
  const indent = ' '.repeat(column(text, last.keySpan.start));
  // Nested objects step in as the entries step in from the line that opens the map.
  const outer = /^[ ]*/.exec(text.slice(lineStart(text, map.span.start), map.span.start))![0].length;
  const step = indent.length > outer ? indent.length - outer : indentStep(file);
  return { separator: `,${eol}${indent}`, colon: /^[ ]*:[ ]*$/.test(colon) ? colon : ': ', lines: { indent, step: ' '.repeat(step), eol } };
}

/** `"key": value` in the map's own layout, nested blocks as JSON objects; null when a value is not JSON. */
function jsonEntry(key: string, value: string | Block[], layout: JsonLayout, indent: string): string | null {
  if (typeof value === 'string') {
    const json = jsonValue(value);
    return json === null ? null : `${JSON.stringify(key)}${layout.colon}${json}`;
  }
  const inner = layout.lines ? indent + layout.lines.step : '';
  const entries = value.map((b) => jsonEntry(b.key, b.value, layout, inner));
  if (entries.some((e) => e === null)) return null;
  const body = layout.lines
    ? `{${layout.lines.eol}${entries.map((e) => inner + e).join(`,${layout.lines.eol}`)}${layout.lines.eol}${indent}}`
    : `{${entries.join(layout.separator)}}`;
  return `${JSON.stringify(key)}${layout.colon}${body}`;
}

/** Adds an entry to a JSON-style flow map, after its last own entry. */
function addJsonEntry(file: SourceFile, map: MapNode, own: readonly MapEntry[], key: string, value: string | string[]): EditSet | null {
  const block = Array.isArray(value) ? parseBlock(value) : value;
  if (block === null) return null;
  const layout = jsonLayout(file, map, own);
  const written = jsonEntry(key, block, layout, layout.lines?.indent ?? '');
  if (written === null) return null;
  const last = own.at(-1);
  const at = last ? (last.value ? last.value.span.end : last.keySpan.end) : map.span.start + 1;
  return { edits: [{ offset: at, length: 0, text: `${last ? layout.separator : ''}${written}` }], changes: [{ map, key }] };
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
function addEntry(file: SourceFile, map: MapNode, key: string, value: string | string[]): EditSet | null {
  if (map.shared) return null;
  const text = file.text;
  const own = ownEntries(map);
  if (jsonStyle(file, map, own)) return addJsonEntry(file, map, own, key, value);
  if (map.flow) {
    if (Array.isArray(value)) return null;
    const last = own.at(-1);
    if (last) return { edits: [{ offset: last.value ? last.value.span.end : last.keySpan.end, length: 0, text: `, ${key}: ${value}` }], changes: [{ map, key }] };
    // No entry of its own, but maybe a merge key (`{<<: *probe}`): after whatever is written inside the braces.
    const close = text.lastIndexOf('}', map.span.end - 1);
    if (close <= map.span.start) return null;
    const inner = text.slice(map.span.start + 1, close);
    const at = map.span.start + 1 + inner.trimEnd().length;
    return { edits: [{ offset: at, length: 0, text: `${inner.trim() ? ', ' : ''}${key}: ${value}` }], changes: [{ map, key }] };
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
  const own = ownEntries(map);
  const text = jsonStyle(file, map, own) ? jsonValue(value) : value;
  if (text === null) return null;
  const edit = replaceScalar(existing.value, text);
  return edit ? { edits: [edit], changes: [{ map, key }] } : null;
}

/** Removes an entry: its whole lines in a block map, `key: value` and a comma in a flow map. */
function removeEntry(file: SourceFile, map: MapNode, e: MapEntry): EditSet | null {
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
function insertBefore(file: SourceFile, map: MapNode, e: MapEntry, key: string, lines: string[]): EditSet | null {
  if (map.shared || map.flow || !startsLine(file.text, e.keySpan.start)) return null;
  const eol = lineEnding(file);
  const from = lineStart(file.text, e.keySpan.start);
  return { edits: [{ offset: from, length: 0, text: lines.join(eol) + eol }], changes: [{ map, key }] };
}

/** The source text of an entry, from its key to the end of its value, without trailing line breaks. */
function entryText(file: SourceFile, e: MapEntry): string {
  const end = e.value ? e.value.span.end : e.keySpan.end;
  return file.text.slice(e.keySpan.start, end).replace(/\s+$/, '');
}

function columnOf(file: SourceFile, offset: number): number {
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

/**
 * The text with the edits applied; edits are against the original and do not overlap. Edits at one
 * offset land last-given first. One pass over the text, joining pieces once: slicing the whole text per
 * edit made thousands of fixes in a large file quadratic.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const ordered = edits.map((edit, i) => ({ edit, i })).sort((a, b) => a.edit.offset - b.edit.offset || b.i - a.i);
  const pieces: string[] = [];
  let at = 0;
  for (const { edit } of ordered) {
    // Overlapping edits are a rule's bug: what they make is left to the fixer's checks to refuse, never a crash here.
    pieces.push(text.slice(at, Math.max(at, edit.offset)), edit.text);
    at = Math.max(at, edit.offset + edit.length);
  }
  pieces.push(text.slice(at));
  return pieces.join('');
}
