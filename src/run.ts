// The one entry point behind the CLI and the Action:
// paths → files → documents → model → findings.
import { statSync } from 'node:fs';
import path from 'node:path';
import { RULES } from '../rules/index.js';
import { buildModel } from './build-model.js';
import { lint, type FileSettings, type RuleSettings } from './engine.js';
import { CONFIG_NAMES, ConfigResolver, type Config } from './config.js';
import { collectInputs, displayPath, UsageError, type IgnoreList, type InputFile, type Inputs, type Notice } from './inputs.js';
import { isLongRunning } from './model.js';
import { parseFile, type ParsedFile } from './parse.js';
import type { AnyRule, Finding, UnrenderedTarget } from './rule.js';
import { buildRouting } from './routing.js';
import type { SourceFile } from './source.js';
import { suppress } from './suppress.js';
import { applyBaseline, SUPPRESSIONS_NAME, type BaselineWrite, type SuppressionsUpdate } from './suppressions-file.js';
import { mergeRenders } from './rendered-findings.js';
import { RENDERERS, renderAll, renderedSources, sendHome, settle, type RenderContext, type RenderTargets, type Unrendered } from './renderers/index.js';
import { findTool, toolRunner } from './renderers/tools.js';
import type { ToolResult } from './renderers/renderer.js';
import { readRoutingContext, withContext } from './routing-context.js';
import { MAX_FILE_BYTES, readBounded } from './tree-files.js';

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
  const ignoreLists = new Map<Config, IgnoreList>();
  const configIgnore = (dir: string): IgnoreList => {
    const applies = configs.forDir(dir);
    let list = ignoreLists.get(applies);
    if (!list) ignoreLists.set(applies, (list = { base: applies.ignoreBase, patterns: applies.ignore }));
    return list;
  };
  const collect = (paths: string[]): Promise<Inputs> =>
    collectInputs(paths, { cwd: options.cwd, ignore: [{ base: options.cwd, patterns: options.ignore ?? [] }], configIgnore, kinds: RENDERERS, skipNames: OWN_FILES });
  const inputs = await collect(options.paths);
  // Before any rendering: a mistyped path should not wait for helm.
  const unmatched = unmatchedNotices(inputs.unmatched, options);
  const tools = toolRunner({ cwd: options.cwd, seconds: options.renderSeconds, cache: options.renderCache });
  const renderContext: RenderContext = { cwd: options.cwd, configFor: (dir) => configs.forDir(dir), findTool, runTool: tools.run };
  const rendering = await renderAll(targetsOf(inputs), renderContext);
  const notices = [...inputs.notices, ...unmatched, ...rendering.notices];
  const sources: SourceFile[] = renderedSources(rendering, options.cwd);
  if (inputs.stdin) {
    const text = options.readStdin ? await options.readStdin() : '';
    const name = options.stdinFilename === undefined ? '<stdin>' : displayPath(options.cwd, path.resolve(options.cwd, options.stdinFilename));
    sources.push(decode(name, null, Buffer.from(text, 'utf8')));
  }
  const files = inputs.files.filter((f) => !rendering.excluded.has(f.absPath));
  for (const read of readAll(files, options.overrides)) {
    if ('source' in read) sources.push(read.source);
    else notices.push(read.notice);
  }
  const parsed: ParsedFile[] = settle(sources.map((source) => parseFile(source)), options.cwd);
  const model = buildModel(parsed);
  const context =
    options.context && options.context.length > 0
      ? await readRoutingContext({
          paths: options.context,
          cwd: options.cwd,
          linted: inputs,
          excluded: rendering.excluded,
          collect,
          render: (targets, skip) => renderAll(targets, renderContext, skip),
          read: (files) => readAll(files, undefined).flatMap((read) => ('source' in read ? [read.source] : [])),
        })
      : null;
  if (context) notices.push(...context.notices);
  const routing = buildRouting(withContext(model, context));
  const settingsFor = fileSettings(configs, options);
  const unrendered = unrenderedTargets(rendering.failures, sources, options);
  const linted = lint({ files: parsed, model, routing, rules, settingsFor, unrendered: unrendered.targets });
  // Entry files read only for render-failed take part in suppression: a comment there can silence it.
  const { findings: kept, suppressed } = suppress({ findings: linted, files: [...parsed, ...unrendered.entries], model, rules, settingsFor });
  // Fingerprints are taken of the findings as reported: one entry for a line that several overlays render.
  const baseline = await applyBaseline({
    cwd: options.cwd,
    location: options.suppressionsLocation,
    update: options.updateSuppressions,
    findings: mergeRenders(sendHome(kept, options.cwd), sources),
    sources,
    stdinPath: options.stdinFilename === undefined ? undefined : path.resolve(options.cwd, options.stdinFilename),
    roots: walkedRoots(options),
    rules,
  });
  const findings = baseline.findings;
  notices.push(...baseline.notices);
  const cheapObjects = parsed.reduce((n, p) => n + p.documents.reduce((m, d) => m + d.objectCount, 0), 0);
  return {
    files: parsed,
    findings,
    notices,
    config,
    summary: {
      files: sources.length,
      documents: parsed.reduce((n, p) => n + p.documents.length, 0),
      objects: model.objects.length + cheapObjects,
      containers: model.workloads.reduce((n, w) => n + w.containers.filter(isLongRunning).length, 0),
      suppressed: suppressed + baseline.suppressed,
    },
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
    .filter((abs) => isDirectory(abs));
}

/** Whether a path is a directory; anything that cannot be stat'ed (missing, or under a file: ENOTDIR) is not. */
function isDirectory(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

type ConfigOptions = Pick<RunOptions, 'cwd' | 'configFile' | 'ruleFlags' | 'kubernetesVersion' | 'helmValues' | 'helmRelease' | 'helmNamespace' | 'helmValueSets'>;

export function configResolver(options: ConfigOptions, rules: readonly AnyRule[]): ConfigResolver {
  const helm = { values: options.helmValues, releaseName: options.helmRelease, namespace: options.helmNamespace, valueSets: options.helmValueSets };
  return new ConfigResolver(options.cwd, rules, { ruleFlags: options.ruleFlags ?? [], kubernetesVersion: options.kubernetesVersion, helm }, options.configFile);
}

/** What the walk set aside to render, by renderer. */
function targetsOf(inputs: Inputs): RenderTargets {
  return new Map(RENDERERS.map((renderer) => [renderer, inputs.targets.get(renderer) ?? []]));
}

/** The directory whose config applies to a file: a rendered stream's chart or overlay, stdin's own. */
function configDir(file: SourceFile, stdin: string): string {
  if (file.rendered) return file.rendered.dir;
  return file.absPath === null ? stdin : path.dirname(file.absPath);
}

/** Where stdin is, for its config: the directory of the name --stdin-filename gives it, else the working directory. */
function stdinDir(options: RunOptions): string {
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

/** Each file's settings: its config's, with the programmatic overrides over them; one object per config. */
function fileSettings(configs: ConfigResolver, options: RunOptions): (file: SourceFile) => FileSettings {
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

/**
 * The Chart.yaml or kustomization file of each chart or kustomization not rendered, as render-failed reports on
 * it: the run's own copy when it lints that file, else read now (`entries`); one that cannot be read is empty.
 */
function unrenderedTargets(failures: readonly Unrendered[], sources: readonly SourceFile[], options: RunOptions): { targets: UnrenderedTarget[]; entries: ParsedFile[] } {
  const byPath = new Map(sources.flatMap((source) => (source.absPath === null ? [] : [[source.absPath, source] as const])));
  const entries: ParsedFile[] = [];
  const targets = failures.map((unrendered) => {
    let file = byPath.get(unrendered.entry);
    if (!file) {
      const shown = displayPath(options.cwd, unrendered.entry);
      const read = readOne({ absPath: unrendered.entry, path: shown }, options.overrides?.get(unrendered.entry));
      file = 'source' in read ? read.source : fromText(shown, unrendered.entry, '');
      byPath.set(unrendered.entry, file);
      entries.push({ file, documents: [], error: null });
    }
    return { unrendered, file };
  });
  return { targets, entries };
}

type ReadResult = { source: SourceFile } | { notice: Notice };

/** Reads are synchronous and bounded (readBounded): a worker pool around them would only add overhead. */
function readAll(files: InputFile[], overrides: ReadonlyMap<string, string> | undefined): ReadResult[] {
  return files.map((file) => readOne(file, overrides?.get(file.absPath)));
}

function readOne(file: InputFile, override: string | undefined): ReadResult {
  // Already text (the fixer's passes): no round trip through bytes.
  if (override !== undefined) return { source: fromText(file.path, file.absPath, override) };
  let bytes: Buffer;
  try {
    // Checked again at the read: the file may have become a FIFO or grown since the walk saw it.
    const read = readBounded(file.absPath, MAX_FILE_BYTES);
    if ('skipped' in read) return { notice: { file: file.path, line: null, message: `${read.skipped}; skipped` } };
    bytes = read.bytes;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { notice: { file: file.path, line: null, message: `cannot read file (${code}); skipped` } };
  }
  if (bytes.includes(0)) return { notice: { file: file.path, line: null, message: 'binary file skipped' } };
  return { source: decode(file.path, file.absPath, bytes) };
}

/** UTF-8 that throws on bytes that are not: what tells a file --fix may rewrite from one it may not. */
export const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { ignoreBOM: true });
// Files whose bytes were not all UTF-8: their text holds U+FFFD where those bytes were.
const lossy = new WeakSet<SourceFile>();

/** Whether writing a file's text back would not give its bytes back: some were not UTF-8 and read as U+FFFD. */
export function decodedLossily(file: SourceFile): boolean {
  return lossy.has(file);
}

function decode(displayPath: string, absPath: string | null, bytes: Buffer): SourceFile {
  let text: string;
  let exact = true;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    // Still linted, with U+FFFD for what is not text; only --fix must know.
    text = lenient.decode(bytes);
    exact = false;
  }
  const source = fromText(displayPath, absPath, text);
  if (!exact) lossy.add(source);
  return source;
}

function fromText(displayPath: string, absPath: string | null, text: string): SourceFile {
  const bom = text.charCodeAt(0) === 0xfeff;
  return { path: displayPath, absPath, text: bom ? text.slice(1) : text, bom };
}
