#!/usr/bin/env node
// Thin shell around run(): flags in, report and exit code out.
import fs from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { RULES } from '../rules/index.js';
import { formatJson } from './format/json.js';
import { FAIL_ON, fails, printable, toReport, type FailOn, type Report } from './format/report.js';
import { formatNotice, formatStylish } from './format/stylish.js';
import { ConfigError } from './config.js';
import { repositoryRoot, UsageError } from './inputs.js';
import { formatGithub } from './format/github.js';
import { formatSarif } from './format/sarif.js';
import { ruleMarkdown, listRules } from './rule-docs.js';
import { fixAll, unifiedDiff, writeFixed } from './fix.js';
import { namespaceProblem, releaseNameProblem } from './render.js';
import { run, type RunOptions, type RunResult } from './run.js';
import { VERSION } from './version.js';

const FORMATS = ['stylish', 'json', 'sarif', 'github'] as const;

const EXAMPLES = `
Examples:
  $ probe-lint k8s/                       lint every manifest under k8s/
  $ probe-lint 'deploy/**/*.yaml'         lint the files a glob matches
  $ probe-lint charts/api --helm-values charts/api/values-prod.yaml
  $ helm template charts/api | probe-lint -
  $ probe-lint --format json -o report.json .
  $ probe-lint --fail-on warning k8s/     fail on warnings too
  $ probe-lint --fix k8s/                 apply safe fixes in place
  $ probe-lint --fix-dry-run --unsafe-fixes k8s/   show every fix as a diff
  $ probe-lint --rule liveness-probe-missing=warning k8s/
  $ probe-lint rules                      list the rules
  $ probe-lint explain probe-timeout-short

Exit codes: 0 no finding at or above --fail-on, 1 at least one, 2 bad usage or internal error.`;

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
  helmRelease?: string;
  helmNamespace?: string;
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

function exitCodeFor(report: Report, failOn: FailOn): number {
  return fails(report, failOn) ? 1 : 0;
}

async function lintCommand(paths: string[], flags: LintFlags): Promise<number> {
  const options: RunOptions = {
    paths,
    cwd: process.cwd(),
    ignore: flags.ignore,
    configFile: flags.config,
    ruleFlags: flags.rule,
    kubernetesVersion: flags.kubeVersion,
    helmValues: flags.helmValues,
    helmRelease: flags.helmRelease,
    helmNamespace: flags.helmNamespace,
    readStdin,
  };
  if (flags.unsafeFixes && !flags.fix && !flags.fixDryRun) throw new UsageError('--unsafe-fixes goes with --fix or --fix-dry-run');
  if (flags.fix || flags.fixDryRun) {
    const outcome = await fixAll(options, Boolean(flags.unsafeFixes));
    // A fix that would break a file is a bug of probe-lint (exit 2); a file left alone for its own reasons is a notice.
    for (const { path, reason } of outcome.refused) process.stderr.write(`probe-lint: internal error: ${printable(path)} left unchanged: ${reason}\n`);
    const failed = outcome.refused.length > 0 ? 2 : null;
    if (flags.fixDryRun) {
      for (const { path, reason } of outcome.skipped) process.stderr.write(formatNotice({ file: path, line: null, message: reason }));
      const fixed = outcome.files.reduce((n, f) => n + f.fixes, 0);
      process.stdout.write(unifiedDiff(outcome.files));
      process.stderr.write(`probe-lint: would fix ${fixed} problem${fixed === 1 ? '' : 's'} in ${outcome.files.length} file${outcome.files.length === 1 ? '' : 's'} (nothing written)\n`);
      return failed ?? exitCodeFor(toReport(outcome.result, VERSION), flags.failOn);
    }
    const unwritten = await writeFixed(outcome.files);
    for (const { path, reason } of unwritten) process.stderr.write(formatNotice({ file: path, line: null, message: `left unchanged: ${reason}` }));
    const written = outcome.files.filter((f) => !unwritten.some((u) => u.path === f.path));
    const fixed = written.reduce((n, f) => n + f.fixes, 0);
    process.stderr.write(`probe-lint: fixed ${fixed} problem${fixed === 1 ? '' : 's'} in ${written.length} file${written.length === 1 ? '' : 's'}\n`);
    // What is on disk now: the files that could not be written still hold their findings.
    const code = await report(unwritten.length > 0 ? await run(options) : outcome.result, flags);
    return failed ?? code;
  }
  return report(await run(options), flags);
}

async function report(result: RunResult, flags: LintFlags): Promise<number> {
  const report = toReport(result, VERSION);
  // File names and messages come from the repository: printed through the formatter that makes them printable.
  for (const notice of report.notices) process.stderr.write(formatNotice(notice));
  const text = render(report, flags);
  if (flags.output) await fs.writeFile(flags.output, text);
  else process.stdout.write(text);
  return exitCodeFor(report, flags.failOn);
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

function render(report: Report, flags: LintFlags): string {
  switch (flags.format) {
    case 'json':
      return formatJson(report);
    case 'sarif':
      return formatSarif(report, { rules: RULES, root: repositoryRoot(process.cwd()) });
    case 'github':
      return formatGithub(report);
    default:
      return formatStylish(report, { color: useColor(Boolean(flags.output)) });
  }
}

function program(): Command {
  const cli = new Command('probe-lint')
    .description('Find Kubernetes probe and shutdown settings that make healthy pods look unhealthy.')
    .version(VERSION, '-V, --version')
    .argument('[paths...]', 'files, directories or globs to lint; - reads stdin', [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('stylish'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'lowest severity that makes the exit code 1').choices(FAIL_ON).default('error'))
    .option('--ignore <glob>', 'skip paths matching a .gitignore-style glob (repeatable)', collect, [])
    .option('-c, --config <file>', 'config file (default: the nearest .probe-lint.yaml, .yml or .json upwards, up to the repository top)')
    .option('--rule <id=severity>', 'set a rule\'s severity: error, warning, info or off (repeatable)', collect, [])
    .option('--kube-version <version>', 'Kubernetes version the manifests target (default 1.30)')
    .option('--helm-values <file>', 'values file for rendering Helm charts (repeatable; default: the chart\'s own)', collect, [])
    .option('--helm-release <name>', 'release name for helm template (default: release)', checked(releaseNameProblem))
    .option('--helm-namespace <namespace>', 'namespace for helm template', checked(namespaceProblem))
    .option('--fix', 'apply safe fixes to the files in place')
    .option('--unsafe-fixes', 'with --fix or --fix-dry-run: apply suggestions too (new probes and hooks)')
    .option('--fix-dry-run', 'print the fixes as a unified diff and write nothing')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run probe-lint --help for usage)')
    .exitOverride()
    .action(async (paths: string[], flags: LintFlags) => {
      process.exitCode = await lintCommand(paths, flags);
    });
  cli
    .command('rules')
    .description('list the rules with their default severity and fixability')
    .action(() => {
      process.stdout.write(listRules(RULES));
    });
  cli
    .command('explain')
    .description('show what a rule finds, why it matters, and examples')
    .argument('<rule-id>')
    .action((id: string) => {
      const rule = RULES.find((r) => r.id === id);
      if (!rule) throw new UsageError(`unknown rule ${JSON.stringify(id)}; run probe-lint rules for the list`);
      process.stdout.write(ruleMarkdown(rule));
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
  throw error;
});

try {
  const cli = program();
  await cli.parseAsync([...process.argv.slice(0, 2), ...pathsAfterSeparator(cli, process.argv.slice(2))]);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and --version end here too, with their own exit code 0.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError || error instanceof ConfigError) {
    process.stderr.write(`probe-lint: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`probe-lint: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
