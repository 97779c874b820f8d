// Paths, directories and globs → the files to lint. Walks with .gitignore and
// --ignore applied, never follows a symlink out of the walked root, and sets
// Helm charts aside: their templates are not YAML until rendered.
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { glob, hasMagic } from 'glob';
import ignore, { type Ignore } from 'ignore';
import { KUSTOMIZATION_NAMES, kustomizationFile } from './kustomize.js';

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
  /** Chart directories (absolute), each once, however many of their files were named. */
  charts: string[];
  /** Directories with a kustomization file (absolute). */
  kustomizations: string[];
  notices: Notice[];
}

export class UsageError extends Error {}

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

export async function collectInputs(args: string[], cwd: string, ignoreLists: IgnoreList[]): Promise<Inputs> {
  const inputs: Inputs = { files: [], stdin: false, charts: [], kustomizations: [], notices: [] };
  const seen = new Set<string>();
  const userIgnores: GitIgnore[] = ignoreLists.map(({ base, patterns }) => ({ base, rules: ignore().add(patterns) }));
  const ignoredByCli = (abs: string, dir: boolean): boolean => isIgnored(userIgnores, abs, dir);
  const addFile = (abs: string): void => {
    if (seen.has(abs) || ignoredByCli(abs, false)) return;
    seen.add(abs);
    inputs.files.push({ absPath: abs, path: displayPath(cwd, abs) });
  };
  const addChart = (chartDir: string): void => {
    if (!inputs.charts.includes(chartDir)) inputs.charts.push(chartDir);
  };
  const addKustomization = (dir: string): void => {
    if (!inputs.kustomizations.includes(dir)) inputs.kustomizations.push(dir);
  };

  for (const arg of args.length > 0 ? args : ['.']) {
    if (arg === '-') {
      inputs.stdin = true;
      continue;
    }
    const abs = path.resolve(cwd, arg);
    const stat = await fs.stat(abs).catch(() => null);
    if (stat?.isDirectory()) {
      await walk(abs, { addFile, addChart, addKustomization, ignoredByCli });
    } else if (stat) {
      const chart = await chartOf(abs);
      if (chart) addChart(chart);
      else {
        // A file named in a kustomization's directory (as pre-commit names them) brings that kustomization in.
        if (kustomizationFile(path.dirname(abs))) addKustomization(path.dirname(abs));
        addFile(abs);
      }
    } else if (hasMagic(arg, { windowsPathsNoEscape: true })) {
      const matches = await glob(arg, { cwd, absolute: true, dot: false, ignore: ['**/node_modules/**', '**/.git/**'] });
      if (matches.length === 0) throw new UsageError(`no files match ${JSON.stringify(arg)}`);
      for (const match of matches.sort()) {
        const matchStat = await fs.stat(match).catch(() => null);
        if (matchStat?.isDirectory()) await walk(match, { addFile, addChart, addKustomization, ignoredByCli });
        else if (YAML_FILE.test(match)) {
          const chart = await chartOf(match);
          if (chart) addChart(chart);
          else addFile(match);
        }
      }
    } else {
      throw new UsageError(`no such file or directory: ${arg}`);
    }
  }
  // Charts and kustomizations are met in whatever order concurrent reads finish.
  inputs.charts.sort();
  inputs.kustomizations.sort();
  return inputs;
}

/** The chart directory a file belongs to: the nearest ancestor with a Chart.yaml. */
function chartOf(file: string): Promise<string | null> {
  return chartContaining(path.dirname(file));
}

async function chartContaining(start: string): Promise<string | null> {
  for (const dir of ancestors(start)) {
    if (await exists(path.join(dir, 'Chart.yaml'))) return dir;
    if (await exists(path.join(dir, '.git'))) return null;
  }
  return null;
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

interface WalkSink {
  addFile(abs: string): void;
  addChart(dir: string): void;
  addKustomization(dir: string): void;
  ignoredByCli(abs: string, dir: boolean): boolean;
}

interface GitIgnore {
  base: string;
  rules: Ignore;
}

async function walk(root: string, sink: WalkSink): Promise<void> {
  const realRoot = await fs.realpath(root);
  const visited = new Set<string>();
  const chartAbove = await chartContaining(root);
  if (chartAbove) {
    sink.addChart(chartAbove);
    return;
  }
  const inherited = await ancestorGitignores(root);

  // Subdirectories are read concurrently; results are joined in name order so runs are repeatable.
  const visit = async (dir: string, real: string, ignores: GitIgnore[]): Promise<string[]> => {
    if (visited.has(real)) return [];
    visited.add(real);
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return [];
    }
    if (entries.some((e) => e.name === 'Chart.yaml' && !e.isDirectory())) {
      sink.addChart(dir);
      return [];
    }
    if (entries.some((e) => KUSTOMIZATION_NAMES.includes(e.name) && !e.isDirectory())) sink.addKustomization(dir);
    const own = entries.some((e) => e.name === '.gitignore') ? await readGitignore(dir) : null;
    const active = own ? [...ignores, own] : ignores;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const found = await Promise.all(
      entries.map(async (e): Promise<string[]> => {
        const abs = path.join(dir, e.name);
        let target = path.join(real, e.name);
        let isDir = e.isDirectory();
        let isFile = e.isFile();
        if (e.isSymbolicLink()) {
          const resolved = await fs.realpath(abs).catch(() => null);
          if (!resolved || !isInside(realRoot, resolved)) return [];
          const stat = await fs.stat(resolved).catch(() => null);
          target = resolved;
          isDir = Boolean(stat?.isDirectory());
          isFile = Boolean(stat?.isFile());
        }
        if (isDir && SKIPPED_DIRS.has(e.name)) return [];
        if (!isDir && !(isFile && YAML_FILE.test(e.name))) return [];
        if (isIgnored(active, abs, isDir) || sink.ignoredByCli(abs, isDir)) return [];
        return isDir ? visit(abs, target, active) : [abs];
      }),
    );
    return found.flat();
  };
  for (const file of await visit(root, realRoot, inherited)) sink.addFile(file);
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function isIgnored(ignores: GitIgnore[], abs: string, dir: boolean): boolean {
  return ignores.some(({ base, rules }) => {
    const rel = path.relative(base, abs);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false;
    return rules.ignores(rel.split(path.sep).join('/') + (dir ? '/' : ''));
  });
}

async function readGitignore(dir: string): Promise<GitIgnore | null> {
  const text = await fs.readFile(path.join(dir, '.gitignore'), 'utf8').catch(() => null);
  return text === null ? null : { base: dir, rules: ignore().add(text) };
}

/** .gitignore files above the walked root, up to the repository's top. */
async function ancestorGitignores(root: string): Promise<GitIgnore[]> {
  const above = ancestors(root);
  const top = above.findIndex((dir) => existsSync(path.join(dir, '.git')));
  // Not in a repository: only the tree's own .gitignore files count.
  if (top === -1) return [];
  const found = await Promise.all(above.slice(1, top + 1).reverse().map(readGitignore));
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
  return ancestors(dir).find((at) => existsSync(path.join(at, '.git'))) ?? path.resolve(dir);
}
