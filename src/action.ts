// The GitHub Action: inputs in, one run(), then annotations, a job summary,
// the SARIF file, outputs, and the step's verdict.
import fs from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import { RULES } from '../rules/index.js';
import { formatGithub } from './format/github.js';
import { FAIL_ON, fails, toReport, type FailOn, type Report } from './format/report.js';
import { formatSarif } from './format/sarif.js';
import { repositoryRoot } from './inputs.js';
import { run } from './run.js';
import { DOCS_URL, VERSION } from './version.js';

function list(name: string): string[] {
  return core
    .getInput(name)
    .split(/[\s,]+/)
    .filter(Boolean);
}

async function main(): Promise<void> {
  const cwd = process.env.GITHUB_WORKSPACE || process.cwd();
  const failOn = core.getInput('fail-on') || 'error';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new Error(`fail-on must be one of ${FAIL_ON.join(', ')}, not ${JSON.stringify(failOn)}`);
  const paths = list('paths');
  const result = await run({
    paths: paths.length > 0 ? paths : ['.'],
    cwd,
    configFile: core.getInput('config') || undefined,
    helmValues: list('helm-values'),
  });
  const report = toReport(result, VERSION);
  for (const notice of report.notices) core.info(`probe-lint: ${notice.file ? `${notice.file}: ` : ''}${notice.message}`);

  const sarifFile = core.getInput('sarif-file') || 'probe-lint.sarif';
  const sarifPath = path.resolve(cwd, sarifFile);
  await fs.mkdir(path.dirname(sarifPath), { recursive: true });
  await fs.writeFile(sarifPath, formatSarif(report, { rules: RULES, root: repositoryRoot(cwd) }));

  if (core.getBooleanInput('annotations', { required: false }) !== false) process.stdout.write(formatGithub(report));
  await writeSummary(report, failOn as FailOn);

  core.setOutput('sarif-file', sarifFile);
  core.setOutput('errors', report.summary.error);
  core.setOutput('warnings', report.summary.warning);
  core.setOutput('findings', report.findings.length);
  if (fails(report, failOn as FailOn)) {
    core.setFailed(`probe-lint: ${report.summary.error} errors, ${report.summary.warning} warnings, ${report.summary.info} info (fail-on: ${failOn})`);
  }
}

async function writeSummary(report: Report, failOn: FailOn): Promise<void> {
  const { summary } = report;
  const byRule = new Map<string, { severity: string; count: number; files: Set<string> }>();
  for (const { finding } of report.findings) {
    const row = byRule.get(finding.ruleId) ?? { severity: finding.severity, count: 0, files: new Set<string>() };
    row.count++;
    row.files.add(finding.file.path);
    byRule.set(finding.ruleId, row);
  }
  const byFile = new Map<string, number>();
  for (const { finding } of report.findings) byFile.set(finding.file.path, (byFile.get(finding.file.path) ?? 0) + 1);
  const verdict = fails(report, failOn) ? '❌' : '✅';
  core.summary
    .addHeading(`${verdict} probe-lint`, 2)
    .addRaw(
      `<p><b>${summary.error}</b> errors, <b>${summary.warning}</b> warnings, <b>${summary.info}</b> info in ${summary.files} files ` +
        `(${summary.objects} objects, ${summary.containers} containers)${summary.suppressed ? `; ${summary.suppressed} suppressed` : ''}. Fails on: ${failOn}.</p>`,
    );
  if (byRule.size > 0) {
    core.summary.addTable([
      [
        { data: 'rule', header: true },
        { data: 'severity', header: true },
        { data: 'findings', header: true },
        { data: 'files', header: true },
      ],
      ...[...byRule]
        .sort((a, b) => b[1].count - a[1].count)
        .map(([id, row]) => [`<a href="${DOCS_URL}/blob/main/rules/${id}.md">${id}</a>`, row.severity, String(row.count), String(row.files.size)]),
    ]);
    core.summary.addTable([
      [
        { data: 'file', header: true },
        { data: 'findings', header: true },
      ],
      ...[...byFile].sort((a, b) => b[1] - a[1]).map(([file, count]) => [escapeHtml(file), String(count)]),
    ]);
  }
  await core.summary.write();
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

main().catch((error: unknown) => core.setFailed(`probe-lint: ${error instanceof Error ? error.message : String(error)}`));
