// What a rule is and what it may report. Rules live in rules/, one per file.
import type { Container, K8sObject, ObjectRef, ProbeType, Workload } from './model.js';
import type { ParsedFile } from './parse.js';
import type { Routing } from './routing.js';
import type { SourceFile } from './source.js';
import type { Change, EditSet, Editor, TextEdit } from './edit.js';
import type { Span } from './tree.js';
import type { Unrendered } from './renderers/renderer.js';
import type { TimelineFacts } from './timeline/lanes.js';

export type Severity = 'error' | 'warning' | 'info';
export type SeverityLevel = Severity | 'off';

/** seconds: a whole number ≥ 1; patterns: regular expressions, as strings. */
export type OptionType = 'seconds' | 'patterns';

export interface OptionSpec<T> {
  type: OptionType;
  default: T;
  description: string;
}

export type OptionSpecs<O> = { [K in keyof O]: OptionSpec<O[K]> };

export interface RuleDocs {
  summary: string;
  why: string;
  /** How to fix what it finds, in words; the passing manifest shows it. */
  fix: string;
  /**
   * What file the examples are, when not a manifest linted on its own: `Chart.yaml` makes each one a chart of
   * that single file, rendered with the real tools.
   */
  exampleFile?: string;
  /** A manifest this rule reports on. */
  failing: string;
  /** The same manifest, fixed. */
  passing: string;
}

export interface ProposedFix {
  /** Short and imperative: `set timeoutSeconds to 5`. */
  description: string;
  edit: EditSet;
  /** Only changes or adds numeric fields of an existing probe (§4): applied by --fix; else a suggestion. */
  safe: boolean;
}

/** A fix, or null when its edit could not be built (anchored nodes, odd layout): the finding then stands without one. */
export function proposeFix(description: string, edit: EditSet | null, safe: boolean): ProposedFix | null {
  return edit && { description, edit, safe };
}

export interface Report {
  span: Span;
  message: string;
  probe?: ProbeType;
  /** For rules whose default severity depends on the case; config overrides it. */
  severity?: Severity;
  /** Left out when the edit could not be built (anchored nodes, odd layout): the finding stands without a fix. */
  fix?: ProposedFix | null;
  /** What the timing rules' findings show over time (SPEC §10), as plain data: the stylish one-liner and the Action's summary draw it. */
  timeline?: TimelineFacts;
}

/** A fix as findings carry it: safe ones are applied by --fix, the others only with --unsafe-fixes. */
export interface Fix {
  description: string;
  safe: boolean;
  edits: TextEdit[];
  changes: Change[];
  /** The file the edits are against when it is not the finding's own: a values file or template of a chart, a Kustomize resource file. */
  target?: SourceFile;
  /** Shown as a diff, never written by --fix: fixes mapped into a chart's values or templates (SPEC §4). */
  shownOnly?: boolean;
}

export interface RuleContext<O> {
  options: O;
  routing: Routing;
  /** Builds edits against the subject's own file. */
  edits: Editor;
  /** Target cluster version, e.g. { major: 1, minor: 30 }. */
  kubernetesVersion: { major: number; minor: number };
  report(report: Report): void;
}

export interface Rule<O = Record<string, never>> {
  id: string;
  severity: SeverityLevel;
  /** Human wording of the default, when it depends on the case. */
  severityNote?: string;
  /** The most it proposes: `safe` fixes (and suggestions), only suggestions (`unsafe`), or nothing. */
  fixable: 'none' | 'safe' | 'unsafe';
  options: OptionSpecs<O>;
  docs: RuleDocs;
  checkFile?(file: ParsedFile, ctx: RuleContext<O>): void;
  checkWorkload?(workload: Workload, ctx: RuleContext<O>): void;
  checkContainer?(container: Container, ctx: RuleContext<O>): void;
  /** A chart or kustomization that could not be rendered; reports land on its entry file. */
  checkUnrendered?(target: UnrenderedTarget, ctx: RuleContext<O>): void;
}

/** A chart or kustomization that was not rendered, with its Chart.yaml or kustomization file as read. */
export interface UnrenderedTarget {
  unrendered: Unrendered;
  /** The entry file; its text is empty when it could not be read. */
  file: SourceFile;
}

// Rules are heterogeneous in their options; the engine handles them uniformly.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any>;

export function defineRule<O>(rule: Rule<O>): Rule<O> {
  return rule;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  file: SourceFile;
  span: Span;
  object: ObjectRef | null;
  /** The object the finding is about: what a `probe-lint.dev/ignore` annotation applies to. */
  owner: K8sObject | null;
  container: string | null;
  probe: ProbeType | null;
  /** Where a finding on rendered output is written in the files people edit: filled in by its renderer. */
  source: FindingSource | null;
  /**
   * The renders this finding stands for, when one line was rendered several
   * ways: the Kustomize overlays (directories relative to cwd) or the Helm
   * value sets that gave it (`names`, sorted), and the value sets of the same
   * chart that did not (`missing`).
   */
  variants?: { field: 'overlays' | 'valueSets'; names: string[]; missing: string[] } | null;
  fix: Fix | null;
  /** A fix proposed on rendered output, for its renderer to express in the files people edit. */
  proposed: ProposedFix | null;
  /** The report's timeline, for the terminal and the job summary only: JSON, SARIF, github and compact leave it out. */
  timeline?: TimelineFacts;
}

export interface FindingSource {
  /** The template: relative to the working directory when the chart is found, else as `# Source:` writes it. */
  file: string;
  absPath: string | null;
  line: number | null;
  /** 1-based columns of the line's text (indentation and `- ` left out), when the line is known. */
  columns?: { column: number; endColumn: number } | null;
  /** The values file and key that set the value, when it comes from values. */
  values: { file: string; key: string; line: number } | null;
}
