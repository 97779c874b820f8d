// Pieces of the Action's job summary that are about fixes: each fix that is
// not a suggestion on the pull request, as a diff, and what happened to the
// suggestions. The summary is Markdown with HTML in it and every piece may
// hold text from the repository under review: it goes through summaryText, or
// into a fenced block no line of it can close.
import { applyEdits } from './edit.js';
import { unifiedDiff } from './fix-diff.js';
import { printable, repositoryLocation, type Report } from './format/report.js';
import type { ReviewOutcome } from './github-review.js';
import { fenceFor } from './pr-review.js';
import { ruleDocsUrl } from './rule-docs.js';
import { worstTimelines } from './timeline/worst.js';

/**
 * Text for the job summary, which is Markdown with HTML in it: `<`, `>` and
 * `&` cannot open markup, `|` cannot end a table cell, a backtick cannot open
 * code, and no newline can end the HTML block, as character references.
 */
export function summaryText(text: string): string {
  return printable(text).replace(/[&<>"'|`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

// A summary holds at most 1 MiB; beyond that GitHub drops all of it. The rest is one command away.
const MAX_DIFFS = 50;

/** The timelines of the five worst probe findings (SPEC §10), as preformatted lines; '' when no finding has one. */
export function timelinesSection(report: Report): string {
  const lines = worstTimelines(report.findings, 5);
  if (lines.length === 0) return '';
  return `<h3>Timelines</h3>\n\n<pre>${lines.map(summaryText).join('\n')}</pre>\n`;
}

/** What the review did, as a paragraph: suggestions posted or already there, or why there are none. */
export function reviewParagraph(review: ReviewOutcome): string {
  if (review.problem) return `<p>⚠️ probe-lint ${summaryText(review.problem)}.</p>`;
  const earlier = review.suggested.size - review.posted;
  const posted = review.reviewUrl
    ? `<a href="${summaryText(review.reviewUrl)}">${review.posted} ${review.posted === 1 ? 'suggestion' : 'suggestions'} posted</a> on the pull request`
    : 'no new suggestion posted on the pull request';
  return `<p>Suggestions: ${posted}${earlier > 0 ? `; ${earlier} posted by an earlier run` : ''}.</p>`;
}

/**
 * The fixes that are not suggestions on the pull request, each as its finding
 * and a unified diff of its file with the fix applied, and why it is not on
 * the pull request when a review was tried; '' when there are none.
 */
export function fixesSection(report: Report, review: ReviewOutcome | null): string {
  const shown = report.findings.flatMap((located, index) => (located.finding.fix && !review?.suggested.has(index) ? [{ located, reason: review?.left.get(index) }] : []));
  if (shown.length === 0) return '';
  const parts = [`<h3>Fixes</h3>`];
  for (const { located, reason } of shown.slice(0, MAX_DIFFS)) {
    const { finding } = located;
    const fix = finding.fix!;
    const at = repositoryLocation(located, report.stdinPath);
    const kind = fix.shownOnly ? 'change in the chart' : fix.safe ? 'safe fix' : 'suggestion';
    const why = reason ? ` (not suggested on the pull request: ${summaryText(reason)})` : '';
    parts.push(
      `<p><code>${summaryText(`${at.path}:${at.line}`)}</code> <a href="${ruleDocsUrl({ id: finding.ruleId })}">${finding.ruleId}</a> — ${kind}: ${summaryText(fix.description)}${why}</p>`,
    );
    const target = fix.target ?? finding.file;
    const diff = unifiedDiff([
      { path: target.path, absPath: target.absPath ?? target.path, target: target.absPath ?? target.path, before: target.text, after: applyEdits(target.text, fix.edits), bom: target.bom, fixes: 1 },
    ]);
    parts.push(fenced('diff', diff));
  }
  if (shown.length > MAX_DIFFS) {
    parts.push(`<p>${shown.length - MAX_DIFFS} more: <code>probe-lint --fix-dry-run --unsafe-fixes</code> shows every fix.</p>`);
  }
  // Blank lines end each HTML block, so that the fenced blocks between them are read as Markdown.
  return parts.join('\n\n') + '\n';
}

/** A fenced code block whose fence is longer than any run of backticks in the text, with each line printable (tabs kept). */
function fenced(lang: string, text: string): string {
  // Tabs stay: a code block shows them, and a diff header ends its file names with one.
  const lines = text.replace(/\n$/, '').split('\n').map((l) => l.replace(/\r$/, '').split('\t').map(printable).join('\t'));
  const fence = fenceFor(lines);
  return [`${fence}${lang}`, ...lines, fence].join('\n');
}
