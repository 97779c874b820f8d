// GitHub Actions workflow commands: one annotation per finding.
import type { Severity } from '../rule.js';
import type { Report } from './report.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function formatGithub(report: Report): string {
  return report.findings
    .map(({ finding, line, column, endLine, endColumn }) => {
      // Rendered Helm output is not in the repository: annotate the template line people edit.
      const template = finding.source?.absPath && finding.source.line ? finding.source : null;
      const where = template
        ? [`file=${escapeProperty(template.file)}`, `line=${template.line}`]
        : [`file=${escapeProperty(finding.file.path)}`, `line=${line}`, `col=${column}`, `endLine=${endLine}`, ...(endLine === line ? [`endColumn=${endColumn}`] : [])];
      const properties = [
        ...where,
        `title=${escapeProperty(`probe-lint ${finding.ruleId}`)}`,
      ];
      return `::${COMMAND[finding.severity]} ${properties.join(',')}::${escapeData(finding.message)}\n`;
    })
    .join('');
}
