// One line per finding in the gcc/actionlint shape, `file:line:col: severity:
// message [rule-id]`, which editors and terminals make clickable and grep
// reads; then the summary line stylish ends with.
import { messageWithVariants, printable, reportedPlace, summaryLine, type Report } from './report.js';

export function formatCompact(report: Report): string {
  const lines = report.findings.map((located) => {
    const { finding } = located;
    // Rendered output is not a file to open: point at the template or resource people edit, as JSON does.
    const at = reportedPlace(located);
    const message = messageWithVariants(finding);
    // One finding, one line: a newline in a file name or a message must not fake another.
    return printable(`${at.file}:${at.line}:${at.column}: ${finding.severity}: ${message} [${finding.ruleId}]`);
  });
  const { counts, scanned } = summaryLine(report.summary);
  return [...lines, ...(lines.length > 0 ? [''] : []), `${counts} in ${scanned}`].join('\n') + '\n';
}
