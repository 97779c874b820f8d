// Paths, directories and globs → the files to lint. Walks with .gitignore and
// --ignore applied, never follows a symlink out of the walked root (nor out of
// the directory a glob starts from), sets Helm charts aside (their templates
// are not YAML until rendered), and passes on only regular files of a sane
// size: a FIFO would block the run and a device would never end.
// Synchronous fs throughout: a walk is thousands of small calls, each a few microseconds, and their
// promise forms spent longer queueing on the thread pool than the calls took (#13: the corpus walk went
// from about 210 ms to 135 ms, median of 7 fresh processes).
import { existsSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { fileProblem, MAX_FILE_BYTES, readBounded } from './tree-files.js';
import { isInside } from './files.js';

export interface InputFile {
  absPath: string;
  /** Relative to the working directory with `/` separators. */
  path: string;
}

export interface Notice {
  file: string | null;
  line: number | null;
  message: string;
}

export interface Inputs {
  files: InputFile[];
  stdin: boolean;
  /** Directories to render (absolute, sorted), by kind: each once, however many of their files were named. */
  targets: Map<RenderedInputKind, string[]>;
  notices: Notice[];
  /**
   * Path arguments that gave nothing to lint, each named (`file`) with why:
   * missing, a glob matching no manifest, a directory without one. The caller
   * decides whether that is an error (SPEC §5: by default it is).
   */
  unmatched: Notice[];
}

export class UsageError extends Error {}

/**
 * A kind of directory that is rendered rather than read (src/renderers): what
 * the walk needs to know to set it aside.
 */
export interface RenderedInputKind {
  /** File names that make a directory one; the first present is its entry file. */
  readonly entryNames: readonly string[];
  /**
   * Whether the directory's whole tree is the input's (a chart's templates are
   * not YAML until rendered): a walk stops there, and a file named below it
   * stands for it. Otherwise the walk goes on below, and a file named in the
   * directory itself brings it in.
   */
  readonly ownsTree: boolean;
  /** The largest entry file read. */
  readonly maxEntryBytes: number;
}

export interface CollectOptions {
  cwd: string;
  /** Apply everywhere (--ignore). */
  ignore: IgnoreList[];
  /** The ignore list of the config that applies in a directory, so that a config in a subdirectory decides below it. */
  configIgnore(dir: string): IgnoreList;
  /** What is rendered rather than read. */
  kinds: readonly RenderedInputKind[];
  /** File names a walk passes by: probe-lint's own settings files, which are YAML or JSON but not manifests. */
  skipNames: readonly string[];
}

const YAML_FILE = /\.(ya?ml|json)$/i;
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

export function displayPath(cwd: string, absPath: string): string {
  const rel = path.relative(cwd, absPath);
  return (rel === '' ? '.' : rel).split(path.sep).join('/');
}

/** gitignore-style patterns and the directory they are relative to (--ignore: the working directory; config: its own). */
export interface IgnoreList {
  base: string;
  patterns: string[];
}

// Async in signature only (the walk is synchronous): callers stay as they are if a step ever needs to wait.
export async function collectInputs(args: string[], options: CollectOptions): Promise<Inputs> {
  const { cwd } = options;
  const inputs: Inputs = { files: [], stdin: false, targets: new Map(options.kinds.map((kind) => [kind, []])), notices: [], unmatched: [] };
  const seen = new Set<string>();
  // What each argument brought in, seen or not before: a file named twice still matched. A file met but
  // skipped with a notice (a FIFO, a huge file) counts too: the notice already names it.
  let met = 0;
  let ignored = 0;
  const sink: WalkSink = {
    ignored: () => {
      ignored++;
    },
    kinds: options.kinds,
    skipNames: new Set(options.skipNames),
    userIgnores: options.ignore.map(({ base, patterns }) => gitIgnore(base, patterns)),
    configIgnores: configIgnoresOf(options.configIgnore),
    addFile: (abs) => {
      met++;
      if (seen.has(abs)) return;
      seen.add(abs);
      inputs.files.push({ absPath: abs, path: displayPath(cwd, abs) });
    },
    addTarget: (kind, dir) => {
      met++;
      const dirs = inputs.targets.get(kind)!;
      if (!dirs.includes(dir)) dirs.push(dir);
    },
    notice: (abs, message) => {
      met++;
      const file = displayPath(cwd, abs);
      // A kustomization named as a file is met twice (as a file, as a kustomization): say it once.
      if (!inputs.notices.some((n) => n.file === file)) inputs.notices.push({ file, line: null, message });
    },
  };

  for (const arg of args.length > 0 ? args : ['.']) {
    if (arg === '-') {
      inputs.stdin = true;
      continue;
    }
    const abs = path.resolve(cwd, arg);
    const stat = statOrNull(abs);
    const [metBefore, ignoredBefore] = [met, ignored];
    const isGlob = !stat && (await isGlobPattern(arg));
    if (stat?.isDirectory()) walk(abs, sink, true);
    else if (stat) addNamedFile(abs, sink);
    else if (isGlob) addGlob(arg, cwd, sink, await globLibrary());
    if (met > metBefore) continue;
    const skipped = ignored - ignoredBefore;
    const why = !stat && !isGlob ? 'no such file or directory' : isGlob ? 'no YAML file, Helm chart or kustomization matches this glob' : 'no YAML file, Helm chart or kustomization in this directory';
    inputs.unmatched.push({ file: arg, line: null, message: skipped > 0 ? `${why} that is not ignored (${skipped} ignored by .gitignore, --ignore or the config)` : why });
  }
  // Targets and notices are met in walk order, not by path: sorted, so that output is too.
  for (const dirs of inputs.targets.values()) dirs.sort();
  const key = (n: Notice): string => n.file ?? '';
  inputs.notices.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return inputs;
}

type GlobLibrary = typeof import('glob');

// Loaded only for an argument that is no path on disk: compiling `glob` would be a tenth of a small run's start.
const globLibrary = (): Promise<GlobLibrary> => import('glob');

/** Whether an argument that names nothing on disk is a glob (it has magic characters), as `glob` matches it. */
export async function isGlobPattern(arg: string): Promise<boolean> {
  return (await globLibrary()).hasMagic(arg, { windowsPathsNoEscape: true });
}

/** A file named on the command line: linted even when an ignore would skip it in a walk (SPEC §5). */
function addNamedFile(abs: string, sink: WalkSink): void {
  if (addOwnerOf(path.dirname(abs), sink)) return;
  // A file named in a kustomization's directory (as pre-commit names them) brings that kustomization in.
  addTargetsOf(path.dirname(abs), sink, false);
  if (readable(abs, sink)) sink.addFile(abs);
}

/** The matches of a glob: like a walk, they never lead through a symlink out of the tree the pattern starts from. */
function addGlob(pattern: string, cwd: string, sink: WalkSink, glob: GlobLibrary): void {
  const matches = glob.globSync(pattern, { cwd, absolute: true, dot: false, ignore: ['**/node_modules/**', '**/.git/**'] });
  const start = globRoot(pattern, cwd, glob);
  const root = realpathOrNull(start);
  for (const match of matches.sort()) {
    const real = realpathOrNull(match);
    if (!root || !real || !isInside(root, real)) continue;
    const stat = statOrNull(real);
    if (stat?.isDirectory()) walk(match, sink, false);
    else if (YAML_FILE.test(match)) {
      if (addOwnerOf(path.dirname(match), sink)) continue;
      if (isIgnored(sink.userIgnores, match, false) || configIgnoresOnTheWay(sink, start, match)) sink.ignored();
      else if (readable(match, sink)) sink.addFile(match);
    }
  }
}

/**
 * Whether a config ignores a glob's match as a walk from the glob's root would:
 * each directory on the way is judged by the config of the directory holding
 * it (a config that ignores `legacy/` keeps a walk out, even though legacy/
 * has a config of its own), and the file by its own directory's config.
 */
function configIgnoresOnTheWay(sink: WalkSink, root: string, match: string): boolean {
  const below = ancestors(path.dirname(match)).filter((dir) => dir !== root && isInside(root, dir));
  if (below.some((dir) => isIgnored(sink.configIgnores(path.dirname(dir)), dir, true))) return true;
  return isIgnored(sink.configIgnores(path.dirname(match)), match, false);
}

/** The directory a glob starts from: its segments before the first one with magic. */
function globRoot(pattern: string, cwd: string, glob: GlobLibrary): string {
  const fixed: string[] = [];
  for (const segment of pattern.split('/').slice(0, -1)) {
    // A brace can hold a `/` ({a/b,c}): the segments after an opening one are not literal.
    if (glob.hasMagic(segment, { windowsPathsNoEscape: true }) || /[{}]/.test(segment)) break;
    fixed.push(segment);
  }
  return path.resolve(cwd, fixed.join('/'));
}

/** Whether a file may be read for linting: a regular file of at most MAX_FILE_BYTES; else a notice names it. */
function readable(abs: string, sink: WalkSink): boolean {
  // A file that cannot be stat'ed is left to the reader, which says why it cannot read it. Synchronous:
  // a stat is a few microseconds, and a walk of thousands of files would wait longer on the thread pool.
  let stat;
  try {
    stat = statSync(abs);
  } catch {
    return true;
  }
  const problem = fileProblem(stat, MAX_FILE_BYTES);
  if (problem) sink.notice(abs, `${problem}; skipped`);
  return !problem;
}

/**
 * Brings in what a directory is an input of, for the kinds that do (or do not)
 * own their tree; an entry file that is not a regular file of a sane size is
 * named in a notice, and a kind that owns its tree still claims the directory,
 * so that what is under it is never read as manifests.
 */
function addTargetsOf(dir: string, sink: WalkSink, owning: boolean): boolean {
  let claimed = false;
  for (const kind of sink.kinds.filter((k) => k.ownsTree === owning)) {
    for (const name of kind.entryNames) {
      const file = path.join(dir, name);
      const stat = statOrNull(file);
      if (!stat || stat.isDirectory()) continue;
      const problem = fileProblem(stat, kind.maxEntryBytes);
      if (problem) sink.notice(file, `${problem}; this directory is not rendered${kind.ownsTree ? '' : ' and its files are linted as they are'}`);
      if (!problem || kind.ownsTree) sink.addTarget(kind, dir);
      claimed = claimed || !problem || kind.ownsTree;
      break;
    }
  }
  return claimed;
}

/** The nearest directory at or above `start` that a tree-owning kind claims (a chart a template belongs to), brought in. */
function addOwnerOf(start: string, sink: WalkSink): boolean {
  if (!sink.kinds.some((k) => k.ownsTree)) return false;
  for (const dir of ancestors(start)) {
    if (addTargetsOf(dir, sink, true)) return true;
    if (existsSync(path.join(dir, '.git'))) return false;
  }
  return false;
}

/** What stat says of a path (symlinks followed); null when it cannot say (missing, dangling, no permission). */
export function statOrNull(p: string): Stats | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

/** The path with every symlink resolved by realpath(3) itself (the native form: one call, not an lstat per component); null when that fails. */
function realpathOrNull(p: string): string | null {
  try {
    return realpathSync.native(p);
  } catch {
    return null;
  }
}

interface WalkSink {
  /** An entry an ignore list kept out: said when an argument then yields nothing. */
  ignored(): void;
  /** --ignore and the config's ignore lists. */
  userIgnores: GitIgnore[];
  /** The ignore list of the config that applies in a directory. */
  configIgnores(dir: string): GitIgnore[];
  addFile(abs: string): void;
  kinds: readonly RenderedInputKind[];
  skipNames: ReadonlySet<string>;
  addTarget(kind: RenderedInputKind, dir: string): void;
  notice(abs: string, message: string): void;
}

interface GitIgnore {
  base: string;
  /** The patterns as written, one a line: kept to drop those a named directory is exempt from. */
  patterns: string[];
  rules: Ignore;
}

/** Memoized per list, so that the walk's per-directory lookups return the same array for the same config. */
function configIgnoresOf(configIgnore: (dir: string) => IgnoreList): (dir: string) => GitIgnore[] {
  const made = new Map<IgnoreList, GitIgnore[]>();
  return (dir) => {
    const list = configIgnore(dir);
    let lists = made.get(list);
    if (!lists) made.set(list, (lists = list.patterns.length > 0 ? [gitIgnore(list.base, list.patterns)] : []));
    return lists;
  };
}

function gitIgnore(base: string, patterns: string[]): GitIgnore {
  return { base, patterns, rules: ignore().add(patterns) };
}

/**
 * Walks a directory for manifests. One named on the command line is walked
 * even when an ignore excludes it or a directory above it, as a named file is
 * linted (SPEC §5); ignores still apply to the entries below it.
 */
function walk(root: string, sink: WalkSink, named: boolean): void {
  const realRoot = realpathSync.native(root);
  const visited = new Set<string>();
  if (addOwnerOf(root, sink)) return;
  const exempt = (lists: GitIgnore[]): GitIgnore[] => (named ? lists.map((list) => exempting(list, root)) : lists);
  const inherited = exempt(ancestorGitignores(root, sink));
  const user = exempt(sink.userIgnores);
  // Few configs, many directories: each config's list is made exempt once per walk.
  const exemptConfig = new Map<GitIgnore[], GitIgnore[]>();
  const configured = (dir: string): GitIgnore[] => {
    const lists = sink.configIgnores(dir);
    let made = exemptConfig.get(lists);
    if (!made) exemptConfig.set(lists, (made = exempt(lists)));
    return made;
  };

  // Depth first, in name order, so runs are repeatable; files are added once the walk is done.
  const visit = (dir: string, real: string, ignores: GitIgnore[]): string[] => {
    if (visited.has(real)) return [];
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
    const names = new Set(entries.filter((e) => !e.isDirectory()).map((e) => e.name));
    const holds = (owning: boolean): boolean => sink.kinds.some((k) => k.ownsTree === owning && k.entryNames.some((n) => names.has(n)));
    if (holds(true) && addTargetsOf(dir, sink, true)) return [];
    if (holds(false)) addTargetsOf(dir, sink, false);
    const own = entries.some((e) => e.name === '.gitignore') ? readGitignore(dir, sink) : null;
    const active = own ? [...ignores, own] : ignores;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return entries.flatMap((e): string[] => {
      const abs = path.join(dir, e.name);
      let target = path.join(real, e.name);
      let isDir = e.isDirectory();
      if (e.isSymbolicLink()) {
        const resolved = realpathOrNull(abs);
        if (!resolved || !isInside(realRoot, resolved)) return [];
        target = resolved;
        isDir = Boolean(statOrNull(resolved)?.isDirectory());
      }
      if (isDir && SKIPPED_DIRS.has(e.name)) return [];
      // Whatever else has a manifest's name is looked at, so that a FIFO or a device under one gets a notice.
      if (!isDir && (!YAML_FILE.test(e.name) || sink.skipNames.has(e.name))) return [];
      if (isIgnored(active, abs, isDir) || isIgnored(user, abs, isDir) || isIgnored(configured(dir), abs, isDir)) {
        sink.ignored();
        return [];
      }
      if (isDir) return visit(abs, target, active);
      return readable(abs, sink) ? [abs] : [];
    });
  };
  for (const file of visit(root, realRoot, inherited)) sink.addFile(file);
}

/** An ignore list as it applies below a directory named on the command line: without the patterns that exclude it or a directory above it. */
function exempting(list: GitIgnore, dir: string): GitIgnore {
  const rel = relativeBelow(list.base, dir);
  if (rel === null || !list.rules.ignores(`${rel}/`)) return list;
  return gitIgnore(list.base, list.patterns.filter((pattern) => !ignore().add(pattern).ignores(`${rel}/`)));
}

/** `abs` relative to `base` with `/` separators; null unless it is strictly below `base`. */
function relativeBelow(base: string, abs: string): string | null {
  const rel = path.relative(base, abs);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}

function isIgnored(ignores: GitIgnore[], abs: string, dir: boolean): boolean {
  return ignores.some(({ base, rules }) => {
    const rel = relativeBelow(base, abs);
    return rel !== null && rules.ignores(rel + (dir ? '/' : ''));
  });
}

/** The most read of one .gitignore. */
const MAX_GITIGNORE_BYTES = 4 * 1024 * 1024;

function readGitignore(dir: string, sink: WalkSink): GitIgnore | null {
  const file = path.join(dir, '.gitignore');
  let read;
  try {
    read = readBounded(file, MAX_GITIGNORE_BYTES);
  } catch {
    return null;
  }
  if ('skipped' in read) {
    sink.notice(file, `${read.skipped}; its patterns are not applied`);
    return null;
  }
  return gitIgnore(dir, read.bytes.toString('utf8').split(/\r?\n/));
}

/** .gitignore files above the walked root, up to the repository's top. */
function ancestorGitignores(root: string, sink: WalkSink): GitIgnore[] {
  const above = ancestors(root);
  const top = above.findIndex((dir) => existsSync(path.join(dir, '.git')));
  // Not in a repository: only the tree's own .gitignore files count.
  if (top === -1) return [];
  const found = above
    .slice(1, top + 1)
    .reverse()
    .map((dir) => readGitignore(dir, sink));
  return found.filter((g): g is GitIgnore => g !== null);
}

/** A directory and each one above it, up to the filesystem root. */
export function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    out.push(at);
    if (path.dirname(at) === at) return out;
  }
}

/** The top of the git repository holding `dir`, else `dir` itself: what SARIF paths are relative to. */
export function repositoryRoot(dir: string): string {
  return repositoryTop(dir) ?? path.resolve(dir);
}

/** The top of the git repository holding `dir` (the directory with `.git`), or null outside one. */
export function repositoryTop(dir: string): string | null {
  return ancestors(dir).find((at) => existsSync(path.join(at, '.git'))) ?? null;
}
