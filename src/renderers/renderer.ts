// The seam between linting and the tools that turn directories into YAML
// (SPEC §1): for each kind of rendered input, how to find it, render it, and
// carry a finding on its output home to the files people edit, with the fix
// expressed there. Linting, formats and fixing see only what this describes.
import type { Config } from '../config.js';
import type { RenderedInputKind } from '../inputs.js';
import type { ParsedFile } from '../parse.js';
import type { Finding, FindingSource, Fix } from '../rule.js';
import type { RenderedFrom } from '../source.js';

/** What a tool run gave: its standard output, or why it failed (its own error, or the time limit). */
export type ToolResult = { text: string } | { error: string };

export interface RenderContext {
  cwd: string;
  /** The config that applies in a directory, the command line's settings over it (SPEC §6). */
  configFor(dir: string): Config;
  /** The executable of that name on PATH, or null. */
  findTool(name: string): string | null;
  /** Runs a tool as the run allows: at most as many at once as there are CPUs, within the time limit, once per argument list. */
  runTool(tool: string, args: string[]): Promise<ToolResult>;
}

/** A directory that was not rendered, and what that means for the run: the render-failed rule reports it. */
export interface Unrendered {
  tool: string;
  /** What it is, in words: `chart`, `kustomization`. */
  noun: string;
  /** Absolute. */
  dir: string;
  /** Relative to the working directory, as messages show it. */
  shown: string;
  /** Its entry file (Chart.yaml, kustomization.yaml), absolute: where the finding goes. */
  entry: string;
  /** Why: the tool is missing, an option was refused, or the tool's own error or time limit. */
  reason: string;
  /** What to do about it. */
  remedy: string;
  /** Its files were linted as they are (a kustomization's resources); a chart's templates never are. */
  lintedAsIs: boolean;
  /** The one render of the directory that failed, in words (`value set "prod"`), when it is rendered several ways: only that one went unlinted. */
  variant?: string;
}

export type RenderResult = { stream: { text: string; from: RenderedFrom } } | { failure: Unrendered };

/** Where a finding on rendered output is written in the files people edit, and its fix there. */
export interface Home {
  source: FindingSource;
  fix: Fix | null;
}

export interface Renderer extends RenderedInputKind {
  /** `rendered.tool` of its streams. */
  readonly tool: string;
  /** How a merged finding names the renders it stands for (JSON and SARIF field). */
  readonly variantsField: 'overlays' | 'valueSets';
  /** Which of the input directories to render, and the files their renders read that are not linted on their own. */
  plan(dirs: readonly string[]): { render: string[]; excluded: Set<string> };
  /** Renders one directory: a stream per variant (value set), or why it could not be rendered. */
  render(dir: string, context: RenderContext): Promise<RenderResult[]>;
  /** Whether a finding is on this renderer's output (its streams, or stdin and bundles it wrote). */
  owns(finding: Finding): boolean;
  /** Where the finding is written and its fix there; null when that cannot be found. */
  home(finding: Finding, cwd: string): Home | null;
  /** Files on disk whose documents only look like this renderer's output, made ordinary. */
  settle?(files: ParsedFile[], cwd: string): ParsedFile[];
}
