// A YAML document as the rest of probe-lint sees it: plain values with the
// byte range each came from. Only parse.ts builds these from `yaml` nodes, so
// no other module depends on the parser's API.

/** Offsets in UTF-16 code units into the whole (BOM-less) file text. */
export interface Span {
  start: number;
  end: number;
}

interface NodeBase {
  span: Span;
  /** Carries an `&anchor` or is reached through an alias: editing it would change other places. */
  shared: boolean;
}

export interface ScalarNode extends NodeBase {
  kind: 'scalar';
  value: string | number | boolean | null;
  /** Written in quotes: `"8080"` is a string even where a number was meant. */
  quoted: boolean;
}

export interface MapEntry {
  key: string;
  keySpan: Span;
  value: TreeNode | null;
}

export interface MapNode extends NodeBase {
  kind: 'map';
  flow: boolean;
  entries: MapEntry[];
}

export interface SeqNode extends NodeBase {
  kind: 'seq';
  flow: boolean;
  items: TreeNode[];
}

export type TreeNode = ScalarNode | MapNode | SeqNode;

export function entry(map: MapNode | undefined, key: string): MapEntry | undefined {
  if (!map) return undefined;
  // Later keys win, as with merge keys resolved into explicit ones.
  for (let i = map.entries.length - 1; i >= 0; i--) {
    const e = map.entries[i]!;
    if (e.key === key) return e;
  }
  return undefined;
}

export function child(map: MapNode | undefined, key: string): TreeNode | undefined {
  return entry(map, key)?.value ?? undefined;
}

export function asMap(node: TreeNode | null | undefined): MapNode | undefined {
  return node?.kind === 'map' ? node : undefined;
}

export function asSeq(node: TreeNode | null | undefined): SeqNode | undefined {
  return node?.kind === 'seq' ? node : undefined;
}

export function asScalar(node: TreeNode | null | undefined): ScalarNode | undefined {
  return node?.kind === 'scalar' ? node : undefined;
}

export function mapAt(map: MapNode | undefined, ...path: string[]): MapNode | undefined {
  let at: MapNode | undefined = map;
  for (const key of path) at = asMap(child(at, key));
  return at;
}

/** A scalar that is a string, not a number or boolean written unquoted. */
export function stringOf(node: TreeNode | null | undefined): string | undefined {
  const s = asScalar(node);
  return typeof s?.value === 'string' ? s.value : undefined;
}

/** Scalar text as Kubernetes would read it into a string field (`8080` → "8080"). */
export function textOf(node: TreeNode | null | undefined): string | undefined {
  const s = asScalar(node);
  if (!s || s.value === null) return undefined;
  return String(s.value);
}

/** The maps of a sequence, skipping items of other shapes. */
export function mapItems(node: TreeNode | null | undefined): MapNode[] {
  return asSeq(node)?.items.filter((n): n is MapNode => n.kind === 'map') ?? [];
}

/** Whether a node or anything under it carries an anchor or is reached through an alias: its text cannot be copied elsewhere as is. */
export function holdsShared(node: TreeNode | null): boolean {
  if (!node) return false;
  if (node.shared) return true;
  if (node.kind === 'map') return node.entries.some((e) => holdsShared(e.value));
  if (node.kind === 'seq') return node.items.some(holdsShared);
  return false;
}

/** Entry span from the key to the end of the value: what a finding on a written field underlines. */
export function entrySpan(e: MapEntry): Span {
  return { start: e.keySpan.start, end: e.value ? e.value.span.end : e.keySpan.end };
}

/** One step of a key path: a map key, or a sequence item with its `name` when it has one (containers are found by name). */
export type Step = { key: string } | { index: number; name: string | null };

/** The key path to the entry at `offset` in a rendered document, with container names for sequence items. */
export function keyPathAt(root: TreeNode, offset: number): Step[] {
  const steps: Step[] = [];
  let node: TreeNode | null = root;
  while (node) {
    if (node.kind === 'map') {
      const e: MapEntry | undefined = node.entries.find((x) => x.keySpan.start <= offset && offset < Math.max(x.keySpan.end, x.value?.span.end ?? 0) + 1);
      if (!e) break;
      steps.push({ key: e.key });
      if (offset < e.keySpan.end) break;
      node = e.value;
    } else if (node.kind === 'seq') {
      const i = node.items.findIndex((item) => item.span.start <= offset && offset <= item.span.end);
      if (i === -1) break;
      const item: TreeNode = node.items[i]!;
      const name = child(asMap(item), 'name');
      steps.push({ index: i, name: name?.kind === 'scalar' && typeof name.value === 'string' ? name.value : null });
      node = item;
    } else break;
  }
  return steps;
}
