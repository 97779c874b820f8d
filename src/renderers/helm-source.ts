// From a finding in rendered Helm output back to what people edit: the
// template file its `# Source:` comment names, the line of the offending key
// there (walking the key path through the template's indentation, into
// `include`d and `template`d helpers wherever the pod template is written),
// and, when the value comes from values (`toYaml .Values.x`, `with .Values.x`,
// `{{ .Values.x }}`), the values file and key that hold it; together with the
// finding's fix expressed there. Templates are not YAML, so this reads them as
// lines; only a stretch of plain YAML lines cut out of a template is parsed.
import fs from 'node:fs';
import path from 'node:path';
import { setValue, type EditSet } from '../edit.js';
import { displayPath } from '../inputs.js';
import { parseFile } from '../parse.js';
import type { FindingSource, Fix, ProposedFix } from '../rule.js';
import type { Home } from './renderer.js';
import { lineColumns, positionOf, type SourceFile } from '../source.js';
import { readTextFile, readTreeFile } from '../tree-files.js';
import { asMap, asScalar, asSeq, entry, mapAt, type MapNode, type Step, type TreeNode } from '../tree.js';

export interface ChartContext {
  dir: string;
  /** Values files in the order helm reads them: the chart's values.yaml first. */
  valuesFiles: string[];
}

interface ValuesRef {
  /** Absolute path of the values file. */
  file: string;
  /** Dotted key, as deep as the file has it. */
  key: string;
  line: number;
}

export interface HelmHomeInput {
  chart: ChartContext;
  /** The template's path inside the chart, e.g. `templates/deployment.yaml`. */
  template: string;
  /** The key path of the finding in its rendered document (tree.ts `keyPathAt`). */
  steps: Step[];
  /** The rendered document: what a guess about which written item or values key it came from is checked against. */
  rendered: TreeNode;
  /** The fix proposed on the rendered output, if any. */
  proposed: ProposedFix | null;
  cwd: string;
}

/**
 * Where a rendered finding is written in its chart, and its fix expressed
 * there. Null when the template cannot be read. Only fixes that set one number
 * are carried over: into the values key the rendered value comes from (set, or
 * added to the values map the rendered map comes from), onto the template line
 * that writes it literally, or added to a probe written literally in the template.
 */
export function helmHome(input: HelmHomeInput): Home | null {
  const { template, steps, proposed, cwd } = input;
  const scope = scopeOf(input.chart, template, input.rendered);
  const walked = walkTemplate(scope, template, steps);
  if (!walked) return null;
  const values = walked.values ? certainValues(scope, steps, walked.values) : null;
  const line = walked.line === null ? null : walked.line + 1;
  const source: FindingSource = {
    file: displayPath(cwd, walked.template.file),
    absPath: walked.template.file,
    line,
    columns: walked.line === null ? null : lineColumns(walked.template.lines[walked.line]!.raw),
    values: values && { file: displayPath(cwd, values.file), key: values.key, line: values.line },
  };
  return { source, fix: proposed ? homeFix(scope, template, steps, proposed, cwd) : null };
}

// ---------------------------------------------------------------------------
// The chart a template belongs to

/** A values file and the key path under which it holds the template's `.Values`. */
interface ValuesSource {
  file: string;
  prefix: string[];
}

/** What a template sees: its values, where its helpers may be defined, and what it rendered. */
interface Scope {
  /** The chart directories from the template's own (a subchart's) up to the rendered chart: where `define`s are looked for. */
  dirs: string[];
  /** Lowest precedence first, as helm merges them. */
  values: ValuesSource[];
  rendered: TreeNode;
}

/**
 * A template under `charts/NAME/templates/` is a subchart's: helm names it by
 * the subchart in the `# Source:` path, and gives it `.Values` from its own
 * values.yaml, overridden by the `NAME:` section of each parent's values
 * (the rendered chart's values files last). Nested subcharts repeat that.
 */
function scopeOf(chart: ChartContext, templateRel: string, rendered: TreeNode): Scope {
  const parts = templateRel.split('/');
  const chain = [chart.dir];
  const names: string[] = [];
  while (parts[0] === 'charts' && parts.length > 2) {
    names.push(parts[1]!);
    chain.push(path.join(chain.at(-1)!, 'charts', parts[1]!));
    parts.splice(0, 2);
  }
  const values: ValuesSource[] = [];
  for (let k = chain.length - 1; k >= 1; k--) {
    const own = path.join(chain[k]!, 'values.yaml');
    if (fs.existsSync(own)) values.push({ file: own, prefix: names.slice(k) });
  }
  for (const file of chart.valuesFiles) values.push({ file, prefix: names });
  return { dirs: [...chain].reverse(), values, rendered };
}

/** The rendered node a key path leads to: undefined when the document does not have it, null for an empty value. */
function renderedAt(root: TreeNode, steps: readonly Step[]): TreeNode | null | undefined {
  let node: TreeNode | null | undefined = root;
  for (const step of steps) {
    if (!node) return undefined;
    node = 'key' in step ? entry(asMap(node), step.key)?.value : asSeq(node)?.items[step.index];
  }
  return node;
}

/** A values node and the rendered one agree: the same scalars, and every key of a values map rendered with the same value (a template may add keys). */
function agrees(values: TreeNode | null, rendered: TreeNode | null | undefined): boolean {
  if (rendered === undefined) return false;
  if (!values || !rendered) return (values === null || (values.kind === 'scalar' && values.value === null)) && (rendered === null || (rendered.kind === 'scalar' && rendered.value === null));
  if (values.kind === 'scalar') return rendered.kind === 'scalar' && String(values.value) === String(rendered.value);
  if (values.kind === 'seq') return rendered.kind === 'seq' && rendered.items.length === values.items.length && values.items.every((item, k) => agrees(item, rendered.items[k]));
  const map = asMap(rendered);
  return map !== undefined && values.entries.every((e) => {
    const r = entry(map, e.key);
    return r !== undefined && agrees(e.value, r.value);
  });
}

// ---------------------------------------------------------------------------
// Templates as lines

interface Line {
  indent: number;
  /** Column of the first key on the line, after any `- ` markers. */
  keyColumn: number;
  dash: boolean;
  /** The line after its indentation and `- ` markers. */
  body: string;
  /** Blank, a comment, or nothing but `{{ … }}` actions: no key of its own. */
  templateOnly: boolean;
  /** The line without its line ending. */
  raw: string;
  /** Offset of the line's first character in the template text. */
  start: number;
}

interface Template {
  file: string;
  /** The text without a BOM: offsets of fixes count into it, as for every SourceFile. */
  text: string;
  bom: boolean;
  lines: Line[];
}

function toLines(text: string): Line[] {
  let start = 0;
  return text.split('\n').map((withEnding) => {
    const raw = withEnding.replace(/\r$/, '');
    const indent = raw.length - raw.trimStart().length;
    let body = raw.trimStart();
    let keyColumn = indent;
    let dash = false;
    while (/^-(\s|$)/.test(body)) {
      const after = body.slice(1);
      keyColumn += 1 + after.length - after.trimStart().length;
      body = after.trimStart();
      dash = true;
    }
    const templateOnly = body === '' || /^\{\{.*\}\}\s*$/.test(body) || body.startsWith('#');
    const line = { indent, keyColumn, dash, body, templateOnly, raw, start };
    start += withEnding.length + 1;
    return line;
  });
}

// Read once per text: readTextFile hands back the same string while the file is unchanged.
const templates = new Map<string, Template>();

function loadTemplate(file: string): Template | null {
  const read = readTextFile(file);
  if (read === null) return null;
  const hit = templates.get(file);
  const bom = read.charCodeAt(0) === 0xfeff;
  const text = bom ? read.slice(1) : read;
  if (hit?.text === text) return hit;
  const template = { file, text, bom, lines: toLines(text) };
  templates.set(file, template);
  return template;
}

function keyOf(line: Line): string | null {
  return /^["']?([\w.\-/]+)["']?\s*:(\s|$)/.exec(line.body)?.[1] ?? null;
}

/** Lines `start` to `end` (exclusive) of one template: a whole file, a helper's body, or the block under a key. */
interface Region {
  template: Template;
  start: number;
  end: number;
}

/** The lines under the entry at `at`, up to the next line at or left of its key. */
function blockAfter(region: Region, at: number, column: number): Region {
  const lines = region.template.lines;
  let end = at + 1;
  while (end < region.end) {
    const line = lines[end]!;
    // A sequence may sit at its key's own indentation (`containers:` then `- name: …`).
    if (!line.templateOnly && (line.dash ? line.indent < column : line.keyColumn <= column)) break;
    end++;
  }
  return { ...region, start: at + 1, end };
}

/** The smallest key column (or dash column) among the region's own lines: where its direct children are. */
function childColumn(region: Region, dashes: boolean): number | null {
  let best: number | null = null;
  for (let i = region.start; i < region.end; i++) {
    const line = region.template.lines[i]!;
    if (line.templateOnly || (dashes && !line.dash)) continue;
    const column = dashes ? line.indent : line.keyColumn;
    if (best === null || column < best) best = column;
  }
  return best;
}

/**
 * The `{{ … }}`-only lines whose output lands among the region's children: those
 * not indented past the children's column (deeper ones write into a child's
 * block). With no written children, every such line of the region.
 */
function directActions(region: Region, column: number | null): number[] {
  const found: number[] = [];
  for (let at = region.start; at < region.end; at++) {
    const line = region.template.lines[at]!;
    if (line.templateOnly && line.body.startsWith('{{') && (column === null || line.indent <= column)) found.push(at);
  }
  return found;
}

// ---------------------------------------------------------------------------
// Walking a key path

interface ValuesKey {
  /** Dotted values key of the rendered node at the end of the walked path. */
  key: string;
  /** False when the path went on through a list inside the values (`toYaml .Values.sidecars`): the key stops before it and no fix can be built there. */
  exact: boolean;
  /** How many parts of the key the template names (`.Values.a.b` in `toYaml .Values.a.b`): a values file must have at least those. */
  named: number;
  /** How many steps of the rendered path lead to the node the whole key holds. */
  depth: number;
}

interface Walked {
  /** The template or helper that holds the deepest line found. */
  template: Template;
  /** 0-based index of the deepest line found, null when not even the first key was. */
  line: number | null;
  /** How many steps of the path were found written in templates. */
  matched: number;
  values: ValuesKey | null;
}

/** Helpers included within helpers within helpers…: deeper than this is a loop or not worth following. */
const MAX_DEPTH = 4;

function walkTemplate(scope: Scope, templateRel: string, steps: Step[]): Walked | null {
  const template = loadTemplate(path.join(scope.dirs.at(-1)!, templateRel));
  if (!template) return null;
  return walk(scope, { template, start: 0, end: template.lines.length }, steps, 0, null, 0);
}

function walk(chart: Scope, region: Region, steps: Step[], i: number, best: number | null, depth: number): Walked {
  const done = (values: ValuesKey | null): Walked => ({ template: region.template, line: best, matched: i, values });
  const lines = region.template.lines;
  if (i === steps.length) {
    if (best === null) return done(null);
    return done(scalarValues(region.template, best, i) ?? blockValues(region, best, [], childColumn(region, false), i));
  }
  const step = steps[i]!;
  if ('key' in step) {
    const column = childColumn(region, false);
    for (let at = region.start; column !== null && at < region.end; at++) {
      const line = lines[at]!;
      if (line.templateOnly || line.keyColumn !== column || keyOf(line) !== step.key) continue;
      return walk(chart, blockAfter(region, at, column), steps, i + 1, at, depth);
    }
    // Not written here: it comes from values, or from a helper.
    const fromValues = blockValues(region, best, steps.slice(i), column, i);
    if (fromValues) return done(fromValues);
    return throughHelpers(chart, region, steps, i, best, depth, column) ?? done(null);
  }
  const column = childColumn(region, true);
  const items = itemsOf(region, column);
  const item = (k: number): Walked => walk(chart, { ...region, start: items[k]!.at, end: items[k]!.end }, steps, i + 1, items[k]!.at, depth);
  // Containers are found by name; a helper that writes an item under that name beats a guess among the ones written here.
  const named = step.name === null ? -1 : items.findIndex((x) => x.name === step.name);
  if (named !== -1) return item(named);
  if (step.name !== null) {
    const helper = namedInHelper(chart, region, step.name, best, column, depth);
    if (helper) {
      const inner = walk(chart, helper, steps, i, null, depth + 1);
      if (inner.matched > i) return inner;
    }
  }
  // An item whose name is not written literally (`- name: {{ .Chart.Name }}`, a `range`) may be the one rendered.
  const guess = guessItem(region, items, column, step.index, renderedAt(chart.rendered, steps.slice(0, i + 1)));
  if (guess !== -1) return item(guess);
  const fromValues = blockValues(region, best, steps.slice(i), column, i);
  if (fromValues) return done(fromValues);
  return throughHelpers(chart, region, steps, i, best, depth, column) ?? done(null);
}

interface Item {
  at: number;
  end: number;
  name: string | null;
}

/** The sequence items written in a region, with their `name` when written literally at the item's own level. */
function itemsOf(region: Region, column: number | null): Item[] {
  const lines = region.template.lines;
  const starts: number[] = [];
  for (let at = region.start; column !== null && at < region.end; at++) {
    const line = lines[at]!;
    if (!line.templateOnly && line.dash && line.indent === column) starts.push(at);
  }
  return starts.map((at, k) => {
    let end = starts[k + 1] ?? region.end;
    // Actions after the item's last line, at the dashes' indentation or left of it, write the sequence's next items
    // (`{{- include "sidecar" . | nindent 4 }}`), not into this one.
    while (end - 1 > at && lines[end - 1]!.templateOnly && lines[end - 1]!.indent <= column!) end--;
    const own = lines[at]!.keyColumn;
    let name: string | null = null;
    for (let j = at; j < end; j++) {
      const line = lines[j]!;
      // Only the item's own `name:`, not a port's or an env var's further in.
      if (line.templateOnly || line.keyColumn !== own || keyOf(line) !== 'name') continue;
      name = /^name:\s*["']?([^"'\s#{}]+)["']?\s*(#.*)?$/.exec(line.body)?.[1] ?? null;
      break;
    }
    return { at, end, name };
  });
}

const CONTROL = /\{\{-?\s*(if|with|range|define|block|end)\b/g;
/** A `{{ … }}` line that writes nothing: a block's start or end, a comment, a variable. */
const SILENT = /^\{\{-?\s*(?:if|else|end|with|range|define|block|\/\*|\$\w*\s*:?=)/;

/**
 * Which of the items written without a literal name the rendered item
 * (`rendered`, the `index`-th of its sequence) is. Counting is right only when
 * every item up to it is written outside any `if`/`range`/`with` opened in the
 * sequence and nothing before it writes items of its own (an `include`, a
 * `toYaml`): a disabled `{{- if }}` item before it shifts every index. Else it
 * is the one item whose literal fields the rendered item has, and only when
 * nothing else could have written it or those fields say it is that one. -1:
 * no item can be named with certainty.
 */
function guessItem(region: Region, items: Item[], column: number | null, index: number, rendered: TreeNode | null | undefined): number {
  const fits = items.flatMap((x, k) => {
    const evidence = x.name === null ? fitsItem(region.template, x, asMap(rendered)) : null;
    return evidence === null ? [] : [{ k, evidence }];
  });
  const counted = fits.find((f) => f.k === index);
  if (counted && countable(region, items, index, column)) return index;
  const writers = directActions(region, column).some((at) => !SILENT.test(region.template.lines[at]!.body));
  const [only, ...others] = fits;
  return only && others.length === 0 && (!writers || only.evidence > 0) ? only.k : -1;
}

/** Whether items 0…k are each written unconditionally, with nothing before item k that writes items. */
function countable(region: Region, items: Item[], k: number, column: number | null): boolean {
  const lines = region.template.lines;
  const starts = new Set(items.slice(0, k + 1).map((x) => x.at));
  let open = 0;
  for (let at = region.start; at <= items[k]!.at; at++) {
    const line = lines[at]!;
    if (starts.has(at) && open > 0) return false;
    if (line.templateOnly && line.body.startsWith('{{') && column !== null && line.indent <= column && !SILENT.test(line.body)) return false;
    for (const m of line.raw.matchAll(CONTROL)) {
      // An `end` of a block opened before the sequence (a `range` over the whole file) does not concern its items.
      if (m[1] === 'end') open = Math.max(0, open - 1);
      else open++;
    }
  }
  return true;
}

/**
 * Whether a written item can be the rendered one: each field written at the
 * item's own level, outside any block opened in the item, must be rendered
 * with that value (`{{ … }}` parts standing for anything). Null when one is
 * not; else how many fields with literal text agree.
 */
function fitsItem(template: Template, item: Item, rendered: MapNode | undefined): number | null {
  if (!rendered) return 0;
  const own = template.lines[item.at]!.keyColumn;
  let open = 0;
  let evidence = 0;
  for (let at = item.at; at < item.end; at++) {
    const line = template.lines[at]!;
    const before = open;
    for (const m of line.raw.matchAll(CONTROL)) open = m[1] === 'end' ? Math.max(0, open - 1) : open + 1;
    if (before > 0 || line.templateOnly || line.keyColumn !== own) continue;
    const m = /^["']?([\w.\-/]+)["']?\s*:\s+(.*?)\s*(?:\s#.*)?$/.exec(line.body);
    if (!m || m[2] === '' || /^[|>&*[{!]/.test(m[2]!)) continue;
    const written = m[2]!.replace(/^(["'])(.*)\1$/, '$2');
    // `{{ if }}a{{ else }}b{{ end }}` renders one of its parts, not all of them.
    if (/\{\{-?\s*(?:if|else|range|with|end)\b/.test(written)) continue;
    const value = entry(rendered, m[1]!);
    const text = asScalar(value?.value);
    if (!value || (value.value && !text)) return null;
    const parts = written.split(/\{\{.*?\}\}/);
    if (parts.every((p) => p === '')) continue;
    const pattern = new RegExp(`^${parts.map(escapeRegExp).join('[\\s\\S]*')}$`);
    if (!pattern.test(text ? String(text.value) : '')) return null;
    evidence++;
  }
  return evidence;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first helper included among the region's items whose own items include one written with this name. */
function namedInHelper(chart: Scope, region: Region, name: string, best: number | null, column: number | null, depth: number): Region | null {
  if (depth >= MAX_DEPTH) return null;
  for (const include of includesOf(region, best, column)) {
    const helper = findDefine(chart, include);
    if (helper && itemsOf(helper, childColumn(helper, true)).some((x) => x.name === name)) return helper;
  }
  return null;
}

/** The rest of the path followed into the helpers the region includes; the one that finds the most of it. */
function throughHelpers(chart: Scope, region: Region, steps: Step[], i: number, best: number | null, depth: number, column: number | null): Walked | null {
  if (depth >= MAX_DEPTH) return null;
  let found: Walked | null = null;
  for (const name of includesOf(region, best, column)) {
    const helper = findDefine(chart, name);
    if (!helper) continue;
    const inner = walk(chart, helper, steps, i, null, depth + 1);
    if (inner.matched <= i && !inner.values) continue;
    if (!found || inner.matched > found.matched) found = inner;
  }
  return found;
}

/** Names of the helpers the region's key line and its direct actions include (`include "x" …`, `template "x" …`). */
function includesOf(region: Region, best: number | null, column: number | null): string[] {
  const lines = region.template.lines;
  const names: string[] = [];
  for (const at of [...(best === null ? [] : [best]), ...directActions(region, column)]) {
    for (const m of lines[at]!.raw.matchAll(/\b(?:include|template)\s+"([^"]+)"/g)) names.push(m[1]!);
  }
  return names;
}

// ---------------------------------------------------------------------------
// Values

/** `.Values.x.y` as written at the top level, through a dict's root (`.root.Values`), or from the top scope (`$.Values`). */
const VALUES = String.raw`(?:\$\w*)?(?:\.\w+)*?\.Values\.([\w.]*\w)`;
const TO_YAML_VALUES = new RegExp(String.raw`toYaml\s+\(?\s*${VALUES}|${VALUES}\s*\|\s*toYaml\b`);
const TO_YAML_DOT = /toYaml\s+\.\s*[|})]|\{\{-?\s*\.\s*\|\s*toYaml\b/;
const SCALAR_VALUES = new RegExp(String.raw`\{\{[^}]*?${VALUES}`);
/** `{{ .timeout }}` inside a `with`; the built-in objects are not the scope's. */
const SCALAR_DOT = /\{\{-?\s*(?:default\s+\S+\s+)?\.(?!(?:Values|Release|Chart|Capabilities|Template|Files)\b)(\w[\w.]*)/;

/** The dotted keys of the rest of a path, up to a list (values keys cannot say which item), and how many there are. */
function restKeys(rest: Step[]): { keys: string; count: number; exact: boolean } {
  const keys: string[] = [];
  for (const step of rest) {
    if (!('key' in step)) return { keys: keys.map((k) => `.${k}`).join(''), count: keys.length, exact: false };
    keys.push(step.key);
  }
  return { keys: keys.map((k) => `.${k}`).join(''), count: keys.length, exact: true };
}

/** A values key the template names, followed by the rest of the path that starts at step `i`. */
function valuesKey(named: string, rest: Step[], i: number): ValuesKey {
  const { keys, count, exact } = restKeys(rest);
  return { key: named + keys, exact, named: named.split('.').length, depth: i + count };
}

/** `key: {{ toYaml .Values.x | nindent }}`, a `{{- toYaml .Values.x | nindent }}` line among the children, `with .Values.x` … `toYaml .`. */
function blockValues(region: Region, best: number | null, rest: Step[], column: number | null, i: number): ValuesKey | null {
  const lines = region.template.lines;
  const candidates = [...(best === null ? [] : [best]), ...directActions(region, column)];
  for (const at of candidates) {
    const m = TO_YAML_VALUES.exec(lines[at]!.raw);
    if (m) return valuesKey((m[1] ?? m[2])!, rest, i);
  }
  for (const at of candidates) {
    if (!TO_YAML_DOT.test(lines[at]!.raw)) continue;
    const scope = withScope(region.template, at);
    if (scope) return valuesKey(scope, rest, i);
  }
  return null;
}

/** `timeoutSeconds: {{ .Values.probe.timeout }}`, or `{{ .timeout }}` inside `with .Values.probe`; the whole path (`i` steps) leads to it. */
function scalarValues(template: Template, at: number, i: number): ValuesKey | null {
  const raw = template.lines[at]!.raw;
  const direct = SCALAR_VALUES.exec(raw);
  if (direct) return valuesKey(direct[1]!, [], i);
  const dotted = SCALAR_DOT.exec(raw);
  if (dotted) {
    const scope = withScope(template, at);
    if (scope) return valuesKey(`${scope}.${dotted[1]}`, [], i);
  }
  return null;
}

const ACTION = /\{\{-?\s*(if|with|range|define|block|end)\b([^}]*)\}\}/g;
const WITH_VALUES = new RegExp(String.raw`^\s*${VALUES}\s*-?$`);

/**
 * The `.Values.x` that `.` stands for at a line: the innermost `with .Values.x`
 * still open there, read upwards counting the blocks that close in between. An
 * `if` keeps the scope; a `range`, `define` or `with` of anything else changes it.
 */
function withScope(template: Template, at: number): string | null {
  let closed = 0;
  for (let i = at; i >= 0; i--) {
    const actions = [...template.lines[i]!.raw.matchAll(ACTION)];
    // On the line itself, only what opens before the use counts; reading upwards, a line's actions go last to first.
    for (const m of actions.reverse()) {
      if (m[1] === 'end') {
        if (i < at) closed++;
        continue;
      }
      if (closed > 0) {
        closed--;
        continue;
      }
      if (m[1] === 'if') continue;
      if (m[1] === 'with') return WITH_VALUES.exec(m[2]!)?.[1] ?? null;
      return null;
    }
  }
  return null;
}

interface FoundValues {
  ref: ValuesRef;
  /** The node the key found holds. */
  node: TreeNode | null;
  /** How many parts of the wanted key (after the file's prefix) the file has. */
  found: number;
}

/** Where a dotted values key is set: the last values file that has it, as deep as it goes (the file's prefix always whole). */
function findValues(sources: ValuesSource[], key: string): FoundValues | null {
  const parts = key.split('.');
  let best: FoundValues | null = null;
  for (const { file, prefix } of [...sources].reverse()) {
    const tree = readTreeFile(file);
    if (!tree) continue;
    let node: TreeNode | null | undefined = tree.roots[0];
    const found: string[] = [];
    let offset: number | null = null;
    for (const part of [...prefix, ...parts]) {
      const e = entry(asMap(node), part);
      if (!e) break;
      found.push(part);
      offset = e.keySpan.start;
      node = e.value;
    }
    const depth = found.length - prefix.length;
    if (offset === null || depth <= 0) continue;
    const ref = { file, key: found.join('.'), line: positionOf(tree.file, offset).line };
    const hit = { ref, node: node ?? null, found: depth };
    if (depth === parts.length) return hit;
    if (!best || depth > best.found) best = hit;
  }
  return best;
}

/**
 * The values key a rendered value comes from, claimed only when certain: the
 * values file has at least the key the template names, and what it holds
 * there is what was rendered (a `default`, a `quote` around a number, a
 * guess at the wrong container all fail this).
 */
function certainValues(scope: Scope, steps: Step[], wanted: ValuesKey): ValuesRef | null {
  const hit = findValues(scope.values, wanted.key);
  if (!hit || hit.found < wanted.named) return null;
  const short = wanted.key.split('.').length - hit.found;
  return agrees(hit.node, renderedAt(scope.rendered, steps.slice(0, wanted.depth - short))) ? hit.ref : null;
}

// ---------------------------------------------------------------------------
// Helpers (`define`)

interface Defines {
  /** Every template and helper file read for them, with the text read: a changed one means reading all again. */
  texts: Map<string, string>;
  regions: Map<string, Region>;
}

const defineCache = new Map<string, Defines>();

/**
 * The body of `{{ define "name" }}` among the templates and helpers (in any
 * subdirectory of templates/) of the template's own chart, then of the charts
 * above it: helm shares one set of helpers between a chart and its subcharts.
 */
function findDefine(scope: Scope, name: string): Region | null {
  for (const defines of definesOf(scope)) {
    const found = defines.regions.get(name);
    if (found) return found;
  }
  return null;
}

// A finding's helpers are looked up once per `include` it passes through: its scope checks each chart's once.
const scopeDefines = new WeakMap<Scope, Defines[]>();

function definesOf(scope: Scope): Defines[] {
  let defines = scopeDefines.get(scope);
  if (!defines) scopeDefines.set(scope, (defines = scope.dirs.map(definesIn)));
  return defines;
}

function definesIn(chartDir: string): Defines {
  let defines = defineCache.get(chartDir);
  if (!defines || [...defines.texts].some(([file, text]) => loadTemplate(file)?.text !== text)) {
    defines = { texts: new Map(), regions: new Map() };
    const dir = path.join(chartDir, 'templates');
    const files = fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort() : [];
    for (const rel of files.filter((f) => /\.(tpl|yaml|yml)$/.test(f))) {
      const template = loadTemplate(path.join(dir, rel));
      if (!template) continue;
      defines.texts.set(template.file, template.text);
      template.lines.forEach((line, at) => {
        const m = /\{\{-?\s*define\s+"([^"]+)"/.exec(line.raw);
        // Helm keeps the last definition of a name, in the order it loads files; the first one found here is as good a guess.
        if (m && !defines!.regions.has(m[1]!)) defines!.regions.set(m[1]!, { template, start: at + 1, end: defineEnd(template.lines, at) });
      });
    }
    defineCache.set(chartDir, defines);
  }
  return defines;
}

/** The line of the `{{ end }}` that closes the `define` on line `at`, counting the blocks opened inside. */
function defineEnd(all: Line[], at: number): number {
  let depth = 0;
  for (let i = at; i < all.length; i++) {
    for (const m of all[i]!.raw.matchAll(CONTROL)) {
      depth += m[1] === 'end' ? -1 : 1;
      if (depth === 0) return i;
    }
  }
  return all.length;
}

// ---------------------------------------------------------------------------
// Fixes

/** The one number a proposed fix sets, the key it sets it under, and the rendered map that key belongs to. */
interface OneNumber {
  key: string;
  value: string;
  map: MapNode;
}

function oneNumber(proposed: ProposedFix): OneNumber | null {
  const { edits, changes } = proposed.edit;
  const [edit] = edits;
  const [change] = changes;
  if (edits.length !== 1 || changes.length !== 1 || !edit || !change) return null;
  // A replaced scalar is the number itself; an added entry is `key: number` as edit.ts writes it (block, flow or JSON).
  let value: string | undefined = edit.text;
  if (edit.length === 0) {
    const added = /^[\s,]*"?([\w-]+)"?\s*:\s*(\S+?)\s*$/.exec(edit.text);
    value = added?.[1] === change.key ? added[2] : undefined;
  }
  if (!value || !/^\d+$/.test(value)) return null;
  return { key: change.key, value, map: change.map };
}

function homeFix(chart: Scope, templateRel: string, steps: Step[], proposed: ProposedFix, cwd: string): Fix | null {
  const one = oneNumber(proposed);
  if (!one) return null;
  // The finding is on a field of the map the fix changes (that field or a sibling) or on the key that holds the map.
  const last = steps.at(-1);
  const onField = last !== undefined && 'key' in last && entry(one.map, last.key) !== undefined;
  const mapPath = onField ? steps.slice(0, -1) : steps;
  const target = [...mapPath, { key: one.key }];
  const walked = walkTemplate(chart, templateRel, target);
  if (!walked) return null;
  const shown = (description: string, file: SourceFile, edit: EditSet | null): Fix | null =>
    edit && { description: `${proposed.description}${description}`, safe: proposed.safe, edits: edit.edits, changes: [], target: file, shownOnly: true };
  if (walked.values) {
    if (!walked.values.exact) return null;
    // When the key is written in the template (`timeoutSeconds: {{ .Values.probe.timeout }}`), the values key is that
    // number whatever its name; when a block comes from values, the values map must be the rendered one.
    const fromBlock = walked.matched < target.length;
    const values = valuesEdit(chart.values, walked.values.key, one, fromBlock);
    return values && shown(` at ${values.key} in ${displayPath(cwd, values.file.absPath!)}`, { ...values.file, path: displayPath(cwd, values.file.absPath!) }, values.edit);
  }
  if (walked.line === null) return null;
  const file: SourceFile = { path: displayPath(cwd, walked.template.file), absPath: walked.template.file, text: walked.template.text, bom: walked.template.bom };
  if (walked.matched === target.length) return shown(` in ${file.path}`, file, literalEdit(walked.template, walked.line, one));
  const holder = mapPath.at(-1);
  if (walked.matched === mapPath.length && holder && 'key' in holder) return shown(` in ${file.path}`, file, addToLiteralBlock(walked.template, walked.line, holder.key, one));
  return null;
}

/**
 * The edit of a values file that sets a dotted key: in the last file that has
 * it, else added to the map meant to hold it in the last file that has that map;
 * with the key as that file writes it (a subchart's under its name).
 * The values must be what was rendered: the key's value the rendered number
 * (absent from both when the fix adds it), else the key did not make the
 * number and setting it would fix nothing, or the wrong thing. `sameMap`: the
 * rendered map came from the values map (toYaml), so every key that map has
 * must be rendered with its value; otherwise the fix was meant for another map
 * than the one the finding's path leads to.
 */
function valuesEdit(sources: ValuesSource[], key: string, one: OneNumber, sameMap: boolean): { file: SourceFile; key: string; edit: EditSet } | null {
  const parts = key.split('.');
  const name = parts.pop()!;
  const maps = sources.flatMap(({ file, prefix }) => {
    const tree = readTreeFile(file);
    const map = tree && mapAt(asMap(tree.roots[0]), ...prefix, ...parts);
    return tree && map ? [{ file: tree.file, map, path: [...prefix, ...parts] }] : [];
  });
  // As helm merges the files: the last one that sets a key wins.
  const merged = (k: string) => [...maps].reverse().map(({ map }) => entry(map, k)).find((e) => e !== undefined);
  const renderedValue = (k: string) => {
    const e = entry(one.map, k);
    return e === undefined ? undefined : e.value;
  };
  const current = merged(name);
  if (current ? !agrees(current.value, renderedValue(one.key)) : renderedValue(one.key) !== undefined) return null;
  if (sameMap && !maps.every(({ map }) => map.entries.every((e) => agrees(merged(e.key)!.value, renderedValue(e.key))))) return null;
  const holder = [...maps].reverse().find(({ map }) => entry(map, name)) ?? maps.at(-1);
  const edit = holder && setValue(holder.file, holder.map, name, one.value);
  return holder && edit ? { file: holder.file, key: [...holder.path, name].join('.'), edit } : null;
}

/**
 * The template's lines `from`…`to` (exclusive) as a YAML file of their own,
 * everything before them blanked so that offsets into it are offsets into the
 * template: edits built on it with edit.ts apply to the template as they are.
 * The first line starts at its key (a `- ` marker before it is blanked too).
 * Null when a line holds a template action, or the lines do not parse.
 */
function plainYaml(template: Template, from: number, to: number): { file: SourceFile; root: MapNode } | null {
  const lines = template.lines.slice(from, to);
  if (lines.length === 0 || lines.some((line) => line.raw.includes('{{'))) return null;
  const start = lines[0]!.start + lines[0]!.keyColumn;
  // Through the last line's line ending: a key added after the last entry lands at the start of the next line.
  const end = template.lines[to]?.start ?? template.text.length;
  const text = template.text.slice(0, start).replace(/[^\r\n]/g, ' ') + template.text.slice(start, end);
  const file: SourceFile = { path: template.file, absPath: template.file, text, bom: false };
  const parsed = parseFile(file, true);
  const root = asMap(parsed.documents[0]?.root);
  return parsed.error || parsed.documents.length !== 1 || !root ? null : { file, root };
}

/** `timeoutSeconds: 1` written on the template line: the number replaced there. */
function literalEdit(template: Template, at: number, one: OneNumber): EditSet | null {
  if (keyOf(template.lines[at]!) !== one.key) return null;
  const cut = plainYaml(template, at, at + 1);
  const written = cut && asScalar(entry(cut.root, one.key)?.value);
  if (!cut || !written || written.quoted || typeof written.value !== 'number') return null;
  return setValue(cut.file, cut.root, one.key, one.value);
}

/** A probe (or other map) written literally in the template without the key: the key added as its last entry. */
function addToLiteralBlock(template: Template, at: number, key: string, one: OneNumber): EditSet | null {
  const line = template.lines[at]!;
  if (keyOf(line) !== key) return null;
  const block = blockAfter({ template, start: 0, end: template.lines.length }, at, line.keyColumn);
  // Blank lines, comments and actions after the last entry belong to what follows the block.
  let end = block.end;
  while (end > at + 1 && template.lines[end - 1]!.templateOnly) end--;
  const cut = plainYaml(template, at, end);
  const map = cut && asMap(entry(cut.root, key)?.value);
  if (!cut || !map || map.flow || !map.entries.every((e) => entry(one.map, e.key))) return null;
  return setValue(cut.file, map, one.key, one.value);
}
