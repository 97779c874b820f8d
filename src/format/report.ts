// The report every formatter renders: findings with their positions resolved.
import type { Notice } from '../inputs.js';
import type { ObjectRef, ProbeType } from '../model.js';
import type { Finding, Severity } from '../rule.js';
import type { RunResult, Summary } from '../run.js';
import { rangeOf } from '../source.js';

export interface LocatedFinding {
  finding: Finding;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Report {
  version: string;
  findings: LocatedFinding[];
  notices: Notice[];
  summary: Summary & Record<Severity, number>;
  /** Where --stdin-filename says stdin is (absolute): the place SARIF and annotations give stdin's findings. */
  stdinPath?: string;
}

export function toReport(result: RunResult, version: string, options: { stdinPath?: string } = {}): Report {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  const findings = result.findings.map((finding) => {
    counts[finding.severity]++;
    const { start, end } = rangeOf(finding.file, finding.span);
    return { finding, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  });
  const { suppressed, ...scanned } = result.summary;
  return { version, findings, notices: result.notices, summary: { ...scanned, ...counts, suppressed }, ...(options.stdinPath !== undefined ? { stdinPath: options.stdinPath } : {}) };
}

/**
 * Text a terminal or a log viewer shows as it is: each C0 and C1 control
 * character (ESC and CSI start escape sequences that clear the screen, retitle
 * the window or fake output; CR rewrites the line; newlines fake lines) becomes
 * a visible stand-in one column wide, so that carets under a code frame stay
 * aligned and the reader sees that something was there.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    const code = c.charCodeAt(0);
    // U+2400–U+241F and U+2421 are the Control Pictures (␛ for ESC); C1 has none.
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? '\u2421' : '\ufffd';
  });
}

export function objectLabel(ref: ObjectRef | null, container: string | null, probe: ProbeType | null): string {
  if (!ref) return '';
  const parts = [`${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name ?? '(unnamed)'}`];
  if (container !== null) parts.push(`container ${container}`);
  if (probe) parts.push(`${probe} probe`);
  return parts.join(' › ');
}

/** The message with the renders it stands for after it, as one-line formats show it. */
export function messageWithVariants(finding: Finding): string {
  return [finding.message, variantsNote(finding)].filter(Boolean).join(' ');
}

/** The renders a merged finding stands for, as words after its object: `(in overlays a, b)`, `(in value sets dev, prod; not in staging)`; '' for others. */
export function variantsNote(finding: Finding): string {
  const variants = finding.variants;
  if (!variants || variants.names.length === 0) return '';
  const what = variants.field === 'overlays' ? 'overlays' : variants.names.length === 1 ? 'value set' : 'value sets';
  const not = variants.missing.length > 0 ? `; not in ${variants.missing.join(', ')}` : '';
  return `(in ${what} ${variants.names.join(', ')}${not})`;
}

export const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Whether a finding at or above the threshold is in the report: exit code 1, a failed step. */
export function fails(report: Report, failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  const order: Severity[] = ['error', 'warning', 'info'];
  return order.slice(0, order.indexOf(failOn) + 1).some((level) => report.summary[level] > 0);
}

/** The line a report ends with: counts by severity, then what was read. */
export function summaryLine(summary: Report['summary']): { counts: string; scanned: string } {
  const problems = summary.error + summary.warning + summary.info;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return {
    // Suppressed findings are named only when there are some: a baselined repository should see that its report is not the whole story.
    counts: `${plural(problems, 'problem')} (${plural(summary.error, 'error')}, ${plural(summary.warning, 'warning')}, ${summary.info} info${summary.suppressed > 0 ? `, ${summary.suppressed} suppressed` : ''})`,
    scanned: `${plural(summary.files, 'file')}, ${plural(summary.documents, 'document')}, ${plural(summary.objects, 'object')}, ${plural(summary.containers, 'container')}`,
  };
}

/** The report without warnings and info (--quiet, as ESLint's): what is left counts, for the summary and the exit code. */
export function onlyErrors(report: Report): Report {
  return { ...report, findings: report.findings.filter((f) => f.finding.severity === 'error'), summary: { ...report.summary, warning: 0, info: 0 } };
}

/** A place in the repository: what code scanning and annotations can show. */
export interface RepositoryLocation {
  /** null for stdin without --stdin-filename. */
  absPath: string | null;
  /** Relative to the working directory, as findings show paths. */
  path: string;
  line: number;
  /** The exact range, when the location is the finding's own text. */
  range: { column: number; endLine: number; endColumn: number } | null;
}

/**
 * Where a finding is, as SPEC §5 puts it: its own place, or for rendered output the template or
 * resource line people edit (else the chart's or overlay's own file).
 */
export function reportedPlace(located: LocatedFinding): { file: string; line: number; column: number; endLine: number; endColumn: number } {
  if (!located.finding.file.rendered) return { file: located.finding.file.path, line: located.line, column: located.column, endLine: located.endLine, endColumn: located.endColumn };
  const at = repositoryLocation(located);
  return { file: at.path, line: at.line, column: at.range?.column ?? 1, endLine: at.range?.endLine ?? at.line, endColumn: at.range?.endColumn ?? 1 };
}

/**
 * The finding's own place, or for rendered output the template or resource it
 * came from, else the chart's or overlay's own file: never a directory. Stdin
 * is at `stdinPath` (--stdin-filename, absolute) when it is given.
 */
export function repositoryLocation(located: LocatedFinding, stdinPath?: string): RepositoryLocation {
  const { finding } = located;
  const source = finding.source;
  if (source?.absPath) {
    const line = source.line ?? 1;
    const range = source.line !== null && source.columns ? { column: source.columns.column, endLine: line, endColumn: source.columns.endColumn } : null;
    return { absPath: source.absPath, path: source.file, line, range };
  }
  const rendered = finding.file.rendered;
  if (rendered) {
    const name = rendered.entry.slice(rendered.entry.lastIndexOf('/') + 1);
    return { absPath: rendered.entry, path: `${finding.file.path}/${name}`, line: 1, range: null };
  }
  return {
    absPath: finding.file.absPath ?? stdinPath ?? null,
    path: finding.file.path,
    line: located.line,
    range: { column: located.column, endLine: located.endLine, endColumn: located.endColumn },
  };
}
