// The GitHub side of suggestions on pull requests: read the pull request's
// diff and the markers that start the comments already on it (whoever wrote
// them: see markersIn), post one review of the new suggestions. Nothing here fails the step: a read-only token (pull
// requests from forks), a missing permission or any API error becomes the
// outcome's `problem`, and the fixes stay in the job summary.
import fs from 'node:fs/promises';
import { getOctokit } from '@actions/github';
import type { Report } from './format/report.js';
import { markersIn, parsePatch, planReview, reviewBody, type DiffHunk } from './pr-review.js';

export interface PullRequest {
  owner: string;
  repo: string;
  number: number;
  /** The head commit the event names: comments are placed on its lines. */
  headSha: string | null;
}

export interface ReviewOutcome {
  /** Findings whose suggestion is on the pull request, posted by this run or an earlier one. */
  suggested: Set<number>;
  /** Findings with a fix that is not on the pull request, and why. */
  left: Map<number, string>;
  /** Comments this run posted. */
  posted: number;
  /** The review this run posted. */
  reviewUrl: string | null;
  /** Why the pull request could not be read or written, when it could not. */
  problem: string | null;
}

// The whole exchange gets this long: a GitHub that does not answer must not hold the job until its timeout.
const TIME_LIMIT_MS = 60_000;

export async function suggestOnPullRequest(report: Report, options: { token: string; pull: PullRequest; root: string }): Promise<ReviewOutcome> {
  const { pull } = options;
  const octokit = getOctokit(options.token);
  const request = { signal: AbortSignal.timeout(TIME_LIMIT_MS) };
  const where = { owner: pull.owner, repo: pull.repo, pull_number: pull.number, request };

  let diff: Map<string, DiffHunk[]>;
  let existing: Set<string>;
  try {
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...where, per_page: 100 });
    // A binary or very large file has no `patch`: none of its lines can carry a comment.
    diff = new Map(files.map((f) => [f.filename, f.patch ? parsePatch(f.patch) : []]));
    const comments = await octokit.paginate(octokit.rest.pulls.listReviewComments, { ...where, per_page: 100 });
    existing = new Set(comments.flatMap((c) => markersIn(c.body)));
  } catch (error) {
    return nothingPosted(report, 'the pull request could not be read', apiProblem(error, pull, 'read'));
  }

  const plan = planReview({ report, root: options.root, texts: await texts(report), diff, existing });
  const left = new Map(plan.left.map((l) => [l.index, l.reason]));
  const suggested = new Set(plan.posted);
  if (plan.suggestions.length === 0) return { suggested, left, posted: 0, reviewUrl: null, problem: null };
  try {
    const { data } = await octokit.rest.pulls.createReview({
      ...where,
      ...(pull.headSha ? { commit_id: pull.headSha } : {}),
      event: 'COMMENT',
      body: reviewBody(plan, report),
      comments: plan.suggestions.map((s) => s.comment),
    });
    for (const s of plan.suggestions) suggested.add(s.index);
    return { suggested, left, posted: plan.suggestions.length, reviewUrl: data.html_url, problem: null };
  } catch (error) {
    for (const s of plan.suggestions) left.set(s.index, 'posting the review failed');
    return { suggested, left, posted: 0, reviewUrl: null, problem: apiProblem(error, pull, 'write') };
  }
}

/** The outcome when nothing could be tried: every fix is left, for `reason`. */
export function nothingPosted(report: Report, reason: string, problem: string): ReviewOutcome {
  const left = new Map(report.findings.flatMap((f, i) => (f.finding.fix ? [[i, reason] as const] : [])));
  return { suggested: new Set(), left, posted: 0, reviewUrl: null, problem };
}

/** The text on disk of every file a fix edits, by absolute path, without a BOM; a file that cannot be read is left out. */
async function texts(report: Report): Promise<Map<string, string>> {
  const paths = new Set<string>();
  for (const { finding } of report.findings) {
    const file = finding.fix && (finding.fix.target ?? finding.file).absPath;
    if (file) paths.add(file);
  }
  const read = await Promise.all([...paths].map(async (p) => [p, await fs.readFile(p, 'utf8').catch(() => null)] as const));
  return new Map(read.flatMap(([p, text]) => (text === null ? [] : [[p, text.replace(/^\uFEFF/, '')] as const])));
}

/** An API failure in words: what could not be done, GitHub's status and message, and what to do about a missing permission. */
function apiProblem(error: unknown, pull: PullRequest, doing: 'read' | 'write'): string {
  const status = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : null;
  const message = error instanceof Error ? error.message : String(error);
  const what = `could not ${doing === 'read' ? 'read' : 'post suggestions on'} pull request #${pull.number}`;
  const said = status === null ? message : `HTTP ${status}: ${message}`;
  if (status === 403 || status === 404) {
    return `${what} (${said}): the token cannot ${doing === 'read' ? 'read it' : 'write to it'}. On pull requests from forks the workflow's token is read-only; otherwise give the job \`permissions: pull-requests: write\``;
  }
  return `${what} (${said})`;
}
