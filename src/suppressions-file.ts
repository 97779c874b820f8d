// probe-lint-suppressions.json: the findings a repository has accepted for
// now, so that it can adopt probe-lint and fail only on new ones (ESLint's
// bulk suppressions). ESLint keys its entries by file and rule with a count,
// so moving code between files or adding an unrelated violation next to an
// old one shifts what is hidden. Here an entry is keyed by the finding's
// fingerprint (rule, object, container, probe: what SARIF's
// partialFingerprints hold), which survives line moves, reformatting and an
// object moving to another file; the file is kept to tell apart objects of
// the same name in different files and to know which entries this run can
// judge. The file is sorted and written the same way every time, so that
// regenerating it gives a diff to review.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, readSettingsText, suggest } from './config.js';
import { isInside, replaceBeside, writeProblem } from './files.js';
import { findingPath, fingerprint, repositoryPath } from './fingerprint.js';
import { ancestors, displayPath, repositoryRoot, repositoryTop, type Notice } from './inputs.js';
import { parseFile } from './parse.js';
import type { AnyRule, Finding } from './rule.js';
import { positionOf, type SourceFile } from './source.js';
import { MAX_FILE_BYTES } from './tree-files.js';
import type { MapNode, TreeNode } from './tree.js';
import { push } from './multimap.js';

export const SUPPRESSIONS_NAME = 'probe-lint-suppressions.json';
const FORMAT_VERSION = 1;
const TOP_KEYS = ['version', 'suppressions'];
const ENTRY_KEYS = ['file', 'object', 'container', 'probe', 'rule', 'message', 'fingerprint', 'count'];

/** One entry: `count` findings with this fingerprint in this file. All but `fingerprint` and `count` are there for people reading the file. */
export interface SuppressionEntry {
  /** Relative to the repository top with `/`, as repositoryPath gives it. */
  file: string;
  /** `Kind namespace/name`; null for a finding about a whole file. */
  object: string | null;
  container: string | null;
  probe: string | null;
  rule: string;
  message: string | null;
  fingerprint: string;
  count: number;
}

/** --suppress-all (rules null), --suppress-rule (those rules) or --prune-suppressions. */
export type SuppressionsUpdate = { kind: 'suppress'; rules: string[] | null } | { kind: 'prune' };

export interface BaselineInput {
  cwd: string;
  /** --suppressions-location, relative to cwd; else the nearest probe-lint-suppressions.json from the linted paths upwards (lookupDir). */
  location?: string;
  update?: SuppressionsUpdate;
  findings: Finding[];
  /**
   * Every file this run linted, rendered streams included: the entries of these files are the ones this run
   * can judge. A chart or overlay that could not be rendered is not among them (its Chart.yaml or
   * kustomization file is never linted as a manifest), so a missing helm never makes its entries stale.
   */
  sources: readonly SourceFile[];
  /** --stdin-filename (absolute): stdin's findings are keyed and judged as that file's. */
  stdinPath?: string;
  /** Directories this run walked (absolute): an entry for a file that is gone from below one of them is judged too. */
  roots: readonly string[];
  rules: readonly AnyRule[];
  /** The file as readSuppressions read it (null: there is none), for a lint without `update`: no lookup and no read. */
  read?: ReadSuppressions | null;
}

/** A suppressions file read and parsed once, for many lints of one folder (the language server's). */
export interface ReadSuppressions {
  target: string;
  text: string;
  entries: SuppressionEntry[];
}

/** The suppressions file a run in `cwd` finds from `from` upwards, parsed; null when there is none. Throws ConfigError for a broken one. */
export function readSuppressions(cwd: string, from: string): ReadSuppressions | null {
  const target = findSuppressions(from);
  if (!target) return null;
  const shownAs = displayPath(cwd, target);
  const text = readSettingsText(target, shownAs, 'suppressions', MAX_FILE_BYTES);
  return { target, text, entries: parseSuppressions(text, target, shownAs) };
}

export interface BaselineWrite {
  /** Relative to the working directory. */
  file: string;
  /** Findings the file now suppresses (the sum of the counts). */
  suppressions: number;
  /** Findings' worth of entries taken out. */
  removed: number;
  /** False when the file already held exactly this. */
  changed: boolean;
}

export interface BaselineResult {
  findings: Finding[];
  suppressed: number;
  notices: Notice[];
  written: BaselineWrite | null;
}

/**
 * The nearest suppressions file from `dir` upwards, stopping at the repository
 * top as the config lookup does: one above it belongs to someone else.
 */
function findSuppressions(dir: string): string | null {
  for (const at of ancestors(dir)) {
    const candidate = path.join(at, SUPPRESSIONS_NAME);
    if (fs.existsSync(candidate)) return candidate;
    if (fs.existsSync(path.join(at, '.git'))) return null;
  }
  return null;
}

/**
 * Where the lookup of the suppressions file starts: the deepest directory
 * holding every path this run linted (the directories walked, the files read,
 * the charts and overlays rendered, stdin's --stdin-filename), so that the
 * file is found as the config is, from the linted paths upwards, wherever the
 * run starts. The working directory when nothing was linted.
 */
function lookupDir(input: Pick<BaselineInput, 'cwd' | 'sources' | 'stdinPath' | 'roots'>): string {
  const places = [
    ...input.roots,
    ...input.sources.flatMap((file) => (file.rendered ? [file.rendered.dir] : file.absPath !== null ? [path.dirname(file.absPath)] : [])),
    ...(input.stdinPath !== undefined ? [path.dirname(input.stdinPath)] : []),
  ];
  if (places.length === 0) return input.cwd;
  return places.reduce(commonDir);
}

function commonDir(a: string, b: string): string {
  let at = a;
  // The file system's root holds everything: the loop ends there at the latest.
  while (!isInside(at, b)) at = path.dirname(at);
  return at;
}

/** The top of the git repository holding `dir`, or null outside any. */

/** Applies the suppressions file to the findings; with an update, rewrites it from them first. */
export async function applyBaseline(input: BaselineInput): Promise<BaselineResult> {
  const explicit = input.location !== undefined ? path.resolve(input.cwd, input.location) : null;
  const from = lookupDir(input);
  const given = input.update ? undefined : input.read;
  const found = given !== undefined ? (given?.target ?? null) : (explicit ?? findSuppressions(from));
  const update = input.update;
  if (update?.kind === 'suppress' && update.rules) checkRuleIds(update.rules, input.rules);
  if (!update && !found) return { findings: input.findings, suppressed: 0, notices: [], written: null };
  // --suppress-all starts the file at the top of the repository holding the linted paths (never outside it);
  // outside any repository, in the working directory. The other modes need one to work on.
  const target = found ?? (update?.kind === 'suppress' ? path.join(repositoryTop(from) ?? input.cwd, SUPPRESSIONS_NAME) : null);
  if (!target) throw new ConfigError(`--prune-suppressions: no ${SUPPRESSIONS_NAME} found from ${displayPath(input.cwd, from)} up to the repository top; name one with --suppressions-location`);
  const shownAs = displayPath(input.cwd, target);
  const exists = given ? true : fs.existsSync(target);
  if (!exists && !update) throw new ConfigError(`${shownAs}: no such suppressions file; probe-lint --suppress-all --suppressions-location ${shownAs} creates it`);
  const previousText = given ? given.text : exists ? readSettingsText(target, shownAs, 'suppressions', MAX_FILE_BYTES) : null;
  const previous = given ? given.entries : previousText === null ? [] : parseSuppressions(previousText, target, shownAs);
  // Paths in the file are relative to the repository holding it (or its own directory outside one), wherever the run starts.
  const base = repositoryRoot(path.dirname(target));
  const fileOf = (file: SourceFile): string => repositoryPath(file, base, input.stdinPath);
  const keyed = keyedFindings(input.findings, (finding) => findingPath(finding, base, input.stdinPath));
  const inScope = scopeOf(input, base, fileOf);

  let entries = previous;
  let written: BaselineWrite | null = null;
  if (update) {
    const first = match(previous, keyed, inScope);
    const removed = update.kind === 'prune' ? first.stale : 0;
    entries = update.kind === 'prune' ? pruned(previous, first.left, inScope) : rebuilt(previous, keyed, inScope, update.rules);
    const text = serializeSuppressions(entries);
    const changed = text !== previousText;
    if (changed) await writeSuppressions(target, text, shownAs);
    written = { file: shownAs, suppressions: entries.reduce((n, e) => n + e.count, 0), removed, changed };
  }
  const { kept: unsuppressed, stale } = match(entries, keyed, inScope);
  // In the order run() gave them.
  const left = new Set(unsuppressed);
  const kept = input.findings.filter((f) => left.has(f));
  const notices: Notice[] =
    stale > 0
      ? [{ file: shownAs, line: null, message: `${stale} suppression${stale === 1 ? '' : 's'} for files linted here match${stale === 1 ? 'es' : ''} nothing any more; run probe-lint --prune-suppressions to remove ${stale === 1 ? 'it' : 'them'}` }]
      : [];
  return { findings: kept, suppressed: input.findings.length - kept.length, notices, written };
}

function checkRuleIds(ids: readonly string[], rules: readonly AnyRule[]): void {
  const known = rules.map((r) => r.id);
  for (const id of ids) {
    if (!known.includes(id)) throw new ConfigError(`--suppress-rule ${id}: unknown rule${suggest(id, known)}`);
  }
}

/** One occurrence of a fingerprint: the findings an entry's count counts as one. */
interface Keyed {
  /** The first of `findings`: what an entry written for it says. */
  finding: Finding;
  findings: Finding[];
  file: string;
  hash: string;
}

/**
 * The findings keyed by fingerprint (a finding on rendered output by the
 * template or resource it was located in, as SARIF keys it), in occurrences:
 * findings on one line of one template or resource are one occurrence, however
 * many overlays or value sets render it and whatever each render made of its
 * names (a namePrefix changes the message), so that adding an overlay adds no
 * finding to a line already suppressed. Every other finding is an occurrence
 * of its own.
 */
function keyedFindings(findings: readonly Finding[], fileOf: (finding: Finding) => string): Keyed[] {
  const byLine = new Map<string, Keyed>();
  const out: Keyed[] = [];
  for (const finding of findings) {
    const file = fileOf(finding);
    const hash = fingerprint(finding, file);
    const source = finding.source;
    const line = source?.absPath && source.line !== null ? `${hash}\0${source.absPath}\0${source.line}` : null;
    const same = line === null ? undefined : byLine.get(line);
    if (same) {
      same.findings.push(finding);
      continue;
    }
    const occurrence = { finding, findings: [finding], file, hash };
    if (line !== null) byLine.set(line, occurrence);
    out.push(occurrence);
  }
  return out;
}

/**
 * Whether this run can judge an entry's file: it linted it; or a chart or
 * overlay it rendered read it (a template inside the chart, a resource of the
 * kustomization) and it is inside a directory the run walked; or the file is
 * gone from a directory it walked. Entries for other files (outside the paths
 * given, a chart that could not be rendered, a base resource when only one of
 * the overlays reading it was linted: another overlay may be the one whose
 * render has the finding) are left as they are.
 */
function scopeOf(input: BaselineInput, base: string, fileOf: (file: SourceFile) => string): (file: string) => boolean {
  const linted = new Set(input.sources.map(fileOf));
  const renders = input.sources.flatMap((file) => (file.rendered ? [file.rendered] : []));
  const rendered = (abs: string): boolean => renders.some((from) => isInside(from.dir, abs) || from.reads.includes(abs));
  // Asked for every entry by each pass of the matching: each file's answer (a stat among it) is kept.
  const known = new Map<string, boolean>();
  const judge = (file: string): boolean => {
    if (linted.has(file)) return true;
    // `stdin` names no file on disk: judged only when stdin was read.
    if (file === 'stdin') return false;
    const abs = path.resolve(base, file);
    return input.roots.some((root) => isInside(root, abs)) && (rendered(abs) || !fs.existsSync(abs));
  };
  return (file) => {
    let answer = known.get(file);
    if (answer === undefined) known.set(file, (answer = judge(file)));
    return answer;
  };
}

interface Match {
  kept: Finding[];
  /** What is left of each entry's count. */
  left: number[];
  /** The sum of what is left of the counts of entries this run can judge. */
  stale: number;
}

/**
 * Each finding takes one from the count of an entry with its fingerprint: first
 * one of its own file with its own message, then one of its own file (the
 * message changed with a value), then one of a file this run judges (the
 * object moved there; for rendered output, whose fingerprint holds the
 * template or resource, the fingerprint it would have in that file). A finding for which no count is left is kept: a new
 * object, or one more finding than the file had.
 */
function match(entries: readonly SuppressionEntry[], keyed: readonly Keyed[], inScope: (file: string) => boolean): Match {
  const left = entries.map((e) => e.count);
  const byHash = new Map<string, number[]>();
  entries.forEach((e, i) => push(byHash, e.fingerprint, i));
  const suppressed = keyed.map(() => false);
  const passes: ((entry: SuppressionEntry, k: Keyed) => boolean)[] = [
    (e, k) => e.file === k.file && e.message === k.finding.message,
    (e, k) => e.file === k.file,
    (e) => inScope(e.file),
  ];
  for (const fits of passes) {
    keyed.forEach((k, i) => {
      if (suppressed[i]) return;
      const at = byHash.get(k.hash)?.find((j) => left[j]! > 0 && fits(entries[j]!, k));
      if (at === undefined) return;
      left[at]!--;
      suppressed[i] = true;
    });
  }
  // A finding on rendered output is keyed by its template or resource file too: the object moved from
  // another judged file that lost it has the hash it would have had there.
  keyed.forEach((k, i) => {
    if (suppressed[i] || !k.finding.source?.absPath || !k.finding.object) return;
    const at = entries.findIndex((e, j) => left[j]! > 0 && e.file !== k.file && inScope(e.file) && e.rule === k.finding.ruleId && fingerprint(k.finding, e.file) === e.fingerprint);
    if (at === -1) return;
    left[at]!--;
    suppressed[i] = true;
  });
  const stale = entries.reduce((n, e, j) => n + (inScope(e.file) ? left[j]! : 0), 0);
  const hidden = new Set(keyed.filter((_, i) => suppressed[i]).flatMap((k) => k.findings));
  return { kept: keyed.flatMap((k) => k.findings).filter((f) => !hidden.has(f)), left, stale };
}

/** --prune-suppressions: the counts this run used, for the files it judges; the others as they were. */
function pruned(entries: readonly SuppressionEntry[], left: readonly number[], inScope: (file: string) => boolean): SuppressionEntry[] {
  return entries.map((e, j) => (inScope(e.file) ? { ...e, count: e.count - left[j]! } : e)).filter((e) => e.count > 0);
}

/**
 * --suppress-all and --suppress-rule: this run's findings (of those rules) for
 * the files it judges; every other entry as it was.
 */
function rebuilt(entries: readonly SuppressionEntry[], keyed: readonly Keyed[], inScope: (file: string) => boolean, rules: readonly string[] | null): SuppressionEntry[] {
  const chosen = (rule: string): boolean => rules === null || rules.includes(rule);
  const added = keyed.filter((k) => chosen(k.finding.ruleId)).map(entryOf);
  // A finding on a file the run does not judge as a whole (render-failed on the Chart.yaml of a chart helm
  // could not render) replaces its own entries there, and only those: the chart's other entries stay.
  const replaced = new Set(added.map((e) => `${e.file}\0${e.fingerprint}`));
  const kept = entries.filter((e) => (!inScope(e.file) || !chosen(e.rule)) && !replaced.has(`${e.file}\0${e.fingerprint}`));
  return [...kept, ...added];
}

function entryOf({ finding, file, hash }: Keyed): SuppressionEntry {
  const ref = finding.object;
  return {
    file,
    // Rendered output keyed by its template or resource: the namespace is the render's (an overlay's), not the file's.
    object: ref ? `${ref.kind} ${ref.namespace && !finding.source?.absPath ? `${ref.namespace}/` : ''}${ref.name ?? '(unnamed)'}` : null,
    container: finding.container,
    probe: finding.probe,
    rule: finding.ruleId,
    message: finding.message,
    fingerprint: hash,
    count: 1,
  };
}

function compare(a: string, b: string): number {
  // Code-unit order, not localeCompare: the same bytes on every machine.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Entries that say the same thing made one with their counts added, in the file's order: file, object, rule, fingerprint, message. */
function normalized(entries: readonly SuppressionEntry[]): SuppressionEntry[] {
  const byKey = new Map<string, SuppressionEntry>();
  for (const e of entries) {
    const key = JSON.stringify([e.file, e.object, e.container, e.probe, e.rule, e.message, e.fingerprint]);
    const same = byKey.get(key);
    byKey.set(key, same ? { ...same, count: same.count + e.count } : { ...e });
  }
  return [...byKey.values()].sort(
    (a, b) =>
      compare(a.file, b.file) ||
      compare(a.object ?? '', b.object ?? '') ||
      compare(a.rule, b.rule) ||
      compare(a.fingerprint, b.fingerprint) ||
      compare(a.message ?? '', b.message ?? '') ||
      compare(a.container ?? '', b.container ?? '') ||
      compare(a.probe ?? '', b.probe ?? ''),
  );
}

/** The file's text: sorted, two-space JSON, one trailing newline. */
function serializeSuppressions(entries: readonly SuppressionEntry[]): string {
  const suppressions = normalized(entries).map((e) => ({
    file: e.file,
    object: e.object,
    container: e.container,
    probe: e.probe,
    rule: e.rule,
    message: e.message,
    fingerprint: e.fingerprint,
    count: e.count,
  }));
  return JSON.stringify({ version: FORMAT_VERSION, suppressions }, null, 2) + '\n';
}

/** Written beside the file and renamed over it: a reader (or a run that fails half-way) sees the old file or the new. */
async function writeSuppressions(target: string, text: string, shownAs: string): Promise<void> {
  // A symlinked file stays a symlink: its target is what is replaced.
  const real = await fsp.realpath(target).catch(() => target);
  const mode = await fsp.stat(real).then(
    (stat) => stat.mode & 0o7777,
    () => 0o644,
  );
  try {
    await replaceBeside(real, text, { mode });
  } catch (error) {
    throw writeError(shownAs, error);
  }
}

/** A file that cannot be written is the user's to fix (exit 2), said in their terms rather than as an errno. */
function writeError(shownAs: string, error: unknown): ConfigError {
  return new ConfigError(`${shownAs}: cannot write suppressions: ${writeProblem(error) ?? (error as NodeJS.ErrnoException).code ?? 'error'}`);
}

/** Bounded as every other read: a committed symlink to /dev/zero or a FIFO must not hang the run. */

type Fail = (node: TreeNode, keyPath: string, problem: string) => never;

const REGENERATE = `fix it, or delete it and run probe-lint --suppress-all`;

/**
 * The entries of a suppressions file's text. JSON.parse decides what is JSON
 * (the YAML parser would take more); the tree then gives each value its line
 * for the error messages.
 */
function parseSuppressions(text: string, absPath: string, shownAs: string): SuppressionEntry[] {
  const source: SourceFile = { path: shownAs, absPath, text, bom: false };
  try {
    JSON.parse(text);
  } catch (error) {
    // Node 20 words some errors without a position ("Unexpected token ','"); the scan finds it for every kind.
    const message = (error as Error).message
      .replace(/, .* is not valid JSON$/s, '')
      .replace(/( in JSON)? at position.*$/s, '');
    const { line, column } = positionOf(source, jsonErrorOffset(text));
    throw new ConfigError(`${shownAs}:${line}:${column}: not valid JSON: ${message}; ${REGENERATE}`);
  }
  const parsed = parseFile(source, true);
  if (parsed.error) {
    const { line, column } = positionOf(source, parsed.error.span.start);
    throw new ConfigError(`${shownAs}:${line}:${column}: ${parsed.error.message}; ${REGENERATE}`);
  }
  const fail: Fail = (node, keyPath, problem) => {
    throw new ConfigError(`${shownAs}:${positionOf(source, node.span.start).line}: ${keyPath}: ${problem}`);
  };
  const root = parsed.documents[0]?.root ?? null;
  if (root === null || root.kind !== 'map') {
    throw new ConfigError(`${shownAs}:1: expected {"version": ${FORMAT_VERSION}, "suppressions": [...]}; ${REGENERATE}`);
  }
  let version: TreeNode | null = null;
  let list: TreeNode | null = null;
  for (const e of root.entries) {
    const value = e.value ?? fail(root, e.key, 'has no value');
    if (e.key === 'version') version = value;
    else if (e.key === 'suppressions') list = value;
    else fail(value, e.key, `unknown key${suggest(e.key, TOP_KEYS)}`);
  }
  if (!version) fail(root, 'version', `is missing (expected ${FORMAT_VERSION})`);
  const v = version!.kind === 'scalar' ? version!.value : null;
  if (typeof v === 'number' && v > FORMAT_VERSION) fail(version!, 'version', `is ${v}: written by a newer probe-lint; upgrade probe-lint`);
  if (v !== FORMAT_VERSION) fail(version!, 'version', `must be ${FORMAT_VERSION}, not ${JSON.stringify(v)}`);
  if (!list) fail(root, 'suppressions', 'is missing');
  if (list!.kind !== 'seq') fail(list!, 'suppressions', 'must be a list');
  return (list as Extract<TreeNode, { kind: 'seq' }>).items.map((item, i) => entryFrom(item, `suppressions[${i}]`, fail));
}

/** Where a JSON text stops being JSON (RFC 8259): the offset of the first character that cannot follow. */
function jsonErrorOffset(text: string): number {
  let at = 0;
  const fail = (): never => {
    throw at;
  };
  const space = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const literal = (word: string): void => {
    if (!text.startsWith(word, at)) fail();
    at += word.length;
  };
  const string = (): void => {
    at++;
    for (;;) {
      const c = text[at];
      if (c === undefined || c < ' ') fail();
      if (c === '"') return void at++;
      if (c === '\\') {
        at++;
        if (text[at] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) fail();
          at += 4;
        } else if (!'"\\/bfnrt'.includes(text[at] ?? 'x')) fail();
      }
      at++;
    }
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at, at + 400));
    if (!match) fail();
    at += match![0].length;
  };
  const value = (): void => {
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      space();
      if (text[at] === '}') return void at++;
      for (;;) {
        space();
        if (text[at] !== '"') fail();
        string();
        space();
        if (text[at] !== ':') fail();
        at++;
        value();
        space();
        if (text[at] === '}') return void at++;
        if (text[at] !== ',') fail();
        at++;
      }
    }
    if (c === '[') {
      at++;
      space();
      if (text[at] === ']') return void at++;
      for (;;) {
        value();
        space();
        if (text[at] === ']') return void at++;
        if (text[at] !== ',') fail();
        at++;
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    return number();
  };
  try {
    value();
    space();
    return at < text.length ? at : text.length;
  } catch (offset) {
    return offset as number;
  }
}

function entryFrom(node: TreeNode, keyPath: string, fail: Fail): SuppressionEntry {
  if (node.kind !== 'map') fail(node, keyPath, 'must be an object');
  const map = node as MapNode;
  const values = new Map<string, TreeNode>();
  for (const e of map.entries) {
    if (!ENTRY_KEYS.includes(e.key)) fail(e.value ?? map, `${keyPath}.${e.key}`, `unknown key${suggest(e.key, ENTRY_KEYS)}`);
    values.set(e.key, e.value ?? fail(map, `${keyPath}.${e.key}`, 'has no value'));
  }
  const scalar = (key: string): string | number | boolean | null | undefined => {
    const value = values.get(key);
    if (value === undefined) return undefined;
    return value.kind === 'scalar' ? value.value : fail(value, `${keyPath}.${key}`, 'must be a string or a number, not a list or an object');
  };
  const text = (key: string): string => {
    const value = scalar(key);
    if (value === undefined) fail(map, `${keyPath}.${key}`, 'is missing');
    return typeof value === 'string' && value !== '' ? value : fail(values.get(key)!, `${keyPath}.${key}`, `must be a non-empty string, not ${JSON.stringify(value)}`);
  };
  const optional = (key: string): string | null => {
    const value = scalar(key);
    if (value === undefined || value === null) return null;
    return typeof value === 'string' ? value : fail(values.get(key)!, `${keyPath}.${key}`, `must be a string or null, not ${JSON.stringify(value)}`);
  };
  const hash = text('fingerprint');
  if (!/^[0-9a-f]{32}$/.test(hash)) fail(values.get('fingerprint')!, `${keyPath}.fingerprint`, `must be 32 lowercase hex digits, not ${JSON.stringify(hash)}`);
  const count = scalar('count');
  if (count === undefined) fail(map, `${keyPath}.count`, 'is missing');
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1) fail(values.get('count')!, `${keyPath}.count`, `must be a whole number ≥ 1, not ${JSON.stringify(count)}`);
  return {
    file: text('file'),
    object: optional('object'),
    container: optional('container'),
    probe: optional('probe'),
    rule: text('rule'),
    message: optional('message'),
    fingerprint: hash,
    count: count as number,
  };
}
