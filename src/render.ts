// Helm charts and Kustomize overlays become YAML by running the tools users
// deploy with: `helm template` and `kubectl kustomize`, when they are on PATH.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import fs from 'node:fs';
import path from 'node:path';
import { displayPath, type Notice } from './inputs.js';
import { directReferences, isComponent, kustomizationFile, kustomizationFiles } from './kustomize.js';
import type { RenderedFrom } from './source.js';

/** The executable of that name on PATH, or null. */
function findTool(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export interface Rendered {
  text: string;
}

export interface RenderFailure {
  error: string;
}

const RENDER_TIME_LIMIT_MS = 120_000;

function runTool(tool: string, args: string[], cwd: string): Promise<Rendered | RenderFailure> {
  return new Promise((resolve) => {
    execFile(tool, args, { cwd, maxBuffer: 256 * 1024 * 1024, timeout: RENDER_TIME_LIMIT_MS }, (error, stdout, stderr) => {
      if (error) {
        // Killed at the time limit: stderr then holds whatever the tool had said so far, not why it stopped.
        if (error.killed) return resolve({ error: `did not finish within ${RENDER_TIME_LIMIT_MS / 1000} s` });
        // The last line says why; kubectl prefixes it with a klog header (`E1123 21:20:50.302897   24376 run.go:72] `).
        // helm says why from its `Error: ` line on, continued on indented lines, and may add a hint after it
        // (`Use --debug flag to render out invalid YAML`).
        const lines = String(stderr).trimEnd().split('\n').filter((line) => line.trim() !== '');
        const at = lines.map((line) => line.startsWith('Error: ')).lastIndexOf(true);
        const continued = at === -1 ? [] : lines.slice(at + 1).filter((line, i, rest) => rest.slice(0, i + 1).every((l) => /^\s/.test(l)));
        const last = at === -1 ? (lines.at(-1)?.trim() ?? error.message) : [lines[at]!, ...continued.map((line) => line.trim())].join(' ');
        const reason = last.replace(/^[EWIF]\d{4} [\d:.]+\s+\d+ [^\]]+\] /, '').replace(/^Error: /, '');
        resolve({ error: reason });
      } else resolve({ text: String(stdout) });
    });
  });
}

export interface HelmOptions {
  values: string[];
  releaseName: string;
  namespace: string | null;
}

// What helm itself accepts (`helm template` checks the release name against
// this, at most 53 characters) and a namespace (a DNS-1123 label, at most 63).
// Neither can start with `-`, so a name that passes is never read as a flag.
// The JSON Schema states the same from these.
export const RELEASE_NAME = { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, maxLength: 53 };
export const NAMESPACE = { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, maxLength: 63 };

/** Why helm must not be given this release name; null when it is a valid one. */
export function releaseNameProblem(name: string): string | null {
  if (RELEASE_NAME.pattern.test(name) && name.length <= RELEASE_NAME.maxLength) return null;
  return `${JSON.stringify(name)} is not a valid release name: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most ${RELEASE_NAME.maxLength} characters`;
}

/** Why helm must not be given this namespace; null when it is a valid one. */
export function namespaceProblem(namespace: string): string | null {
  if (NAMESPACE.pattern.test(namespace) && namespace.length <= NAMESPACE.maxLength) return null;
  return `${JSON.stringify(namespace)} is not a valid namespace: lowercase letters, digits and "-", starting and ending with a letter or digit, at most ${NAMESPACE.maxLength} characters`;
}

/** Why helm must not be given this values file; null when it can be. */
export function valuesFileProblem(file: string): string | null {
  // helm splits --values at commas: "a.yaml,https://host/v.yaml" would make it fetch a URL.
  return file.includes(',') ? `${JSON.stringify(file)} cannot be a values file: helm splits values file names at a comma` : null;
}

/** The first reason not to run helm with these options, or null. */
function helmOptionsProblem(options: HelmOptions, cwd: string): string | null {
  return (
    releaseNameProblem(options.releaseName) ??
    (options.namespace === null ? null : namespaceProblem(options.namespace)) ??
    options.values.map((file) => valuesFileProblem(operand(cwd, file))).find((p) => p !== null) ??
    null
  );
}

/**
 * A path as an operand no tool can read as a flag: absolute, so it starts
 * with `/` (or a drive letter), never with `-`.
 */
function operand(cwd: string, file: string): string {
  return path.resolve(cwd, file);
}

// Every value a config or a flag controls goes where helm reads only a value:
// `--flag=value` forms, and the release name and chart after `--`.
function helmTemplate(helm: string, chartDir: string, options: HelmOptions, cwd: string): Promise<Rendered | RenderFailure> {
  const args = ['template', ...options.values.map((file) => `--values=${operand(cwd, file)}`)];
  if (options.namespace) args.push(`--namespace=${options.namespace}`);
  args.push('--', options.releaseName, operand(cwd, chartDir));
  return runTool(helm, args, cwd);
}

function kubectlKustomize(kubectl: string, dir: string, cwd: string): Promise<Rendered | RenderFailure> {
  return runTool(kubectl, ['kustomize', '--', operand(cwd, dir)], cwd);
}

export interface RenderPlan {
  charts: string[];
  kustomizations: string[];
  cwd: string;
  /** A chart's options: the config nearest to the chart decides (SPEC §6), the command line over it. */
  helmFor(chartDir: string): HelmOptions;
  /** Renders kept across runs of one invocation: --fix lints up to ten times and never edits charts. */
  cache?: Map<string, Promise<Rendered | RenderFailure>>;
}

export interface RenderOutcome {
  /** Rendered streams, one per chart or kustomization that rendered. */
  rendered: { dir: string; text: string; from: RenderedFrom }[];
  /** Files not to lint on their own: read through a kustomization, or partial (patches). */
  excluded: Set<string>;
  notices: Notice[];
  /** Charts and kustomizations that could not be rendered: the render-failed rule reports each on its entry file. */
  failures: Unrendered[];
}

/** A chart or kustomization that was not rendered, and what that means for the run. */
export interface Unrendered {
  tool: 'helm' | 'kustomize';
  /** The chart or kustomization directory, absolute. */
  dir: string;
  /** The same, relative to the working directory, as messages show it. */
  shown: string;
  /** Its Chart.yaml or kustomization file, absolute: where the finding goes. */
  entry: string;
  /** Why it was not rendered: the tool is missing, an option was refused, or the tool's own error. */
  reason: string;
  /** What to do about it. */
  remedy: string;
  /** Its resources were linted as they are, without what the kustomization changes; a chart's templates never are. */
  lintedAsIs: boolean;
}

/**
 * Renders charts with helm and the top kustomizations (those no other one of
 * the run builds on) with kubectl. One that cannot be rendered (no tool, a
 * refused option, the tool's error or time limit) is a failure plus one
 * notice; a kustomization's files are then linted as they are, patches excepted.
 */
export async function renderAll(plan: RenderPlan): Promise<RenderOutcome> {
  const outcome: RenderOutcome = { rendered: [], excluded: new Set(), notices: [], failures: [] };
  const shown = (dir: string): string => displayPath(plan.cwd, dir);

  const helm = plan.charts.length > 0 ? findTool('helm') : null;
  for (const dir of plan.charts) {
    const options = plan.helmFor(dir);
    // Checked here too, not only in the config: --helm-release, the Action and callers of run() reach helm through this seam.
    const refused = helmOptionsProblem(options, plan.cwd);
    const entry = path.join(dir, 'Chart.yaml');
    const failed = (reason: string, remedy: string): void => {
      outcome.failures.push({ tool: 'helm', dir, shown: shown(dir), entry, reason, remedy, lintedAsIs: false });
      // The finding can be switched off or suppressed; stderr still says the chart was not linted (SPEC §1).
      outcome.notices.push({ file: shown(dir), line: null, message: `Helm chart not rendered: ${reason}` });
    };
    if (!helm) {
      failed('helm is not on PATH', `install helm, or lint its output with \`helm template ${shown(dir)} | probe-lint -\``);
      continue;
    }
    if (refused) {
      failed(refused, "set a valid one (--helm-release, --helm-namespace, --helm-values or the config's helm settings)");
      continue;
    }
    const own = path.join(dir, 'values.yaml');
    const valuesFiles = [...(fs.existsSync(own) ? [own] : []), ...options.values.map((v) => operand(plan.cwd, v))];
    const result = await cached(plan, `helm\0${dir}`, () => helmTemplate(helm, dir, options, plan.cwd));
    if ('error' in result) failed(`helm template failed: ${result.error}`, `fix the chart or its values until \`helm template ${shown(dir)}\` succeeds`);
    else outcome.rendered.push({ dir, text: result.text, from: { tool: 'helm', dir, entry, valuesFiles, resources: [] } });
  }

  // A kustomization another one names is nested; only the others are rendered. Direct references decide it, and
  // only the tops' closures are walked: per-kustomization closures were quadratic on a chain of overlays.
  const direct = plan.kustomizations.map((dir) => ({ dir, refs: directReferences(dir) }));
  const nested = new Set(direct.flatMap(({ dir, refs }) => [...refs.kustomizations].filter((k) => k !== dir)));
  const tops = plan.kustomizations.filter((dir) => !nested.has(dir) && !isComponent(dir));
  const closures = new Map(tops.map((dir) => [dir, kustomizationFiles(dir)]));
  const kubectl = tops.length > 0 ? findTool('kubectl') : null;
  for (const { refs } of direct) for (const file of refs.partial) outcome.excluded.add(file);
  for (const [, files] of closures) for (const file of files.partial) outcome.excluded.add(file);
  for (const dir of tops) {
    const files = closures.get(dir)!;
    const entry = kustomizationFile(dir) ?? path.join(dir, 'kustomization.yaml');
    const failed = (reason: string, remedy: string): void => {
      outcome.failures.push({ tool: 'kustomize', dir, shown: shown(dir), entry, reason, remedy, lintedAsIs: true });
      outcome.notices.push({ file: shown(dir), line: null, message: `Kustomize overlay not rendered: ${reason}; its resources are linted as they are` });
    };
    if (!kubectl) {
      failed('kubectl is not on PATH', `install kubectl, or lint its output with \`kubectl kustomize ${shown(dir)} | probe-lint -\``);
      continue;
    }
    const result = await cached(plan, `kustomize\0${dir}`, () => kubectlKustomize(kubectl, dir, plan.cwd));
    if ('error' in result) {
      failed(`kubectl kustomize failed: ${result.error}`, `fix the kustomization until \`kubectl kustomize ${shown(dir)}\` succeeds`);
      continue;
    }
    outcome.rendered.push({ dir, text: result.text, from: { tool: 'kustomize', dir, entry, valuesFiles: [], resources: [...files.resources] } });
    for (const file of files.resources) outcome.excluded.add(file);
  }
  return outcome;
}

function cached(plan: RenderPlan, key: string, render: () => Promise<Rendered | RenderFailure>): Promise<Rendered | RenderFailure> {
  if (!plan.cache) return render();
  let result = plan.cache.get(key);
  if (!result) plan.cache.set(key, (result = render()));
  return result;
}
