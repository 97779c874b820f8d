// Chart templates are not YAML until rendered (SPEC §1): the server never lints
// their text. On save, when the renderer's tool is on PATH, the chart is
// rendered and linted as `probe-lint --context <folder> TEMPLATE` would, and
// the findings its renderer locates in this template are shown there.
import type { Diagnostic } from 'vscode-languageserver';
import { collectInputs } from '../inputs.js';
import { RENDERERS, renderAll, renderedSources, type RenderTargets } from '../renderers/index.js';
import { findTool, toolRunner } from '../renderers/tools.js';
import { configIgnores, OWN_FILES, targetsOf } from '../run.js';
import { lineColumns, lineText } from '../source.js';
import { settingsDiagnostic, toDiagnostic } from './diagnostics.js';
import { lintSources } from './lint-sources.js';
import type { EditorText } from './text.js';
import type { Workspace } from './workspace.js';

/**
 * The directories a file stands for when it is not linted on its own: a chart
 * whose tree holds it, found by the walk's own rule for a file named on the
 * command line. Null for a file linted as it is.
 */
export async function ownerOf(absPath: string, workspace: Workspace): Promise<RenderTargets | null> {
  const { folder, configs } = workspace.settings();
  const inputs = await collectInputs([absPath], { cwd: folder, ignore: [], configIgnore: configIgnores(configs), kinds: RENDERERS, skipNames: OWN_FILES });
  if (inputs.files.length > 0) return null;
  const targets = targetsOf(inputs);
  return [...targets.values()].some((dirs) => dirs.length > 0) ? targets : null;
}

/** The findings of the rendered chart that its renderer places in this template; none when the tool is missing. */
export async function templateDiagnostics(at: EditorText, targets: RenderTargets, workspace: Workspace): Promise<Diagnostic[]> {
  const settings = workspace.settings();
  const tools = toolRunner({ cwd: settings.folder });
  const outcome = await renderAll(targets, { cwd: settings.folder, configFor: (dir) => settings.configs.forDir(dir), findTool, runTool: tools.run });
  // Without the tool there is nothing to say about a template: its text is not YAML.
  const failed = outcome.failures.filter((failure) => findTool(failure.tool) !== null);
  const dirs = [...targets.values()].flat();
  const linted = await lintSources(renderedSources(outcome, settings.folder), settings, workspace.index.contextFor(null, dirs));
  const diagnostics = failed.map((failure) => settingsDiagnostic(`${failure.noun} ${failure.shown} not rendered: ${failure.reason}; ${failure.remedy}`));
  for (const finding of linted.findings) {
    const source = finding.source;
    if (source?.absPath !== at.source.absPath || source.line === null) continue;
    const columns = source.columns ?? lineColumns(lineText(at.source, source.line)) ?? { column: 1, endColumn: 1 };
    const line = source.line - 1;
    diagnostics.push(toDiagnostic(finding, { start: { line, character: columns.column - 1 }, end: { line, character: columns.endColumn - 1 } }));
  }
  return diagnostics;
}
