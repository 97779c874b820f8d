// The GitHub Action: inputs in, one run(), then annotations, a job summary,
// the SARIF file, outputs, and the step's verdict. Everything it prints or
// writes may hold file names and values from the repository under review:
// log lines cannot start a workflow command, the summary cannot inject markup,
// and the SARIF file is written only as a new file inside the workspace.
import { realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createTempBeside, isInside } from './files.js';
import { pathToFileURL } from 'node:url';
import * as core from '@actions/core';
import { RULES } from '../rules/index.js';
import { formatGithub } from './format/github.js';
import { FAIL_ON, fails, printable, toReport, type FailOn, type Report } from './format/report.js';
import { formatSarif } from './format/sarif.js';
import { repositoryRoot, type Notice } from './inputs.js';
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
  for (const notice of report.notices) core.info(noticeLine(notice));

  const sarifFile = core.getInput('sarif-file') || 'probe-lint.sarif';
  await writeWorkspaceFile(cwd, sarifFile, formatSarif(report, { rules: RULES, root: repositoryRoot(cwd) }));

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
      ...[...byFile].sort((a, b) => b[1] - a[1]).map(([file, count]) => [summaryText(file), String(count)]),
    ]);
  }
  await core.summary.write();
}

/** A notice as one log line: starting with `probe-lint: ` and holding no newline, it can never be read as a workflow command. */
export function noticeLine(notice: Notice): string {
  return printable(`probe-lint: ${notice.file ? `${notice.file}: ` : ''}${notice.message}`);
}

/**
 * Text for the job summary, which is Markdown with HTML in it: `<`, `>` and
 * `&` cannot open markup, `|` cannot end a table cell, a backtick cannot open
 * code, and no newline can end the HTML block, as character references.
 */
export function summaryText(text: string): string {
  return printable(text).replace(/[&<>"'|`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Writes a file the Action produces (the SARIF log) at a path relative to the
 * workspace, refusing a path whose real location is outside it and a file that
 * is a symlink: a committed symlink must not make the step overwrite a file
 * elsewhere on the runner. The content goes to a new file created exclusively
 * beside the target, then renamed over it, so a reader never sees half a file
 * and nothing is written through a link. Returns the path written.
 */
export async function writeWorkspaceFile(workspace: string, file: string, content: string): Promise<string> {
  const refuse = (why: string): Error => new Error(`refusing to write ${file}: ${why}`);
  const outside = refuse(`its real location is outside the workspace (${workspace})`);
  const relative = path.relative(path.resolve(workspace), path.resolve(workspace, file));
  if (relative === '' || !isInside(path.resolve(workspace), path.resolve(workspace, file))) throw outside;
  const realWorkspace = await fs.realpath(workspace);
  const target = path.join(realWorkspace, relative);
  const dir = path.dirname(target);
  // The directories that exist already are checked before any is created, so that no directory appears outside either.
  const inside = async (at: string): Promise<boolean> => {
    const real = await fs.realpath(at).catch(() => null);
    return real !== null && isInside(realWorkspace, real);
  };
  if (!(await inside(await nearestExisting(dir)))) throw outside;
  await fs.mkdir(dir, { recursive: true });
  if (!(await inside(dir))) throw outside;
  const existing = await fs.lstat(target).catch(() => null);
  if (existing?.isSymbolicLink()) throw refuse('it is a symlink; the SARIF file must be a new or regular file inside the workspace');
  if (existing && !existing.isFile()) throw refuse('it exists and is not a regular file');
  const temporary = await createTempBeside(target, 'probe-lint');
  try {
    try {
      await temporary.handle.writeFile(content);
      // 0600 while written; a SARIF log is for the next step and the upload, which read it as the runner's user.
      await temporary.handle.chmod(0o644);
    } finally {
      await temporary.handle.close();
    }
    await fs.rename(temporary.path, target);
  } catch (error) {
    await fs.rm(temporary.path, { force: true });
    throw error;
  }
  return target;
}


/** The directory itself or the nearest of its ancestors that exists. */
async function nearestExisting(dir: string): Promise<string> {
  for (let at = dir; ; at = path.dirname(at)) {
    if (await fs.lstat(at).then(() => true, () => false)) return at;
    if (path.dirname(at) === at) return at;
  }
}

/** Whether this module is the script node was started with (the runner runs the bundle), not a module a test imported. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) main().catch((error: unknown) => core.setFailed(`probe-lint: ${error instanceof Error ? error.message : String(error)}`));
