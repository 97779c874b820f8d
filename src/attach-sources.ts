// Rendered Helm findings get the template (and values) location people edit.
import fs from 'node:fs';
import path from 'node:path';
import { setValue } from './edit.js';
import { keyPathAt, locateInTemplate, type ChartContext, type TemplateLocation } from './helm-source.js';
import { displayPath } from './inputs.js';
import { parseFile } from './parse.js';
import type { Finding, Fix } from './rule.js';
import type { SourceFile } from './source.js';
import { asMap, type MapNode, type TreeNode } from './tree.js';

/** The chart a `# Source: CHART/…` comment names: the one rendered, else a directory of that chart name near the input. */
function chartFor(file: SourceFile, chartName: string, cwd: string): ChartContext | null {
  if (file.rendered?.tool === 'helm') return { dir: file.rendered.dir, valuesFiles: file.rendered.valuesFiles };
  const near = file.absPath ? path.dirname(file.absPath) : cwd;
  for (const base of new Set([cwd, near])) {
    for (const dir of [path.join(base, chartName), path.join(base, 'charts', chartName), base]) {
      const chartFile = path.join(dir, 'Chart.yaml');
      if (!fs.existsSync(chartFile)) continue;
      const name = /^name:\s*["']?([^"'\s#]+)/m.exec(fs.readFileSync(chartFile, 'utf8'))?.[1];
      if (name !== chartName) continue;
      const values = path.join(dir, 'values.yaml');
      return { dir, valuesFiles: fs.existsSync(values) ? [values] : [] };
    }
  }
  return null;
}

export function attachSources(findings: readonly Finding[], cwd: string): void {
  for (const finding of findings) {
    const template = finding.helmSource;
    if (!template) continue;
    const [chartName, ...rest] = template.split('/');
    const chart = chartName ? chartFor(finding.file, chartName, cwd) : null;
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
  const safe = true;
  if (located.values) {
    const { values } = located;
    // The finding is on the field itself (`…probe.timeoutSeconds`) or on the probe that lacks it (`…probe`).
    const onField = values.wanted === key || values.wanted.endsWith(`.${key}`);
    const mapKey = onField ? values.wanted.split('.').slice(0, -1).join('.') : values.wanted;
    if (values.key !== values.wanted && values.key !== mapKey) return null;
    const target = read(values.file);
    const map = target && mapAtPath(target.root, mapKey);
    const edits = target && map && setValue(target.file, map, key, value);
    if (!target || !edits) return null;
    const at = mapKey ? `${mapKey}.${key}` : key;
    return { description: `${proposed.description} at ${at} in ${displayPath(cwd, values.file)}`, safe, edits: edits.edits, changes: [], target: { ...target.file, path: displayPath(cwd, values.file) } };
  }
  if (located.line === null) return null;
  const target = read(located.file);
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
  };
}

function read(file: string): { file: SourceFile; root: TreeNode | null } | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const bom = text.charCodeAt(0) === 0xfeff;
  const source: SourceFile = { path: file, absPath: file, text: bom ? text.slice(1) : text, bom };
  return { file: source, root: parseFile(source, true).documents[0]?.root ?? null };
}

function mapAtPath(root: TreeNode | null, dotted: string): MapNode | undefined {
  let node: TreeNode | null | undefined = root;
  for (const part of dotted ? dotted.split('.') : []) node = asMap(node ?? undefined)?.entries.find((e) => e.key === part)?.value;
  return asMap(node ?? undefined);
}
