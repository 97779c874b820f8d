#!/usr/bin/env node
// Thin shell around run(): flags in, report and exit code out.
import { statSync } from 'node:fs';
import fs from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import v8 from 'node:v8';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { RULES } from '../rules/index.js';
import { jsonChunks } from './format/json.js';
import { FAIL_ON, fails, onlyErrors, printable, toReport, type FailOn, type Report } from './format/report.js';
import { formatCompact } from './format/compact.js';
import { formatNotice, stylishChunks } from './format/stylish.js';
import { ConfigError, effectiveConfig, suggest } from './config.js';
import { repositoryRoot, UsageError } from './inputs.js';
import { formatGithub } from './format/github.js';
import { sarifChunks } from './format/sarif.js';
import { ruleMarkdown, listRules, rulesJson } from './rule-docs.js';
import { fixAll } from './fix.js';
import { unifiedDiff } from './fix-diff.js';
import { replaceFile, writeFixed } from './fix-write.js';
import { namespaceProblem, releaseNameProblem } from './renderers/helm-options.js';
import { configResolver, run, type RunOptions, type RunResult } from './run.js';
import { SUPPRESSIONS_NAME, type BaselineWrite, type SuppressionsUpdate } from './suppressions-file.js';
import { writeProblem } from './files.js';
import { DOCS_URL, VERSION } from './version.js';
import { InstallationError } from './yaml-library.js';

const FORMATS = ['stylish', 'json', 'sarif', 'github', 'compact'] as const;

const EXAMPLES = `
Examples:
  $ probe-lint k8s/                       lint every manifest under k8s/
  $ probe-lint 'deploy/**/*.yaml'         lint the files a glob matches
  $ probe-lint charts/api --helm-values charts/api/values-prod.yaml
  $ probe-lint charts/api --helm-values-set dev=values-dev.yaml --helm-values-set prod=values-prod.yaml
  $ helm template charts/api | probe-lint -
  $ probe-lint --format json -o report.json .
  $ probe-lint --format compact k8s/ | grep error   one line per finding
  $ probe-lint --quiet k8s/               report errors only
  $ probe-lint --max-warnings 0 k8s/      fail on any warning, as ESLint's flag
  $ git diff --name-only -- '*.yaml' | xargs probe-lint --no-error-on-unmatched-pattern
  $ helm template charts/api | probe-lint --stdin-filename charts/api/rendered.yaml -
  $ probe-lint --fail-on warning k8s/     fail on warnings too
  $ probe-lint --fix k8s/                 apply safe fixes in place
  $ probe-lint --context . k8s/api.yaml   lint one file, routed by the Services of the whole tree
  $ probe-lint --suppress-all .           accept today's findings; later runs report new ones only
  $ probe-lint --fix-dry-run --unsafe-fixes k8s/   show every fix as a diff
  $ probe-lint --rule liveness-probe-missing=warning k8s/
  $ probe-lint rules                      list the rules
  $ probe-lint rules --format json        the rules with their options and docs, for scripts
  $ probe-lint explain probe-timeout-short

Exit codes: 0 no finding at or above --fail-on and no more warnings than --max-warnings,
1 otherwise, 2 bad usage, bad config, a path with nothing to lint, or an internal error.`;

interface LintFlags {
  format: (typeof FORMATS)[number];
  output?: string;
  failOn: FailOn;
  ignore: string[];
  config?: string;
  rule: string[];
  kubeVersion?: string;
  fix?: boolean;
  unsafeFixes?: boolean;
  fixDryRun?: boolean;
  helmValues: string[];
  helmValuesSet: string[];
  renderTimeout?: number;
  helmRelease?: string;
  helmNamespace?: string;
  context: string[];
  quiet?: boolean;
  maxWarnings?: number;
  /** false with --no-error-on-unmatched-pattern. */
  errorOnUnmatchedPattern: boolean;
  stdinFilename?: string;
  /** --print-config alone is `true` (the first path argument, else the working directory); with a path, that path's config. */
  printConfig?: string | true;
  suppressAll?: boolean;
  suppressRule: string[];
  suppressionsLocation?: string;
  pruneSuppressions?: boolean;
}

function useColor(toFile: boolean): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (process.env.NO_COLOR) return false;
  if (force !== undefined) return false;
  return !toFile && Boolean(process.stdout.isTTY);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The report as flags shape it: --quiet leaves warnings and info out of it, and so out of the counts and the exit code. */
function shaped(report: Report, flags: LintFlags): Report {
  return flags.quiet ? onlyErrors(report) : report;
}

function exitCodeFor(report: Report, flags: LintFlags): number {
  // A negative limit is no limit, as ESLint's -1 default.
  const tooMany = flags.maxWarnings !== undefined && flags.maxWarnings >= 0 && report.summary.warning > flags.maxWarnings;
  if (tooMany) process.stderr.write(`probe-lint: too many warnings (${report.summary.warning}, --max-warnings ${flags.maxWarnings})\n`);
  return fails(report, flags.failOn) || tooMany ? 1 : 0;
}

async function lintCommand(paths: string[], flags: LintFlags): Promise<number> {
  if (flags.printConfig !== undefined) return printConfig(paths, flags);
  const options: RunOptions = {
    paths,
    cwd: process.cwd(),
    ignore: flags.ignore,
    configFile: flags.config,
    ruleFlags: flags.rule,
    kubernetesVersion: flags.kubeVersion,
    helmValues: flags.helmValues,
    helmValueSets: flags.helmValuesSet,
    renderSeconds: flags.renderTimeout,
    helmRelease: flags.helmRelease,
    helmNamespace: flags.helmNamespace,
    context: flags.context,
    readStdin,
    suppressionsLocation: flags.suppressionsLocation,
    updateSuppressions: suppressionsUpdate(flags),
    stdinFilename: flags.stdinFilename,
    errorOnUnmatchedPattern: flags.errorOnUnmatchedPattern,
  };
  if (flags.stdinFilename !== undefined && !paths.includes('-')) throw new UsageError('--stdin-filename names what - reads: add - to the paths');
  if (flags.unsafeFixes && !flags.fix && !flags.fixDryRun) throw new UsageError('--unsafe-fixes goes with --fix or --fix-dry-run');
  if ((flags.fix || flags.fixDryRun) && options.updateSuppressions) throw new UsageError('--fix and --fix-dry-run do not go with --suppress-all, --suppress-rule or --prune-suppressions: fix first, then suppress what is left');
  if (flags.fix || flags.fixDryRun) {
    // --fix writes Kustomize resource files as it goes (kubectl renders from disk); --fix-dry-run writes nothing.
    const outcome = await fixAll(options, Boolean(flags.unsafeFixes), flags.fixDryRun ? undefined : replaceFile);
    // A fix that would break a file is a bug of probe-lint (exit 2); a file left alone for its own reasons is a notice.
    for (const { path, reason } of outcome.refused) process.stderr.write(`probe-lint: internal error: ${printable(path)} left unchanged: ${reason}\n`);
    const failed = outcome.refused.length > 0 ? 2 : null;
    if (flags.fixDryRun) {
      for (const { path, reason } of outcome.skipped) process.stderr.write(formatNotice({ file: path, line: null, message: reason }));
      const fixed = outcome.files.reduce((n, f) => n + f.fixes, 0);
      // Every fix the report carries: chart values and templates too, as diffs that say they are not applied.
      const shown = outcome.shown.reduce((n, f) => n + f.fixes, 0);
      process.stdout.write(unifiedDiff(outcome.files) + unifiedDiff(outcome.shown, 'not applied: chart values and templates are edited by hand (SPEC §4)'));
      const files = (n: number): string => `${n} file${n === 1 ? '' : 's'}`;
      // A shown fix that clashes with another on the same file comes as a diff of its own (fix.ts shownFiles): its file is counted once.
      const shownPaths = new Set(outcome.shown.map((f) => f.path));
      const apart = outcome.shown.filter((f, i) => outcome.shown.findIndex((g) => g.path === f.path) !== i).reduce((n, f) => n + f.fixes, 0);
      const separately = apart === 0 ? '' : apart === 1 ? ', 1 of them as a diff of its own because it conflicts with another' : `, ${apart} of them as diffs of their own because they conflict with others`;
      const more = shown > 0 ? `; ${shown} more fix${shown === 1 ? '' : 'es'} in ${files(shownPaths.size)} shown, not applied${separately}` : '';
      process.stderr.write(`probe-lint: would fix ${fixed} problem${fixed === 1 ? '' : 's'} in ${files(outcome.files.length)}${more} (nothing written)\n`);
      return failed ?? exitCodeFor(shaped(toReport(outcome.result, VERSION), flags), flags);
    }
    const unwritten = [...outcome.unwritten, ...(await writeFixed(outcome.files))];
    for (const { path, reason } of unwritten) process.stderr.write(formatNotice({ file: path, line: null, message: `left unchanged: ${reason}` }));
    const written = [...outcome.written, ...outcome.files.filter((f) => !unwritten.some((u) => u.path === f.path))];
    const fixed = written.reduce((n, f) => n + f.fixes, 0);
    process.stderr.write(`probe-lint: fixed ${fixed} problem${fixed === 1 ? '' : 's'} in ${written.length} file${written.length === 1 ? '' : 's'}\n`);
    // What is on disk now: the files that could not be written still hold their findings.
    const code = await report(unwritten.length > 0 ? await run(options) : outcome.result, flags);
    return failed ?? code;
  }
  // Only findings are reported: each file's trees can go once its findings are made. Such a lint keeps little
  // and lets go of a lot, so the heap grows by 30 % over what survives a collection rather than by V8's
  // default of up to four times: memory stays bounded (SPEC §8: ten copies of the corpus under 300 MB). V8
  // reads the setting at every collection; set here, after start-up, so that loading the CLI is not slowed.
  v8.setFlagsFromString('--heap-growing-percent=30');
  const result = await run({ ...options, release: true });
  if (result.suppressionsWritten) process.stderr.write(suppressionsLine(result.suppressionsWritten));
  return report(result, flags);
}

/** At most one of --suppress-all, --suppress-rule (repeatable) and --prune-suppressions, as ESLint takes them. */
function suppressionsUpdate(flags: LintFlags): SuppressionsUpdate | undefined {
  const given = [flags.suppressAll && '--suppress-all', flags.suppressRule.length > 0 && '--suppress-rule', flags.pruneSuppressions && '--prune-suppressions'].filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(' and ')} do not go together: run them one after the other`);
  if (flags.suppressAll) return { kind: 'suppress', rules: null };
  if (flags.suppressRule.length > 0) return { kind: 'suppress', rules: flags.suppressRule };
  return flags.pruneSuppressions ? { kind: 'prune' } : undefined;
}

function suppressionsLine(written: BaselineWrite): string {
  const n = (count: number): string => `${count} suppression${count === 1 ? '' : 's'}`;
  const file = printable(written.file);
  if (written.removed > 0) return `probe-lint: removed ${n(written.removed)} from ${file} (${written.suppressions} left)\n`;
  return written.changed ? `probe-lint: wrote ${n(written.suppressions)} to ${file}\n` : `probe-lint: ${file} unchanged (${n(written.suppressions)})\n`;
}

async function report(result: RunResult, flags: LintFlags): Promise<number> {
  // Stdin's findings are placed where --stdin-filename says, in SARIF and annotations as in the other formats.
  const stdinPath = flags.stdinFilename === undefined ? undefined : path.resolve(process.cwd(), flags.stdinFilename);
  const report = shaped(toReport(result, VERSION, { stdinPath }), flags);
  // File names and messages come from the repository: printed through the formatter that makes them printable.
  for (const notice of report.notices) process.stderr.write(formatNotice(notice));
  // One write per 64 KiB, to a file as to standard output: a piece is a finding or a file.
  const text = batched(render(report, flags));
  if (flags.output) await writeReport(flags.output, text);
  else await writeOut(text);
  return exitCodeFor(report, flags);
}

/**
 * Standard output, waiting whenever the stream holds more than it can pass on: a pipe to a slower reader
 * (`| jq`, a CI step) would otherwise hold the rest of a large report in memory (SPEC §8).
 */
async function writeOut(pieces: Iterable<string>): Promise<void> {
  for (const piece of pieces) if (!process.stdout.write(piece)) await once(process.stdout, 'drain');
}

/** Pieces of text joined into writes of at least 64 KiB: few system calls, and never the whole report at once. */
function* batched(pieces: Iterable<string>): Generator<string> {
  let pending: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    pending.push(piece);
    size += piece.length;
    if (size >= 65_536) {
      yield pending.join('');
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) yield pending.join('');
}

/** -o FILE; a file that cannot be written is the user's to fix (exit 2), said in their terms rather than as an errno. */
async function writeReport(file: string, text: Iterable<string>): Promise<void> {
  try {
    await fs.writeFile(file, text);
  } catch (error) {
    throw new UsageError(`cannot write the report to ${file}: ${writeProblem(error) ?? (error instanceof Error ? error.message : String(error))}`);
  }
}

/** --max-warnings N: a count, as ESLint's flag takes it; -1 (ESLint's default) is no limit. */
function warningLimit(value: string): number {
  if (!/^(\d+|-1)$/.test(value)) throw new InvalidArgumentError(`expected a whole number of warnings ≥ 0, such as 0 or 10, or -1 for no limit, not ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * The configuration that applies to a path, as JSON: which config file wins, and what it sets. The path is
 * --print-config's own, else the first path argument (`probe-lint k8s --print-config`), else the working
 * directory; a directory stands for the files in it, a file (or a name that does not exist yet) for itself,
 * `-` for what --stdin-filename names.
 */
function printConfig(paths: readonly string[], flags: LintFlags): number {
  const cwd = process.cwd();
  const configs = configResolver({ cwd, configFile: flags.config, ruleFlags: flags.rule, kubernetesVersion: flags.kubeVersion }, RULES);
  const given = flags.printConfig === true ? paths[0] : flags.printConfig;
  const named = given === '-' ? flags.stdinFilename : given;
  const target = named === undefined ? cwd : path.resolve(cwd, named);
  const isDir = named === undefined || /[\\/]$/.test(named) || statSync(target, { throwIfNoEntry: false })?.isDirectory() === true;
  const config = isDir ? configs.forDir(target) : configs.forFile(target);
  process.stdout.write(JSON.stringify(effectiveConfig(config, RULES, cwd), null, 2) + '\n');
  return 0;
}

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1 || seconds > 3600) throw new InvalidArgumentError('a whole number of seconds from 1 to 3600');
  return seconds;
}

function collect(value: string, all: string[]): string[] {
  return [...all, value];
}

/** A commander value parser that refuses what `problem` finds (exit 2): a name helm could read as a flag never reaches it. */
function checked(problem: (value: string) => string | null): (value: string) => string {
  return (value) => {
    const found = problem(value);
    if (found) throw new InvalidArgumentError(found);
    return value;
  };
}

/** The report as pieces of text (JSON and SARIF finding by finding, stylish file by file), so that a large report is never one string (SPEC §8). */
function render(report: Report, flags: LintFlags): Iterable<string> {
  switch (flags.format) {
    case 'json':
      return jsonChunks(report);
    case 'sarif':
      return sarifChunks(report, { rules: RULES, root: repositoryRoot(process.cwd()) });
    case 'github':
      return [formatGithub(report, { root: process.env.GITHUB_WORKSPACE || repositoryRoot(process.cwd()) })];
    case 'compact':
      return [formatCompact(report)];
    default:
      return stylishChunks(report, { color: useColor(Boolean(flags.output)) });
  }
}

function program(): Command {
  const cli = new Command('probe-lint')
    // `rules --format json` is the subcommand's own --format, not the report's.
    .enablePositionalOptions()
    .description('Find Kubernetes probe and shutdown settings that make healthy pods look unhealthy.')
    .version(VERSION, '-V, --version')
    .argument('[paths...]', 'files, directories or globs to lint; - reads stdin', [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('stylish'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices(FAIL_ON).default('error'))
    .option('--ignore <glob>', 'skip paths matching a .gitignore-style glob (repeatable)', collect, [])
    .option('-c, --config <file>', 'one config file for every file (default: for each file, the nearest .probe-lint.yaml, .yml or .json upwards, up to the repository top)')
    .option('--rule <id=severity>', 'set a rule\'s severity: error, warning, info or off (repeatable)', collect, [])
    .option('--kube-version <version>', 'Kubernetes version the manifests target (default 1.30)')
    .option('--helm-values <file>', 'values file for rendering Helm charts (repeatable; default: the chart\'s own)', collect, [])
    .option('--helm-release <name>', 'release name for helm template (default: release)', checked(releaseNameProblem))
    .option('--helm-namespace <namespace>', 'namespace for helm template', checked(namespaceProblem))
    .option('--helm-values-set <name=files>', 'render each chart once per value set: NAME=FILE[,FILE] (repeatable; replaces the config\'s helm.valueSets)', collect, [])
    .option('--render-timeout <seconds>', 'seconds each chart or overlay may take to render (default 60)', positiveSeconds)
    .option('--context <path>', 'read Services, Ingresses and routes under path for routing only, reporting nothing there (repeatable)', collect, [])
    .option('--fix', 'apply safe fixes to the files in place')
    .option('--unsafe-fixes', 'with --fix or --fix-dry-run: apply suggestions too (new probes and hooks)')
    .option('--fix-dry-run', 'print the fixes as a unified diff and write nothing')
    .option('--quiet', 'report errors only: warnings and info are left out of the report, the counts and the exit code')
    .option('--max-warnings <n>', 'exit 1 when more than n warnings remain (after --quiet, none do); -1 for no limit', warningLimit)
    .option('--no-error-on-unmatched-pattern', 'a path, glob or directory with nothing to lint is a notice, not an error (exit 2)')
    .option('--stdin-filename <name>', 'the file name stdin (-) is reported as, and where its config is looked up from')
    .option('--suppress-all', `write every finding of this run to ${SUPPRESSIONS_NAME} (see --suppressions-location), so later runs report only new ones`)
    .option('--suppress-rule <id>', 'as --suppress-all, for this rule\'s findings only (repeatable)', collect, [])
    .option('--suppressions-location <file>', `the suppressions file (default: the nearest ${SUPPRESSIONS_NAME} from the linted paths upwards, up to the repository top, where --suppress-all starts one)`)
    .option('--prune-suppressions', 'remove the suppressions that match nothing any more in the files this run lints')
    .option('--print-config [path]', 'print the configuration that applies to PATH, a file or the files in a directory (default: the first path argument, else the working directory) as JSON, and lint nothing')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run probe-lint --help for usage)')
    .exitOverride()
    .action(async (paths: string[], flags: LintFlags) => {
      process.exitCode = await lintCommand(paths, flags);
    });
  cli
    .command('rules')
    .description('list the rules with their default severity and fixability')
    .addOption(new Option('-f, --format <format>', 'table for people; json with each rule\'s options and docs, for scripts').choices(['table', 'json']).default('table'))
    .action((flags: { format: 'table' | 'json' }) => {
      process.stdout.write(flags.format === 'json' ? rulesJson(RULES) : listRules(RULES));
    });
  cli
    .command('explain')
    .description('show what a rule finds, why it matters, and examples')
    .argument('<rule-id>')
    .action((id: string) => {
      const rule = RULES.find((r) => r.id === id);
      if (!rule) throw new UsageError(`unknown rule ${JSON.stringify(id)}${suggest(id, RULES.map((r) => r.id)) || '; run probe-lint rules for the list'}`);
      process.stdout.write(ruleMarkdown(rule));
    });
  cli
    .command('timeline')
    .description('draw what the probes and shutdown of each serving container do over time, before and after its fixes (nothing is written)')
    .argument('[paths...]', 'files, directories or globs; - reads stdin', [])
    .option('--container <name>', 'draw the containers of this name, serving or not')
    .option('--ascii', 'plain ASCII, for logs')
    .option('--propagation-seconds <seconds>', 'seconds routes take to stop sending to a deleted pod (default 3)', positiveSeconds)
    .action(async (paths: string[], flags: { container?: string; ascii?: boolean; propagationSeconds?: number }) => {
      // Loaded only here, as lsp is: a lint does not start the timeline's machinery.
      const { timelines } = await import('./timeline/command.js');
      const run = { paths, cwd: process.cwd(), readStdin };
      const drawn = await timelines({ run, container: flags.container, ascii: Boolean(flags.ascii), color: useColor(false), propagationSeconds: flags.propagationSeconds });
      for (const notice of drawn.notices) process.stderr.write(formatNotice(notice));
      process.stdout.write(drawn.text);
    });
  cli
    .command('lsp')
    .description('run the language server for editors (LSP over standard input and output)')
    .option('--stdio', 'talk over standard input and output (the default, and the only way; clients often pass it)')
    // Clients add flags of their own (--clientProcessId): the server has nothing to take from them.
    .allowUnknownOption()
    .action(async () => {
      // Loaded only here: a lint never pays for the language server's libraries at start-up.
      const { serve } = await import('./lsp/server.js');
      serve();
    });
  return cli;
}

/**
 * Everything after the first `--` is a path (pre-commit passes file names
 * after it, so a committed `--output=x.yaml` is a file to lint). Commander
 * reads what follows `--` as operands but still runs a subcommand named by
 * the first of them, so such a path is spelled `./rules`: the same file, and
 * no command's name.
 */
function pathsAfterSeparator(cli: Command, args: readonly string[]): string[] {
  const end = args.indexOf('--');
  const commands = new Set([...cli.commands.map((c) => c.name()), 'help']);
  return args.map((arg, i) => (end !== -1 && i > end && commands.has(arg) ? `./${arg}` : arg));
}

// `probe-lint k8s/ | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  // A full disk or a vanished terminal is the machine's state, not a bug: one line, exit 2.
  process.stderr.write(`probe-lint: cannot write the report to standard output: ${printable(error.message)}\n`);
  process.exit(2);
});

/** A bug of probe-lint: one line for the user; the stack only with DEBUG=probe-lint, for whoever reports or fixes it. */
function internalError(error: unknown): void {
  const debug = (process.env.DEBUG ?? '').split(/[\s,]+/).some((name) => name === 'probe-lint' || name === '*');
  const message = error instanceof Error ? error.message : String(error);
  const hint = debug ? '' : ` (DEBUG=probe-lint shows the stack; please report it at ${DOCS_URL}/issues)`;
  process.stderr.write(`probe-lint: internal error: ${printable(message)}${hint}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 2;
}

// What escapes the try below (a callback, a stream): still one line, never Node's stack dump.
process.on('uncaughtException', (error) => {
  internalError(error);
  process.exit(2);
});

try {
  const cli = program();
  await cli.parseAsync([...process.argv.slice(0, 2), ...pathsAfterSeparator(cli, process.argv.slice(2))]);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and --version end here too, with their own exit code 0.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError || error instanceof ConfigError || error instanceof InstallationError) {
    // Messages quote paths and values from the command line and the repository: one printable line.
    process.stderr.write(`probe-lint: ${printable(error.message)}\n`);
    process.exitCode = 2;
  } else internalError(error);
}
