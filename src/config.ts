// .probe-lint.yaml / .yml / .json: found upwards from the working directory,
// up to the repository top, or named with --config; validated against the
// rules' own option declarations. Never JavaScript: a config in a pull request
// must not run code in CI.
import fs from 'node:fs';
import path from 'node:path';
import { defaultOptions, type RuleSettings } from './engine.js';
import { displayPath } from './inputs.js';
import { parseFile } from './parse.js';
import { namespaceProblem, releaseNameProblem, valuesFileProblem } from './renderers/helm-options.js';
import type { AnyRule, OptionSpec, SeverityLevel } from './rule.js';
import { positionOf, type SourceFile } from './source.js';
import { readBounded, type BoundedRead } from './tree-files.js';
import type { MapNode, TreeNode } from './tree.js';

export const CONFIG_NAMES = ['.probe-lint.yaml', '.probe-lint.yml', '.probe-lint.json'];
const DEFAULT_KUBERNETES_VERSION = '1.30';
const SEVERITY_LEVELS: readonly SeverityLevel[] = ['error', 'warning', 'info', 'off'];
const TOP_KEYS = ['$schema', 'kubernetesVersion', 'ignore', 'rules', 'helm'];
/** Kubernetes stores seconds as int32: a larger value is rejected by the API server, and a fix must never write one. */
export const MAX_SECONDS = 2_147_483_647;
/** Far above any real config; a bound so that a committed config cannot make the run read without end. */
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface Config {
  file: string | null;
  kubernetesVersion: string;
  /** gitignore-style globs, relative to `ignoreBase`. */
  ignore: string[];
  ignoreBase: string;
  rules: Map<string, RuleSettings>;
  helm: HelmConfig;
}

export interface HelmConfig {
  /** Values files, relative to the config file's directory (made absolute on load); every render reads them. */
  values: string[];
  releaseName: string;
  namespace: string | null;
  /** Named sets of values files (dev, staging, prod): the chart is rendered once per set, after `values`. */
  valueSets: ValueSet[];
}

export interface ValueSet {
  name: string;
  /** Absolute. */
  values: string[];
}

/** A value set's name as findings and flags show it: no commas or `=` that would make `--helm-values-set` ambiguous. */
export const VALUE_SET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export class ConfigError extends Error {}

function defaultConfig(cwd: string): Config {
  return { file: null, kubernetesVersion: DEFAULT_KUBERNETES_VERSION, ignore: [], ignoreBase: cwd, rules: new Map(), helm: { values: [], releaseName: 'release', namespace: null, valueSets: [] } };
}

/** The config file a directory itself holds, if any. */
function configIn(dir: string): string | null {
  for (const name of CONFIG_NAMES) {
    const candidate = path.join(dir, name);
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/** What the command line sets over every config (`--rule`, `--kube-version`, the Helm flags). */
export interface ConfigOverrides {
  ruleFlags: readonly string[];
  kubernetesVersion?: string;
  /** --helm-values (relative to the working directory), --helm-release, --helm-namespace, --helm-values-set: each replaces the config's. */
  helm?: { values?: string[]; releaseName?: string; namespace?: string; valueSets?: string[] };
}

/** `NAME=FILE[,FILE]` (--helm-values-set, the Action's helm-values) → a value set; files relative to `cwd`. */
function parseValueSet(flag: string, cwd: string): ValueSet {
  const match = /^([^=]+)=(.+)$/.exec(flag);
  if (!match || !VALUE_SET_NAME.test(match[1]!)) throw new ConfigError(`--helm-values-set ${flag}: expected NAME=FILE[,FILE], e.g. --helm-values-set prod=values-prod.yaml (a name is letters, digits, "_", "." and "-")`);
  return { name: match[1]!, values: match[2]!.split(',').filter(Boolean).map((file) => path.resolve(cwd, file)) };
}

/**
 * The config that applies to each directory (SPEC §6): `--config` for all,
 * else the nearest config file from the directory upwards, stopping at the
 * repository top; the nearest wins whole, without merging, as with
 * `.editorconfig`. Each file is loaded once, with the command line's
 * overrides applied, and a lookup costs one check per directory for the run.
 */
export class ConfigResolver {
  private readonly fileOf = new Map<string, string | null>();
  private readonly loaded = new Map<string | null, Config>();
  private readonly fixed: Config | null;

  constructor(
    private readonly cwd: string,
    private readonly rules: readonly AnyRule[],
    private readonly overrides: ConfigOverrides,
    configFile?: string,
  ) {
    // Flags are checked before any file is read: a bad --rule is a usage error even where no config exists.
    this.fixed = configFile ? this.load(path.resolve(cwd, configFile)) : null;
    if (!this.fixed) this.load(null);
  }

  /** The config for files in `dir` (absolute). */
  forDir(dir: string): Config {
    return this.fixed ?? this.load(this.nearest(path.resolve(dir)));
  }

  /** The config for a file (absolute), or for the working directory when it has no path (stdin). */
  forFile(absPath: string | null): Config {
    return this.forDir(absPath === null ? this.cwd : path.dirname(absPath));
  }

  /**
   * The nearest config file from `dir` upwards, stopping at the repository top
   * (the directory holding `.git`, a directory or a worktree's file): a config
   * above it belongs to someone else (a home directory, a CI workspace) and
   * would change the verdict silently. Outside a repository it goes up to `/`.
   */
  private nearest(dir: string): string | null {
    const known = this.fileOf.get(dir);
    if (known !== undefined) return known;
    const parent = path.dirname(dir);
    const found = configIn(dir) ?? (fs.existsSync(path.join(dir, '.git')) || parent === dir ? null : this.nearest(parent));
    this.fileOf.set(dir, found);
    return found;
  }

  private load(file: string | null): Config {
    const known = this.loaded.get(file);
    if (known) return known;
    const config = file ? loadConfig(file, this.rules, displayPath(this.cwd, file)) : defaultConfig(this.cwd);
    applyRuleFlags(config, this.overrides.ruleFlags, this.rules);
    if (this.overrides.kubernetesVersion !== undefined) {
      const version = parseKubernetesVersion(this.overrides.kubernetesVersion);
      if (!version) throw new ConfigError(`--kube-version ${this.overrides.kubernetesVersion}: expected a version such as 1.30`);
      config.kubernetesVersion = version;
    }
    const helm = this.overrides.helm;
    if (helm?.values && helm.values.length > 0) config.helm.values = helm.values.map((v) => path.resolve(this.cwd, v));
    if (helm?.releaseName !== undefined) config.helm.releaseName = helm.releaseName;
    if (helm?.namespace !== undefined) config.helm.namespace = helm.namespace;
    if (helm?.valueSets && helm.valueSets.length > 0) {
      const sets = helm.valueSets.map((flag) => parseValueSet(flag, this.cwd));
      // A set's name is what its findings are reported under: two sets of one name could not be told apart (the
      // config's map cannot even hold them).
      const twice = sets.find((set, i) => sets.findIndex((other) => other.name === set.name) !== i);
      if (twice) throw new ConfigError(`--helm-values-set ${twice.name}: value set "${twice.name}" is given twice; give each set one name, its files separated by commas (${twice.name}=FILE,FILE)`);
      config.helm.valueSets = sets;
    }
    this.loaded.set(file, config);
    return config;
  }
}

/**
 * The config's text, read only from a regular file of at most 1 MiB: a
 * committed symlink to /dev/zero would fill memory and a FIFO would block
 * the run for ever.
 */
function readConfigText(file: string, shownAs: string): string {
  return readSettingsText(file, shownAs, 'config', MAX_CONFIG_BYTES);
}

/**
 * The text of a file probe-lint reads its own settings from (a config, the
 * suppressions file), BOM dropped: only a regular file of at most `limit`
 * bytes, and any problem is a ConfigError naming the file.
 */
export function readSettingsText(file: string, shownAs: string, what: string, limit: number): string {
  let read: BoundedRead;
  try {
    read = readBounded(file, limit);
  } catch (error) {
    throw new ConfigError(`${shownAs}: cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if ('skipped' in read) throw new ConfigError(`${shownAs}: cannot read ${what}: ${read.skipped}`);
  return read.bytes.toString('utf8').replace(/^\uFEFF/, '');
}

export function loadConfig(file: string, rules: readonly AnyRule[], shownAs = file): Config {
  const text = readConfigText(file, shownAs);
  const source: SourceFile = { path: shownAs, absPath: file, text, bom: false };
  const parsed = parseFile(source, true);
  if (parsed.error) {
    const { line, column } = positionOf(source, parsed.error.span.start);
    throw new ConfigError(`${shownAs}:${line}:${column}: cannot parse config: ${parsed.error.message}`);
  }
  const config = defaultConfig(path.dirname(file));
  config.file = file;
  const root = parsed.documents[0]?.root ?? null;
  if (root === null) return config;
  const where = (node: TreeNode, keyPath: string): string => `${shownAs}:${positionOf(source, node.span.start).line}: ${keyPath}`;
  const fail = (node: TreeNode, keyPath: string, problem: string): never => {
    throw new ConfigError(`${where(node, keyPath)}: ${problem}`);
  };
  const top = expectMap(root, '(top level)', fail);
  for (const e of top.entries) {
    const value = e.value ?? fail(top, e.key, 'has no value');
    switch (e.key) {
      case 'kubernetesVersion':
        config.kubernetesVersion = kubernetesVersion(value, fail);
        break;
      case 'ignore':
        config.ignore = stringList(value, 'ignore', fail);
        break;
      case 'rules':
        for (const r of expectMap(value, 'rules', fail).entries) {
          config.rules.set(r.key, ruleSettings(r.key, r.value, rules, fail, `rules.${r.key}`, r.value ?? value));
        }
        break;
      case 'helm':
        config.helm = helmConfig(value, path.dirname(file), fail);
        break;
      case '$schema':
        // For editors (SPEC §6): where the JSON Schema is; nothing here reads it.
        if (value.kind !== 'scalar' || typeof value.value !== 'string') fail(value, e.key, 'must be a string (the path or URL of probe-lint.schema.json)');
        break;
      default:
        fail(value, e.key, `unknown key${suggest(e.key, TOP_KEYS)}`);
    }
  }
  return config;
}

type Fail = (node: TreeNode, keyPath: string, problem: string) => never;

// Checked here for the key path; the Helm renderer checks again for values that come from flags.
function helmConfig(node: TreeNode, configDir: string, fail: Fail): HelmConfig {
  const helm = defaultConfig(configDir).helm;
  for (const h of expectMap(node, 'helm', fail).entries) {
    const at = h.value ?? node;
    const keyPath = `helm.${h.key}`;
    if (h.key === 'values') {
      const list = at.kind === 'seq' ? at.items : [];
      helm.values = stringList(at, keyPath, fail).map((v, i) => {
        const file = path.resolve(configDir, v);
        const problem = valuesFileProblem(file);
        return problem ? fail(list[i] ?? at, `${keyPath}[${i}]`, problem) : file;
      });
    } else if (h.key === 'releaseName' || h.key === 'namespace') {
      const text = at.kind === 'scalar' && typeof at.value === 'string' ? at.value : fail(at, keyPath, 'must be a string');
      const problem = h.key === 'releaseName' ? releaseNameProblem(text) : namespaceProblem(text);
      if (problem) fail(at, keyPath, problem);
      if (h.key === 'releaseName') helm.releaseName = text;
      else helm.namespace = text;
    } else if (h.key === 'valueSets') {
      helm.valueSets = expectMap(at, keyPath, fail).entries.map((set) => {
        const setPath = `${keyPath}.${set.key}`;
        if (!VALUE_SET_NAME.test(set.key)) fail(at, setPath, 'a value set name is letters, digits, "_", "." and "-", starting with a letter or digit');
        const value = set.value ?? fail(at, setPath, 'has no value');
        const items = value.kind === 'seq' ? value.items : [];
        return {
          name: set.key,
          values: stringList(value, setPath, fail).map((v, i) => {
            const file = path.resolve(configDir, v);
            const problem = valuesFileProblem(file);
            return problem ? fail(items[i] ?? value, `${setPath}[${i}]`, problem) : file;
          }),
        };
      });
    } else fail(at, keyPath, `unknown key${suggest(h.key, ['values', 'releaseName', 'namespace', 'valueSets'])}`);
  }
  return helm;
}

function expectMap(node: TreeNode, keyPath: string, fail: Fail): MapNode {
  return node.kind === 'map' ? node : fail(node, keyPath, 'must be a mapping');
}

function stringList(node: TreeNode, keyPath: string, fail: Fail): string[] {
  if (node.kind !== 'seq') fail(node, keyPath, 'must be a list of strings');
  return (node as Extract<TreeNode, { kind: 'seq' }>).items.map((item, i) =>
    item.kind === 'scalar' && typeof item.value === 'string' ? item.value : fail(item, `${keyPath}[${i}]`, 'must be a string'),
  );
}

function kubernetesVersion(node: TreeNode, fail: Fail): string {
  if (node.kind === 'scalar' && typeof node.value === 'number') {
    fail(node, 'kubernetesVersion', `must be a quoted string such as "1.30" (unquoted, ${node.value} is a number)`);
  }
  const value = node.kind === 'scalar' && typeof node.value === 'string' ? node.value : null;
  return (value === null ? null : parseKubernetesVersion(value)) ?? fail(node, 'kubernetesVersion', `must be a version such as "1.30", not ${JSON.stringify(value ?? (node as { value?: unknown }).value ?? null)}`);
}

/** "1.30", "v1.30.2" → "1.30"; null when it is not a Kubernetes version. */
function parseKubernetesVersion(text: string): string | null {
  return /^v?(1\.\d{1,2})(\.\d+)?$/.exec(text)?.[1] ?? null;
}

function ruleSettings(id: string, node: TreeNode | null, rules: readonly AnyRule[], fail: Fail, keyPath: string, at: TreeNode): RuleSettings {
  const rule = rules.find((r) => r.id === id);
  if (!rule) fail(at, keyPath, `unknown rule${suggest(id, rules.map((r) => r.id))}`);
  if (node?.kind === 'scalar') return { severity: severity(node, keyPath, fail) };
  if (node?.kind !== 'map') return fail(at, keyPath, `must be a severity (${SEVERITY_LEVELS.join(', ')}) or a mapping of severity and options`);
  const settings: RuleSettings = { options: {} };
  const specs = rule!.options as Record<string, OptionSpec<unknown>>;
  for (const e of node.entries) {
    const value = e.value ?? fail(node, `${keyPath}.${e.key}`, 'has no value');
    if (e.key === 'severity') {
      settings.severity = severity(value, `${keyPath}.severity`, fail);
      continue;
    }
    // Own keys only: `constructor`, `__proto__` and `toString` are not options, and must never be assigned through.
    const spec = Object.hasOwn(specs, e.key) ? specs[e.key] : undefined;
    if (!spec) {
      const known = Object.keys(specs);
      fail(value, `${keyPath}.${e.key}`, `unknown option${suggest(e.key, ['severity', ...known])}${known.length === 0 ? ` (${id} has no options)` : ''}`);
    }
    settings.options![e.key] = optionValue(spec!, value, `${keyPath}.${e.key}`, fail);
  }
  return settings;
}

function severity(node: TreeNode, keyPath: string, fail: Fail): SeverityLevel {
  const value = node.kind === 'scalar' ? node.value : null;
  // YAML 1.1 habits: `off` may arrive as a boolean false.
  if (value === false) return 'off';
  if (typeof value === 'string' && (SEVERITY_LEVELS as readonly string[]).includes(value)) return value as SeverityLevel;
  return fail(node, keyPath, `must be one of ${SEVERITY_LEVELS.join(', ')}, not ${JSON.stringify(value)}${typeof value === 'string' ? suggest(value, SEVERITY_LEVELS) : ''}`);
}

function optionValue(spec: OptionSpec<unknown>, node: TreeNode, keyPath: string, fail: Fail): unknown {
  if (spec.type === 'seconds') {
    const value = node.kind === 'scalar' ? node.value : null;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) fail(node, keyPath, `must be a whole number of seconds ≥ 1, not ${secondsShown(value)}`);
    if (value > MAX_SECONDS) fail(node, keyPath, `must be at most ${MAX_SECONDS} seconds (Kubernetes keeps seconds in 32 bits, and a fix would write this value), not ${secondsShown(value)}`);
    return value;
  }
  const patterns = stringList(node, keyPath, fail);
  patterns.forEach((pattern, i) => {
    try {
      new RegExp(pattern);
    } catch (error) {
      fail(node, `${keyPath}[${i}]`, `is not a valid regular expression: ${(error as Error).message}`);
    }
  });
  return patterns;
}

/** 1e+23 as written in YAML; JSON.stringify would show Infinity as null. */
function secondsShown(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** `--rule id=severity` flags, over the config's rules. */
function applyRuleFlags(config: Config, flags: readonly string[], rules: readonly AnyRule[]): void {
  for (const flag of flags) {
    const match = /^([^=]+)=(.*)$/.exec(flag);
    if (!match) throw new ConfigError(`--rule ${flag}: expected id=severity, e.g. --rule probe-timeout-short=error`);
    const [, id, level] = match as unknown as [string, string, string];
    if (!rules.some((r) => r.id === id)) throw new ConfigError(`--rule ${flag}: unknown rule${suggest(id, rules.map((r) => r.id))}`);
    if (!(SEVERITY_LEVELS as readonly string[]).includes(level)) {
      throw new ConfigError(`--rule ${flag}: severity must be one of ${SEVERITY_LEVELS.join(', ')}${suggest(level, SEVERITY_LEVELS)}`);
    }
    config.rules.set(id, { ...config.rules.get(id), severity: level as SeverityLevel });
  }
}

/** "; did you mean X?" for the closest candidate, when one is close enough to be a typo. */
export function suggest(word: string, candidates: readonly string[]): string {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? `; did you mean ${JSON.stringify(best)}?` : '';
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * A config as it applies (`--print-config`): the file it came from, and every
 * rule's severity and options with the defaults filled in, so that a reader
 * sees what a run will do without reading the rules' docs.
 */
export function effectiveConfig(config: Config, rules: readonly AnyRule[], cwd: string): Record<string, unknown> {
  const shown = (file: string): string => displayPath(cwd, file);
  return {
    file: config.file === null ? null : shown(config.file),
    kubernetesVersion: config.kubernetesVersion,
    ignore: config.ignore,
    rules: Object.fromEntries(
      rules.map((rule) => {
        const own = config.rules.get(rule.id) ?? {};
        return [rule.id, { severity: own.severity ?? rule.severity, options: { ...defaultOptions(rule), ...own.options } }];
      }),
    ),
    helm: {
      values: config.helm.values.map(shown),
      releaseName: config.helm.releaseName,
      namespace: config.helm.namespace,
      valueSets: Object.fromEntries(config.helm.valueSets.map((set) => [set.name, set.values.map(shown)])),
    },
  };
}
