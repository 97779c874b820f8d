// From a finding in rendered Helm output back to what people edit: the
// template file its `# Source:` comment names, the line of the offending key
// there (walking the key path through the template's indentation, into
// `include`d helpers), and, when the value comes from values
// (`toYaml .Values.x`, `with .Values.x`, `{{ .Values.x }}`), the values file
// and key that hold it. Templates are not YAML, so this reads them as lines.
import fs from 'node:fs';
import path from 'node:path';
import { readTextFile, readTreeFile } from './tree-files.js';
import { positionOf } from './source.js';
import { asMap, entry, type Step, type TreeNode } from './tree.js';


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

interface Line {
  indent: number;
  /** Column of the first key on the line, after any `- ` markers. */
  keyColumn: number;
  dash: boolean;
  /** The line after its indentation and `- ` markers. */
  body: string;
  templateOnly: boolean;
  raw: string;
}

function lines(text: string): Line[] {
  return text.split('\n').map((raw) => {
    const line = raw.replace(/\r$/, '');
    const indent = line.length - line.trimStart().length;
    let body = line.trimStart();
    let keyColumn = indent;
    let dash = false;
    while (/^-(\s|$)/.test(body)) {
      const after = body.slice(1);
      const spaces = after.length - after.trimStart().length;
      keyColumn += 1 + spaces;
      body = after.trimStart();
      dash = true;
    }
    const templateOnly = body === '' || /^\{\{.*\}\}\s*$/.test(body) || body.startsWith('#');
    return { indent, keyColumn, dash, body, templateOnly, raw: line };
  });
}

function keyOf(line: Line): string | null {
  return /^["']?([\w.\-/]+)["']?\s*:(\s|$)/.exec(line.body)?.[1] ?? null;
}

interface Region {
  lines: Line[];
  start: number;
  end: number;
  file: string;
}

/** The lines under the entry at `at`, up to the next line at or left of its key. */
function blockAfter(region: Region, at: number, column: number): Region {
  let end = at + 1;
  while (end < region.end) {
    const line = region.lines[end]!;
    // A sequence may sit at its key's own indentation (`containers:` then `- name: …`).
    if (!line.templateOnly && (line.dash ? line.indent < column : line.keyColumn <= column)) break;
    end++;
  }
  return { ...region, start: at + 1, end };
}

/** The smallest key column among the region's own lines: where its direct children are. */
function childColumn(region: Region, dashes: boolean): number | null {
  let best: number | null = null;
  for (let i = region.start; i < region.end; i++) {
    const line = region.lines[i]!;
    if (line.templateOnly) continue;
    const column = dashes ? line.indent : line.keyColumn;
    if (dashes && !line.dash) continue;
    if (best === null || column < best) best = column;
  }
  return best;
}

export interface ChartContext {
  dir: string;
  /** Values files in the order helm reads them: the chart's values.yaml first. */
  valuesFiles: string[];
}

interface WalkResult {
  file: string;
  line: number | null;
  valuesKey: string | null;
}

export function locateInTemplate(chart: ChartContext, templateRel: string, steps: Step[]): TemplateLocation | null {
  const file = path.join(chart.dir, templateRel);
  const text = readTextFile(file);
  if (text === null) return null;
  const all = lines(text);
  const result = walk(chart, { lines: all, start: 0, end: all.length, file }, steps, 0, null, 0);
  const values = result.valuesKey ? findValues(chart.valuesFiles, result.valuesKey) : null;
  return { file: result.file, line: result.line, values };
}

function walk(chart: ChartContext, region: Region, steps: Step[], i: number, best: number | null, depth: number): WalkResult {
  const done = (valuesKey: string | null = null): WalkResult => ({ file: region.file, line: best === null ? null : best + 1, valuesKey });
  if (i === steps.length) return done(best === null ? null : (scalarValuesKey(region, best) ?? valuesSource(region, best, [])));
  const step = steps[i]!;
  if ('key' in step) {
    const column = childColumn(region, false);
    for (let at = region.start; column !== null && at < region.end; at++) {
      const line = region.lines[at]!;
      if (line.templateOnly || line.keyColumn !== column || keyOf(line) !== step.key) continue;
      return walk(chart, blockAfter(region, at, column), steps, i + 1, at, depth);
    }
  } else {
    const column = childColumn(region, true);
    const items: number[] = [];
    for (let at = region.start; column !== null && at < region.end; at++) {
      const line = region.lines[at]!;
      if (!line.templateOnly && line.dash && line.indent === column) items.push(at);
    }
    const itemEnd = (k: number): number => items[k + 1] ?? region.end;
    const named = step.name === null ? -1 : items.findIndex((at, k) => hasName(region, at, itemEnd(k), step.name!));
    const k = named !== -1 ? named : step.index < items.length ? step.index : items.length === 1 ? 0 : -1;
    if (k !== -1) {
      const at = items[k]!;
      const item: Region = { ...region, start: at, end: itemEnd(k) };
      return walk(chart, item, steps, i + 1, at, depth);
    }
  }
  // The rest of the path is not written here: it comes from values, or from a helper.
  const fromValues = valuesSource(region, best, steps.slice(i));
  if (fromValues) return done(fromValues);
  if (depth < 4) {
    for (const name of includes(region)) {
      const helper = findDefine(chart, name);
      if (!helper) continue;
      const inner = walk(chart, helper, steps, i, null, depth + 1);
      if (inner.line !== null) return inner;
    }
  }
  return done();
}

function hasName(region: Region, start: number, end: number, name: string): boolean {
  for (let at = start; at < end; at++) {
    const m = /^name:\s*["']?([^"'\s#]+)["']?\s*$/.exec(region.lines[at]!.body);
    if (m && m[1] === name) return true;
  }
  return false;
}

const REST = (rest: Step[]): string =>
  rest
    .filter((s): s is { key: string } => 'key' in s)
    .map((s) => `.${s.key}`)
    .join('');

/** `key: {{ toYaml .Values.x | nindent }}`, `{{- toYaml .Values.x | nindent }}`, `with .Values.x` … `toYaml .`. */
function valuesSource(region: Region, best: number | null, rest: Step[]): string | null {
  const candidates = [best, ...range(region.start, region.end)].filter((n): n is number => n !== null);
  for (const at of candidates) {
    const m = /toYaml\s+\(?\s*\.Values\.([\w.]+)/.exec(region.lines[at]!.raw);
    if (m) return m[1]! + REST(rest);
  }
  const usesDot = candidates.some((at) => /toYaml\s+\.\s*[|}]/.test(region.lines[at]!.raw));
  if (usesDot) {
    const scope = withScope(region, best ?? region.start);
    if (scope) return scope + REST(rest);
  }
  return null;
}

/** `timeoutSeconds: {{ .Values.probe.timeout }}` or `{{ .timeout }}` inside `with .Values.probe`. */
function scalarValuesKey(region: Region, at: number): string | null {
  const raw = region.lines[at]!.raw;
  const direct = /\{\{[^}]*?\.Values\.([\w.]+)/.exec(raw);
  if (direct) return direct[1]!;
  const dotted = /\{\{-?\s*\.(\w[\w.]*)/.exec(raw);
  if (dotted) {
    const scope = withScope(region, at);
    if (scope) return `${scope}.${dotted[1]}`;
  }
  return null;
}

/** The `.Values.x` of the nearest `{{ with .Values.x }}` above a line. */
function withScope(region: Region, at: number): string | null {
  for (let i = Math.min(at, region.lines.length - 1); i >= Math.max(0, at - 40); i--) {
    const raw = region.lines[i]!.raw;
    if (/\{\{-?\s*end\s*-?\}\}/.test(raw) && i < at) return null;
    const m = /\{\{-?\s*with\s+\.Values\.([\w.]+)/.exec(raw);
    if (m) return m[1]!;
  }
  return null;
}

function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, k) => start + k);
}

function includes(region: Region): string[] {
  const names: string[] = [];
  for (let at = region.start; at < region.end; at++) {
    for (const m of region.lines[at]!.raw.matchAll(/\b(?:include|template)\s+"([^"]+)"/g)) names.push(m[1]!);
  }
  return names;
}

const defineCache = new Map<string, Map<string, Region>>();

/** The body of `{{ define "name" }}` among the chart's templates and helpers. */
function findDefine(chart: ChartContext, name: string): Region | null {
  let defines = defineCache.get(chart.dir);
  if (!defines) {
    defines = new Map();
    const dir = path.join(chart.dir, 'templates');
    const files = fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) : [];
    for (const rel of files.filter((f) => /\.(tpl|yaml|yml)$/.test(f))) {
      const file = path.join(dir, rel);
      const all = lines(readTextFile(file) ?? '');
      all.forEach((line, at) => {
        const m = /\{\{-?\s*define\s+"([^"]+)"/.exec(line.raw);
        if (!m) return;
        const end = defineEnd(all, at);
        defines!.set(m[1]!, { lines: all, start: at + 1, end, file });
      });
    }
    defineCache.set(chart.dir, defines);
  }
  return defines.get(name) ?? null;
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

/** Where a dotted values key is set: the last values file that has it, as deep as it goes. */
function findValues(files: string[], key: string): ValuesRef | null {
  const parts = key.split('.');
  let best: ValuesRef | null = null;
  for (const file of [...files].reverse()) {
    const tree = readTreeFile(file);
    if (!tree) continue;
    const source = tree.file;
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
    const ref = { file, key: found.join('.'), line: positionOf(source, offset).line, wanted: key };
    if (found.length === parts.length) return ref;
    if (!best || ref.key.length > best.key.length) best = ref;
  }
  return best;
}
