// The position-keeping parse at js-yaml's speed (issue 13). js-yaml's `loadAll` calls a listener when it
// opens and closes each node; one frame per node (where it opened, where it closed, what it read) is enough
// to rebuild the tree that parse.ts builds from `yaml` 2.9, spans included, for the YAML that manifests are
// written in. The spans follow `yaml`'s rules (measured, and checked node for node by
// test/fast-tree.test.ts), not js-yaml's, so findings and fixes land on the same bytes whichever path read
// the document.
//
// Whatever is rarer or harder to match exactly returns null and parse.ts hands the text to `yaml`, as before:
// tags, anchored or aliased keys, merge keys, directives, `...`, explicit `?` keys, non-scalar keys, empty
// sequence items, lone CRs, BOMs, duplicate keys (by their resolved values), keys over 1,024 characters, a
// `#` that touches the text before it, tabs where `yaml` counts indentation (before a comment line that ends
// a collection, before a continuation line), flow collections and quoted scalars continued on lines not
// indented past the block collection around them, several documents in one text, and every js-yaml error
// (so messages and positions stay `yaml`'s). Comment lines after the last node of a block collection follow
// `yaml`'s parser: see `Builder.settle`.
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

/** For `Builder.build`: a node at the top of its document, or inside a flow collection. */
const ROOT = -1;
const IN_FLOW = -2;

function bail(): never {
  throw FALLBACK;
}

// Text the fast path never sees, found before parsing: `...` and `%` directives at the start of a line, lone
// CRs (yaml and js-yaml count lines differently around them), merge keys, and a BOM (js-yaml strips it,
// which would shift every offset). Substring checks first: this runs on every document of every file.
// `<<` as a key, plain or quoted (parse.ts merges both as `yaml` reads them): at a line's start, after `- `,
// `? `, `{` or `,`, then `:` or the line's end (`? <<`). Not a shell heredoc in a script (`cat << EOF`) nor a
// placeholder (`gcr.io/<<PROJECT>>`).
const MERGE_KEY = /(?:^|[\s,{[?])(?:<<|"<<"|'<<')[ \t]*(?::|$)/m;

function unsupported(text: string): boolean {
  if (text.includes('<<') && MERGE_KEY.test(text)) return true;
  if (text.includes('\uFEFF') && /^\uFEFF/m.test(text)) return true;
  if ((text.startsWith('...') || text.includes('\n...')) && /^\.\.\./m.test(text)) return true;
  if (text.startsWith('%') || text.includes('\n%')) return true;
  return text.includes('\r') && /\r(?!\n)/.test(text);
}

/** One document text as js-yaml read it: its values, and the trees `yaml` would build, when this file can tell. */
export interface ChunkRead {
  /** The documents' values as js-yaml's default schema loads them: what decides which documents matter. */
  values: unknown[];
  /** The non-empty documents with their trees, spans offset by `base`; null when the text must go to `yaml`. */
  trees(base: number): FastDocument[] | null;
}

/**
 * Reads a document text once: js-yaml's values and, from the same parse, one frame per node, from which
 * `trees` builds positions only if asked (most documents are never asked). Null when js-yaml refuses the text.
 */
export function readChunk(text: string): ChunkRead | null {
  if (unsupported(text)) return readValues(text);
  const read = framesOf(text);
  if (read === null) return null;
  const { values, roots } = read;
  return { values, trees: (base) => (roots === null ? null : documentsOf(text, base, roots)) };
}

/** A document text's values alone, without frames (its trees go to `yaml`); null when js-yaml refuses the text. */
export function readValues(text: string): ChunkRead | null {
  try {
    return { values: jsYaml.loadAll(text), trees: () => null };
  } catch {
    return null;
  }
}

/** The non-empty documents of a text with their trees, spans offset by `base`; null when the text must go to `yaml`. */
export function fastDocuments(text: string, base: number): FastDocument[] | null {
  return readChunk(text)?.trees(base) ?? null;
}

function documentsOf(text: string, base: number, roots: Frame[]): FastDocument[] | null {
  if (roots.length > 1) return null;
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
      docs.push({ span: { start: base + documentStart(text, root.span.start - base), end: base + documentEnd(text, built) }, root });
    }
    return docs;
  } catch (e) {
    if (e === FALLBACK) return null;
    throw e;
  }
}

/**
 * js-yaml's values and its frames: null when it refuses the text; frames null when a node has a tag written
 * in the text (js-yaml reports a plain scalar it resolved with the type's tag too).
 */
function framesOf(text: string): { values: unknown[]; roots: Frame[] | null } | null {
  const roots: Frame[] = [];
  const stack: Frame[] = [];
  let marked = false;
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
    // Tags, even on nodes that read nothing (`!` alone).
    if (!marked && state.tag !== null && state.tag !== '?' && tagWrittenAt(text, frame.open)) marked = true;
  };
  let values: unknown[];
  try {
    // The default schema, as every other reader of values here: the pre-scan's answer is unchanged. Trees
    // resolve plain scalars themselves (resolvePlain), from the text as written.
    values = jsYaml.loadAll(text, undefined, { listener });
  } catch {
    return null;
  }
  return { values, roots: marked ? null : roots };
}

/** Whether the node opening at `at` starts with a tag (`!`), past white space, line breaks, comment lines and an anchor. */
function tagWrittenAt(text: string, at: number): boolean {
  let i = at;
  for (;;) {
    const c = text.charCodeAt(i);
    if (isBreakOrBlank(c)) i++;
    else if (c === HASH) i = lineEnd(text, i);
    else if (c === 0x26 /* & */) i = nameEnd(text, i + 1);
    else return c === 0x21;
  }
}

/**
 * Where `yaml` ends a document (its `range[2]`): after the blank and comment lines its root collection hands
 * up, else where the root ends with its tail. That is the end of the text, except after an empty last value
 * with no comment below it, where `yaml` stops at the empty value.
 */
function documentEnd(text: string, built: Built): number {
  if (built.kind !== 'collection') return text.length;
  return built.trailing !== null ? built.trailing.end : built.tail;
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

/** Where an anchor's or alias's name that starts at `from` ends: at white space or a flow indicator. */
function nameEnd(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c) || isBreakOrBlank(c) || c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d) return i;
    i++;
  }
}

/**
 * Marks a node and everything below it shared, as `yaml` marks an anchored node (tree.ts `shared`). A node
 * already shared has all below it shared too: passed over, so that aliases nested in aliases stay linear.
 */
function markShared(node: TreeNode): void {
  const pending = [node];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.shared) continue;
    next.shared = true;
    if (next.kind === 'map') for (const e of next.entries) if (e.value) pending.push(e.value);
    if (next.kind === 'seq') for (const item of next.items) pending.push(item);
  }
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
  /**
   * Where `yaml` ends the node when it is the last thing in a block collection (its `range[2]`). For an
   * inline node, before the comment lines below it that its collection may still give it (see `settle`).
   */
  tail: number;
  /**
   * `inline`: ends within its line (plain, quoted, flow), and `yaml` keeps the rest of the line and more
   * indented comment lines below it with it. `block`: a block scalar. `collection`: a block collection.
   */
  kind: 'inline' | 'block' | 'collection';
  /** For a block collection: the blank and comment lines after it that it hands to the collection around it. */
  trailing: Trailing | null;
}

/**
 * The blank and comment lines between the last node of a block collection and the next content (or the end
 * of the text): one item of `yaml`'s CST (`{ start: [space, comment, newline…] }`) that each collection, when
 * it closes, keeps (its `range[2]` then reaches `end`) or hands to the one around it, and the root to its
 * document.
 */
interface Trailing {
  /** Whether a comment line is among them. */
  comments: boolean;
  /** The largest indentation of those comment lines (-1 without comments). */
  deepest: number;
  /** Where they end: at the next content, past the indentation before it, or at the end of the text. */
  end: number;
}

class Builder {
  /** Each anchor's node, by name, as far as the document is read: an alias is the last one of its name before it. */
  private readonly anchors = new Map<string, TreeNode>();
  /**
   * The anchors whose nodes are being read. `yaml` takes the last anchor in the text, js-yaml the last node
   * finished: they differ for an anchor of the same name inside one, or an alias inside its anchor's node.
   */
  private readonly reading = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly base: number,
  ) {}

  top(frame: Frame): Built {
    return this.build(frame, ROOT);
  }

  private span(start: number, end: number): Span {
    return { start: this.base + start, end: this.base + end };
  }

  /**
   * A plain scalar as written, which `resolvePlain` reads as `yaml` does: js-yaml's own string when it left
   * the scalar one (`?`), else the text, when on one line (a folded number or date is left to `yaml`).
   */
  private plainText(f: Frame, start: number, end: number): string {
    if (f.tag === '?') return f.result as string;
    const written = this.text.slice(start, end);
    if (written.includes('\n') || written.includes('\r')) bail();
    return written;
  }

  /**
   * `within`: the start of the block collection the node is an entry or item of, ROOT at the top, IN_FLOW
   * inside a flow collection (whose lines were checked as a whole).
   */
  private build(outer: Frame, within: number): Built {
    const f = unwrap(outer);
    const text = this.text;
    const start = skipToContent(text, f.open);
    if (text.charCodeAt(start) === 0x2a /* * */) return this.alias(start);
    const anchor = f.anchor ?? outer.anchor;
    if (anchor === null) return this.content(f, start, within);
    if (this.reading.has(anchor)) bail();
    this.reading.add(anchor);
    const built = this.content(f, this.pastAnchor(start, anchor), within);
    this.reading.delete(anchor);
    // `yaml` converts an anchored node once, marked shared with all below it, and gives every alias that node.
    markShared(built.node);
    this.anchors.set(anchor, built.node);
    return built;
  }

  private content(f: Frame, start: number, within: number): Built {
    const c = this.text.charCodeAt(start);
    if (f.kind === 'mapping') return c === 0x7b /* { */ ? this.flowMap(f, start, within) : this.blockMap(f, start);
    if (f.kind === 'sequence') return c === 0x5b /* [ */ ? this.flowSeq(f, start, within) : this.blockSeq(f, start);
    if (f.kind === 'scalar') return this.scalar(f, start, c, within);
    return bail();
  }

  /** Where the content of a node with `&anchor` before it starts, as `yaml` spans it: past the anchor and the space after it. */
  private pastAnchor(start: number, anchor: string): number {
    const text = this.text;
    const end = nameEnd(text, start + 1);
    if (text.charCodeAt(start) !== 0x26 /* & */ || text.slice(start + 1, end) !== anchor) bail();
    // `yaml` wants white space after an anchor (`&x{` is an error there) and no tab before it (`-\t&x`).
    if (end < text.length && !isBreakOrBlank(text.charCodeAt(end))) bail();
    for (let i = start - 1; i >= 0 && text.charCodeAt(i) !== LF; i--) if (text.charCodeAt(i) === TAB) bail();
    return skipToContent(text, end);
  }

  /** `*name`: the node of the last anchor of that name, ending where the alias does. */
  private alias(start: number): Built {
    const end = nameEnd(this.text, start + 1);
    const name = this.text.slice(start + 1, end);
    const node = this.anchors.get(name);
    if (node === undefined || this.reading.has(name)) bail();
    return this.inline(node, end);
  }

  /** Whether a frame that read nothing of its own is an alias (`*name`) rather than an empty value. */
  private isAlias(f: Frame): boolean {
    if (f.kind !== null) return false;
    const at = skipToContent(this.text, f.open);
    return at < f.close && this.text.charCodeAt(at) === 0x2a;
  }

  private scalar(f: Frame, start: number, c: number, within: number): Built {
    const text = this.text;
    const value = f.result;
    // A tag here is `?` or the type js-yaml resolved a plain scalar to: written tags never reach the builder.
    if (f.tag !== null) {
      const end = trimEnd(text, start, f.close);
      return this.inline({ kind: 'scalar', span: this.span(start, end), shared: false, value: resolvePlain(this.plainText(f, start, end)), quoted: false }, end);
    }
    if (typeof value !== 'string') bail();
    if (c === 0x22 || c === 0x27 /* quotes */) {
      this.continuation(start, f.close, within, false);
      if (c === 0x22) this.escapedBreaks(start, f.close);
      return this.inline({ kind: 'scalar', span: this.span(start, f.close), shared: false, value, quoted: true }, f.close);
    }
    if (c === 0x7c || c === 0x3e /* | > */) {
      const end = this.blockScalarEnd(start, f);
      return { node: { kind: 'scalar', span: this.span(start, end), shared: false, value, quoted: false }, tail: end, kind: 'block', trailing: null };
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
    return { node, tail: pastBreak(text, i), kind: 'inline', trailing: null };
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
    // `yaml`'s lexer takes a line after the scalar that starts with a tab (after spaces) into it, as an error.
    let first = stop;
    while (text.charCodeAt(first) === SPACE) first++;
    if (text.charCodeAt(first) === TAB) bail();
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
    const plain = k.tag !== null;
    if (k.kind !== 'scalar' || k.children !== null || (!plain && typeof k.result !== 'string')) bail();
    const start = k.open;
    const c = text.charCodeAt(start);
    // An explicit `? key` opens after the `?` and its space; aliases as keys are left to `yaml` too.
    if (isBreakOrBlank(c) || c === 0x2a || c === 0x26 || c === 0x3f || c === 0x7c || c === 0x3e) bail();
    const end = plain ? trimEnd(text, start, k.close) : k.close;
    // `yaml` refuses implicit keys longer than 1,024 characters; js-yaml takes them.
    if (end - start > 1000) bail();
    return { value: plain ? resolvePlain(this.plainText(k, start, end)) : (k.result as string), start, end };
  }

  /** The `:` after a key, on the key's line. */
  private colonAfter(keyEnd: number): number {
    const at = skipBlanks(this.text, keyEnd);
    if (this.text.charCodeAt(at) !== 0x3a) bail();
    return at;
  }

  private entry(keyFrame: Frame, valueFrame: Frame | undefined, seen: unknown[], out: MapEntry[], within: number): { colon: number; value: Built | null } {
    const key = this.key(keyFrame);
    // Duplicate keys are an error in `yaml` (compared by value: `1` and `0x1` are one key); js-yaml compares text.
    if (seen.includes(key.value) || (typeof key.value === 'number' && Number.isNaN(key.value))) bail();
    seen.push(key.value);
    const colon = valueFrame === undefined ? -1 : this.colonAfter(key.end);
    const empty = valueFrame === undefined || (valueFrame.kind === null && !this.isAlias(valueFrame));
    // An anchored empty value: `yaml` places it after the anchor and shares it; rare enough to leave to it.
    if (empty && valueFrame?.anchor) bail();
    const value = empty ? null : this.build(valueFrame, within);
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
    let last: { colon: number; value: Built | null } | null = null;
    let i = 0;
    for (; i + 1 < children.length; i += 2) last = this.entry(children[i]!, children[i + 1]!, seen, entries, start);
    // js-yaml may try one more key that reads nothing; anything else left over is a shape this file does not know.
    if (i < children.length && children[i]!.kind !== null) bail();
    if (last === null || seen.length !== Object.keys(f.result as object).length) bail();
    const end = last.value ? this.settle(start, last.value) : this.emptyEnd(skipBlanks(this.text, last.colon + 1));
    const map: MapNode = { kind: 'map', span: this.span(start, end.end), shared: false, flow: false, entries };
    return { node: map, tail: end.tail, kind: 'collection', trailing: end.trailing };
  }

  private blockSeq(f: Frame, start: number): Built {
    const children = nonEmpty(f.children);
    const result = f.result as unknown[];
    // An empty item (`-` and nothing) has no frame; `yaml`'s place for it is not worth finding here.
    if (children.length !== result.length || children.length === 0) bail();
    const items: TreeNode[] = [];
    let last: Built | null = null;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      if ((child.kind === null && !this.isAlias(child)) || child.result !== result[i]) bail();
      last = this.build(child, start);
      items.push(last.node);
    }
    const end = this.settle(start, last!);
    const seq: SeqNode = { kind: 'seq', span: this.span(start, end.end), shared: false, flow: false, items };
    return { node: seq, tail: end.tail, kind: 'collection', trailing: end.trailing };
  }

  /** A flow collection: its lines indented as `yaml` wants (see `continuation`), and a `#` must follow white space to start a comment. */
  private flowLines(start: number, close: number, within: number): void {
    const text = this.text;
    this.continuation(start, close, within, true);
    for (let i = text.indexOf('#', start); i !== -1 && i < close; i = text.indexOf('#', i + 1)) {
      const before = text.charCodeAt(i - 1);
      // A comment line at column 0 inside a flow collection: `yaml` refuses some (before the closing `}`).
      if (before === LF || before === CR) bail();
      if (!isBreakOrBlank(before)) {
        // Inside a scalar (`{url: a#b}`) both parsers agree; only a comment glued to `,` `[` `{` or a quote differs.
        if (before === 0x2c || before === 0x5b || before === 0x7b || before === 0x22 || before === 0x27 || before === 0x5d || before === 0x7d) bail();
      }
    }
  }

  private flowMap(f: Frame, start: number, within: number): Built {
    const text = this.text;
    this.flowLines(start, f.close, within);
    const children = nonEmpty(f.children);
    const entries: MapEntry[] = [];
    const seen: unknown[] = [];
    let i = 0;
    while (i < children.length) {
      const k = children[i]!;
      this.notExplicit(k.open);
      // The key has a value when a `:` follows it on its own line.
      const after = skipBlanks(text, k.tag !== null ? trimEnd(text, k.open, k.close) : k.close);
      const paired = text.charCodeAt(after) === 0x3a;
      this.entry(k, paired ? children[i + 1] : undefined, seen, entries, IN_FLOW);
      if (paired && children[i + 1] === undefined) bail();
      i += paired ? 2 : 1;
    }
    if (seen.length !== Object.keys(f.result as object).length) bail();
    const map: MapNode = { kind: 'map', span: this.span(start, f.close), shared: false, flow: true, entries };
    return this.inline(map, f.close);
  }

  private flowSeq(f: Frame, start: number, within: number): Built {
    this.flowLines(start, f.close, within);
    const children = nonEmpty(f.children);
    const result = f.result as unknown[];
    // `[a: 1]` makes a one-pair map per item, with two frames: left to `yaml`.
    if (children.length !== result.length) bail();
    const items: TreeNode[] = [];
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      if ((child.kind === null && !this.isAlias(child)) || child.result !== result[i]) bail();
      this.notExplicit(child.open);
      items.push(this.build(child, IN_FLOW).node);
    }
    const seq: SeqNode = { kind: 'seq', span: this.span(start, f.close), shared: false, flow: true, items };
    return this.inline(seq, f.close);
  }

  /**
   * A flow collection or quoted scalar over several lines: js-yaml takes its continuation lines at any
   * indentation, `yaml`'s lexer wants them indented past the line that holds the `:` or `-` before the node
   * (its `indentNext`; at most the column of the block collection around it, plus one), except a last line
   * starting with the outermost `]` or `}` one column less. Taken here when every continuation line that is
   * not blank is indented at least one column past the block collection (tabs and fewer columns go to `yaml`).
   */
  private continuation(start: number, close: number, within: number, flow: boolean): void {
    const text = this.text;
    let i = lineEnd(text, start);
    if (i >= close || within === IN_FLOW) return;
    const least = within === ROOT ? 0 : this.indentOf(within) + 1;
    while (i < close) {
      i = pastBreak(text, i);
      let j = i;
      while (text.charCodeAt(j) === SPACE) j++;
      const c = text.charCodeAt(j);
      if (c === TAB) bail();
      const blank = c === LF || c === CR;
      if (!blank && j - i < least && !(flow && j - i === least - 1 && j === close - 1)) bail();
      i = lineEnd(text, j);
    }
  }

  /**
   * A double-quoted scalar over several lines: after an escaped line break (`\` at the end of a line), js-yaml
   * drops the empty lines that follow and `yaml` makes them a space; such texts go to `yaml`.
   */
  private escapedBreaks(start: number, close: number): void {
    const text = this.text;
    for (let i = lineEnd(text, start); i < close; i = lineEnd(text, i)) {
      let slashes = 0;
      while (text.charCodeAt(i - 1 - slashes) === 0x5c) slashes++;
      i = pastBreak(text, i);
      if (slashes % 2 === 1) {
        const j = skipBlanks(text, i);
        const c = text.charCodeAt(j);
        if (c === LF || c === CR) bail();
      }
    }
  }

  /** Bails on `? key` in a flow collection: js-yaml opens the key after the `?`. */
  private notExplicit(open: number): void {
    let i = open - 1;
    while (i >= 0 && isBreakOrBlank(this.text.charCodeAt(i))) i--;
    const c = this.text.charCodeAt(i);
    if (c !== 0x2c && c !== 0x5b && c !== 0x7b) bail(); // `,`, `[` or `{` must come before an item
  }

  /**
   * Where a block collection that starts at `start` and whose last node is `last` ends (`yaml`'s `range[1]`),
   * its tail (`range[2]`) and the blank and comment lines it hands to the collection around it. `yaml`'s
   * parser gives a comment line after the last node:
   * - to that node, when the node is inline, the comment is indented past the collection (its column) and no
   *   other comment line came before it since the node (`Parser.atIndentedComment`): the node's tail, and so
   *   the collection's end, then reach past it;
   * - else to the item after the last node, which the collection keeps when it closes if one of its comments
   *   is indented at least as far as the collection and the collection is not at column 0, and hands to the
   *   one around it otherwise, which decides alike (`Parser.pop`).
   */
  private settle(start: number, last: Built): { end: number; tail: number; trailing: Trailing | null } {
    let end = last.tail;
    let trailing = last.trailing;
    let indent = -1;
    if (last.kind !== 'collection') {
      if (last.kind === 'inline') indent = this.indentOf(start);
      const lines = this.trailingLines(last.tail, last.kind === 'inline' ? indent : Number.POSITIVE_INFINITY);
      end = lines.tail;
      trailing = lines.trailing;
    }
    if (trailing !== null && trailing.comments) {
      if (indent === -1) indent = this.indentOf(start);
      if (indent !== 0 && trailing.deepest >= indent) return { end, tail: trailing.end, trailing: null };
    }
    return { end, tail: end, trailing };
  }

  /**
   * `yaml`'s indentation of a block collection starting at `start`: its column, counted in spaces and `-`
   * indicators. A tab before it counts otherwise: left to `yaml`.
   */
  private indentOf(start: number): number {
    const text = this.text;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    for (let i = lineStart; i < start; i++) if (text.charCodeAt(i) === TAB) bail();
    return start - lineStart;
  }

  /**
   * The blank and comment lines from `from` (the start of a line) to the next content. The comment lines
   * indented past `absorbPast` that come before any other comment line go to the node before them: `tail`
   * is past them; the other lines are `trailing` (null when there are none).
   */
  private trailingLines(from: number, absorbPast: number): { tail: number; trailing: Trailing | null } {
    const text = this.text;
    let tail = from;
    let comments = false;
    let deepest = -1;
    for (let i = from; ; ) {
      const lineStart = i;
      let j = i;
      while (isBlank(text.charCodeAt(j))) j++;
      const c = text.charCodeAt(j);
      if (c === LF || c === CR) {
        i = pastBreak(text, j);
        continue;
      }
      if (c !== HASH) return { tail, trailing: j > tail ? { comments, deepest, end: j } : null };
      // `yaml` counts a comment's indentation in spaces, and only when the line starts with one.
      for (let k = lineStart; k < j; k++) if (text.charCodeAt(k) === TAB) bail();
      const indent = j - lineStart;
      i = pastBreak(text, lineEnd(text, j));
      if (!comments && indent > absorbPast) tail = i;
      else {
        comments = true;
        if (indent > deepest) deepest = indent;
      }
    }
  }

  /**
   * Where a block mapping whose last value is empty (at `at`, after its `:` and spaces) ends: `yaml` gives
   * that value every blank and comment line up to the next content, and ends it there when one of them is
   * a comment, at `at` otherwise. Nothing is left to hand up.
   */
  private emptyEnd(at: number): { end: number; tail: number; trailing: Trailing | null } {
    const next = skipToContent(this.text, at);
    const hash = this.text.indexOf('#', at);
    const end = hash !== -1 && hash < next ? next : at;
    return { end, tail: end, trailing: null };
  }
}
