// Findings as LSP diagnostics: the CLI's ranges, severities and messages, the
// rule id as the code and its page as the code link.
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import { RULES } from '../../rules/index.js';
import type { Finding, Severity } from '../rule.js';
import { ruleDocsUrl } from '../rule-docs.js';
import { lspRange, type EditorText } from './text.js';

const SOURCE = 'probe-lint';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toDiagnostic(finding: Finding, range: Range): Diagnostic {
  const rule = RULES.find((r) => r.id === finding.ruleId);
  return {
    range,
    severity: SEVERITY[finding.severity],
    code: finding.ruleId,
    ...(rule ? { codeDescription: { href: ruleDocsUrl(rule) } } : {}),
    source: SOURCE,
    message: finding.message,
  };
}

/** The findings located in the document itself. */
export function documentDiagnostics(findings: readonly Finding[], at: EditorText): Diagnostic[] {
  return findings.map((finding) => toDiagnostic(finding, lspRange(at, finding.span)));
}

/** A problem that stops the lint (a broken config or suppressions file), shown at the top of the document. */
export function settingsDiagnostic(message: string): Diagnostic {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Error, source: SOURCE, message };
}
