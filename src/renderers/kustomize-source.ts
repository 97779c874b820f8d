// A finding on `kubectl kustomize` output, taken home to the resource file
// people edit: the file and line that define the field, and the fix expressed
// there when the rendered value is the file's own literal (SPEC §1). A value an
// overlay patch changed is not the base's to fix: editing the base would not
// change what that overlay renders, and would change what the others render.
import { editorFor, type Change, type EditSet, type Editor, type TextEdit } from '../edit.js';
import type { ObjectRef } from '../model.js';
import type { FindingSource, Fix, ProposedFix } from '../rule.js';
import type { Home } from './renderer.js';
import { displayPath } from '../inputs.js';
import { plain, sameData } from '../same-objects.js';
import { lineColumns, lineText, positionOf, type SourceFile } from '../source.js';
import { readTreeFile } from '../tree-files.js';
import { asMap, child, entry, keyPathAt, mapAt, textOf, type MapNode, type Step, type TreeNode } from '../tree.js';

export interface KustomizeHomeInput {
  /** Absolute resource files the kustomization read. */
  resources: string[];
  ref: ObjectRef;
  /** The rendered document's root and the finding's span start. */
  rendered: { root: TreeNode; offset: number };
  proposed: ProposedFix | null;
  cwd: string;
}

export function kustomizeHome(input: KustomizeHomeInput): Home | null {
  const home = resourceObject(input.resources, input.ref);
  if (!home) return null;
  const { file, node } = home;
  const offset = deepestOffset(node, keyPathAt(input.rendered.root, input.rendered.offset));
  const line = positionOf(file, offset).line;
  const shown = displayPath(input.cwd, file.absPath!);
  const source: FindingSource = { file: shown, absPath: file.absPath, line, columns: lineColumns(lineText(file, line)), values: null };
  const edit = input.proposed && baseEdit(file, node, input.rendered.root, input.proposed.edit);
  const fix: Fix | null = edit && {
    description: input.proposed!.description,
    safe: input.proposed!.safe,
    edits: edit.edits,
    changes: edit.changes,
    target: { ...file, path: shown },
  };
  return { source, fix };
}

/**
 * The object of the build in the resource files: same kind, a name the build's
 * name (with any prefix or suffix) contains, the longest such name; between
 * equally long ones, the one whose namespace the build kept (an overlay's
 * `namespace:` rewrites every namespace, so a differing one rules nothing out).
 */
function resourceObject(resources: readonly string[], ref: ObjectRef): { file: SourceFile; node: MapNode } | null {
  if (!ref.name) return null;
  let best: { file: SourceFile; node: MapNode; name: string; sameNamespace: boolean } | null = null;
  for (const { file, node, kind, name, namespace } of resourceIndex(resources)) {
    if (kind !== ref.kind || !name || !ref.name.includes(name)) continue;
    const better = !best || best.name.length < name.length || (best.name.length === name.length && !best.sameNamespace && namespace === (ref.namespace ?? undefined));
    if (better) best = { file, node, name, sameNamespace: namespace === (ref.namespace ?? undefined) };
  }
  return best && { file: best.file, node: best.node };
}

interface ResourceObject {
  file: SourceFile;
  node: MapNode;
  kind: string | undefined;
  name: string | undefined;
  namespace: string | undefined;
}

// One index per render's list of files read: its findings are many, its resource files the same for each.
const resourceIndexes = new WeakMap<readonly string[], ResourceObject[]>();

/** The objects of a render's resource files, with the kind, name and namespace resourceObject compares. */
function resourceIndex(resources: readonly string[]): ResourceObject[] {
  let index = resourceIndexes.get(resources);
  if (!index) {
    index = resources.flatMap((resource) => {
      const parsed = readTreeFile(resource);
      return (parsed?.roots.flatMap((r) => asMap(r) ?? []) ?? []).map((node) => ({
        file: parsed!.file,
        node,
        kind: textOf(child(node, 'kind')),
        name: textOf(child(mapAt(node, 'metadata'), 'name')),
        namespace: textOf(child(mapAt(node, 'metadata'), 'namespace')),
      }));
    });
    resourceIndexes.set(resources, index);
  }
  return index;
}

/** The item of a sequence a step names: by its `name` when it has one (patches reorder nothing, but bases and renders may differ in length), else by index. */
function itemAt(node: TreeNode | null | undefined, step: { index: number; name: string | null }): TreeNode | undefined {
  const items: TreeNode[] = node?.kind === 'seq' ? node.items : [];
  if (step.name === null) return items[step.index];
  return items.find((item) => asMap(item)?.entries.some((e) => e.key === 'name' && e.value?.kind === 'scalar' && e.value.value === step.name));
}

/** The start of the deepest entry along a key path, as deep as the file has it (patches may add what the file lacks). */
function deepestOffset(start: MapNode, steps: Step[]): number {
  let node: TreeNode | null | undefined = start;
  let offset = start.span.start;
  for (const step of steps) {
    if ('key' in step) {
      const e = entry(asMap(node ?? undefined), step.key);
      if (!e) break;
      offset = e.keySpan.start;
      node = e.value;
    } else {
      const item = itemAt(node, step);
      if (!item) break;
      offset = item.span.start;
      node = item;
    }
  }
  return offset;
}

/** The node a whole key path leads to, or undefined when the file does not write all of it. */
function nodeAt(start: TreeNode, steps: readonly Step[]): TreeNode | undefined {
  let node: TreeNode | undefined = start;
  for (const step of steps) {
    node = 'key' in step ? (child(asMap(node), step.key) ?? undefined) : itemAt(node, step);
    if (!node) return undefined;
  }
  return node;
}

/** The key path from a root to a node of its tree (found by identity), or null when it is not there. */
function pathTo(root: TreeNode, target: TreeNode): Step[] | null {
  // An explicit stack: a rendered document can be deep, and recursion has a depth limit.
  const stack: { node: TreeNode; steps: Step[] }[] = [{ node: root, steps: [] }];
  const seen = new Set<TreeNode>();
  while (stack.length > 0) {
    const { node, steps } = stack.pop()!;
    if (node === target) return steps;
    if (seen.has(node)) continue;
    seen.add(node);
    if (node.kind === 'map') {
      for (const e of node.entries) if (e.value) stack.push({ node: e.value, steps: [...steps, { key: e.key }] });
    } else if (node.kind === 'seq') {
      node.items.forEach((item, index) => {
        const name = child(asMap(item), 'name');
        stack.push({ node: item, steps: [...steps, { index, name: name?.kind === 'scalar' && typeof name.value === 'string' ? name.value : null }] });
      });
    }
  }
  return null;
}

/** What one edit of a proposed fix does to its map, read back from the edit the edit module made. */
type Operation = { kind: 'set'; value: string } | { kind: 'add'; value: string | string[] } | { kind: 'remove' };

/**
 * Reads an edit back as an operation on `key` of `map`. The edit module makes
 * exactly one edit per change (set: the scalar's range replaced; add and insert:
 * `key: value` or `key:` and a block, at a line start or after `, ` in a flow
 * map; remove: the entry's lines deleted), so anything else is not understood
 * and the fix is not carried over.
 */
function operationOf(map: MapNode, key: string, edit: TextEdit): Operation | null {
  const written = entry(map, key);
  if (written) {
    const value = written.value;
    if (edit.text === '' && edit.length > 0) return { kind: 'remove' };
    if (value?.kind !== 'scalar' || edit.offset !== value.span.start || edit.length !== value.span.end - value.span.start) return null;
    return { kind: 'set', value: edit.text };
  }
  if (edit.length !== 0) return null;
  const lines = edit.text.replace(/^(\r?\n)+/, '').replace(/^\s*,\s*/, '').replace(/(\r?\n)+$/, '').split(/\r?\n/);
  const first = lines[0] ?? '';
  const indent = first.length - first.trimStart().length;
  const head = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(?: (.*))?$`).exec(first.trimStart());
  if (!head) return null;
  if (lines.length === 1) return head[1] === undefined ? null : { kind: 'add', value: head[1] };
  if (head[1] !== undefined) return null;
  // The block as the edit module takes it: two spaces a level below the key, whatever step the rendered file used.
  const rest = lines.slice(1);
  const depthOf = (l: string): number => l.length - l.trimStart().length - indent;
  const step = Math.min(...rest.filter((l) => l.trim() !== '').map(depthOf).filter((d) => d > 0));
  if (!Number.isFinite(step) || rest.some((l) => l.trim() !== '' && depthOf(l) < 0)) return null;
  const block = rest.map((l) => {
    // `- ` items may sit at the key's own column: they belong one level in.
    const depth = Math.max(0, depthOf(l) - step);
    if (depth % step !== 0) return null;
    return '  '.repeat(depth / step) + l.trimStart();
  });
  return block.some((l) => l === null) ? null : { kind: 'add', value: block as string[] };
}

/**
 * The proposed rendered edits, made on the resource file with the edit
 * module: each changed map found at the same key path in the file, the old
 * value written there literally (for a set or removal), or the whole map
 * written there as rendered (for an addition: no patch touched it); null when
 * any change cannot be carried over, so a fix is never half applied.
 */
function baseEdit(file: SourceFile, object: MapNode, renderedRoot: TreeNode, proposed: EditSet): EditSet | null {
  const { edits, changes } = proposed;
  if (edits.length === 0 || edits.length !== changes.length) return null;
  const editor = editorFor(file);
  const made: EditSet[] = [];
  for (const [i, change] of changes.entries()) {
    const carried = carryOver(editor, object, renderedRoot, change, edits[i]!);
    if (!carried) return null;
    made.push(carried);
  }
  return { edits: made.flatMap((s) => s.edits), changes: made.flatMap((s) => s.changes) };
}

function carryOver(editor: Editor, object: MapNode, renderedRoot: TreeNode, change: Change, edit: TextEdit): EditSet | null {
  const steps = pathTo(renderedRoot, change.map);
  const operation = steps && operationOf(change.map, change.key, edit);
  const base = steps && asMap(nodeAt(object, steps));
  if (!operation || !base || base.shared) return null;
  const renderedEntry = entry(change.map, change.key);
  const baseEntry = entry(base, change.key);
  if (operation.kind === 'add') {
    // Added where the file lacks the key, and only to a map the file writes exactly as rendered.
    if (baseEntry || !sameData(plain(base), plain(change.map))) return null;
    return editor.add(base, change.key, operation.value);
  }
  // The value the render shows must be the file's own literal: a patched one is the overlay's.
  if (!baseEntry?.value || !renderedEntry || !sameData(plain(baseEntry.value), plain(renderedEntry.value))) return null;
  if (operation.kind === 'remove') return editor.remove(base, baseEntry);
  if (baseEntry.value.kind !== 'scalar') return null;
  return editor.set(base, change.key, operation.value);
}
