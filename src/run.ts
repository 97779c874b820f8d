// The one entry point behind the CLI and the Action:
// paths → files → documents → model → findings.
import path from 'node:path';
import { RULES } from '../rules/index.js';
import { buildModel } from './build-model.js';
import { byLocation, lint, type FileSettings, type RuleSettings } from './engine.js';
import { CONFIG_NAMES, ConfigResolver, type Config } from './config.js';
import { collectInputs, displayPath, statOrNull, UsageError, type IgnoreList, type InputFile, type Inputs, type Notice } from './inputs.js';
import { isLongRunning } from './model.js';
import { push } from './multimap.js';
import { parseFile, type ParsedFile } from './parse.js';
import { decode, fromText, InputTexts, readOne } from './read-inputs.js';
import type { AnyRule, Finding } from './rule.js';
import { buildRouting } from './routing.js';
import { joinRoutingObjects, routingObjectsOf } from './routing-objects.js';
import { excerpt, ownCopy, withoutText, type SourceFile } from './source.js';
import type { Span } from './tree.js';
import { suppress } from './suppress.js';
import { applyBaseline, SUPPRESSIONS_NAME, type BaselineWrite, type SuppressionsUpdate } from './suppressions-file.js';
import { mergeRenders } from './rendered-findings.js';
import { RENDERERS, renderAll, renderedSources, sendHome, settle, type RenderContext, type RenderTargets, type Unrendered } from './renderers/index.js';
import { findTool, toolRunner } from './renderers/tools.js';
import type { ToolResult } from './renderers/renderer.js';
import { readRoutingContext } from './routing-context.js';

/** probe-lint's own settings files: YAML or JSON, never manifests, so a walk passes them by. */
export const OWN_FILES = [...CONFIG_NAMES, SUPPRESSIONS_NAME];

export interface RunOptions {
  paths: string[];
  cwd: string;
  /** --ignore globs, relative to cwd. */
  ignore?: string[];
  /** --config; without it the nearest .probe-lint.yaml/.yml/.json above cwd is used. */
  configFile?: string;
  /** --rule id=severity, over the config. */
  ruleFlags?: string[];
  /** --kube-version, over the config. */
  kubernetesVersion?: string;
  /** Reads standard input when `-` is among the paths. */
  readStdin?: () => Promise<string>;
  /** --stdin-filename: what stdin is reported as (else `<stdin>`), relative to cwd; its directory's config applies to it. */
  stdinFilename?: string;
  /** false (--no-error-on-unmatched-pattern): a path argument with nothing to lint is a notice rather than a UsageError. */
  errorOnUnmatchedPattern?: boolean;
  rules?: readonly AnyRule[];
  /** Programmatic overrides over everything else (tests, the Action). */
  settings?: ReadonlyMap<string, RuleSettings>;
  /** Values files for rendering Helm charts (--helm-values), over the config's helm.values. */
  helmValues?: string[];
  /** Release name and namespace for `helm template` (--helm-release, --helm-namespace). */
  helmRelease?: string;
  helmNamespace?: string;
  /** --helm-values-set NAME=FILE[,FILE], over the config's helm.valueSets. */
  helmValueSets?: string[];
  /** --render-timeout: seconds each render may take (default 60). */
  renderSeconds?: number;
  /** Texts to lint instead of what is on disk, by absolute path: the fixer's passes. */
  overrides?: ReadonlyMap<string, string>;
  /** Tool runs to reuse across the fixer's passes (renders of unchanged charts and overlays). */
  renderCache?: Map<string, Promise<ToolResult>>;
  /** --context: paths whose Services, Ingresses and routes count for routing; nothing there is reported unless also linted. */
  context?: string[];
  /** --suppressions-location, relative to cwd; without it the nearest probe-lint-suppressions.json above the linted paths, up to the repository top. */
  suppressionsLocation?: string;
  /** --suppress-all, --suppress-rule, --prune-suppressions: rewrite the suppressions file from this run's findings first. */
  updateSuppressions?: SuppressionsUpdate;
  /**
   * Let each file's trees go once its findings are made (the CLI's lint; the Action keeps them for its summary's diffs and its review): memory then grows
   * with the findings, not with what is read (SPEC §8). Findings keep their file's text but no `owner`, and
   * `files` stays empty. Without it every parse is kept, for callers that edit them (the fixer) or read them.
   */
  release?: boolean;
}

export interface Summary {
  files: number;
  documents: number;
  objects: number;
  containers: number;
  /** Findings hidden by suppression comments, annotations and the suppressions file. */
  suppressed: number;
}

export interface RunResult {
  /** Every linted file's parse; none with `release`. */
  files: ParsedFile[];
  findings: Finding[];
  notices: Notice[];
  summary: Summary;
  /** The config that applies at the working directory. */
  config: Config;
  /** What updateSuppressions wrote. */
  suppressionsWritten?: BaselineWrite;
}

export async function run(options: RunOptions): Promise<RunResult> {
  const rules = options.rules ?? RULES;
  const configs = configResolver(options, rules);
  const config = configs.forDir(options.cwd);
  const configIgnore = configIgnores(configs);
  const collect = (paths: string[]): Promise<Inputs> =>
    collectInputs(paths, { cwd: options.cwd, ignore: [{ base: options.cwd, patterns: options.ignore ?? [] }], configIgnore, kinds: RENDERERS, skipNames: OWN_FILES });
  const inputs = await collect(options.paths);
  // Before any rendering: a mistyped path should not wait for helm.
  const unmatched = unmatchedNotices(inputs.unmatched, options);
  const tools = toolRunner({ cwd: options.cwd, seconds: options.renderSeconds, cache: options.renderCache });
  const renderContext: RenderContext = { cwd: options.cwd, configFor: (dir) => configs.forDir(dir), findTool, runTool: tools.run };
  const rendering = await renderAll(targetsOf(inputs), renderContext);
  const notices = [...inputs.notices, ...unmatched, ...rendering.notices];
  // Rendered streams and stdin are text already held: linted together, as one batch.
  const held: SourceFile[] = renderedSources(rendering, options.cwd);
  if (inputs.stdin) {
    const text = options.readStdin ? await options.readStdin() : '';
    const name = options.stdinFilename === undefined ? '<stdin>' : displayPath(options.cwd, path.resolve(options.cwd, options.stdinFilename));
    held.push(decode(name, null, Buffer.from(text, 'utf8')));
  }
  const files = inputs.files.filter((f) => !rendering.excluded.has(f.absPath));

  // Pass one: every Service, Ingress and route, in the order one model of everything would hold them.
  const texts = new InputTexts(options.overrides);
  const routingParts = held.map(routingObjectsOf);
  const readable: InputFile[] = [];
  const linted: SourceFile[] = [...held];
  for (const file of files) {
    const read = texts.first(file);
    if ('notice' in read) {
      notices.push(read.notice);
      continue;
    }
    readable.push(file);
    linted.push(withoutText(read.source));
    routingParts.push(routingObjectsOf(read.source));
  }
  const context =
    options.context && options.context.length > 0
      ? await readRoutingContext({
          paths: options.context,
          cwd: options.cwd,
          linted: inputs,
          excluded: rendering.excluded,
          collect,
          render: (targets, skip) => renderAll(targets, renderContext, skip),
        })
      : null;
  if (context) {
    notices.push(...context.notices);
    routingParts.push(context);
  }
  const routing = buildRouting(joinRoutingObjects(routingParts));

  // Pass two: each batch through parse, model, rules and suppression; what is kept of it is its findings.
  const settingsFor = fileSettings(configs, options);
  const unrendered = new Map<string, Unrendered[]>();
  for (const failure of rendering.failures) push(unrendered, failure.entry, failure);
  const found: Finding[] = [];
  const kept: ParsedFile[] = [];
  const summary: Summary = { files: held.length + readable.length, documents: 0, objects: 0, containers: 0, suppressed: 0 };
  const lintBatch = (sources: SourceFile[], entries: ParsedFile[] = []): void => {
    const parsed = settle(sources.map((source) => parseFile(source)), options.cwd);
    const model = buildModel(parsed);
    // A chart or overlay that did not render is reported on its entry file: with that file's batch, whose comments can silence it.
    const targets = [...parsed, ...entries].flatMap(({ file }) => (file.absPath === null ? [] : (unrendered.get(file.absPath) ?? []).map((u) => ({ unrendered: u, file }))));
    for (const target of targets) unrendered.delete(target.unrendered.entry);
    const findings = lint({ files: parsed, model, routing, rules, settingsFor, unrendered: targets });
    const result = suppress({ findings, files: [...parsed, ...entries], model, rules, settingsFor });
    const home = sendHome(result.findings, options.cwd);
    found.push(...(options.release ? releaseAll(home) : home));
    if (!options.release) kept.push(...parsed);
    summary.documents += parsed.reduce((n, p) => n + p.documents.length, 0);
    summary.objects += model.objects.length + parsed.reduce((n, p) => n + p.documents.reduce((m, d) => m + d.objectCount, 0), 0);
    summary.containers += model.workloads.reduce((n, w) => n + w.containers.filter(isLongRunning).length, 0);
    summary.suppressed += result.suppressed;
  };
  if (held.length > 0) lintBatch(held);
  for (const file of readable) {
    const read = texts.again(file);
    if ('source' in read) lintBatch([read.source]);
  }
  // Entry files read only for render-failed take part in suppression: a comment there can silence it.
  for (const entry of [...unrendered.keys()]) {
    const shown = displayPath(options.cwd, entry);
    const read = readOne({ absPath: entry, path: shown }, options.overrides?.get(entry));
    const file = 'source' in read ? read.source : fromText(shown, entry, '');
    lintBatch([], [{ file, documents: [], error: null }]);
  }
  found.sort(byLocation);
  // Fingerprints are taken of the findings as reported: one entry for a line that several overlays render.
  const baseline = await applyBaseline({
    cwd: options.cwd,
    location: options.suppressionsLocation,
    update: options.updateSuppressions,
    findings: mergeRenders(found, held),
    sources: linted,
    stdinPath: options.stdinFilename === undefined ? undefined : path.resolve(options.cwd, options.stdinFilename),
    roots: walkedRoots(options),
    rules,
  });
  notices.push(...baseline.notices);
  summary.suppressed += baseline.suppressed;
  return {
    files: kept,
    findings: baseline.findings,
    notices,
    config,
    summary,
    ...(baseline.written ? { suppressionsWritten: baseline.written } : {}),
  };
}

/** The directories among the paths: the trees in which a file that is gone was gone from this run's view too. */
function walkedRoots(options: RunOptions): string[] {
  const args = options.paths.length > 0 ? options.paths : ['.'];
  // --context trees count too: pre-commit names the staged files and passes `--context .`, and a file renamed
  // there must find its suppressions as CI's walk of the whole repository does.
  return [...args, ...(options.context ?? [])]
    .filter((arg) => arg !== '-')
    .map((arg) => path.resolve(options.cwd, arg))
    .filter((abs) => statOrNull(abs)?.isDirectory() === true);
}

type ConfigOptions = Pick<RunOptions, 'cwd' | 'configFile' | 'ruleFlags' | 'kubernetesVersion' | 'helmValues' | 'helmRelease' | 'helmNamespace' | 'helmValueSets'>;

export function configResolver(options: ConfigOptions, rules: readonly AnyRule[]): ConfigResolver {
  const helm = { values: options.helmValues, releaseName: options.helmRelease, namespace: options.helmNamespace, valueSets: options.helmValueSets };
  return new ConfigResolver(options.cwd, rules, { ruleFlags: options.ruleFlags ?? [], kubernetesVersion: options.kubernetesVersion, helm }, options.configFile);
}

/** What the walk set aside to render, by renderer. */
export function targetsOf(inputs: Inputs): RenderTargets {
  return new Map(RENDERERS.map((renderer) => [renderer, inputs.targets.get(renderer) ?? []]));
}

/** The directory whose config applies to a file: a rendered stream's chart or overlay, stdin's own. */
function configDir(file: SourceFile, stdin: string): string {
  if (file.rendered) return file.rendered.dir;
  return file.absPath === null ? stdin : path.dirname(file.absPath);
}

/** Where stdin is, for its config: the directory of the name --stdin-filename gives it, else the working directory. */
function stdinDir(options: Pick<RunOptions, 'cwd' | 'stdinFilename'>): string {
  return options.stdinFilename === undefined ? options.cwd : path.dirname(path.resolve(options.cwd, options.stdinFilename));
}

/** Path arguments with nothing to lint: an error naming the first (SPEC §5), or with errorOnUnmatchedPattern false, notices. */
function unmatchedNotices(unmatched: Notice[], options: RunOptions): Notice[] {
  const first = unmatched[0];
  if (first && options.errorOnUnmatchedPattern !== false) {
    throw new UsageError(`${first.file}: ${first.message}; name the manifests, or pass --no-error-on-unmatched-pattern to allow it`);
  }
  return unmatched;
}

/** The ignore list of the config that applies in a directory (CollectOptions.configIgnore): one object per config. */
export function configIgnores(configs: ConfigResolver): (dir: string) => IgnoreList {
  const lists = new Map<Config, IgnoreList>();
  return (dir) => {
    const applies = configs.forDir(dir);
    let list = lists.get(applies);
    if (!list) lists.set(applies, (list = { base: applies.ignoreBase, patterns: applies.ignore }));
    return list;
  };
}

/**
 * Each file's settings: its config's (a rendered stream's is its chart's or overlay's, stdin's its
 * --stdin-filename directory's), with the programmatic overrides over them; one object per config.
 */
export function fileSettings(configs: ConfigResolver, options: Pick<RunOptions, 'cwd' | 'stdinFilename' | 'settings'>): (file: SourceFile) => FileSettings {
  const made = new Map<Config, FileSettings>();
  // Asked once per rule and subject: each file's answer is kept, and stdin's directory resolved once.
  const ofFile = new WeakMap<SourceFile, FileSettings>();
  const stdin = stdinDir(options);
  return (file) => {
    const known = ofFile.get(file);
    if (known) return known;
    const config = configs.forDir(configDir(file, stdin));
    let settings = made.get(config);
    if (!settings) made.set(config, (settings = { rules: new Map([...config.rules, ...(options.settings ?? [])]), kubernetesVersion: config.kubernetesVersion }));
    ofFile.set(file, settings);
    return settings;
  };
}


/** The findings of a batch as they are kept once its files are let go: each file's findings share one excerpt of it. */
function releaseAll(findings: readonly Finding[]): Finding[] {
  const shown = new Map<SourceFile, Span[]>();
  for (const finding of findings) push(shown, finding.file, ...shownSpans(finding));
  const excerpts = new Map([...shown].map(([file, spans]) => [file, excerpt(file, spans)]));
  return findings.map((finding) => released(finding, excerpts.get(finding.file)!));
}

/** What a finding shows of its file: where it is, and the lines its fix edits there, as one diff shows them (a fix of another file shows that one). */
function shownSpans(finding: Finding): Span[] {
  const edits = finding.fix && !finding.fix.target ? finding.fix.edits : [];
  if (edits.length === 0) return [finding.span];
  return [finding.span, { start: Math.min(...edits.map((e) => e.offset)), end: Math.max(...edits.map((e) => e.offset + e.length)) }];
}

/**
 * What a finding keeps once its file is let go (RunOptions.release): of its file, the excerpt of the lines
 * its file's findings show, and the rest as its own plain data. Not its owner, nor the tree nodes its fix's
 * changes name (only the fixer reads those, and it keeps every parse), nor a fix proposed on rendered output
 * (its renderer has expressed it by now: sendHome).
 */
function released(finding: Finding, file: SourceFile): Finding {
  const { file: _file, owner: _owner, fix, proposed: _proposed, ...data } = finding;
  const kept: Finding = { ...ownCopy(data), file, owner: null, fix: null, proposed: null };
  if (!fix) return kept;
  const { target, changes: _changes, ...fixData } = fix;
  return { ...kept, fix: { ...ownCopy(fixData), changes: [], ...(target ? { target } : {}) } };
}

