// Runs every enabled rule over every subject and collects its reports as findings.
import type { Container, K8sObject, Model, ProbeType, Workload } from './model.js';
import type { ParsedFile } from './parse.js';
import type { AnyRule, Finding, Fix, Report, RuleContext, Severity, SeverityLevel } from './rule.js';
import type { Routing } from './routing.js';
import type { SourceFile } from './source.js';
import { editorFor } from './edit.js';
import { PROBE_DEFAULTS } from './model.js';

export interface RuleSettings {
  /** Overrides the rule's default severity, including its per-case defaults. */
  severity?: SeverityLevel;
  options?: Record<string, unknown>;
}

export interface LintInput {
  files: ParsedFile[];
  model: Model;
  routing: Routing;
  rules: readonly AnyRule[];
  settings?: ReadonlyMap<string, RuleSettings>;
  kubernetesVersion: string;
}

export interface Subject {
  file: SourceFile;
  /** The file has a document that does not parse: it gets no fixes, which could not be checked. */
  broken?: boolean;
  owner: K8sObject | null;
  container: string | null;
  helmSource: string | null;
}

export function lint(input: LintInput): Finding[] {
  const findings: Finding[] = [];
  const [major, minor] = input.kubernetesVersion.split('.').map(Number) as [number, number];
  const broken = new Set(input.files.filter((f) => f.error).map((f) => f.file));
  for (const rule of input.rules) {
    const settings = input.settings?.get(rule.id) ?? {};
    const configured = settings.severity;
    if ((configured ?? rule.severity) === 'off') continue;
    const options = { ...defaultOptions(rule), ...settings.options };
    const context = (subject: Subject): RuleContext<unknown> => ({
      options,
      routing: input.routing,
      edits: editorFor(subject.file),
      kubernetesVersion: { major, minor },
      report: (report: Report) => findings.push(toFinding(rule, configured, { ...subject, broken: broken.has(subject.file) }, report)),
    });
    if (rule.checkFile) {
      for (const file of input.files) rule.checkFile(file, context({ file: file.file, owner: null, container: null, helmSource: null }));
    }
    if (rule.checkWorkload) {
      for (const workload of input.model.workloads) rule.checkWorkload(workload, context(workloadSubject(workload, null)));
    }
    if (rule.checkContainer) {
      for (const workload of input.model.workloads) {
        for (const container of workload.containers) rule.checkContainer(container, context(workloadSubject(workload, container)));
      }
    }
  }
  return findings.sort(byLocation);
}

function workloadSubject(workload: Workload, container: Container | null): Subject {
  const { file, document } = workload.object;
  return { file, owner: workload.object, container: container ? container.name : null, helmSource: document.helmSource };
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
  // Fixes edit files on disk: never stdin, never rendered output whose source is a template.
  const editable = subject.file.absPath !== null && subject.helmSource === null && !subject.broken;
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
    helmSource: subject.helmSource,
    source: null,
    fix,
    renderedFix: report.fix && subject.helmSource !== null ? report.fix : null,
  };
}

function defaultOptions(rule: AnyRule): Record<string, unknown> {
  return Object.fromEntries(Object.entries(rule.options).map(([key, spec]) => [key, (spec as { default: unknown }).default]));
}

export function byLocation(a: Finding, b: Finding): number {
  if (a.file.path !== b.file.path) return a.file.path < b.file.path ? -1 : 1;
  return a.span.start - b.span.start || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}
