// Kustomize: a directory with a kustomization file is rendered with `kubectl
// kustomize` when no other one of the run builds on it, and a finding on its
// output goes home to the resource file and line that define the field.
import path from 'node:path';
import { kustomizeHome } from './kustomize-source.js';
import { displayPath } from '../inputs.js';
import type { Finding } from '../rule.js';
import { directReferences, isComponent, KUSTOMIZATION_NAMES, kustomizationFile, kustomizationFiles, MAX_KUSTOMIZATION_BYTES } from './kustomize-files.js';
import type { Home, RenderContext, Renderer, RenderResult } from './renderer.js';

export const kustomize: Renderer = {
  tool: 'kustomize',
  variantsField: 'overlays',
  entryNames: KUSTOMIZATION_NAMES,
  // A kustomization's directory may hold plain manifests and other kustomizations: the walk goes on below it.
  ownsTree: false,
  maxEntryBytes: MAX_KUSTOMIZATION_BYTES,
  plan: planOverlays,
  render: renderOverlay,
  owns: (finding) => finding.file.rendered?.tool === 'kustomize',
  home: overlayHome,
};

/**
 * A kustomization another one names is nested; only the others (the tops) are
 * rendered (what a render reads is then not linted again on its own). Direct
 * references decide it, and only the tops' closures are walked:
 * per-kustomization closures were quadratic on a chain of overlays. Patches
 * are partial objects and never linted on their own.
 */
function planOverlays(dirs: readonly string[]): { render: string[]; excluded: Set<string> } {
  const excluded = new Set<string>();
  const direct = dirs.map((dir) => ({ dir, refs: directReferences(dir) }));
  const nested = new Set(direct.flatMap(({ dir, refs }) => [...refs.kustomizations].filter((k) => k !== dir)));
  const tops = dirs.filter((dir) => !nested.has(dir) && !isComponent(dir));
  for (const { refs } of direct) for (const file of refs.partial) excluded.add(file);
  for (const dir of tops) {
    for (const file of kustomizationFiles(dir).partial) excluded.add(file);
  }
  return { render: tops, excluded };
}

async function renderOverlay(dir: string, context: RenderContext): Promise<RenderResult[]> {
  const shown = displayPath(context.cwd, dir);
  const entry = kustomizationFile(dir) ?? path.join(dir, KUSTOMIZATION_NAMES[0]!);
  const failure = (reason: string, remedy: string): RenderResult => ({ failure: { tool: 'kustomize', noun: 'kustomization', dir, shown, entry, reason, remedy, lintedAsIs: true } });
  const tool = context.findTool('kubectl');
  if (!tool) return [failure('kubectl is not on PATH', `install kubectl, or lint its output with \`kubectl kustomize ${shown} | probe-lint -\``)];
  // `--` and an absolute path: a directory named `-o…` is never read as a flag.
  const result = await context.runTool(tool, ['kustomize', '--', path.resolve(context.cwd, dir)]);
  if ('error' in result) return [failure(`kubectl kustomize failed: ${result.error}`, `fix the kustomization until \`kubectl kustomize ${shown}\` succeeds`)];
  const reads = [...kustomizationFiles(dir).resources];
  return [{ stream: { text: result.text, from: { tool: 'kustomize', command: 'kubectl kustomize', dir, entry, reads, variant: shown } } }];
}

function overlayHome(finding: Finding, cwd: string): Home | null {
  const root = finding.owner?.document.root;
  if (!finding.object || !root || !finding.file.rendered) return null;
  return kustomizeHome({ resources: finding.file.rendered.reads, ref: finding.object, rendered: { root, offset: finding.span.start }, proposed: finding.proposed, cwd });
}
