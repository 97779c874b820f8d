// --fix: apply fixes in passes until nothing applicable is left (at most 10),
// re-parsing every pass and checking that it left each file holding the same
// objects apart from the fields its fixes meant to change, then write each
// file atomically with its BOM, line endings and mode kept. No byte is lost on the
// way: a file whose bytes are not all UTF-8 is not fixed (its text is not its
// bytes), a symlink is written through to its real file (once, however many
// names it is linted under, and only inside the linted tree), and a file that
// changed on disk since it was read, or cannot be written, is left alone and
// reported while the others are written. Kustomize resource files, which the lint
// reads through kubectl from disk, are fixed in rounds after the passes: written,
// re-rendered and linted again until a render proposes nothing more (at most 10).
import fs from 'node:fs/promises';
import path from 'node:path';
import { isInside } from './files.js';
import { writeFixed, type FixedFile, type Refusal, type ReplaceFile } from './fix-write.js';
import { locator, sameObjects } from './same-objects.js';
import { applyEdits, type TextEdit } from './edit.js';
import type { Notice } from './inputs.js';
import { parseFile, type ParsedFile } from './parse.js';
import type { Fix } from './rule.js';
import { decodedLossily, strictUtf8 } from './read-inputs.js';
import { run, type RunOptions, type RunResult } from './run.js';
import type { ToolResult } from './renderers/renderer.js';
import { forgetRendersOf } from './renderers/tools.js';
import { positionOf, type SourceFile } from './source.js';
import { readTreeFile } from './tree-files.js';
import type { TreeNode } from './tree.js';
import { push } from './multimap.js';

const MAX_PASSES = 10;

export interface FixOutcome {
  /** The lint of the fixed texts: what is left. */
  result: RunResult;
  files: FixedFile[];
  /** Files left as they were because a fix would have broken them: a bug in probe-lint, reported as such. */
  refused: Refusal[];
  /** Files left as they were for a reason of their own (not UTF-8, a link out of the linted tree); each is also a notice of `result`. */
  skipped: Refusal[];
  /** Kustomize resource files fixed and already written by fixAll (given `write`): not to be written again. */
  written: FixedFile[];
  /** Resource files whose write failed (changed on disk, permissions); they are as they were. */
  unwritten: Refusal[];
  /** Fixes shown and never written (a chart's values and templates, SPEC §4), as the files would read with them: for --fix-dry-run. */
  shown: FixedFile[];
}

/** The names a run lints each real file under, and the one its fixes are made under. */
interface RealFiles {
  /** Real path by linted absolute path. */
  targets: Map<string, string>;
  /** Linted absolute paths by real path; the first is the one fixed. */
  names: Map<string, string[]>;
  /** Real directories the run was asked to lint (and the working directory): nothing outside them is written. */
  roots: string[];
}

/**
 * `write` (--fix, not --fix-dry-run) lets Kustomize resource files be written while the run goes on: kubectl
 * reads them from disk, so only a written base shows an overlay's knock-on findings (a raised readiness
 * threshold makes a liveness one too low). Without it nothing is written, the base fixes of the first
 * lint (those the JSON report carries) come back in `files` with the others, and the report shows the
 * findings on rendered output as they are on disk (no render can show a base that is not written).
 */
export async function fixAll(options: RunOptions, unsafe: boolean, write?: ReplaceFile): Promise<FixOutcome> {
  const texts = new Map<string, string>();
  const originals = new Map<string, SourceFile>();
  const counts = new Map<string, number>();
  const refused = new Map<string, Refusal>();
  const skipped = new Map<string, Refusal>();
  options = { ...options, renderCache: options.renderCache ?? new Map() };
  let result = await run(options);
  const real = await realFiles(result, options);
  // What the first lint proposes for files the lint reads through a tool: what the JSON report carries.
  const first = gatherElsewhere(result, unsafe);
  const passes: Passes<{ result: RunResult }> = {
    fixes: (linted) => fixesByFile(linted.result, unsafe),
    admit: (file) => {
      const absPath = file.absPath!;
      if (refused.has(absPath) || skipped.has(absPath) || !isFixedName(real, absPath)) return false;
      const why = whyNotFixable(file, real);
      if (why) skipped.set(absPath, { path: file.path, reason: why });
      return why === null;
    },
    skip: (file, reason) => void skipped.set(file.absPath!, { path: file.path, reason }),
    // fixInPasses has already let the file's text go: it stays as it is on disk.
    refuse: (file, reason) => void refused.set(file.absPath!, { path: file.path, reason }),
    applied: (file, fixes) => {
      const absPath = file.absPath!;
      if (!originals.has(absPath)) originals.set(absPath, file);
      counts.set(absPath, (counts.get(absPath) ?? 0) + fixes.length);
    },
    lint: async () => ({ result: await run({ ...options, overrides: underEveryName(texts, real) }) }),
  };
  /** Ordinary passes over the files the lint reads itself, until nothing applicable is left (at most 10). */
  const settlePasses = async (): Promise<void> => {
    result = (await fixInPasses({ result }, texts, passes)).result;
  };
  await settlePasses();
  const written = new Map<string, FixedFile>();
  const unwritten: Refusal[] = [];
  const noteElsewhere = (made: Awaited<ReturnType<typeof fixElsewhere>>): void => {
    for (const r of made.refused) refused.set(r.absPath, { path: r.path, reason: r.reason });
    for (const r of made.skipped) skipped.set(r.absPath, { path: r.path, reason: r.reason });
  };
  const applied: FixedFile[] = [];
  if (!write) {
    const made = await fixElsewhere(first.applied, real, new Set());
    noteElsewhere(made);
    applied.push(...made.files);
  } else {
    // Rounds of base fixes, each made against the files as they are on disk and checked as every fixed file
    // is, written, and followed by fresh renders of the overlays that read them, until a render proposes
    // nothing more (bounded like the passes). A file once skipped or refused is not tried again.
    const failedWrites = new Set<string>();
    for (let round = 0; round < MAX_PASSES; round++) {
      const givenUp = new Set([...skipped.keys(), ...refused.keys(), ...failedWrites]);
      const made = await fixElsewhere(gatherElsewhere(result, unsafe).applied, real, givenUp);
      noteElsewhere(made);
      if (made.files.length === 0) break;
      const failed = await writeFixed(made.files, write);
      unwritten.push(...failed);
      const done = made.files.filter((f) => !failed.some((u) => u.path === f.path));
      for (const f of made.files) if (!done.includes(f)) failedWrites.add(f.absPath);
      for (const f of done) {
        const earlier = written.get(f.absPath);
        written.set(f.absPath, earlier ? { ...f, before: earlier.before, fixes: earlier.fixes + f.fixes } : f);
      }
      if (done.length === 0) break;
      options = { ...options, renderCache: withoutRendersOf(options.renderCache!, result, done, options.cwd) };
      result = await run({ ...options, overrides: underEveryName(texts, real) });
      // The new renders may propose fixes in the files the lint reads itself too.
      await settlePasses();
    }
  }
  const files: FixedFile[] = [...texts].map(([absPath, after]) => {
    const original = originals.get(absPath)!;
    return { path: original.path, absPath, target: real.targets.get(absPath) ?? absPath, before: original.text, after, bom: original.bom, fixes: counts.get(absPath) ?? 0 };
  });
  files.push(...applied);
  // What is reported describes the files as they will be: refused ones as on disk.
  if (refused.size > 0) result = await run({ ...options, overrides: underEveryName(texts, real) });
  const notices: Notice[] = [...skipped.values()].map(({ path, reason }) => ({ file: path, line: null, message: `${reason}: --fix leaves it unchanged` }));
  // Resource files written in rounds were linted through fresh renders afterwards: what is left is what kubectl renders now.
  const findings = result.findings.flatMap((f) => {
    // A file --fix will not touch has nothing "fixable with --fix" left.
    const untouched = (f.fix?.target ? f.fix.target.absPath : f.file.absPath) ?? null;
    return untouched !== null && skipped.has(untouched) && f.fix && !f.fix.shownOnly ? [{ ...f, fix: null }] : [f];
  });
  return {
    result: { ...result, findings, notices: [...result.notices, ...notices] },
    files: files.sort((a, b) => (a.path < b.path ? -1 : 1)),
    written: [...written.values()].sort((a, b) => (a.path < b.path ? -1 : 1)),
    unwritten,
    refused: [...refused.values()],
    skipped: [...skipped.values()],
    shown: shownFiles(first.shown),
  };
}

/**
 * The tool runs to keep for the next lint: all but the renders that read a file just written (kubectl reads
 * it from disk, so a cached render shows the old value).
 */
function withoutRendersOf(cache: ReadonlyMap<string, Promise<ToolResult>>, result: RunResult, files: readonly FixedFile[], cwd: string): Map<string, Promise<ToolResult>> {
  const changed = new Set(files.flatMap((f) => [f.absPath, f.target]));
  const stale = new Set(
    result.files.flatMap(({ file }) => (file.rendered && file.rendered.reads.some((r) => changed.has(r)) ? [path.resolve(cwd, file.rendered.dir)] : [])),
  );
  return forgetRendersOf(cache, stale);
}

/** A fix's edits and safety: the same fix proposed by several overlays, or by every pass, has one. */
function fixKey(fix: Fix): string {
  return JSON.stringify([fix.safe, fix.edits.map((e) => [e.offset, e.length, e.text])]);
}

interface ElsewhereFile {
  file: SourceFile;
  /** By fixKey, in the order first proposed. */
  fixes: Map<string, Fix>;
  /** A fix was made against another text of the file: it changed on disk while the lint rendered. */
  changed: boolean;
}

/**
 * Fixes against a file the lint did not read itself: a Kustomize resource file
 * rendered through overlays (applied), a chart's values or templates (shown
 * only), by absolute path.
 */
interface Elsewhere {
  applied: Map<string, ElsewhereFile>;
  shown: Map<string, ElsewhereFile>;
}

/**
 * The fixes one lint proposes for files it read through a tool, by file. kubectl and helm read those files
 * from disk, never from the passes' texts: the same fix proposed by several overlays is one, and a
 * Kustomize resource file's fixes are made together, after the passes, against its text on disk.
 */
function gatherElsewhere(result: RunResult, unsafe: boolean): Elsewhere {
  const into: Elsewhere = { applied: new Map(), shown: new Map() };
  for (const finding of result.findings) {
    const fix = finding.fix;
    if (!isApplicable(fix, unsafe) || !fix.target?.absPath) continue;
    const files = fix.shownOnly ? into.shown : into.applied;
    let entry = files.get(fix.target.absPath);
    if (!entry) files.set(fix.target.absPath, (entry = { file: fix.target, fixes: new Map(), changed: false }));
    if (entry.file.text !== fix.target.text) entry.changed = true;
    else if (!entry.fixes.has(fixKey(fix))) entry.fixes.set(fixKey(fix), fix);
  }
  return into;
}

/**
 * The fixes of one file that can be made together in one go, all against the
 * same text (no re-lint can propose the rest against the new text, as kubectl
 * would read the old one): edits may not overlap, and two fixes may not change
 * the same field (overlays whose configs want different values for one line:
 * the first proposed wins). Inserts at one offset do not clash, as a re-lint
 * would have put the second after the first.
 */
function compatible(fixes: readonly Fix[]): Fix[] {
  const taken: TextEdit[] = [];
  const fields = new Set<string>();
  const clashes = (a: TextEdit, b: TextEdit): boolean => {
    if (a.length === 0 && b.length === 0) return false;
    if (a.length === 0) return b.offset <= a.offset && a.offset < b.offset + b.length;
    if (b.length === 0) return a.offset <= b.offset && b.offset < a.offset + a.length;
    return a.offset < b.offset + b.length && b.offset < a.offset + a.length;
  };
  const nodes = new Map<TreeNode, number>();
  const field = (c: { map: TreeNode; key: string }): string => {
    if (!nodes.has(c.map)) nodes.set(c.map, nodes.size);
    return `${nodes.get(c.map)}\0${c.key}`;
  };
  const accepted: Fix[] = [];
  for (const fix of fixes) {
    if (fix.edits.some((e) => taken.some((t) => clashes(e, t))) || fix.changes.some((c) => fields.has(field(c)))) continue;
    taken.push(...fix.edits);
    for (const c of fix.changes) fields.add(field(c));
    accepted.push(fix);
  }
  return accepted;
}

/** The text with the fixes' edits; at one offset the first fix's text comes first (applyEdits puts the last given first). */
function withFixes(text: string, fixes: readonly Fix[]): string {
  return applyEdits(text, fixes.flatMap((f) => f.edits).reverse());
}

interface ElsewhereRefusal extends Refusal {
  absPath: string;
}

/**
 * Makes the fixes gathered for Kustomize resource files, with the checks every
 * fixed file gets: the bytes on disk are UTF-8 and still what the fixes were
 * made against, the real file is inside the linted tree and not linted on its
 * own too (its own fixes go through the passes), the new text parses, and its
 * objects differ only in the fields the fixes change.
 */
async function fixElsewhere(
  gathered: ReadonlyMap<string, ElsewhereFile>,
  real: RealFiles,
  givenUp: ReadonlySet<string>,
): Promise<{ files: FixedFile[]; refused: ElsewhereRefusal[]; skipped: ElsewhereRefusal[] }> {
  const out = { files: [] as FixedFile[], refused: [] as ElsewhereRefusal[], skipped: [] as ElsewhereRefusal[] };
  for (const [absPath, { file, fixes, changed }] of gathered) {
    if (givenUp.has(absPath)) continue;
    const skip = (reason: string): void => void out.skipped.push({ absPath, path: file.path, reason });
    // Linted on its own as well (never in one run with its overlays today): its own fixes, made through the passes, win.
    if (real.targets.has(absPath)) continue;
    const target = await fs.realpath(absPath).catch(() => absPath);
    if (!real.roots.some((root) => isInside(root, target))) {
      skip(`outside the linted tree (${target})`);
      continue;
    }
    const bytes = await fs.readFile(absPath).catch(() => null);
    let onDisk: string | null = null;
    try {
      onDisk = bytes && strictUtf8.decode(bytes);
    } catch {
      skip('not valid UTF-8 (bytes that are not text were read as U+FFFD, and writing the text back would replace them)');
      continue;
    }
    const tree = readTreeFile(absPath);
    if (onDisk !== (file.bom ? '\uFEFF' : '') + file.text || tree?.file.text !== file.text || changed) {
      skip('it changed on disk while --fix ran; run --fix again');
      continue;
    }
    const accepted = compatible([...fixes.values()]);
    const after = withFixes(file.text, accepted);
    // The nodes the fixes' changes name are the ones readTreeFile built for this text (the cache holds them while the file is unchanged).
    const whole = tree.parsed;
    if (whole.error) {
      skip(`it does not parse as YAML 1.2 (${whole.error.message})`);
      continue;
    }
    const before: ParsedFile = { ...whole, documents: whole.documents.filter((d) => d.root !== null).map((d, index) => ({ ...d, index })) };
    const reparsed = parseFile({ ...file, text: after }, true);
    let why: string | null;
    if (reparsed.error) why = `a fix would break it (${reparsed.error.message}; ${accepted.map((f) => f.description).join('; ')})`;
    else {
      const where = locator(before);
      try {
        const changed = accepted.flatMap((fix) => fix.changes.map((c) => where(c.map, c.key)));
        why = sameObjects(before, { ...reparsed, documents: reparsed.documents.filter((d) => d.root !== null) }, changed);
      } catch (error) {
        why = error instanceof Error ? error.message : String(error);
      }
    }
    if (why !== null) {
      out.refused.push({ absPath, path: file.path, reason: why });
      continue;
    }
    out.files.push({ path: file.path, absPath, target, before: file.text, after, bom: file.bom, fixes: accepted.length });
  }
  return out;
}

/**
 * The chart files with the fixes shown for them, as --fix-dry-run prints them. Nothing here is ever
 * applied, so no fix is left out for clashing with another (two configs' thresholds for one toYaml
 * map): the fixes that go together make one text of the file, and each that clashes with them starts
 * another text of the same file, shown as a diff of its own.
 */
function shownFiles(gathered: ReadonlyMap<string, ElsewhereFile>): FixedFile[] {
  const shown: FixedFile[] = [];
  for (const [absPath, { file, fixes }] of gathered) {
    let rest = [...fixes.values()];
    while (rest.length > 0) {
      const together = compatible(rest);
      rest = rest.filter((f) => !together.includes(f));
      shown.push({ path: file.path, absPath, target: absPath, before: file.text, after: withFixes(file.text, together), bom: file.bom, fixes: together.length });
    }
  }
  // Stable: a file's alternative texts stay in the order their fixes were first proposed.
  return shown.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** What the passes read of a lint: each linted file's parse, whose nodes its fixes name (a RunResult, or the language server's lint of one text). */
export interface PassLint {
  result: { files: readonly ParsedFile[] };
}

/** What passes of fixes ask of their caller: which fixes to try, which files to leave alone, how to lint the new texts. */
export interface Passes<L extends PassLint> {
  /** The fixes to try after this lint, by file (absolute path set): in the order the lint found them. */
  fixes(linted: L): Map<SourceFile, Fix[]>;
  /** Whether to fix this file in this pass; the caller notes why not. */
  admit(file: SourceFile): boolean;
  /** The file is left as it is for a reason of its own (a document the fixer cannot check). */
  skip(file: SourceFile, reason: string): void;
  /** A fix would break the file or change more than it claims, a bug: the file is back to its text on disk. */
  refuse(file: SourceFile, reason: string): void;
  /** These fixes were applied to the file (`parsed` by the lint, whose nodes their changes name). */
  applied(file: SourceFile, fixes: readonly Fix[], parsed: ParsedFile): void;
  /** The run linted again, with `texts` (by absolute path) in place of the files. */
  lint(texts: ReadonlyMap<string, string>): Promise<L>;
}

/**
 * Fixes applied to file texts in memory, pass after pass, until a lint proposes nothing applicable (at
 * most 10 passes): each pass takes, per file, the fixes that do not overlap in the order of their first
 * edit (the rest wait for the next lint, which proposes them again against the new text), checks the new
 * text, and lints the run again. `texts` holds the fixed texts by absolute path, and is updated. The one
 * implementation of --fix's passes, which the timeline's "after" (SPEC §10) uses too.
 */
export async function fixInPasses<L extends PassLint>(first: L, texts: Map<string, string>, passes: Passes<L>): Promise<L> {
  let linted = first;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let appliedThisPass = 0;
    const parsedOf = new Map(linted.result.files.map((p) => [p.file, p]));
    for (const [file, fixes] of passes.fixes(linted)) {
      const absPath = file.absPath!;
      if (!passes.admit(file)) continue;
      const accepted = nonOverlapping(fixes);
      if (accepted.length === 0) continue;
      const parsed = parsedOf.get(file)!;
      // The lint reads documents that hold no workload with js-yaml only, which accepts a little more than
      // YAML 1.2: the fixer's checks need every document, so such a file is left as it is, not reported as a bug.
      const whole = wholeTrees(parsed);
      if (whole.error) {
        const { line } = positionOf(file, whole.error.span.start);
        passes.skip(file, `line ${line} does not parse as YAML 1.2 (${whole.error.message})`);
        continue;
      }
      const applied = applyPass(parsed, whole, accepted);
      if (typeof applied !== 'string') {
        texts.delete(absPath);
        passes.refuse(file, applied.refused);
        continue;
      }
      texts.set(absPath, applied);
      passes.applied(file, accepted, parsed);
      appliedThisPass += accepted.length;
    }
    if (appliedThisPass === 0) return linted;
    linted = await passes.lint(texts);
  }
  return linted;
}

/**
 * One pass of fixes on one file (`parsed` by the lint, whose nodes the fixes name; `whole` with a tree for every document): the new text, or why the file must be left alone (the fixes break it,
 * or change its objects beyond the fields they claim). Checking every pass against the text before it
 * holds the sum of the passes to the sum of their claims, and needs no parse the pass does not make anyway.
 */
function applyPass(parsed: ParsedFile, whole: ParsedFile, fixes: readonly Fix[]): string | { refused: string } {
  const file = parsed.file;
  const after = applyEdits(file.text, fixes.flatMap((f) => f.edits));
  const reparsed = parseFile({ ...file, text: after }, true);
  if (reparsed.error) return { refused: `a fix would break it (${reparsed.error.message}; ${fixes.map((f) => f.description).join('; ')})` };
  const where = locator(parsed);
  const changed = fixes.flatMap((fix) => fix.changes.map((c) => where(c.map, c.key)));
  const why = sameObjects(whole, reparsed, changed);
  return why === null ? after : { refused: why };
}

/** The file with a tree for every document: the lint's own parse when it made one for each, else a new one. */
export function wholeTrees(parsed: ParsedFile): ParsedFile {
  const complete = parsed.error === null && parsed.documents.every((d) => d.root !== null);
  return complete ? parsed : parseFile(parsed.file, true);
}

function isApplicable(fix: Fix | null, unsafe: boolean): fix is Fix {
  return fix !== null && (fix.safe || unsafe);
}

function fixesByFile(result: RunResult, unsafe: boolean): Map<SourceFile, Fix[]> {
  const byFile = new Map<SourceFile, Fix[]>();
  for (const finding of result.findings) {
    // Changes mapped onto a chart's values or templates are shown, never applied.
    if (!isApplicable(finding.fix, unsafe) || finding.file.absPath === null || finding.fix.target) continue;
    push(byFile, finding.file, finding.fix);
  }
  return byFile;
}

/** Where each linted file really is, and which directories the run may write in. */
async function realFiles(result: RunResult, options: RunOptions): Promise<RealFiles> {
  const linted = result.files.flatMap((p) => (p.file.absPath === null ? [] : [p.file.absPath]));
  const resolved = await Promise.all(linted.map(async (abs) => [abs, await fs.realpath(abs).catch(() => abs)] as const));
  const targets = new Map(resolved);
  const names = new Map<string, string[]>();
  for (const [abs, target] of resolved) push(names, target, abs);
  // The real file's own name goes first when it is linted too: fixes are made, and reported, under it.
  for (const [target, list] of names) names.set(target, list.includes(target) ? [target, ...list.filter((n) => n !== target)] : list);
  return { targets, names, roots: await lintedRoots(options) };
}

/** The working directory and each directory named (a named file's own directory, a glob's fixed start), resolved. */
async function lintedRoots(options: RunOptions): Promise<string[]> {
  const named = options.paths.filter((p) => p !== '-').map((p) => path.resolve(options.cwd, staticStart(p)));
  const roots = await Promise.all(
    [options.cwd, ...named].map(async (p) => {
      const stat = await fs.stat(p).catch(() => null);
      return fs.realpath(stat?.isDirectory() ? p : path.dirname(p)).catch(() => null);
    }),
  );
  return roots.filter((r): r is string => r !== null);
}

/** A path up to its first segment with a glob character: `k8s` of `k8s/*.yaml`. */
function staticStart(p: string): string {
  const segments = p.split(/[\\/]/);
  const magic = segments.findIndex((s) => /[*?[\]{}()!]/.test(s));
  return magic === -1 ? p : segments.slice(0, magic).join('/') || '.';
}

/** Whether a file is the name its real file is fixed under (a second name of it, such as a symlink beside it, is not). */
function isFixedName(real: RealFiles, absPath: string): boolean {
  const target = real.targets.get(absPath) ?? absPath;
  return (real.names.get(target)?.[0] ?? absPath) === absPath;
}

/** Why a file must not be fixed at all, for a reason of its own; null when it may be. */
function whyNotFixable(file: SourceFile, real: RealFiles): string | null {
  if (decodedLossily(file)) return 'not valid UTF-8 (bytes that are not text were read as U+FFFD, and writing the text back would replace them)';
  // A file is where it was named or found; only a link can lead elsewhere.
  const target = real.targets.get(file.absPath!) ?? file.absPath!;
  if (target !== file.absPath && !real.roots.some((root) => isInside(root, target))) return `a symlink to ${target}, outside the linted tree`;
  return null;
}


/** The fixed texts for the next lint, under every name their real file is linted by. */
function underEveryName(texts: ReadonlyMap<string, string>, real: RealFiles): Map<string, string> {
  const overrides = new Map<string, string>();
  for (const [absPath, text] of texts) {
    for (const name of real.names.get(real.targets.get(absPath) ?? absPath) ?? [absPath]) overrides.set(name, text);
  }
  return overrides;
}

/** Fixes whose edits touch nothing an earlier fix touches; the rest wait for the next pass. */
function nonOverlapping(fixes: Fix[]): Fix[] {
  // Edits taken so far, sorted by offset; they never overlap one another, so the neighbours of a place tell whether it is free.
  const taken: TextEdit[] = [];
  const firstAtOrAfter = (offset: number): number => {
    let lo = 0;
    let hi = taken.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (taken[mid]!.offset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const clashes = (e: TextEdit): boolean => {
    const i = firstAtOrAfter(e.offset);
    const before = taken[i - 1];
    const after = taken[i];
    if (before && before.offset + before.length > e.offset) return true;
    return after !== undefined && (after.offset === e.offset || after.offset < e.offset + e.length);
  };
  const start = (fix: Fix): number => fix.edits.reduce((min, e) => Math.min(min, e.offset), Infinity);
  const ordered = fixes.map((fix) => ({ fix, start: start(fix) })).sort((a, b) => a.start - b.start);
  const accepted: Fix[] = [];
  for (const { fix } of ordered) {
    if (fix.edits.some(clashes)) continue;
    for (const e of fix.edits) taken.splice(firstAtOrAfter(e.offset), 0, e);
    accepted.push(fix);
  }
  return accepted;
}

