// GitHub Actions workflow commands: one annotation per finding.
import { relativePath } from '../fingerprint.js';
import type { Severity } from '../rule.js';
import { messageWithVariants, repositoryLocation, type RepositoryLocation, type Report } from './report.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export interface GithubOptions {
  /**
   * The repository's top (GITHUB_WORKSPACE, else the git top): GitHub places an
   * annotation by its path from there, whatever directory the linter ran in.
   * Without it, paths stay relative to the working directory.
   */
  root?: string;
}

export function formatGithub(report: Report, options: GithubOptions = {}): string {
  const fromRoot = (at: RepositoryLocation): string =>
    // Stdin has no place on disk: its name is all there is.
    options.root !== undefined && at.absPath !== null ? relativePath(options.root, at.absPath) : at.path;
  return report.findings
    .map((located) => {
      const { finding } = located;
      // Rendered output is not in the repository: annotate the file people edit.
      const at = repositoryLocation(located, report.stdinPath);
      const range = at.range;
      const where = [
        `file=${escapeProperty(fromRoot(at))}`,
        `line=${at.line}`,
        ...(range ? [`col=${range.column}`, `endLine=${range.endLine}`, ...(range.endLine === at.line ? [`endColumn=${range.endColumn}`] : [])] : []),
      ];
      const properties = [
        ...where,
        `title=${escapeProperty(`probe-lint ${finding.ruleId}`)}`,
      ];
      // The annotation sits on the base line: say which overlays render it.
      const message = messageWithVariants(finding);
      return `::${COMMAND[finding.severity]} ${properties.join(',')}::${escapeData(message)}\n`;
    })
    .join('');
}
