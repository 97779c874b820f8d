// The renderers of a run, and what the pipeline asks of them as a group:
// render every target concurrently, send findings home, settle look-alikes.
import { displayPath, type Notice } from '../inputs.js';
import type { ParsedFile } from '../parse.js';
import type { Finding } from '../rule.js';
import type { RenderedFrom, SourceFile } from '../source.js';
import { helm } from './helm.js';
import { kustomize } from './kustomize.js';
import type { RenderContext, Renderer, Unrendered } from './renderer.js';

/** Listed by hand, as rules are: a new renderer is one module and one line here. */
export const RENDERERS: readonly Renderer[] = [helm, kustomize];

export type { Renderer, RenderContext, Unrendered } from './renderer.js';

/** Directories found to render, by renderer. */
export type RenderTargets = ReadonlyMap<Renderer, readonly string[]>;

export interface RenderOutcome {
  /** One stream per directory and variant that rendered, in target order. */
  rendered: { text: string; from: RenderedFrom }[];
  /** Files not to lint on their own: read through a render, or partial (patches). */
  excluded: Set<string>;
  notices: Notice[];
  /** Directories (or variants) that could not be rendered. */
  failures: Unrendered[];
}

/**
 * Renders every target at once (the context's tool runner bounds how many
 * tools run together). `skip` leaves out directories another part of the run
 * renders, after planning with them, so that what builds on them still counts.
 */
export async function renderAll(targets: RenderTargets, context: RenderContext, skip: ReadonlySet<string> = new Set()): Promise<RenderOutcome> {
  const outcome: RenderOutcome = { rendered: [], excluded: new Set(), notices: [], failures: [] };
  const jobs: { renderer: Renderer; dir: string }[] = [];
  for (const [renderer, dirs] of targets) {
    const plan = renderer.plan(dirs);
    for (const file of plan.excluded) outcome.excluded.add(file);
    for (const dir of plan.render) if (!skip.has(dir)) jobs.push({ renderer, dir });
  }
  const results = await Promise.all(jobs.map(({ renderer, dir }) => renderer.render(dir, context)));
  for (const result of results.flat()) {
    if ('stream' in result) {
      outcome.rendered.push(result.stream);
      for (const file of result.stream.from.reads) outcome.excluded.add(file);
    } else {
      outcome.failures.push(result.failure);
      // The finding can be switched off or suppressed; stderr still says what was not linted (SPEC §1).
      const asIs = result.failure.lintedAsIs ? '; its resources are linted as they are' : '';
      outcome.notices.push({ file: result.failure.shown, line: null, message: `${result.failure.noun} not rendered: ${result.failure.reason}${asIs}` });
    }
  }
  return outcome;
}

/** The rendered streams as inputs to lint, each named by its directory. */
export function renderedSources(outcome: RenderOutcome, cwd: string): SourceFile[] {
  return outcome.rendered.map(({ text, from }) => ({ path: displayPath(cwd, from.dir), absPath: null, text, bom: false, rendered: from }));
}

/** The renderer whose output a finding is on, if any. */
export function rendererOf(finding: Finding): Renderer | undefined {
  return RENDERERS.find((renderer) => renderer.owns(finding));
}

/** Files on disk whose documents only look rendered, made ordinary by the renderer they look like. */
export function settle(files: ParsedFile[], cwd: string): ParsedFile[] {
  return RENDERERS.reduce((all, renderer) => (renderer.settle ? renderer.settle(all, cwd) : all), files);
}

/**
 * Each finding on rendered output, sent home: `source` is where it is written
 * in the files people edit, and its fix (if any) is expressed there. Others
 * are returned as they are.
 */
export function sendHome(findings: readonly Finding[], cwd: string): Finding[] {
  return findings.map((finding) => {
    const renderer = rendererOf(finding);
    if (!renderer) return finding;
    const home = renderer.home(finding, cwd);
    return { ...finding, source: home?.source ?? null, fix: home?.fix ?? null };
  });
}
