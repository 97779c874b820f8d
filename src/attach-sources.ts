// Rendered Helm findings get the template (and values) location people edit;
// files that only look rendered (no chart to be found) stay ordinary.
import fs from 'node:fs';
import path from 'node:path';
import { setValue } from './edit.js';
import { locateInTemplate, type ChartContext, type TemplateLocation } from './helm-source.js';
import { displayPath } from './inputs.js';
import type { ParsedFile } from './parse.js';
import type { Finding, Fix } from './rule.js';
import { positionOf, type SourceFile } from './source.js';
import { readTextFile, readTreeFile } from './tree-files.js';
import { asMap, child, entry, keyPathAt, mapAt, textOf, type MapNode, type Step, type TreeNode } from './tree.js';

/** The chart a `# Source: CHART/…` comment names: the one rendered, else a directory of that chart name near the input. */
function chartFor(file: SourceFile, chartName: string, cwd: string): ChartContext | null {
  if (file.rendered?.tool === 'helm') return { dir: file.rendered.dir, valuesFiles: file.rendered.valuesFiles };
  const near = file.absPath ? path.dirname(file.absPath) : cwd;
  for (const base of new Set([cwd, near])) {
    for (const dir of [path.join(base, chartName), path.join(base, 'charts', chartName), base]) {
      const chartFile = path.join(dir, 'Chart.yaml');
      if (!fs.existsSync(chartFile)) continue;
      const name = /^name:\s*["']?([^"'\s#]+)/m.exec(readTextFile(chartFile) ?? '')?.[1];
      if (name !== chartName) continue;
      const values = path.join(dir, 'values.yaml');
      return { dir, valuesFiles: fs.existsSync(values) ? [values] : [] };
    }
  }
  return null;
}

/**
 * Documents of a file on disk whose `# Source:` comment names a chart that
 * cannot be found (an install bundle committed after `helm template`) lose
 * their template: they are linted, located and fixed as ordinary documents.
 * Stdin and rendered output keep the comment's template, and so do files whose
 * chart is found (their findings point at it).
 */
export function ordinaryBundles(files: readonly ParsedFile[], cwd: string): ParsedFile[] {
  const found = new Map<string, boolean>();
  const chartFound = (file: SourceFile, template: string): boolean => {
    const name = template.split('/')[0] ?? '';
    const key = `${path.dirname(file.absPath!)}\0${name}`;
    if (!found.has(key)) found.set(key, name !== '' && chartFor(file, name, cwd) !== null);
    return found.get(key)!;
  };
  return files.map((parsed) => {
    const { file } = parsed;
    if (file.absPath === null || file.rendered) return parsed;
    const orphans = parsed.documents.filter((d) => d.helmSource !== null && !chartFound(file, d.helmSource));
    if (orphans.length === 0) return parsed;
    return { ...parsed, documents: parsed.documents.map((d) => (orphans.includes(d) ? { ...d, helmSource: null } : d)) };
  });
}

export function attachSources(findings: readonly Finding[], cwd: string): void {
  // Findings of one rendered stream share a chart: look it up once.
  const charts = new Map<string, ChartContext | null>();
  const chartOf = (file: SourceFile, name: string): ChartContext | null => {
    const key = `${file.rendered?.dir ?? file.absPath ?? ''}\0${name}`;
    if (!charts.has(key)) charts.set(key, chartFor(file, name, cwd));
    return charts.get(key)!;
  };
  for (const finding of findings) {
    if (finding.file.rendered?.tool === 'kustomize') {
      finding.source = kustomizeSource(finding, cwd);
      continue;
    }
    const template = finding.helmSource;
    if (!template) continue;
    const [chartName, ...rest] = template.split('/');
    const chart = chartName ? chartOf(finding.file, chartName) : null;
    const root = finding.owner?.document.root;
    const located = chart && root ? locateInTemplate(chart, rest.join('/'), keyPathAt(root, finding.span.start)) : null;
    if (!located) {
      finding.source = { file: template, absPath: null, line: null, values: null };
      continue;
    }
    finding.source = {
      file: displayPath(cwd, located.file),
      absPath: located.file,
      line: located.line,
      columns: located.line === null ? null : lineColumns(located.file, located.line),
      values: located.values && { file: displayPath(cwd, located.values.file), key: located.values.key, line: located.values.line },
    };
    if (finding.renderedFix) finding.fix = chartFix(finding, located, cwd);
  }
}

/**
 * A fix on rendered output, carried over to the chart when it sets one number:
 * into the values key the rendered value comes from (set, or added to the map
 * that holds its siblings), or onto the template line that writes it literally.
 * Shown, never applied: --fix does not edit charts.
 */
function chartFix(finding: Finding, located: TemplateLocation, cwd: string): Fix | null {
  const proposed = finding.renderedFix!;
  const [edit] = proposed.edit.edits;
  const [change] = proposed.edit.changes;
  if (proposed.edit.edits.length !== 1 || proposed.edit.changes.length !== 1 || !edit || !change) return null;
  const value = edit.length > 0 ? edit.text : /^[\s,]*[\w-]+:\s*(\S+)\s*$/.exec(edit.text)?.[1];
  if (!value || !/^\d+$/.test(value)) return null;
  const key = change.key;
  const safe = proposed.safe;
  if (located.values) {
    const { values } = located;
    // The finding is on the field itself (`…probe.timeoutSeconds`) or on the probe that lacks it (`…probe`).
    const onField = values.wanted === key || values.wanted.endsWith(`.${key}`);
    const mapKey = onField ? values.wanted.split('.').slice(0, -1).join('.') : values.wanted;
    if (values.key !== values.wanted && values.key !== mapKey) return null;
    const target = readTreeFile(values.file);
    const map = target && mapAtPath(target.roots[0] ?? null, mapKey);
    const edits = target && map && setValue(target.file, map, key, value);
    if (!target || !edits) return null;
    const at = mapKey ? `${mapKey}.${key}` : key;
    return { description: `${proposed.description} at ${at} in ${displayPath(cwd, values.file)}`, safe, edits: edits.edits, changes: [], target: { ...target.file, path: displayPath(cwd, values.file) }, shownOnly: true };
  }
  if (located.line === null) return null;
  const target = readTreeFile(located.file);
  if (!target) return null;
  const lineStart = target.file.text.split('\n').slice(0, located.line - 1).reduce((n, l) => n + l.length + 1, 0);
  const line = target.file.text.slice(lineStart).split('\n')[0]!;
  const literal = new RegExp(`^(\\s*${key}:\\s*)(\\d+)(?=\\s*(#.*)?\\r?$)`).exec(line);
  if (!literal) return null;
  return {
    description: `${proposed.description} in ${displayPath(cwd, located.file)}`,
    safe,
    edits: [{ offset: lineStart + literal[1]!.length, length: literal[2]!.length, text: value }],
    changes: [],
    target: { ...target.file, path: displayPath(cwd, located.file) },
    shownOnly: true,
  };
}


/** Where a source line's text starts and ends: what a finding located only by its line underlines. */
function lineColumns(absPath: string, line: number): { column: number; endColumn: number } | null {
  const text = readTextFile(absPath)?.split('\n')[line - 1]?.replace(/\r$/, '').trimEnd();
  if (text === undefined || text.trim() === '') return null;
  const start = text.length - text.replace(/^[\s-]*/, '').length;
  return { column: start + 1, endColumn: text.length + 1 };
}

function mapAtPath(root: TreeNode | null, dotted: string): MapNode | undefined {
  let node: TreeNode | null | undefined = root;
  for (const part of dotted ? dotted.split('.') : []) node = entry(asMap(node ?? undefined), part)?.value;
  return asMap(node ?? undefined);
}

/**
 * Where an object of a kustomize build is written: the resource file with an
 * object of the same kind whose name the build's name (with any prefix or
 * suffix) contains, and the line of the finding's key path there, as deep as
 * the file has it (patches may add what the file lacks).
 */
function kustomizeSource(finding: Finding, cwd: string): Finding['source'] {
  const ref = finding.object;
  const root = finding.owner?.document.root;
  if (!ref || !root || !ref.name) return null;
  let best: { file: SourceFile; node: MapNode; name: string } | null = null;
  for (const resource of finding.file.rendered!.resources) {
    const parsed = readTreeFile(resource);
    for (const node of parsed?.roots.flatMap((r) => asMap(r) ?? []) ?? []) {
      const kind = textOf(child(node, 'kind'));
      const name = textOf(child(mapAt(node, 'metadata'), 'name'));
      if (kind !== ref.kind || !name || !ref.name.includes(name)) continue;
      if (!best || best.name.length < name.length) best = { file: parsed!.file, node, name };
    }
  }
  if (!best) return null;
  const offset = deepestOffset(best.node, keyPathAt(root, finding.span.start));
  const line = positionOf(best.file, offset).line;
  return { file: displayPath(cwd, best.file.absPath!), absPath: best.file.absPath, line, columns: lineColumns(best.file.absPath!, line), values: null };
}

/** The start of the deepest entry along a key path, matching sequence items by name when they have one. */
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
      const items: TreeNode[] = node?.kind === 'seq' ? node.items : [];
      const named: TreeNode | undefined = step.name === null ? undefined : items.find((item: TreeNode) => asMap(item)?.entries.some((e) => e.key === 'name' && e.value?.kind === 'scalar' && e.value.value === step.name));
      const item: TreeNode | undefined = named ?? (step.name === null ? items[step.index] : undefined);
      if (!item) break;
      offset = item.span.start;
      node = item;
    }
  }
  return offset;
}
