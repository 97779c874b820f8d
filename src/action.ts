// The GitHub Action: inputs in, one run(), then annotations, suggestions on
// the pull request, a job summary, the SARIF file, outputs, and the step's verdict. Everything it prints or
// writes may hold file names and values from the repository under review:
// log lines cannot start a workflow command, the summary cannot inject markup,
// and the SARIF file is written only as a new file inside the workspace.
import { realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isInside, replaceBeside } from './files.js';
import { pathToFileURL } from 'node:url';
import * as core from '@actions/core';
import { context } from '@actions/github';
import { RULES } from '../rules/index.js';
import { ConfigError } from './config.js';
import { formatGithub } from './format/github.js';
import { FAIL_ON, fails, printable, repositoryLocation, toReport, type FailOn, type Report } from './format/report.js';
import { formatSarif } from './format/sarif.js';
import { nothingPosted, suggestOnPullRequest, type ReviewOutcome } from './github-review.js';
import { fixesSection, reviewParagraph, summaryText, timelinesSection } from './github-summary.js';
import { repositoryRoot, type Notice } from './inputs.js';
import { run } from './run.js';
import { ruleDocsUrl } from './rule-docs.js';
import { VERSION } from './version.js';

function list(name: string): string[] {
  return core
    .getInput(name)
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** gitignore-style patterns, one per line or separated by spaces: a comma is an ordinary character there, as in file names. */
function patterns(name: string): string[] {
  return core
    .getInput(name)
    .split(/\s+/)
    .filter(Boolean);
}

async function main(): Promise<void> {
  const cwd = process.env.GITHUB_WORKSPACE || process.cwd();
  const sarifFile = core.getInput('sarif-file') || 'probe-lint.sarif';
  const sarifOptions = { rules: RULES, root: repositoryRoot(cwd) };
  let report: Report;
  let failOn: FailOn;
  let suggestions: boolean;
  try {
    failOn = failOnInput();
    suggestions = booleanInput('suggestions', true);
    const paths = list('paths');
    const result = await run({
      paths: paths.length > 0 ? paths : ['.'],
      cwd,
      configFile: core.getInput('config') || undefined,
      // `NAME=FILE[,FILE]` entries are value sets (as --helm-values-set), the others values files for every render.
      helmValues: patterns('helm-values').filter((entry) => !entry.includes('=')),
      helmValueSets: patterns('helm-values').filter((entry) => entry.includes('=')),
      kubernetesVersion: core.getInput('kube-version') || undefined,
      ignore: patterns('ignore'),
      ruleFlags: list('rules'),
      suppressionsLocation: core.getInput('suppressions') || undefined,
    });
    report = toReport(result, VERSION);
  } catch (error) {
    // The upload step runs after this one (`if: always()`): without a log it fails too, for a reason that hides this one.
    const failure = { message: actionMessage(error), configuration: error instanceof ConfigError || error instanceof InputError };
    const log = formatSarif({ version: VERSION, findings: [], notices: [] }, { ...sarifOptions, failure });
    // The step fails with the first error either way; a log that cannot be written must not replace it.
    try {
      await writeWorkspaceFile(cwd, sarifFile, log);
      core.setOutput('sarif-file', sarifFile);
    } catch (writeError) {
      core.info(printable(`probe-lint: no SARIF log written: ${actionMessage(writeError)}`));
    }
    // Outside a runner there is no summary file; the error must still be the one the step fails with.
    await writeFailureSummary(failure.message).catch(() => undefined);
    throw new Error(failure.message);
  }
  for (const notice of report.notices) core.info(noticeLine(notice));

  await writeWorkspaceFile(cwd, sarifFile, formatSarif(report, sarifOptions));

  if (core.getBooleanInput('annotations', { required: false }) !== false) process.stdout.write(formatGithub(report));
  const review = suggestions ? await reviewPullRequest(report, sarifOptions.root) : null;
  await writeSummary(report, failOn, review);

  core.setOutput('sarif-file', sarifFile);
  core.setOutput('errors', report.summary.error);
  core.setOutput('warnings', report.summary.warning);
  core.setOutput('findings', report.findings.length);
  if (fails(report, failOn)) core.setFailed(`probe-lint: ${counts(report.summary)} (fail-on: ${failOn})`);
}

/** A bad input of the Action itself: the step fails with its message, like a bad config. */
class InputError extends Error {}

/** A true/false input (YAML 1.2 core schema, as core.getBooleanInput reads it); unset means its default. */
function booleanInput(name: string, unset: boolean): boolean {
  if (core.getInput(name) === '') return unset;
  try {
    return core.getBooleanInput(name);
  } catch {
    throw new InputError(`${name} must be true or false, not ${JSON.stringify(core.getInput(name))}`);
  }
}

/**
 * On a pull request, the fixes of findings on its changed lines as one review of suggestions
 * (SPEC §7); null on other events. What goes wrong with GitHub is a warning, never the step's result.
 * Only `pull_request` events (SPEC §7): `pull_request_target` runs with a token that can write to the base
 * repository while the workspace may hold code the pull request's author controls (helm and kubectl run on it),
 * so it is no pull request here, nor is any other event that carries one.
 */
async function reviewPullRequest(report: Report, root: string): Promise<ReviewOutcome | null> {
  const pull = context.payload.pull_request;
  if (context.eventName !== 'pull_request' || !pull) return null;
  const token = core.getInput('github-token');
  const headSha = typeof pull.head?.sha === 'string' ? pull.head.sha : null;
  let outcome: ReviewOutcome;
  try {
    outcome = token
      ? await suggestOnPullRequest(report, { token, root, pull: { ...context.repo, number: pull.number, headSha } })
      : nothingPosted(report, 'no token', `could not post suggestions on pull request #${pull.number}: the github-token input is empty`);
  } catch (error) {
    // The suggestions are an extra: whatever stops them, the findings' verdict stands.
    outcome = nothingPosted(report, 'suggesting failed', `could not suggest fixes on pull request #${pull.number}: ${actionMessage(error)}`);
  }
  if (outcome.problem) core.warning(printable(`probe-lint: ${outcome.problem}`));
  else if (outcome.reviewUrl) core.info(printable(`probe-lint: posted ${counted(outcome.posted, 'suggestion')} on pull request #${pull.number}: ${outcome.reviewUrl}`));
  return outcome;
}

function failOnInput(): FailOn {
  const failOn = core.getInput('fail-on') || 'error';
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new InputError(`fail-on must be one of ${FAIL_ON.join(', ')}, not ${JSON.stringify(failOn)}`);
  return failOn as FailOn;
}

/** run() words its errors after the CLI's flags; here the user wrote the Action's inputs. */
function actionMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^--rule /, 'rules: ').replace(/^--kube-version /, 'kube-version: ');
}

/** `error` for 1, `errors` for 2; `info` is a mass noun. */
function noun(n: number, word: string): string {
  return n === 1 || word === 'info' ? word : `${word}s`;
}

function counted(n: number, word: string): string {
  return `${n} ${noun(n, word)}`;
}

function counts(summary: Report['summary']): string {
  return `${counted(summary.error, 'error')}, ${counted(summary.warning, 'warning')}, ${counted(summary.info, 'info')}`;
}

interface RuleRow {
  error: number;
  warning: number;
  info: number;
  files: Set<string>;
}

async function writeSummary(report: Report, failOn: FailOn, review: ReviewOutcome | null): Promise<void> {
  const { summary } = report;
  // Each finding counts at its own severity: one rule can report an error for a routed container and a warning for a guessed one.
  const byRule = new Map<string, RuleRow>();
  const byFile = new Map<string, number>();
  for (const located of report.findings) {
    const { finding } = located;
    // The file people edit, where the annotations and SARIF put the finding: a template, a kustomize resource,
    // a Chart.yaml; never the rendered chart's or overlay's directory.
    const file = repositoryLocation(located, report.stdinPath).path;
    const row = byRule.get(finding.ruleId) ?? { error: 0, warning: 0, info: 0, files: new Set<string>() };
    row[finding.severity]++;
    row.files.add(file);
    byRule.set(finding.ruleId, row);
    byFile.set(file, (byFile.get(file) ?? 0) + 1);
  }
  const verdict = fails(report, failOn) ? '❌' : '✅';
  const bold = (n: number, word: string): string => `<b>${n}</b> ${noun(n, word)}`;
  core.summary
    .addHeading(`${verdict} probe-lint`, 2)
    .addRaw(
      `<p>${bold(summary.error, 'error')}, ${bold(summary.warning, 'warning')}, ${bold(summary.info, 'info')} in ${counted(summary.files, 'file')} ` +
        `(${counted(summary.objects, 'object')}, ${counted(summary.containers, 'container')})${summary.suppressed ? `; ${summary.suppressed} suppressed` : ''}. Fails on: ${failOn}.</p>`,
    );
  if (byRule.size > 0) {
    const worstFirst = (a: RuleRow, b: RuleRow): number => b.error - a.error || b.warning - a.warning || b.info - a.info;
    core.summary.addTable([
      [
        { data: 'rule', header: true },
        { data: 'errors', header: true },
        { data: 'warnings', header: true },
        { data: 'info', header: true },
        { data: 'files', header: true },
      ],
      ...[...byRule]
        .sort((a, b) => worstFirst(a[1], b[1]) || a[0].localeCompare(b[0]))
        .map(([id, row]) => [`<a href="${ruleDocsUrl({ id })}">${id}</a>`, String(row.error), String(row.warning), String(row.info), String(row.files.size)]),
    ]);
    core.summary.addTable([
      [
        { data: 'file', header: true },
        { data: 'findings', header: true },
      ],
      ...[...byFile].sort((a, b) => b[1] - a[1]).map(([file, count]) => [summaryText(file), String(count)]),
    ]);
  }
  core.summary.addRaw(timelinesSection(report));
  if (review) core.summary.addRaw(reviewParagraph(review), true);
  core.summary.addRaw(fixesSection(report, review));
  await core.summary.write();
}

/** The summary of a run that stopped before linting: the reason, where people look first. */
async function writeFailureSummary(message: string): Promise<void> {
  await core.summary
    .addHeading('❌ probe-lint', 2)
    .addRaw(`<p>probe-lint did not lint: <code>${summaryText(message)}</code></p>`)
    .write();
}

/** A notice as one log line: starting with `probe-lint: ` and holding no newline, it can never be read as a workflow command. */
export function noticeLine(notice: Notice): string {
  return printable(`probe-lint: ${notice.file ? `${notice.file}: ` : ''}${notice.message}`);
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
  // A SARIF log is for the next step and the upload, which read it as the runner's user.
  await replaceBeside(target, content, { mode: 0o644 });
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
