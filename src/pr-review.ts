// Which fixes a pull request review can suggest, and the comments that carry
// them (SPEC §7 "Pull requests"). Pure: the report, the workspace texts of the
// files the fixes edit, the pull request's diff and the fingerprints already
// posted come in; comments and the reason for each fix left out come back.
// GitHub takes a suggestion only on lines of one of the diff's hunks (RIGHT
// side), and one suggestion replaces whole lines, so each fix becomes the lines
// it touches and their text with its edits applied. A fix is suggested only
// where the pull request changed something (its finding's line, or a line it
// replaces, was added), at most one suggestion per line, and never in a file
// with CRLF line endings.
import { applyEdits } from './edit.js';
import { occurrenceFingerprints, relativePath } from './fingerprint.js';
import { printable, repositoryLocation, type LocatedFinding, type Report } from './format/report.js';
import { ruleDocsUrl } from './rule-docs.js';
import { lineStartsOf, positionOf, type SourceFile } from './source.js';

/** The lines of one hunk on the RIGHT side (the pull request's head): `text[i]` is line `first + i`. */
export interface DiffHunk {
  first: number;
  text: string[];
  /** The lines of the hunk the pull request added or changed (`+` lines), ascending; the others are context. */
  added: number[];
}

/**
 * The RIGHT-side hunks of a file's `patch` as GitHub's pull request files list
 * gives it (unified diff hunks, no file header): context and added lines, with
 * their line numbers in the head version, and which of them were added.
 */
export function parsePatch(patch: string): DiffHunk[] {
  const hunks: DiffHunk[] = [];
  let open: DiffHunk | null = null;
  for (const line of patch.split('\n')) {
    const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (header) {
      open = { first: Number(header[1]), text: [], added: [] };
      hunks.push(open);
    } else if (open && (line.startsWith(' ') || line.startsWith('+'))) {
      if (line.startsWith('+')) open.added.push(open.first + open.text.length);
      open.text.push(withoutCr(line.slice(1)));
    }
    // `-` lines exist only on the LEFT side; `\ No newline at end of file` is no line at all.
  }
  return hunks.filter((h) => h.text.length > 0);
}

/** A review comment as POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews takes it. */
export interface ReviewComment {
  path: string;
  body: string;
  line: number;
  side: 'RIGHT';
  start_line?: number;
  start_side?: 'RIGHT';
}

export interface Suggestion {
  /** Index of the finding in the report. */
  index: number;
  fingerprint: string;
  comment: ReviewComment;
}

export interface ReviewPlan {
  /** New comments, in report order. */
  suggestions: Suggestion[];
  /** Findings whose suggestion an earlier run already posted (its marker is on the pull request). */
  posted: number[];
  /** Findings with a fix that no comment can carry, and why. */
  left: { index: number; reason: string }[];
}

export interface PlanInput {
  report: Report;
  /** The repository's top: paths in the diff and in fingerprints are relative to it. */
  root: string;
  /** The text (without a BOM) on disk of each file a fix edits, by absolute path; missing when it could not be read. */
  texts: ReadonlyMap<string, string>;
  /** The pull request's hunks by repository path; a file missing here is not in the pull request. */
  diff: ReadonlyMap<string, readonly DiffHunk[]>;
  /** Fingerprints whose marker is already in a review comment of the pull request. */
  existing: ReadonlySet<string>;
}

const OUTSIDE_DIFF = 'its lines are outside the pull request’s diff';
const UNCHANGED = 'the pull request did not change its line or the lines its fix replaces';
const CRLF = 'the file has CRLF line endings';
const overlapping = (ruleId: string): string => `its lines overlap those of the suggestion for ${ruleId}; once that one is committed, a later run can suggest this one`;

export function planReview(input: PlanInput): ReviewPlan {
  const plan: ReviewPlan = { suggestions: [], posted: [], left: [] };
  const ids = occurrenceFingerprints(input.report.findings.map((f) => f.finding), input.root, input.report.stdinPath);
  // The lines already suggested, by repository path: two suggestions on one line would undo each other when both are committed.
  const planned = new Map<string, { first: number; last: number; ruleId: string }[]>();
  // Many fixes can edit one large file: its lines are split once.
  const linesOfFile = new Map<string, string[]>();
  const workspaceLines = (file: string, text: string): string[] => linesOfFile.get(file) ?? linesOfFile.set(file, splitLines(text)).get(file)!;
  for (const [index, located] of input.report.findings.entries()) {
    const fix = located.finding.fix;
    if (!fix) continue;
    const id = ids[index]!;
    if (input.existing.has(id)) {
      plan.posted.push(index);
      continue;
    }
    const target = fix.target ?? located.finding.file;
    if (target.absPath === null || target.rendered) {
      plan.left.push({ index, reason: 'it edits rendered output, which is not a file of the pull request' });
      continue;
    }
    const text = input.texts.get(target.absPath);
    // Offsets count into the text the lint read: on a file that has changed since, they would land elsewhere.
    if (text !== target.text) {
      plan.left.push({ index, reason: 'the file on disk is not the one linted' });
      continue;
    }
    // A suggestion's lines are written with LF; whether committing it keeps the file's CRLF is GitHub's to decide.
    if (text.includes('\r\n')) {
      plan.left.push({ index, reason: CRLF });
      continue;
    }
    const path = relativePath(input.root, target.absPath);
    const hunks = input.diff.get(path) ?? [];
    const workspace = workspaceLines(target.absPath, text);
    const own = repositoryLocation(located, input.report.stdinPath);
    const ownPath = own.absPath === null ? null : relativePath(input.root, own.absPath);
    // The finding's own line, when the pull request added it (and, in the fix's file, it reads there as in the workspace).
    const ownLineChanged = ownPath !== null && isAdded(input.diff.get(ownPath) ?? [], own.line, ownPath === path ? workspace : null);
    const fitting = replacedLines(target, fix.edits).filter((r) => fitsHunk(r, hunks, workspace));
    const changed = fitting.filter((r) => ownLineChanged || linesOf(r).some((line) => isAdded(hunks, line, null)));
    const taken = planned.get(path) ?? [];
    const lines = changed.find((r) => !taken.some((t) => t.first <= r.last && r.first <= t.last));
    if (!lines) {
      const first = changed[0];
      const blocker = first && taken.find((t) => t.first <= first.last && first.first <= t.last);
      plan.left.push({ index, reason: blocker ? overlapping(blocker.ruleId) : fitting.length > 0 ? UNCHANGED : OUTSIDE_DIFF });
      continue;
    }
    planned.set(path, [...taken, { first: lines.first, last: lines.last, ruleId: located.finding.ruleId }]);
    plan.suggestions.push({ index, fingerprint: id, comment: comment(path, lines, commentBody(located, id, lines.after)) });
  }
  return plan;
}

/** Whether the pull request added `line` (a `+` line of a hunk), reading as `workspace` has it when given. */
function isAdded(hunks: readonly DiffHunk[], line: number, workspace: readonly string[] | null): boolean {
  const hunk = hunks.find((h) => h.added.includes(line));
  return hunk !== undefined && (workspace === null || workspace[line - 1] === hunk.text[line - hunk.first]);
}

function linesOf(lines: ReplacedLines): number[] {
  return Array.from({ length: lines.last - lines.first + 1 }, (_, i) => lines.first + i);
}

/**
 * The marker a probe-lint comment starts with, alone on its first line. A
 * comment counts as the suggestion of that fingerprint whoever posted it (the
 * token may be a bot's, an app's or a person's): one that starts with the
 * exact marker is a probe-lint comment. A marker quoted anywhere else (a
 * question about the markers, a quote of a comment) is not.
 */
const MARKER = /^<!-- probe-lint:([0-9a-f]{32}:\d+) -->(?:\r?\n|$)/;

/** The fingerprint whose hidden marker starts a comment body: none, or one. */
export function markersIn(body: string): string[] {
  const marker = MARKER.exec(body);
  return marker ? [marker[1]!] : [];
}

/** Lines `first`..`last` (1-based) of a file, and what they read with a fix applied. */
interface ReplacedLines {
  first: number;
  last: number;
  after: string[];
}

/**
 * The whole lines a fix's edits touch, as one or two candidate ranges. An
 * insertion at the start of a line adds lines between two others: it can be
 * the line before with the new lines after it, or the line after with the new
 * lines before it. The line before comes first (it is usually the changed line
 * the insertion completes, and at the end of a file there is no line after).
 */
function replacedLines(file: SourceFile, edits: readonly { offset: number; length: number; text: string }[]): ReplacedLines[] {
  const { text } = file;
  const starts = lineStartsOf(file);
  const lineAt = (offset: number): number => positionOf(file, offset).line;
  const atLineStart = (offset: number): boolean => offset > 0 && text[offset - 1] === '\n';
  const range = (attachBefore: boolean): ReplacedLines => {
    let first = Infinity;
    let last = 0;
    for (const e of edits) {
      const end = e.offset + e.length;
      const insertion = e.length === 0 && atLineStart(e.offset);
      // A replacement that ends at a line start ends with the line break of the line before it.
      const startLine = insertion && attachBefore ? lineAt(e.offset - 1) : lineAt(e.offset);
      const endLine = (e.length > 0 && atLineStart(end)) || (insertion && attachBefore) ? lineAt(end - 1) : lineAt(end);
      first = Math.min(first, startLine);
      last = Math.max(last, endLine);
    }
    const from = starts[first - 1]!;
    const to = starts[last] ?? text.length;
    const before = text.slice(from, to);
    const after = applyEdits(before, edits.map((e) => ({ ...e, offset: e.offset - from })));
    return { first, last, after: splitLines(after) };
  };
  const ranges = [range(true), range(false)];
  return ranges[0]!.first === ranges[1]!.first && ranges[0]!.last === ranges[1]!.last ? [ranges[0]!] : ranges;
}

/** Whether the lines lie in one hunk whose text is the workspace's: the checkout may not be the pull request's head. */
function fitsHunk(lines: ReplacedLines, hunks: readonly DiffHunk[], workspace: readonly string[]): boolean {
  const hunk = hunks.find((h) => h.first <= lines.first && lines.last < h.first + h.text.length);
  if (!hunk) return false;
  for (let line = lines.first; line <= lines.last; line++) {
    if (workspace[line - 1] !== hunk.text[line - hunk.first]) return false;
  }
  return true;
}

function comment(path: string, lines: ReplacedLines, body: string): ReviewComment {
  if (lines.first === lines.last) return { path, body, line: lines.last, side: 'RIGHT' };
  return { path, body, start_line: lines.first, start_side: 'RIGHT', line: lines.last, side: 'RIGHT' };
}

/**
 * What one comment says: the hidden marker, whether the fix is safe or a
 * suggestion to review and why, the finding (severity, rule with its doc,
 * message), then the suggestion block.
 */
function commentBody(located: LocatedFinding, id: string, after: string[]): string {
  const { finding } = located;
  const fix = finding.fix!;
  const kind = fix.safe
    ? '**Safe fix** — it only changes or adds a number of an existing probe, so it can be committed as it is:'
    : '**Suggestion to review** — it changes more than the numbers of an existing probe, so check that it suits the application before committing it:';
  return [
    `<!-- probe-lint:${id} -->`,
    `${kind} ${markdownText(fix.description)}.`,
    '',
    `${finding.severity} [\`${finding.ruleId}\`](${ruleDocsUrl({ id: finding.ruleId })}): ${markdownText(finding.message)}`,
    '',
    suggestionBlock(after),
  ].join('\n');
}

/** A ```suggestion block holding the lines. */
function suggestionBlock(lines: string[]): string {
  const fence = fenceFor(lines);
  return [`${fence}suggestion`, ...lines, fence].join('\n');
}

/** A code fence longer than any run of backticks in the lines, so that no line can close it. */
export function fenceFor(lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.map((l) => Math.max(0, ...[...l.matchAll(/`+/g)].map((m) => m[0].length))));
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * Text from the repository (names, values, paths in messages) as Markdown that
 * shows it as it is: no markup, links, HTML, math or line breaks of its own.
 * The characters that open them are escaped with a backslash (a link or an
 * image needs a `[`, a table a line of its own), and `@` and `#`
 * get a zero-width space so that a name cannot mention a person or a team or
 * reference an issue (the way Renovate keeps release notes quiet); so do
 * `://` and `www.`, so that a URL or a host name is not made a link (GFM's
 * autolinks), last, after the references that hold a `#` are written.
 */
export function markdownText(text: string): string {
  return printable(text)
    .replace(/[\\`*_[\]<>|~$&]/g, (c) => `\\${c}`)
    .replace(/[@#]/g, (c) => `${c}&#8203;`)
    .replace(/:\/\/|www\./gi, (c) => `${c}&#8203;`);
}

/** The review's own text, above its comments. */
export function reviewBody(plan: ReviewPlan, report: Report): string {
  const safe = plan.suggestions.filter((s) => report.findings[s.index]!.finding.fix!.safe).length;
  const toReview = plan.suggestions.length - safe;
  const parts = [safe > 0 ? `${safe} safe ${safe === 1 ? 'fix' : 'fixes'}` : '', toReview > 0 ? `${toReview} ${toReview === 1 ? 'suggestion' : 'suggestions'} to review` : ''];
  return `probe-lint suggests ${parts.filter(Boolean).join(' and ')} for findings on lines this pull request changes. Each comment says why; commit a suggestion to apply it.`;
}

/** The lines of a text without their line breaks (LF or CRLF); a final line break ends the last line, it starts none. */
function splitLines(text: string): string[] {
  const lines = text.split('\n').map(withoutCr);
  if (text.endsWith('\n')) lines.pop();
  return lines;
}

function withoutCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
