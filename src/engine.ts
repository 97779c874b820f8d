// Runs every enabled rule over every subject and collects its reports as findings.
import type { Container, K8sObject, Model, ProbeType, Workload } from './model.js';
import type { ParsedFile } from './parse.js';
import type { AnyRule, Finding, Fix, Report, RuleContext, Severity, SeverityLevel, UnrenderedTarget } from './rule.js';
import type { Routing } from './routing.js';
import type { SourceFile } from './source.js';
import { editorFor } from './edit.js';
import { PROBE_DEFAULTS } from './model.js';

export interface RuleSettings {
  /** Overrides the rule's default severity, including its per-case defaults. */
  severity?: SeverityLevel;
  options?: Record<string, unknown>;
}

/** What applies to one file's findings: the settings of its config (SPEC §6) with the command line's over them. */
export interface FileSettings {
  rules: ReadonlyMap<string, RuleSettings>;
  /** "1.30" */
  kubernetesVersion: string;
}

export interface LintInput {
  files: ParsedFile[];
  model: Model;
  routing: Routing;
  rules: readonly AnyRule[];
  /** Called per subject; returns the same object for files under the same config. */
  settingsFor(file: SourceFile): FileSettings;
  /** Charts and kustomizations of the run that could not be rendered. */
  unrendered?: readonly UnrenderedTarget[];
}

interface ResolvedRule {
  configured: SeverityLevel | undefined;
  options: Record<string, unknown>;
}

/** A rule's severity and options for one file, or null when it is off there. */
export function ruleSettingsFor(rule: AnyRule, settings: FileSettings): ResolvedRule | null {
  const own = settings.rules.get(rule.id) ?? {};
  if ((own.severity ?? rule.severity) === 'off') return null;
  return { configured: own.severity, options: { ...defaultOptions(rule), ...own.options } };
}

export interface Subject {
  file: SourceFile;
  /** The file has a document that does not parse: it gets no fixes, which could not be checked. */
  broken?: boolean;
  owner: K8sObject | null;
  container: string | null;
  /** The template a rendered document came from (`# Source:`): its fixes go home through its renderer. */
  generatedFrom: string | null;
}

type Applied = (ResolvedRule & { kubernetesVersion: { major: number; minor: number } }) | null;

// One rule's settings per config, not per subject, and not per call either: a run lints its files one at a
// time (run.ts) under few configs.
const applied = new WeakMap<FileSettings, Map<AnyRule, Applied>>();

function appliedSettings(rule: AnyRule, settings: FileSettings): Applied {
  let byRule = applied.get(settings);
  if (!byRule) applied.set(settings, (byRule = new Map()));
  if (!byRule.has(rule)) {
    const resolved = ruleSettingsFor(rule, settings);
    const [major, minor] = settings.kubernetesVersion.split('.').map(Number) as [number, number];
    byRule.set(rule, resolved && { ...resolved, kubernetesVersion: { major, minor } });
  }
  return byRule.get(rule)!;
}

export function lint(input: LintInput): Finding[] {
  const findings: Finding[] = [];
  const broken = new Set(input.files.filter((f) => f.error).map((f) => f.file));
  for (const rule of input.rules) {
    const settingsOf = (file: SourceFile): Applied => appliedSettings(rule, input.settingsFor(file));
    const check = (subject: Subject, run: (context: RuleContext<unknown>) => void): void => {
      const settings = settingsOf(subject.file);
      if (!settings) return;
      run({
        options: settings.options,
        routing: input.routing,
        edits: editorFor(subject.file),
        kubernetesVersion: settings.kubernetesVersion,
        report: (report: Report) => findings.push(toFinding(rule, settings.configured, { ...subject, broken: broken.has(subject.file) }, report)),
      });
    };
    if (rule.checkFile) {
      for (const file of input.files) check({ file: file.file, owner: null, container: null, generatedFrom: null }, (context) => rule.checkFile!(file, context));
    }
    if (rule.checkWorkload) {
      for (const workload of input.model.workloads) check(workloadSubject(workload, null), (context) => rule.checkWorkload!(workload, context));
    }
    if (rule.checkContainer) {
      for (const workload of input.model.workloads) {
        for (const container of workload.containers) check(workloadSubject(workload, container), (context) => rule.checkContainer!(container, context));
      }
    }
    if (rule.checkUnrendered) {
      for (const target of input.unrendered ?? []) check({ file: target.file, owner: null, container: null, generatedFrom: null }, (context) => rule.checkUnrendered!(target, context));
    }
  }
  return findings.sort(byLocation);
}

function workloadSubject(workload: Workload, container: Container | null): Subject {
  const { file, document } = workload.object;
  return { file, owner: workload.object, container: container ? container.name : null, generatedFrom: document.generatedFrom };
}

// §4: a safe fix only changes or adds numeric fields of an existing probe.
const SAFE_KEYS = new Set(Object.keys(PROBE_DEFAULTS));

/** The engine holds rules to what they declare, as ESLint does with `fixable`. */
function checkFixDeclaration(rule: AnyRule, fix: Report['fix']): void {
  if (!fix) return;
  if (rule.fixable === 'none') throw new Error(`rule ${rule.id} declares no fixes but proposed one`);
  if (!fix.safe) return;
  if (rule.fixable !== 'safe') throw new Error(`rule ${rule.id} declares only suggestions but proposed a safe fix`);
  const other = fix.edit.changes.find((change) => !SAFE_KEYS.has(change.key));
  if (other) throw new Error(`rule ${rule.id} marked a fix safe that changes ${other.key}, which is not a probe's number`);
}

export function toFinding(rule: AnyRule, configured: SeverityLevel | undefined, subject: Subject, report: Report): Finding {
  const severity = (configured ?? report.severity ?? rule.severity) as Severity;
  checkFixDeclaration(rule, report.fix);
  // Fixes edit files on disk: never stdin, never rendered output; a renderer may express them in its sources.
  const rendered = subject.file.rendered !== undefined || subject.generatedFrom !== null;
  const editable = subject.file.absPath !== null && !rendered && !subject.broken;
  const fix: Fix | null =
    report.fix && editable
      ? { description: report.fix.description, safe: report.fix.safe, edits: report.fix.edit.edits, changes: report.fix.edit.changes }
      : null;
  return {
    ruleId: rule.id,
    severity,
    message: report.message,
    file: subject.file,
    span: report.span,
    object: subject.owner?.ref ?? null,
    owner: subject.owner,
    container: subject.container,
    probe: (report.probe ?? null) as ProbeType | null,
    source: null,
    fix,
    proposed: rendered && !subject.broken ? (report.fix ?? null) : null,
    ...(report.timeline ? { timeline: report.timeline } : {}),
  };
}

/** A rule's options as it declares their defaults. */
export function defaultOptions(rule: AnyRule): Record<string, unknown> {
  return Object.fromEntries(Object.entries(rule.options).map(([key, spec]) => [key, (spec as { default: unknown }).default]));
}

export function byLocation(a: Finding, b: Finding): number {
  if (a.file.path !== b.file.path) return a.file.path < b.file.path ? -1 : 1;
  return a.span.start - b.span.start || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}
