// The only module that reads YAML (with fast-tree.ts, which it alone calls). It turns a file into
// documents: the ones a rule can care about become trees with positions, built from js-yaml's events
// (fast-tree.ts) or, for what that path leaves alone and for every error, by the `yaml` parse; the rest
// (CRDs, RBAC, ConfigMaps…) only get js-yaml's cheap check that they parse, as no finding can land there.
import type { Alias, Document, Node as YamlNode } from 'yaml';
import { readChunk, readValues, type FastDocument } from './fast-tree.js';
import { headerOf, isList, RELEVANT, type ObjectHeader, type Relevance } from './kinds.js';
import type { SourceFile } from './source.js';
import type { MapEntry, MapNode, ScalarNode, SeqNode, Span, TreeNode } from './tree.js';
import { yamlLibrary } from './yaml-library.js';


export interface ParsedDocument {
  /** Index among the non-empty documents of the file. */
  index: number;
  span: Span;
  /** The tree, for documents that may hold a workload, Service or route; null otherwise. */
  root: TreeNode | null;
  /** apiVersion and kind when the document is a Kubernetes object. */
  header: ObjectHeader | null;
  /** Kubernetes objects in a document without a tree: 1, or the items of a List. */
  objectCount: number;
  /** The template a `# Source:` comment names: the document is a renderer's output, its fix goes home through it. */
  generatedFrom: string | null;
}

export interface ParseError {
  message: string;
  span: Span;
}

export interface ParsedFile {
  file: SourceFile;
  documents: ParsedDocument[];
  /** The first syntax error of the file, if any; documents that parsed are kept. */
  error: ParseError | null;
}

// Column-0 `---` always starts a document: block scalars below a key are
// indented, and quoted scalars may not contain a document marker.
const DOCUMENT_START = /^---(?=[ \t]|\r?\n|$)/gm;

const SOURCE_COMMENT = /^#[ \t]*Source:[ \t]*(\S.*?)[ \t]*\r?$/m;

/**
 * `everything` keeps a tree for every document, for files read whole (configs). Otherwise js-yaml's cheap
 * parse decides, on the values themselves, which documents hold an object a rule reads (kinds.ts says which):
 * only those pay for positions, and no spelling of a key (`"\u0063ontainers"`) or a `kind:` line inside a string
 * can hide a workload. A document whose text cannot hold one (`relevance.mayHold`) is read for its values alone,
 * without the frames a tree is built from (were the values to hold one after all, `yaml` would build its tree:
 * the text test saves time, it decides nothing). `relevance` narrows what gets a tree: routing context needs only
 * Services, Ingresses and routes. `skipOthers` passes over the texts that cannot hold one without parsing them at
 * all, errors included: the routing pass parses only what can hold a routing object, and the lint that follows
 * reports every document.
 */
export function parseFile(file: SourceFile, everything = false, relevance: Relevance = RELEVANT, skipOthers = false): ParsedFile {
  const result: ParsedFile = { file, documents: [], error: null };
  for (const chunk of documentChunks(file.text)) {
    const text = file.text.slice(chunk.start, chunk.end);
    const mayHold = everything || relevance.mayHold(text);
    if (!mayHold && skipOthers) continue;
    // One js-yaml parse gives both the values that decide and the frames a tree is built from.
    const read = everything ? null : mayHold ? readChunk(text) : readValues(text);
    if (read === null) parseFull(result, text, chunk.start);
    else if (read.values.some(relevance.holds)) parseFast(result, read.trees(chunk.start), text, chunk.start);
    else addCheap(result, read.values, text, chunk.start);
  }
  return result;
}

/** The texts parse.ts reads one at a time: one document each, its directives included. Exported for test/fast-tree.test.ts. */
export function documentChunks(text: string): Span[] {
  const starts = [0];
  for (const m of text.matchAll(DOCUMENT_START)) {
    const from = starts.at(-1)!;
    const at = directivesStart(text.slice(from, m.index));
    if (from + at > 0) starts.push(from + at);
  }
  return starts.map((start, i) => ({ start, end: starts[i + 1] ?? text.length }));
}

// `...` ends a document; `%YAML` and `%TAG` directives after it (or at the top of the file) belong to the next one.
const DOCUMENT_END_LINE = /^\.\.\.(?=[ \t]|\r?$)/;

/** Where the next document begins within the text before its `---`: at the directives that come last, if any. */
function directivesStart(before: string): number {
  // Directives are rare: most texts have no line that starts with `%`.
  if (before.charCodeAt(0) !== 0x25 && !before.includes('\n%')) return before.length;
  let open = true; // at the top of the file, or after `...`: directives may follow
  let first: number | null = null;
  let offset = 0;
  for (const line of before.split('\n')) {
    if (DOCUMENT_END_LINE.test(line)) {
      open = true;
      first = null;
    } else if (open && line.startsWith('%')) {
      first ??= offset;
    } else if (!/^\s*(#.*)?\r?$/.test(line)) {
      open = false;
      first = null;
    }
    offset += line.length + 1;
  }
  return first ?? before.length;
}

function generatedFromOf(text: string): string | null {
  return text.includes('Source:') ? (SOURCE_COMMENT.exec(text)?.[1] ?? null) : null;
}

function addDocument(result: ParsedFile, doc: Omit<ParsedDocument, 'index'>): void {
  result.documents.push({ ...doc, index: result.documents.length });
}

function addError(result: ParsedFile, error: ParseError): void {
  // The parser runs out of stack on absurd nesting; say what that means.
  if (/call stack/i.test(error.message)) error = { ...error, message: 'nested too deeply to parse' };
  if (!result.error || error.span.start < result.error.span.start) result.error = error;
}

function addCheap(result: ParsedFile, values: unknown[], text: string, base: number): void {
  for (const value of values) {
    if (value === null || value === undefined) continue;
    addDocument(result, {
      span: { start: base, end: base + text.length },
      root: null,
      header: headerOf(value),
      objectCount: countObjects(value),
      generatedFrom: generatedFromOf(text),
    });
  }
}

function countObjects(value: unknown): number {
  const header = headerOf(value);
  if (!header) return 0;
  const items = (value as { items?: unknown }).items;
  return isList(header) && Array.isArray(items) ? items.reduce((n: number, item) => n + countObjects(item), 0) : 1;
}

/** Trees from js-yaml's events, about 8× cheaper than `yaml`'s and the same node for node; `yaml` takes what they leave. */
function parseFast(result: ParsedFile, docs: FastDocument[] | null, text: string, base: number): void {
  if (docs === null) {
    parseFull(result, text, base);
    return;
  }
  for (const { span, root } of docs) {
    addDocument(result, { span, root, header: treeHeader(root), objectCount: 0, generatedFrom: generatedFromOf(text) });
  }
}

function parseFull(result: ParsedFile, text: string, base: number): void {
  // Merge keys are read as kubectl reads them; the option costs a quarter of the parse, so only when `<<` appears.
  const { parseAllDocuments, isScalar } = yamlLibrary();
  const docs = parseAllDocuments(text, { merge: text.includes('<<'), prettyErrors: false });
  if ('empty' in docs) {
    for (const e of docs.errors) addError(result, { message: e.message, span: { start: base + e.pos[0], end: base + e.pos[1] } });
    return;
  }
  for (const doc of docs) {
    const firstError = doc.errors[0];
    if (firstError) {
      addError(result, {
        message: firstError.message,
        span: { start: base + firstError.pos[0], end: base + firstError.pos[1] },
      });
      continue;
    }
    // `---` with nothing after it, or a null: an empty document, as js-yaml's path counts it.
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) continue;
    const builder = new TreeBuilder(doc, base);
    // An alias with no anchor before it is an error YAML readers (kubectl's included) report; `yaml` only finds it in toJS.
    if (builder.unresolved) {
      addError(result, { message: `alias *${builder.unresolved.source} has no anchor before it`, span: builder.span(builder.unresolved) });
      continue;
    }
    const root = builder.convert(doc.contents as YamlNode, false);
    const [start, , end] = doc.range;
    addDocument(result, {
      span: { start: base + start, end: base + end },
      root,
      header: treeHeader(root),
      objectCount: 0,
      generatedFrom: generatedFromOf(text),
    });
  }
}

function treeHeader(root: TreeNode): ObjectHeader | null {
  if (root.kind !== 'map') return null;
  let apiVersion: unknown;
  let kind: unknown;
  for (const e of root.entries) {
    if (e.key === 'apiVersion' && e.value?.kind === 'scalar') apiVersion = e.value.value;
    if (e.key === 'kind' && e.value?.kind === 'scalar') kind = e.value.value;
  }
  return typeof apiVersion === 'string' && typeof kind === 'string' ? { apiVersion, kind } : null;
}

function isMergeKey(value: unknown): boolean {
  return value === '<<' || (typeof value === 'symbol' && value.description === '<<');
}

/**
 * Converts one `yaml` document into our tree. Aliased nodes are converted once
 * and shared, so alias bombs stay linear and cycles terminate.
 */
class TreeBuilder {
  private readonly done = new Map<YamlNode, TreeNode>();
  /** Each alias's target, found in one walk of the document: `Alias.resolve` walks it again for every alias. */
  private readonly targets = new Map<Alias, YamlNode>();
  /** The first alias that names no anchor before it, if any. */
  unresolved: Alias | null = null;
  private readonly yaml = yamlLibrary();

  constructor(
    doc: Document,
    private readonly base: number,
  ) {
    // An alias means the last node before it with that anchor.
    const latest = new Map<string, YamlNode>();
    this.yaml.visit(doc, {
      Node: (_key, node) => {
        if (this.yaml.isAlias(node)) {
          const target = latest.get(node.source);
          if (target) this.targets.set(node, target);
          else this.unresolved ??= node;
        } else if (node.anchor) latest.set(node.anchor, node);
      },
    });
  }

  span(node: YamlNode): Span {
    const range = node.range ?? [0, 0, 0];
    return { start: this.base + range[0], end: this.base + range[1] };
  }

  private resolve(node: YamlNode): YamlNode | undefined {
    return this.yaml.isAlias(node) ? this.targets.get(node) : node;
  }

  convert(node: YamlNode, shared: boolean): TreeNode {
    const seen = this.done.get(node);
    if (seen) return seen;
    const isShared = shared || Boolean(node.anchor);
    if (this.yaml.isMap(node)) {
      const map: MapNode = { kind: 'map', span: this.span(node), shared: isShared, flow: Boolean(node.flow), entries: [] };
      this.done.set(node, map);
      map.entries = this.entries(node.items, isShared);
      return map;
    }
    if (this.yaml.isSeq(node)) {
      const seq: SeqNode = { kind: 'seq', span: this.span(node), shared: isShared, flow: Boolean(node.flow), items: [] };
      this.done.set(node, seq);
      for (const item of node.items) {
        const target = this.resolve(item as YamlNode);
        if (target) seq.items.push(this.convert(target, isShared || target !== item));
      }
      return seq;
    }
    const scalar: ScalarNode = {
      kind: 'scalar',
      span: this.span(node),
      shared: isShared,
      value: this.yaml.isScalar(node) ? scalarValue(node.value) : null,
      quoted: this.yaml.isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE'),
    };
    this.done.set(node, scalar);
    return scalar;
  }

  private entries(pairs: readonly { key: unknown; value: unknown }[], shared: boolean): MapEntry[] {
    const explicit: MapEntry[] = [];
    const merged: MapEntry[] = [];
    for (const pair of pairs) {
      const key = pair.key as YamlNode | null;
      if (!key || !this.yaml.isScalar(key)) continue;
      const valueNode = pair.value as YamlNode | null;
      if (isMergeKey(key.value)) {
        if (valueNode) merged.push(...this.mergeSources(valueNode));
        continue;
      }
      if (key.value === null || key.value === undefined) continue;
      const target = valueNode ? this.resolve(valueNode) : undefined;
      explicit.push({
        key: String(key.value),
        keySpan: this.span(key),
        value: target ? this.convert(target, shared || target !== valueNode) : null,
      });
    }
    // Explicit keys win over merged ones, and earlier merge sources over later ones (YAML merge spec).
    const seen = new Set(explicit.map((e) => e.key));
    for (const e of merged) {
      if (seen.has(e.key)) continue;
      seen.add(e.key);
      explicit.push(e);
    }
    return explicit;
  }

  private mergeSources(valueNode: YamlNode): MapEntry[] {
    const sources = this.yaml.isSeq(valueNode) ? (valueNode.items as YamlNode[]) : [valueNode];
    const out: MapEntry[] = [];
    for (const source of sources) {
      const target = this.resolve(source);
      if (!target) continue;
      const tree = this.convert(target, true);
      if (tree.kind === 'map') out.push(...tree.entries);
    }
    return out;
  }
}

function scalarValue(value: unknown): ScalarNode['value'] {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

export interface Comment {
  start: number;
  text: string;
}

// Tokens the lexer emits to mark state; they take no room in the source.
const MARKERS = new Set(['\u0002', '\u0018', '\u001f']);

/**
 * The comments of a text, found by the YAML lexer so that a `#` inside a
 * block scalar or a quoted string is never taken for one.
 */
export function commentsOf(text: string): Comment[] {
  const comments: Comment[] = [];
  let offset = 0;
  const { Lexer } = yamlLibrary();
  for (const token of new Lexer().lex(text)) {
    if (MARKERS.has(token)) continue;
    if (token.startsWith('#')) comments.push({ start: offset, text: token });
    offset += token.length;
  }
  return comments;
}
