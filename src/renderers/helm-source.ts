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
import { positionOf, type SourceFile } from '../source.js';
import { readTextFile, readTreeFile } from '../tree-files.js';
import { asMap, asScalar, entry, type MapNode, type Step, type TreeNode } from '../tree.js';

export interface ChartContext {
  dir: string;
  /** Values files in the order helm reads them: the chart's values.yaml first. */
  valuesFiles: string[];
}

export interface ValuesRef {
  /** Absolute path of the values file. */
  file: string;
  /** Dotted key, as deep as the file has it. */
  key: string;
  line: number;
  /** The key the rendered value comes from, which may be deeper than the file has. */
  wanted: string;
}

export interface TemplateLocation {
  /** Absolute path of the template file that holds the line (a helper's file when it came through `include`). */
  file: string;
  line: number | null;
  values: ValuesRef | null;
}

export interface HelmHomeInput {
  chart: ChartContext;
  /** The template's path inside the chart, e.g. `templates/deployment.yaml`. */
  template: string;
  /** The key path of the finding in its rendered document (tree.ts `keyPathAt`). */
  steps: Step[];
  /** The fix proposed on the rendered output, if any. */
  proposed: ProposedFix | null;
  cwd: string;
}

export interface HelmHome {
  source: FindingSource;
  /** The proposed fix as an edit of the values file or the template, shown and never applied; null when it cannot be carried over. */
  fix: Fix | null;
}

/**
 * Where a rendered finding is written in its chart, and its fix expressed
 * there. Null when the template cannot be read. Only fixes that set one number
 * are carried over: into the values key the rendered value comes from (set, or
 * added to the values map the rendered map comes from), onto the template line
 * that writes it literally, or added to a probe written literally in the template.
 */
export function helmHome(input: HelmHomeInput): HelmHome | null {
  const { chart, template, steps, proposed, cwd } = input;
  const walked = walkTemplate(chart, template, steps);
  if (!walked) return null;
  const values = walked.values ? findValues(chart.valuesFiles, walked.values.key) : null;
  const line = walked.line === null ? null : walked.line + 1;
  const source: FindingSource = {
    file: displayPath(cwd, walked.template.file),
    absPath: walked.template.file,
    line,
    columns: walked.line === null ? null : lineColumns(walked.template.lines[walked.line]!),
    values: values && { file: displayPath(cwd, values.file), key: values.key, line: values.line },
  };
  return { source, fix: proposed ? homeFix(chart, template, steps, proposed, cwd) : null };
}

/** The template line and values key of a rendered key path (what helmHome reports as `source`), with absolute paths. */
export function locateInTemplate(chart: ChartContext, templateRel: string, steps: Step[]): TemplateLocation | null {
  const walked = walkTemplate(chart, templateRel, steps);
  if (!walked) return null;
  return {
    file: walked.template.file,
    line: walked.line === null ? null : walked.line + 1,
    values: walked.values ? findValues(chart.valuesFiles, walked.values.key) : null,
  };
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

function walkTemplate(chart: ChartContext, templateRel: string, steps: Step[]): Walked | null {
  const template = loadTemplate(path.join(chart.dir, templateRel));
  if (!template) return null;
  return walk(chart, { template, start: 0, end: template.lines.length }, steps, 0, null, 0);
}

function walk(chart: ChartContext, region: Region, steps: Step[], i: number, best: number | null, depth: number): Walked {
  const done = (values: ValuesKey | null): Walked => ({ template: region.template, line: best, matched: i, values });
  const lines = region.template.lines;
  if (i === steps.length) {
    if (best === null) return done(null);
    return done(scalarValues(region.template, best) ?? blockValues(region, best, [], childColumn(region, false)));
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
    const fromValues = blockValues(region, best, steps.slice(i), column);
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
  const open = items.map((x, k) => (x.name === null ? k : -1)).filter((k) => k !== -1);
  const guess = open.includes(step.index) ? step.index : open.length === 1 ? open[0]! : -1;
  if (guess !== -1) return item(guess);
  const fromValues = blockValues(region, best, steps.slice(i), column);
  if (fromValues) return done(fromValues);
  return throughHelpers(chart, region, steps, i, best, depth, column) ?? done(null);
}

/** The sequence items written in a region, with their `name` when written literally at the item's own level. */
function itemsOf(region: Region, column: number | null): { at: number; end: number; name: string | null }[] {
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

/** The first helper included among the region's items whose own items include one written with this name. */
function namedInHelper(chart: ChartContext, region: Region, name: string, best: number | null, column: number | null, depth: number): Region | null {
  if (depth >= MAX_DEPTH) return null;
  for (const include of includesOf(region, best, column)) {
    const helper = findDefine(chart, include);
    if (helper && itemsOf(helper, childColumn(helper, true)).some((x) => x.name === name)) return helper;
  }
  return null;
}

/** The rest of the path followed into the helpers the region includes; the one that finds the most of it. */
function throughHelpers(chart: ChartContext, region: Region, steps: Step[], i: number, best: number | null, depth: number, column: number | null): Walked | null {
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

/** The dotted keys of the rest of a path; null when it goes through a list (values keys cannot say which item). */
function restKeys(rest: Step[]): { keys: string; exact: boolean } {
  const keys: string[] = [];
  for (const step of rest) {
    if (!('key' in step)) return { keys: keys.map((k) => `.${k}`).join(''), exact: false };
    keys.push(step.key);
  }
  return { keys: keys.map((k) => `.${k}`).join(''), exact: true };
}

/** `key: {{ toYaml .Values.x | nindent }}`, a `{{- toYaml .Values.x | nindent }}` line among the children, `with .Values.x` … `toYaml .`. */
function blockValues(region: Region, best: number | null, rest: Step[], column: number | null): ValuesKey | null {
  const lines = region.template.lines;
  const candidates = [...(best === null ? [] : [best]), ...directActions(region, column)];
  const { keys, exact } = restKeys(rest);
  for (const at of candidates) {
    const m = TO_YAML_VALUES.exec(lines[at]!.raw);
    if (m) return { key: (m[1] ?? m[2])! + keys, exact };
  }
  for (const at of candidates) {
    if (!TO_YAML_DOT.test(lines[at]!.raw)) continue;
    const scope = withScope(region.template, at);
    if (scope) return { key: scope + keys, exact };
  }
  return null;
}

/** `timeoutSeconds: {{ .Values.probe.timeout }}`, or `{{ .timeout }}` inside `with .Values.probe`. */
function scalarValues(template: Template, at: number): ValuesKey | null {
  const raw = template.lines[at]!.raw;
  const direct = SCALAR_VALUES.exec(raw);
  if (direct) return { key: direct[1]!, exact: true };
  const dotted = SCALAR_DOT.exec(raw);
  if (dotted) {
    const scope = withScope(template, at);
    if (scope) return { key: `${scope}.${dotted[1]}`, exact: true };
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

/** Where a dotted values key is set: the last values file that has it, as deep as it goes. */
function findValues(files: string[], key: string): ValuesRef | null {
  const parts = key.split('.');
  let best: ValuesRef | null = null;
  for (const file of [...files].reverse()) {
    const tree = readTreeFile(file);
    if (!tree) continue;
    let node: TreeNode | null | undefined = tree.roots[0];
    const found: string[] = [];
    let offset: number | null = null;
    for (const part of parts) {
      const e = entry(asMap(node), part);
      if (!e) break;
      found.push(part);
      offset = e.keySpan.start;
      node = e.value;
    }
    if (offset === null) continue;
    const ref = { file, key: found.join('.'), line: positionOf(tree.file, offset).line, wanted: key };
    if (found.length === parts.length) return ref;
    if (!best || ref.key.length > best.key.length) best = ref;
  }
  return best;
}

// ---------------------------------------------------------------------------
// Helpers (`define`)

interface Defines {
  /** Every template and helper file read for them, with the text read: a changed one means reading all again. */
  texts: Map<string, string>;
  regions: Map<string, Region>;
}

const defineCache = new Map<string, Defines>();

/** The body of `{{ define "name" }}` among the chart's templates and helpers, in any subdirectory of templates/. */
function findDefine(chart: ChartContext, name: string): Region | null {
  let defines = defineCache.get(chart.dir);
  if (!defines || [...defines.texts].some(([file, text]) => loadTemplate(file)?.text !== text)) {
    defines = { texts: new Map(), regions: new Map() };
    const dir = path.join(chart.dir, 'templates');
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
    defineCache.set(chart.dir, defines);
  }
  return defines.regions.get(name) ?? null;
}

/** The line of the `{{ end }}` that closes the `define` on line `at`, counting the blocks opened inside. */
function defineEnd(all: Line[], at: number): number {
  let depth = 0;
  for (let i = at; i < all.length; i++) {
    for (const m of all[i]!.raw.matchAll(/\{\{-?\s*(if|with|range|define|block|end)\b/g)) {
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

function homeFix(chart: ChartContext, templateRel: string, steps: Step[], proposed: ProposedFix, cwd: string): Fix | null {
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
    const values = valuesEdit(chart.valuesFiles, walked.values.key, one, fromBlock);
    return values && shown(` at ${walked.values.key} in ${displayPath(cwd, values.file.absPath!)}`, { ...values.file, path: displayPath(cwd, values.file.absPath!) }, values.edit);
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
 * it, else added to the map meant to hold it in the last file that has that map.
 * `sameMap`: the rendered map came from the values map (toYaml), so every key
 * that map has must be one the rendered map has; otherwise the fix was meant
 * for another map than the one the finding's path leads to.
 */
function valuesEdit(files: string[], key: string, one: OneNumber, sameMap: boolean): { file: SourceFile; edit: EditSet } | null {
  const parts = key.split('.');
  const name = parts.pop()!;
  const maps = files.flatMap((file) => {
    const tree = readTreeFile(file);
    const map = tree && mapAtPath(tree.roots[0] ?? null, parts);
    return tree && map ? [{ file: tree.file, map }] : [];
  });
  if (sameMap && !maps.every(({ map }) => map.entries.every((e) => entry(one.map, e.key)))) return null;
  const holder = [...maps].reverse().find(({ map }) => entry(map, name)) ?? maps.at(-1);
  const edit = holder && setValue(holder.file, holder.map, name, one.value);
  return holder && edit ? { file: holder.file, edit } : null;
}

function mapAtPath(root: TreeNode | null, parts: string[]): MapNode | undefined {
  let node: TreeNode | null | undefined = root;
  for (const part of parts) node = entry(asMap(node), part)?.value;
  return asMap(node);
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

/** Where a template line's text starts and ends: what a finding located only by its line underlines. */
function lineColumns(line: Line): { column: number; endColumn: number } | null {
  const text = line.raw.trimEnd();
  if (text.trim() === '') return null;
  const start = text.length - text.replace(/^[\s-]*/, '').length;
  return { column: start + 1, endColumn: text.length + 1 };
}
