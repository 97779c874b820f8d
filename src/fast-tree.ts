// The position-keeping parse at js-yaml's speed (issue 13). js-yaml's `loadAll` calls a listener when it
// opens and closes each node; one frame per node (where it opened, where it closed, what it read) is enough
// to rebuild the tree that parse.ts builds from `yaml` 2.9, spans included, for the YAML that manifests are
// written in. The spans follow `yaml`'s rules (measured, and checked node for node by
// test/fast-tree.test.ts), not js-yaml's, so findings and fixes land on the same bytes whichever path read
// the document.
//
// Whatever is rarer or harder to match exactly returns null and parse.ts hands the text to `yaml`, as before:
// tags, anchors and aliases, merge keys, directives, `...`, explicit `?` keys, non-scalar keys, empty
// sequence items, lone CRs, BOMs, duplicate keys (by their resolved values), keys over 1,024 characters, a
// `#` that touches the text before it, several documents in one text, and every js-yaml error (so messages
// and positions stay `yaml`'s).
import jsYaml from 'js-yaml';
import type { MapEntry, MapNode, ScalarNode, SeqNode, Span, TreeNode } from './tree.js';

export interface FastDocument {
  span: Span;
  root: TreeNode;
}

/** What js-yaml saw of one node, from its `open` and `close` events. */
interface Frame {
  open: number;
  close: number;
  /** Start of the line js-yaml stood on when it closed the node: where a block scalar stopped. */
  lineStart: number;
  kind: string | null;
  result: unknown;
  tag: string | null;
  anchor: string | null;
  /** Nodes js-yaml opened inside this one, including attempts that read nothing. */
  children: Frame[] | null;
}

/** js-yaml's loader state as the listener sees it: the typings leave out the node's tag and anchor. */
type ListenerState = jsYaml.State & { kind: string | null; tag: string | null; anchor: string | null };

const FALLBACK = new Error('fast-tree: hand this text to yaml');

function bail(): never {
  throw FALLBACK;
}

// Text the fast path never sees, found before parsing: `...` and `%` directives at the start of a line, lone
// CRs (yaml and js-yaml count lines differently around them), merge keys, and a BOM (js-yaml strips it,
// which would shift every offset).
const UNSUPPORTED = /^(?:\.\.\.|%)|\r(?!\n)|<<|^\uFEFF/m;

/**
 * The non-empty documents of a text with their trees, spans offset by `base`; null when the text must go
 * to `yaml` (see the top of this file).
 */
export function fastDocuments(text: string, base: number): FastDocument[] | null {
  if (UNSUPPORTED.test(text)) return null;
  const roots = framesOf(text);
  if (roots === null || roots.length > 1) return null;
  try {
    const docs: FastDocument[] = [];
    for (const frame of roots) {
      if (frame.kind === null) continue;
      const builder = new Builder(text, base);
      const built = builder.top(frame);
      const root = built.node;
      // `---` with nothing after it, or a null: an empty document, skipped as parse.ts skips it. Other scalar
      // documents hold no object, and `yaml` ends a block scalar document apart from one in a collection.
      if (root.kind === 'scalar') {
        if (root.value === null) continue;
        bail();
      }
      docs.push({ span: { start: base + documentStart(text, root.span.start - base), end: base + documentEnd(text, built, builder) }, root });
    }
    return docs;
  } catch (e) {
    if (e === FALLBACK) return null;
    throw e;
  }
}

function framesOf(text: string): Frame[] | null {
  const roots: Frame[] = [];
  const stack: Frame[] = [];
  let anchored = false;
  const listener = (event: jsYaml.EventType, loaderState: jsYaml.State): void => {
    const state = loaderState as ListenerState;
    if (event === 'open') {
      const frame: Frame = { open: state.position, close: -1, lineStart: 0, kind: null, result: null, tag: null, anchor: null, children: null };
      const parent = stack[stack.length - 1];
      if (parent) (parent.children ??= []).push(frame);
      else roots.push(frame);
      stack.push(frame);
      return;
    }
    const frame = stack.pop()!;
    frame.close = state.position;
    frame.lineStart = state.lineStart;
    frame.kind = state.kind;
    frame.result = state.result;
    frame.tag = state.tag;
    frame.anchor = state.anchor;
    // Anchors and aliases (an alias needs an anchor) and tags, even on nodes that read nothing (`!` alone).
    if (state.anchor !== null || (state.tag !== null && state.tag !== '?')) anchored = true;
  };
  try {
    // FAILSAFE: every scalar stays the string it was written as; values are resolved here with YAML 1.2 core
    // rules, as `yaml` reads them (js-yaml's default schema would make Dates, binary and signed octals).
    jsYaml.loadAll(text, undefined, { listener, schema: jsYaml.FAILSAFE_SCHEMA });
  } catch {
    return null;
  }
  return anchored ? null : roots;
}

/** Where `yaml` ends a document: at the end of its text, or at an empty last value followed by one line break. */
function documentEnd(text: string, built: Built, builder: Builder): number {
  if (built.tail !== builder.emptyAt) return text.length;
  const rest = text.length - built.tail;
  const lineBreak = rest === 0 || (rest === 1 && text.charCodeAt(built.tail) === LF) || (rest === 2 && text.endsWith('\r\n'));
  return lineBreak ? built.tail : bail();
}

/** Where `yaml` starts a document: at the start of the line holding its `---` or its first content, past leading comments. */
function documentStart(text: string, contentStart: number): number {
  const at = skipToContent(text, 0);
  if (text.startsWith('---', at)) {
    // `--- key: value` (a block collection on the marker's line) is an error in `yaml`; `---word` is no marker.
    if (lineEnd(text, at) > contentStart || !isBreakOrBlank(text.charCodeAt(at + 3))) bail();
  }
  return text.lastIndexOf('\n', at - 1) + 1;
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function isBreakOrBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR;
}

/** Past spaces, tabs and line breaks; past a comment only when white space precedes its `#`, as `yaml` requires. */
function skipToContent(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (isBreakOrBlank(c)) i++;
    else if (c === HASH) {
      if (i > 0 && !isBreakOrBlank(text.charCodeAt(i - 1))) bail();
      i = lineEnd(text, i);
    } else return i;
  }
}

function skipBlanks(text: string, from: number): number {
  let i = from;
  while (isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** The offset of the line break that ends the line holding `from`, or the text's length. */
function lineEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR || Number.isNaN(c)) return i;
    i++;
  }
}

/** Past the line break at `at` (CRLF or LF), if there is one. */
function pastBreak(text: string, at: number): number {
  if (text.charCodeAt(at) === CR) at++;
  return text.charCodeAt(at) === LF ? at + 1 : at;
}

/** A plain scalar's end: js-yaml stops after trailing spaces, at the `#` of a comment or at the next line. */
function trimEnd(text: string, start: number, close: number): number {
  let i = Math.min(close, text.length);
  while (i > start && isBreakOrBlank(text.charCodeAt(i - 1))) i--;
  return i;
}

/** What `yaml` 2.9 (YAML 1.2 core schema) makes of a plain scalar, in the order it tries its tags. */
export function resolvePlain(s: string): string | number | boolean | null {
  const c = s.charCodeAt(0);
  // Only these first characters can start a null, boolean or number: most strings end here.
  if (!((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x7e || c === 0x6e || c === 0x4e || c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46)) {
    return s;
  }
  if (/^(?:~|[Nn]ull|NULL)$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE)$/.test(s)) return true;
  if (/^(?:[Ff]alse|FALSE)$/.test(s)) return false;
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    if (s.slice(-3).toLowerCase() === 'nan') return NaN;
    return s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

/**
 * The node a frame stands for. js-yaml reads a block node by first trying it as the first key of a block
 * mapping, so a scalar or flow collection in block context is a frame wrapping the frame that read it
 * (same result); attempts that read nothing are frames of kind null.
 */
function unwrap(frame: Frame): Frame {
  let f = frame;
  for (;;) {
    const children = f.children;
    if (children === null) return f;
    let inner: Frame | null = null;
    if (f.kind === 'scalar') {
      for (const c of children) if (c.kind === 'scalar') inner = c;
    } else if (children.length === 1 && children[0]!.result === f.result) {
      inner = children[0]!;
    }
    if (inner === null) return f;
    f = inner;
  }
}

function nonEmpty(children: Frame[] | null): Frame[] {
  return children ?? [];
}

interface Built {
  node: TreeNode;
  /** Where `yaml` ends the node when it is the last thing in a block collection (its `range[2]`). */
  tail: number;
  /** Ends within its line (plain, quoted, flow): comment lines below it may still belong to its collection. */
  inline: boolean;
}

class Builder {
  constructor(
    private readonly text: string,
    private readonly base: number,
  ) {}

  /** The last empty value's place, when a block mapping ended there. */
  emptyAt = -1;

  top(frame: Frame): Built {
    return this.build(frame);
  }

  private span(start: number, end: number): Span {
    return { start: this.base + start, end: this.base + end };
  }

  private build(outer: Frame): Built {
    const f = unwrap(outer);
    if (f.tag !== null && f.tag !== '?') bail();
    const text = this.text;
    const start = skipToContent(text, f.open);
    const c = text.charCodeAt(start);
    if (c === 0x2a /* * alias */) bail();
    if (f.kind === 'mapping') return c === 0x7b /* { */ ? this.flowMap(f, start) : this.blockMap(f, start);
    if (f.kind === 'sequence') return c === 0x5b /* [ */ ? this.flowSeq(f, start) : this.blockSeq(f, start);
    if (f.kind === 'scalar') return this.scalar(f, start, c);
    return bail();
  }

  private scalar(f: Frame, start: number, c: number): Built {
    const text = this.text;
    const value = f.result;
    if (typeof value !== 'string') bail();
    if (f.tag === '?') {
      const end = trimEnd(text, start, f.close);
      return this.inline({ kind: 'scalar', span: this.span(start, end), shared: false, value: resolvePlain(value), quoted: false }, end);
    }
    if (c === 0x22 || c === 0x27 /* quotes */) {
      // js-yaml takes continuation lines at any indentation; `yaml` wants them indented: left to `yaml`.
      if (lineEnd(text, start) < f.close) bail();
      return this.inline({ kind: 'scalar', span: this.span(start, f.close), shared: false, value, quoted: true }, f.close);
    }
    if (c === 0x7c || c === 0x3e /* | > */) {
      const end = this.blockScalarEnd(start, f);
      return { node: { kind: 'scalar', span: this.span(start, end), shared: false, value, quoted: false }, tail: end, inline: false };
    }
    return bail();
  }

  /** A node that ends within its line: as the last of a block collection, `yaml` takes the rest of the line with it. */
  private inline(node: TreeNode, end: number): Built {
    const text = this.text;
    let i = skipBlanks(text, end);
    if (text.charCodeAt(i) === HASH) {
      if (i === end) bail(); // `"x"#c`: `yaml` wants white space before a comment, js-yaml does not
      i = lineEnd(text, i);
    }
    return { node, tail: pastBreak(text, i), inline: true };
  }

  /**
   * `yaml` ends a block scalar after the line break of its last line with content when clipped or
   * stripped, and after its trailing empty lines when kept (`|+`).
   */
  private blockScalarEnd(start: number, f: Frame): number {
    const text = this.text;
    const headerEnd = lineEnd(text, start);
    const header = text.slice(start, headerEnd);
    // An explicit indentation indicator changes which lines are content: rare enough to leave to `yaml`.
    if (/^[|>][-+]?[0-9]/.test(header)) bail();
    const stop = Math.min(f.lineStart, text.length);
    if (header.charCodeAt(1) === 0x2b /* + keep */) return Math.max(stop, pastBreak(text, headerEnd));
    let end = pastBreak(text, headerEnd);
    let indent = -1;
    let at = end;
    while (at < stop) {
      const eol = lineEnd(text, at);
      let spaces = 0;
      while (text.charCodeAt(at + spaces) === SPACE) spaces++;
      const blank = at + spaces === eol;
      if (indent === -1) {
        if (!blank) indent = spaces;
        else if (spaces > 0) bail(); // leading empty lines with spaces: js-yaml and `yaml` guess the indentation apart
      }
      // A tab where indentation is expected: `yaml` refuses what js-yaml may take as content.
      if (text.charCodeAt(at + spaces) === TAB && (indent === -1 || spaces < indent)) bail();
      if (!blank || (indent !== -1 && spaces > indent)) end = pastBreak(text, eol);
      at = pastBreak(text, eol);
      if (at === eol) break;
    }
    // No content: `yaml` then also takes the empty lines after the header.
    if (indent === -1) bail();
    return end;
  }

  /** A key: a plain or quoted scalar on one line, as js-yaml reads implicit keys. */
  private key(k: Frame): { value: string | number | boolean | null; start: number; end: number } {
    const text = this.text;
    if (k.kind !== 'scalar' || k.children !== null || typeof k.result !== 'string') bail();
    if (k.tag !== null && k.tag !== '?') bail();
    const start = k.open;
    const c = text.charCodeAt(start);
    // An explicit `? key` opens after the `?` and its space; aliases as keys are left to `yaml` too.
    if (isBreakOrBlank(c) || c === 0x2a || c === 0x3f || c === 0x7c || c === 0x3e) bail();
    const plain = k.tag === '?';
    const end = plain ? trimEnd(text, start, k.close) : k.close;
    // `yaml` refuses implicit keys longer than 1,024 characters; js-yaml takes them.
    if (end - start > 1000) bail();
    return { value: plain ? resolvePlain(k.result) : k.result, start, end };
  }

  /** The `:` after a key, on the key's line. */
  private colonAfter(keyEnd: number): number {
    const at = skipBlanks(this.text, keyEnd);
    if (this.text.charCodeAt(at) !== 0x3a) bail();
    return at;
  }

  private entry(keyFrame: Frame, valueFrame: Frame | undefined, seen: unknown[], out: MapEntry[]): { colon: number; value: Built | null } {
    const key = this.key(keyFrame);
    // Duplicate keys are an error in `yaml` (compared by value: `1` and `0x1` are one key); js-yaml compares text.
    if (seen.includes(key.value) || (typeof key.value === 'number' && Number.isNaN(key.value))) bail();
    seen.push(key.value);
    const colon = valueFrame === undefined ? -1 : this.colonAfter(key.end);
    const value = valueFrame === undefined || valueFrame.kind === null ? null : this.build(valueFrame);
    if (key.value !== null) {
      const node = value
        ? value.node
        : valueFrame === undefined
          ? null
          : this.empty(skipBlanks(this.text, colon + 1));
      out.push({ key: String(key.value), keySpan: this.span(key.start, key.end), value: node });
    }
    return { colon, value };
  }

  /** An empty value, which `yaml` places after the `:` and the spaces that follow it. */
  private empty(at: number): ScalarNode {
    return { kind: 'scalar', span: this.span(at, at), shared: false, value: null, quoted: false };
  }

  private blockMap(f: Frame, start: number): Built {
    const children = nonEmpty(f.children);
    const entries: MapEntry[] = [];
    const seen: unknown[] = [];
    let tail = start;
    let i = 0;
    for (; i + 1 < children.length; i += 2) {
      const { colon, value } = this.entry(children[i]!, children[i + 1]!, seen, entries);
      tail = value ? this.lastTail(value) : this.emptyTail(skipBlanks(this.text, colon + 1));
    }
    // js-yaml may try one more key that reads nothing; anything else left over is a shape this file does not know.
    if (i < children.length && children[i]!.kind !== null) bail();
    if (i === 0 || seen.length !== Object.keys(f.result as object).length) bail();
    const map: MapNode = { kind: 'map', span: this.span(start, tail), shared: false, flow: false, entries };
    return { node: map, tail, inline: false };
  }

  private blockSeq(f: Frame, start: number): Built {
    const children = nonEmpty(f.children);
    const result = f.result as unknown[];
    // An empty item (`-` and nothing) has no frame; `yaml`'s place for it is not worth finding here.
    if (children.length !== result.length || children.length === 0) bail();
    const items: TreeNode[] = [];
    let tail = start;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      if (child.kind === null || child.result !== result[i]) bail();
      const built = this.build(child);
      items.push(built.node);
      tail = this.lastTail(built);
    }
    const seq: SeqNode = { kind: 'seq', span: this.span(start, tail), shared: false, flow: false, items };
    return { node: seq, tail, inline: false };
  }

  /**
   * Flow collections over several lines are left to `yaml`, which wants their lines indented past the block
   * around them (js-yaml does not); on one line, a `#` must follow white space to start a comment.
   */
  private oneLine(start: number, close: number): void {
    const text = this.text;
    const eol = lineEnd(text, start);
    if (eol < close) bail();
    for (let i = text.indexOf('#', start); i !== -1 && i < close; i = text.indexOf('#', i + 1)) {
      if (!isBreakOrBlank(text.charCodeAt(i - 1))) {
        // Inside a scalar (`{url: a#b}`) both parsers agree; only a comment glued to `,` `[` `{` or a quote differs.
        const before = text.charCodeAt(i - 1);
        if (before === 0x2c || before === 0x5b || before === 0x7b || before === 0x22 || before === 0x27 || before === 0x5d || before === 0x7d) bail();
      }
    }
  }

  private flowMap(f: Frame, start: number): Built {
    const text = this.text;
    this.oneLine(start, f.close);
    const children = nonEmpty(f.children);
    const entries: MapEntry[] = [];
    const seen: unknown[] = [];
    let i = 0;
    while (i < children.length) {
      const k = children[i]!;
      this.notExplicit(k.open);
      // The key has a value when a `:` follows it on its own line.
      const after = skipBlanks(text, k.tag === '?' ? trimEnd(text, k.open, k.close) : k.close);
      const paired = text.charCodeAt(after) === 0x3a;
      this.entry(k, paired ? children[i + 1] : undefined, seen, entries);
      if (paired && children[i + 1] === undefined) bail();
      i += paired ? 2 : 1;
    }
    if (seen.length !== Object.keys(f.result as object).length) bail();
    const map: MapNode = { kind: 'map', span: this.span(start, f.close), shared: false, flow: true, entries };
    return this.inline(map, f.close);
  }

  private flowSeq(f: Frame, start: number): Built {
    this.oneLine(start, f.close);
    const children = nonEmpty(f.children);
    const result = f.result as unknown[];
    // `[a: 1]` makes a one-pair map per item, with two frames: left to `yaml`.
    if (children.length !== result.length) bail();
    const items: TreeNode[] = [];
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      if (child.kind === null || child.result !== result[i]) bail();
      this.notExplicit(child.open);
      items.push(this.build(child).node);
    }
    const seq: SeqNode = { kind: 'seq', span: this.span(start, f.close), shared: false, flow: true, items };
    return this.inline(seq, f.close);
  }

  /** Bails on `? key` in a flow collection: js-yaml opens the key after the `?`. */
  private notExplicit(open: number): void {
    let i = open - 1;
    while (i >= 0 && isBreakOrBlank(this.text.charCodeAt(i))) i--;
    const c = this.text.charCodeAt(i);
    if (c !== 0x2c && c !== 0x5b && c !== 0x7b) bail(); // `,`, `[` or `{` must come before an item
  }

  /**
   * Where a block collection whose last node is `last` ends: where that node ends with the rest of its line.
   * Comment lines after the last node of a block collection go to that collection, to one around it or to
   * none, by rules of `yaml`'s parser (their indentation, the collection's, what comes next) that are not
   * worth copying here: such texts go to `yaml`.
   */
  private lastTail(last: Built): number {
    if (this.commentFollows(last.tail)) bail();
    return last.tail;
  }

  /** Whether a comment line comes after `at` before the next content. */
  private commentFollows(at: number): boolean {
    const text = this.text;
    for (let i = at; ; ) {
      const c = text.charCodeAt(i);
      if (isBreakOrBlank(c)) i++;
      else return c === HASH;
    }
  }

  /** Where a block mapping whose last value is empty ends: at the empty value (comments after it: see lastTail). */
  private emptyTail(at: number): number {
    if (this.commentFollows(at)) bail();
    this.emptyAt = at;
    return at;
  }
}
