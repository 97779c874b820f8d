// Rendered Helm findings get the template (and values) location people edit.
import fs from 'node:fs';
import path from 'node:path';
import { keyPathAt, locateInTemplate, type ChartContext } from './helm-source.js';
import { displayPath } from './inputs.js';
import type { Finding } from './rule.js';
import type { SourceFile } from './source.js';

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
  }
}
