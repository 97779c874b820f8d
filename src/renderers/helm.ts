// Helm: a directory with Chart.yaml is rendered with `helm template`, once per
// value set, and a finding on its output goes home to the template line (and
// the values key) its `# Source:` comment and key path lead to.
import fs from 'node:fs';
import path from 'node:path';
import { helmHome, type ChartContext } from './helm-source.js';
import { displayPath } from '../inputs.js';
import type { ParsedFile } from '../parse.js';
import type { Finding } from '../rule.js';
import type { SourceFile } from '../source.js';
import { readTextFile } from '../tree-files.js';
import { keyPathAt } from '../tree.js';
import { namespaceProblem, releaseNameProblem, valuesFileProblem, type HelmOptions } from './helm-options.js';
import type { Home, RenderContext, Renderer, RenderResult } from './renderer.js';

const CHART_FILE = 'Chart.yaml';

export const helm: Renderer = {
  tool: 'helm',
  variantsField: 'valueSets',
  entryNames: [CHART_FILE],
  // Templates are not YAML until rendered: nothing below a chart is linted on its own.
  ownsTree: true,
  maxEntryBytes: 1024 * 1024,
  plan: (dirs) => ({ render: [...dirs], excluded: new Set() }),
  render: renderChart,
  owns: (finding) => (finding.file.rendered ? finding.file.rendered.tool === 'helm' : finding.owner?.document.generatedFrom != null),
  home: chartHome,
  settle: ordinaryBundles,
};

/** One render per value set (SPEC §1), or one with the chart's own values and `helm.values`. */
async function renderChart(dir: string, context: RenderContext): Promise<RenderResult[]> {
  const config = context.configFor(dir).helm;
  const shown = displayPath(context.cwd, dir);
  const entry = path.join(dir, CHART_FILE);
  const failure = (reason: string, remedy: string, variant?: string): RenderResult => ({
    failure: { tool: 'helm', noun: 'chart', dir, shown, entry, reason, remedy, lintedAsIs: false, ...(variant === undefined ? {} : { variant }) },
  });
  const tool = context.findTool('helm');
  if (!tool) return [failure('helm is not on PATH', `install helm, or lint its output with \`helm template ${shown} | probe-lint -\``)];
  const sets = config.valueSets.length > 0 ? config.valueSets.map((set) => ({ name: set.name, values: [...config.values, ...set.values] })) : [{ name: null, values: config.values }];
  const siblings = sets.flatMap((set) => (set.name === null ? [] : [set.name]));
  return Promise.all(
    sets.map(async (set): Promise<RenderResult> => {
      const options: HelmOptions = { values: set.values, releaseName: config.releaseName, namespace: config.namespace };
      const named = set.name === null ? '' : ` (value set ${set.name})`;
      // With several sets, the others are still linted: only this one is not.
      const variant = set.name === null ? undefined : `value set "${set.name}"`;
      // Checked here too, not only in the config: flags, the Action and callers of run() reach helm through this seam.
      const refused = optionsProblem(options, context.cwd);
      if (refused) return failure(`${refused}${named}`, "set a valid one (--helm-release, --helm-namespace, --helm-values or the config's helm settings)", variant);
      const result = await context.runTool(tool, templateArgs(dir, options, context.cwd));
      if ('error' in result) return failure(`helm template failed${named}: ${result.error}`, `fix the chart or its values until \`${commandLine(shown, options, context.cwd)}\` succeeds`, variant);
      const own = path.join(dir, 'values.yaml');
      const reads = [...(fs.existsSync(own) ? [own] : []), ...options.values.map((v) => path.resolve(context.cwd, v))];
      return { stream: { text: result.text, from: { tool: 'helm', command: 'helm template', dir, entry, reads, variant: set.name, siblings } } };
    }),
  );
}

/** The `helm template` command that renders what failed, as a person would type it in the working directory. */
function commandLine(shown: string, options: HelmOptions, cwd: string): string {
  const quote = (word: string): string => (/^[\w./=:@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);
  const values = options.values.map((file) => `--values ${quote(displayPath(cwd, path.resolve(cwd, file)))}`);
  return ['helm template', quote(shown), ...values].join(' ');
}

/**
 * Every value a config or a flag controls goes where helm reads only a value:
 * `--flag=value` forms, absolute paths (never starting with `-`), and the
 * release name and chart after `--`.
 */
function templateArgs(dir: string, options: HelmOptions, cwd: string): string[] {
  const args = ['template', ...options.values.map((file) => `--values=${path.resolve(cwd, file)}`)];
  if (options.namespace) args.push(`--namespace=${options.namespace}`);
  args.push('--', options.releaseName, path.resolve(cwd, dir));
  return args;
}

function optionsProblem(options: HelmOptions, cwd: string): string | null {
  return (
    releaseNameProblem(options.releaseName) ??
    (options.namespace === null ? null : namespaceProblem(options.namespace)) ??
    options.values.map((file) => valuesFileProblem(path.resolve(cwd, file))).find((p) => p !== null) ??
    null
  );
}

/** The chart a `# Source: CHART/…` comment names: the one rendered, else a directory of that chart's name near the input. */
function chartFor(file: SourceFile, chartName: string, cwd: string): ChartContext | null {
  if (file.rendered?.tool === 'helm') return { dir: file.rendered.dir, valuesFiles: file.rendered.reads };
  const near = file.absPath ? path.dirname(file.absPath) : cwd;
  for (const base of new Set([cwd, near])) {
    for (const dir of [path.join(base, chartName), path.join(base, 'charts', chartName), base]) {
      const chartFile = path.join(dir, CHART_FILE);
      if (!fs.existsSync(chartFile)) continue;
      const name = /^name:\s*["']?([^"'\s#]+)/m.exec(readTextFile(chartFile) ?? '')?.[1];
      if (name !== chartName) continue;
      const values = path.join(dir, 'values.yaml');
      return { dir, valuesFiles: fs.existsSync(values) ? [values] : [] };
    }
  }
  return null;
}

// Findings of one stream share a chart: looked up once per file and chart name.
const charts = new WeakMap<SourceFile, Map<string, ChartContext | null>>();

function chartHome(finding: Finding, cwd: string): Home | null {
  const template = finding.owner?.document.generatedFrom;
  if (!template) return null;
  const [chartName, ...rest] = template.split('/');
  if (!chartName) return null;
  let byName = charts.get(finding.file);
  if (!byName) charts.set(finding.file, (byName = new Map()));
  if (!byName.has(chartName)) byName.set(chartName, chartFor(finding.file, chartName, cwd));
  const chart = byName.get(chartName)!;
  const root = finding.owner?.document.root;
  const home = chart && root ? helmHome({ chart, template: rest.join('/'), steps: keyPathAt(root, finding.span.start), rendered: root, proposed: finding.proposed, cwd }) : null;
  if (home) return home;
  // The chart is found but the template is not on disk (a subchart packed as a .tgz): its Chart.yaml, never a path
  // that does not exist (SPEC §5).
  if (chart) {
    const entry = path.join(chart.dir, CHART_FILE);
    return { source: { file: displayPath(cwd, entry), absPath: entry, line: null, values: null }, fix: null };
  }
  // The chart is not at hand (stdin without it nearby): the template as the comment writes it.
  return { source: { file: template, absPath: null, line: null, values: null }, fix: null };
}

/**
 * Documents of a file on disk whose `# Source:` comment names a chart that
 * cannot be found (an install bundle committed after `helm template`) lose
 * their template: they are linted, located and fixed as ordinary documents.
 * Stdin and rendered output keep the comment's template, and so do files whose
 * chart is found (their findings point at it).
 */
function ordinaryBundles(files: ParsedFile[], cwd: string): ParsedFile[] {
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
    const orphans = parsed.documents.filter((d) => d.generatedFrom !== null && !chartFound(file, d.generatedFrom));
    if (orphans.length === 0) return parsed;
    return { ...parsed, documents: parsed.documents.map((d) => (orphans.includes(d) ? { ...d, generatedFrom: null } : d)) };
  });
}
