// The one entry point behind the CLI and the Action:
// paths → files → documents → model → findings.
import path from 'node:path';
import { RULES } from '../rules/index.js';
import { buildModel } from './build-model.js';
import { lint, type RuleSettings } from './engine.js';
import { applyRuleFlags, ConfigError, defaultConfig, findConfig, loadConfig, parseKubernetesVersion, type Config } from './config.js';
import { collectInputs, displayPath, type InputFile, type Notice } from './inputs.js';
import { isLongRunning } from './model.js';
import { parseFile, type ParsedFile } from './parse.js';
import type { AnyRule, Finding } from './rule.js';
import { buildRouting } from './routing.js';
import type { SourceFile } from './source.js';
import { suppress } from './suppress.js';
import { attachSources, ordinaryBundles } from './attach-sources.js';
import { mergeOverlayFindings } from './rendered-findings.js';
import { renderAll, type RenderPlan } from './render.js';
import { MAX_FILE_BYTES, readBounded } from './tree-files.js';

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
  rules?: readonly AnyRule[];
  /** Programmatic overrides over everything else (tests, the Action). */
  settings?: ReadonlyMap<string, RuleSettings>;
  /** Values files for rendering Helm charts (--helm-values), over the config's helm.values. */
  helmValues?: string[];
  /** Release name and namespace for `helm template` (--helm-release, --helm-namespace). */
  helmRelease?: string;
  helmNamespace?: string;
  /** Texts to lint instead of what is on disk, by absolute path: the fixer's passes. */
  overrides?: ReadonlyMap<string, string>;
  /** Chart and kustomization renders to reuse across the fixer's passes. */
  renderCache?: RenderPlan['cache'];
}

export interface Summary {
  files: number;
  documents: number;
  objects: number;
  containers: number;
  /** Findings hidden by suppression comments and annotations. */
  suppressed: number;
}

export interface RunResult {
  files: ParsedFile[];
  findings: Finding[];
  notices: Notice[];
  summary: Summary;
  config: Config;
}

export async function run(options: RunOptions): Promise<RunResult> {
  const rules = options.rules ?? RULES;
  const config = resolveConfig(options, rules);
  const inputs = await collectInputs(options.paths, options.cwd, [
    { base: options.cwd, patterns: options.ignore ?? [] },
    { base: config.ignoreBase, patterns: config.ignore },
  ]);
  const helm = config.helm;
  const rendering = await renderAll({
    charts: inputs.charts,
    kustomizations: inputs.kustomizations,
    cwd: options.cwd,
    helm: {
      values: options.helmValues && options.helmValues.length > 0 ? options.helmValues : helm.values,
      releaseName: options.helmRelease ?? helm.releaseName,
      namespace: options.helmNamespace ?? helm.namespace,
    },
    cache: options.renderCache,
  });
  const notices = [...inputs.notices, ...rendering.notices];
  const sources: SourceFile[] = rendering.rendered.map(({ dir, text, from }) => ({ path: displayPath(options.cwd, dir), absPath: null, text, bom: false, rendered: from }));
  if (inputs.stdin) {
    const text = options.readStdin ? await options.readStdin() : '';
    sources.push(decode('<stdin>', null, Buffer.from(text, 'utf8')));
  }
  const files = inputs.files.filter((f) => !rendering.excluded.has(f.absPath));
  for (const read of readAll(files, options.overrides)) {
    if ('source' in read) sources.push(read.source);
    else notices.push(read.notice);
  }
  const parsed: ParsedFile[] = ordinaryBundles(sources.map((source) => parseFile(source)), options.cwd);
  const model = buildModel(parsed);
  const routing = buildRouting(model);
  const settings = new Map([...config.rules, ...(options.settings ?? [])]);
  const linted = lint({ files: parsed, model, routing, rules, settings, kubernetesVersion: config.kubernetesVersion });
  const { findings: kept, suppressed } = suppress({ findings: linted, files: parsed, model, rules, settings });
  attachSources(kept, options.cwd);
  const findings = mergeOverlayFindings(kept);
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
      suppressed,
    },
  };
}

function resolveConfig(options: RunOptions, rules: readonly AnyRule[]): Config {
  const file = options.configFile ? path.resolve(options.cwd, options.configFile) : findConfig(options.cwd);
  const config = file ? loadConfig(file, rules, displayPath(options.cwd, file)) : defaultConfig(options.cwd);
  applyRuleFlags(config, options.ruleFlags ?? [], rules);
  if (options.kubernetesVersion !== undefined) {
    const version = parseKubernetesVersion(options.kubernetesVersion);
    if (!version) throw new ConfigError(`--kube-version ${options.kubernetesVersion}: expected a version such as 1.30`);
    config.kubernetesVersion = version;
  }
  return config;
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

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
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
    text = strict.decode(bytes);
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
