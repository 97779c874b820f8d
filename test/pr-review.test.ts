// Suggestions on pull requests (SPEC §7): which fixes become review comments
// (pure, from a real lint), and the Action bundle run against a local GitHub
// that checks every request against GitHub's OpenAPI description.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toReport, type Report } from '../src/format/report.js';
import { markdownText, markersIn, parsePatch, planReview, type DiffHunk } from '../src/pr-review.js';
import { occurrenceFingerprints } from '../src/fingerprint.js';
import { ACTION, actionEnvironment, FIXTURES, lint, tempDir } from './helpers.js';
import { startFakeGithub, type FakeGithub, type FakePullRequest } from './fake-github.js';

const PR = path.join(FIXTURES, 'pr');
const EVENT = path.join(PR, 'event.json');
const TOKEN = 'ghs_fake_token_for_tests';

/** Files under a directory, path relative to it → content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, file).split(path.sep).join('/')] = fs.readFileSync(file, 'utf8');
  }
  return out;
}

const PULL: FakePullRequest = {
  owner: 'shop',
  repo: 'deploy',
  number: 7,
  headSha: JSON.parse(fs.readFileSync(EVENT, 'utf8')).pull_request.head.sha,
  base: tree(path.join(PR, 'base')),
  head: tree(path.join(PR, 'head')),
};

/** A checkout of the pull request's head: what actions/checkout leaves in the workspace. */
function checkout(): string {
  const workspace = tempDir();
  fs.cpSync(path.join(PR, 'head'), workspace, { recursive: true });
  fs.mkdirSync(path.join(workspace, '.git'));
  return workspace;
}

interface ActionRun {
  status: number | null;
  stdout: string;
  summary: string;
  workspace: string;
}

/** Runs the Action bundle on a pull_request event (or `eventName`), as a runner does, against the fake GitHub. Asynchronous: the fake answers from this process. */
function runAction(fake: FakeGithub, inputs: Record<string, string> = {}, workspace = checkout(), event = EVENT, eventName = 'pull_request'): Promise<ActionRun> {
  const defaults = { paths: 'k8s', 'fail-on': 'warning', 'sarif-file': 'probe-lint.sarif', annotations: 'true', suggestions: 'true', 'github-token': TOKEN };
  const { env, summaryFile } = actionEnvironment(workspace, { ...defaults, ...inputs }, {
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: `${PULL.owner}/${PULL.repo}`,
    GITHUB_API_URL: fake.url,
    GITHUB_TOKEN: TOKEN,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ACTION], { cwd: workspace, env });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, summary: fs.readFileSync(summaryFile, 'utf8'), workspace }));
  });
}

let fakes: FakeGithub[] = [];
async function fakeGithub(options: { readOnly?: boolean; foreignComments?: string[] } = {}, pull = PULL): Promise<FakeGithub> {
  // Pages of two make the Action follow `Link: rel="next"` for both lists.
  const fake = await startFakeGithub(pull, { token: TOKEN, pageSize: 2, ...options });
  fakes.push(fake);
  return fake;
}
afterEach(async () => {
  await Promise.all(fakes.map((f) => f.close()));
  fakes = [];
});

/** The lines of a comment's ```suggestion block. */
function suggested(body: string): string[] {
  const m = /^(`{3,})suggestion\n([^]*?)\n?\1$/m.exec(body);
  if (!m) throw new Error(`no suggestion block in:\n${body}`);
  return m[2] === '' ? [] : m[2]!.split('\n');
}

const readinessTimeout = '            timeoutSeconds: 5';
const readinessThreshold = '            failureThreshold: 4';

/** The findings a summary shows as fixes: `file:line rule`, in order. */
function summaryFixes(summary: string): string[] {
  return [...summary.matchAll(/<p><code>([^<]*)<\/code> <a href="[^"]*">([\w-]+)<\/a> — /g)].map((m) => `${m[1]} ${m[2]}`);
}

describe('suggestions on a pull request, from the Action', () => {
  it('posts one review whose comments suggest the fixes on changed lines, safe ones and suggestions to review, each saying why', async () => {
    const fake = await fakeGithub();
    const run = await runAction(fake);
    expect(fake.violations).toEqual([]);
    expect(fake.reviews).toHaveLength(1);
    const [review] = fake.reviews;
    expect(review.event).toBe('COMMENT');
    expect(review.commit_id).toBe(PULL.headSha);
    expect(review.body).toMatch(/^probe-lint suggests 2 safe fixes and 2 suggestions to review for findings on lines this pull request changes\./);
    const [timeout, threshold, jvm] = review.comments;
    expect(timeout).toEqual({ path: 'k8s/api.yaml', line: 31, side: 'RIGHT', body: expect.any(String) });
    expect(threshold).toEqual({ path: 'k8s/api.yaml', line: 32, side: 'RIGHT', body: expect.any(String) });
    expect(suggested(timeout.body)).toEqual([readinessTimeout]);
    expect(suggested(threshold.body)).toEqual([readinessThreshold]);
    expect(timeout.body).toMatch(/^<!-- probe-lint:[0-9a-f]{32}:1 -->\n\*\*Safe fix\*\* — it only changes or adds a number of an existing probe, so it can be committed as it is: set timeoutSeconds to 5\.\n\n/);
    expect(timeout.body).toContain(
      '\nwarning [`probe-timeout-short`](https://github.com/probe-lint/probe-lint/blob/main/rules/probe-timeout-short.md): readiness probe of container "api" fails any check slower than 2s',
    );
    expect(jvm.body).toMatch(/^<!-- probe-lint:[0-9a-f]{32}:1 -->\n\*\*Suggestion to review\*\* — .*check that it suits the application.*: add a startupProbe allowing 15 × 10s = 150s to start, and remove initialDelaySeconds\.\n/);
    expect(jvm.body).toContain('\ninfo [`startup-probe-preferred`](https://github.com/probe-lint/probe-lint/blob/main/rules/startup-probe-preferred.md): liveness probe of container "jvm"');
    // The markers are the fingerprints SARIF gives the same findings: code scanning and the review agree on identity.
    const sarif = JSON.parse(fs.readFileSync(path.join(run.workspace, 'probe-lint.sarif'), 'utf8'));
    const byLine = new Map(sarif.runs[0].results.map((r: any) => [`${r.locations[0].physicalLocation.artifactLocation.uri}:${r.ruleId}:${r.locations[0].physicalLocation.region.startLine}`, r.partialFingerprints['probeLint/v1']]));
    expect(markersIn(timeout.body)).toEqual([byLine.get('k8s/api.yaml:probe-timeout-short:31')]);
    expect(markersIn(jvm.body)).toEqual([byLine.get('k8s/legacy.yaml:startup-probe-preferred:17')]);
    expect(run.stdout).toMatch(/^probe-lint: posted 4 suggestions on pull request #7: https:\/\/github\.com\/shop\/deploy\/pull\/7#pullrequestreview-\d+$/m);
    expect(run.summary).toMatch(/<p>Suggestions: <a href="https:\/\/github\.com\/shop\/deploy\/pull\/7#pullrequestreview-\d+">4 suggestions posted<\/a> on the pull request\.<\/p>/);
    // Both lists were read to their last page (the fake serves two items a page).
    expect(fake.requests.map((r) => `${r.method} ${r.path.replace('/repos/shop/deploy/pulls/7/', '')} ${r.query.page ?? 1}`)).toEqual(['GET files 1', 'GET files 2', 'GET comments 1', 'POST reviews 1']);
  });

  it('suggests a fix spanning several lines with start_line and line, as the lines it replaces', async () => {
    const fake = await fakeGithub();
    await runAction(fake);
    expect(fake.violations).toEqual([]);
    const legacy = fake.reviews[0].comments.filter((c: any) => c.path === 'k8s/legacy.yaml');
    expect(legacy.map((c: any) => ({ ...c, body: undefined }))).toEqual([
      { path: 'k8s/legacy.yaml', start_line: 14, start_side: 'RIGHT', line: 17, side: 'RIGHT', body: undefined },
      { path: 'k8s/legacy.yaml', start_line: 20, start_side: 'RIGHT', line: 23, side: 'RIGHT', body: undefined },
    ]);
    // Lines 14–17 (image, livenessProbe, httpGet, initialDelaySeconds) become the image, the new startup probe and the
    // liveness probe without its initial delay: what --fix --unsafe-fixes writes there.
    expect(suggested(legacy[0].body)).toEqual([
      '          image: example/jvm:1.0',
      '          startupProbe:',
      '            httpGet: {path: /healthz, port: 8080}',
      '            timeoutSeconds: 5',
      '            periodSeconds: 10',
      '            failureThreshold: 15',
      '          livenessProbe:',
      '            httpGet: {path: /healthz, port: 8080}',
    ]);
    const head = PULL.head['k8s/legacy.yaml']!.split('\n');
    const fixed = fs.readFileSync(path.join(FIXTURES, 'startup-probe-preferred', 'long-delay.fixed.yaml'), 'utf8');
    // Applying both suggestions to the head gives the golden fixed file.
    const applied = [...head.slice(0, 13), ...suggested(legacy[0].body), ...head.slice(17, 19), ...suggested(legacy[1].body), ...head.slice(23)].join('\n');
    expect(applied).toBe(fixed);
  });

  it('suggests nothing outside the diff: those fixes stay in the job summary as diffs, with the reason', async () => {
    const fake = await fakeGithub();
    const run = await runAction(fake);
    expect(fake.violations).toEqual([]);
    const lines = fake.reviews[0].comments.map((c: any) => `${c.path}:${c.line}`);
    // The liveness timeout (after line 37), the preStop hook (after line 41) and the unchanged worker.yaml are outside the hunks.
    expect(lines).not.toContain('k8s/api.yaml:37');
    expect(lines).not.toContain('k8s/api.yaml:41');
    expect(lines.filter((l: string) => l.startsWith('k8s/worker.yaml'))).toEqual([]);
    expect(summaryFixes(run.summary)).toEqual(['k8s/api.yaml:21 prestop-hook-missing', 'k8s/api.yaml:33 probe-timeout-short', 'k8s/worker.yaml:25 probe-failure-window-short', 'k8s/worker.yaml:26 probe-timeout-short']);
    expect(run.summary).toContain('— safe fix: set timeoutSeconds to 5 (not suggested on the pull request: its lines are outside the pull request’s diff)</p>');
    expect(run.summary).toContain('\n```diff\n===================================================================\n--- a/k8s/api.yaml\t\n+++ b/k8s/api.yaml\t\n@@ -35,6 +35,7 @@\n');
    expect(run.summary).toContain('\n             initialDelaySeconds: 10\n+            timeoutSeconds: 5\n');
    // A fix posted as a suggestion is not repeated as a diff.
    expect(run.summary).not.toContain('-            timeoutSeconds: 2');
  });

  it('posts nothing new on a re-run: the markers of the comments already there are skipped, and no empty review is made', async () => {
    const fake = await fakeGithub();
    const workspace = checkout();
    await runAction(fake, {}, workspace);
    expect(fake.reviews).toHaveLength(1);
    const again = await runAction(fake, {}, workspace);
    expect(fake.violations).toEqual([]);
    expect(fake.reviews).toHaveLength(1);
    const second = fake.requests.slice(4).map((r) => `${r.method} ${r.path.replace('/repos/shop/deploy/pulls/7/', '')} ${r.query.page ?? 1}`);
    // Four comments and another user's are three pages now.
    expect(second).toEqual(['GET files 1', 'GET files 2', 'GET comments 1', 'GET comments 2', 'GET comments 3']);
    expect(again.summary).toContain('<p>Suggestions: no new suggestion posted on the pull request; 4 posted by an earlier run.</p>');
    expect(again.stdout).not.toContain('posted');
    expect(summaryFixes(again.summary)).toHaveLength(4);
  });

  it('warns on a 403 from a read-only token (a fork), keeps every fix in the summary and leaves the step result as it was', async () => {
    const without = await runAction(await fakeGithub(), { suggestions: 'false' });
    const fake = await fakeGithub({ readOnly: true });
    const run = await runAction(fake);
    expect(fake.violations).toEqual([]);
    expect(fake.requests.map((r) => r.method)).toContain('POST');
    expect(fake.reviews).toEqual([]);
    expect(run.status).toBe(without.status);
    expect(run.status).toBe(1); // fail-on: warning, from the findings alone
    expect(run.stdout).toMatch(/^::warning::probe-lint: could not post suggestions on pull request #7 \(HTTP 403: Resource not accessible by integration.*\): the token cannot write to it\. On pull requests from forks the workflow's token is read-only; otherwise give the job `permissions: pull-requests: write`$/m);
    expect(run.stdout).toContain('::error::probe-lint: 0 errors, 6 warnings, 3 info (fail-on: warning)');
    expect(run.summary).toContain('<p>⚠️ probe-lint could not post suggestions on pull request #7 (HTTP 403: Resource not accessible by integration');
    expect(summaryFixes(run.summary)).toHaveLength(8);
    expect(run.summary).toContain('— safe fix: set timeoutSeconds to 5 (not suggested on the pull request: posting the review failed)</p>');
    // With fail-on never the step passes, 403 or not.
    expect((await runAction(await fakeGithub({ readOnly: true }), { 'fail-on': 'never' })).status).toBe(0);
  });

  it('posts and reads nothing with suggestions: false, and shows every fix in the summary', async () => {
    const fake = await fakeGithub();
    const run = await runAction(fake, { suggestions: 'false' });
    expect(fake.requests).toEqual([]);
    expect(run.status).toBe(1);
    expect(run.summary).not.toContain('Suggestions:');
    expect(summaryFixes(run.summary)).toHaveLength(8);
    expect(run.summary).not.toContain('not suggested on the pull request');
  });

  it('fails the step on a suggestions input that is not true or false, as on any bad input', async () => {
    const fake = await fakeGithub();
    const run = await runAction(fake, { suggestions: 'sometimes' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('::error::probe-lint: suggestions must be true or false, not "sometimes"');
    expect(fake.requests).toEqual([]);
  });

  it('counts a comment as posted only when it starts with the exact marker, whoever wrote it', async () => {
    const dir = checkout();
    const r = toReport(await lint(['k8s'], dir), '0.0.0');
    const ids = occurrenceFingerprints(r.findings.map((f) => f.finding), dir, r.stdinPath);
    const at = (rule: string, line: number): string => ids[r.findings.findIndex((f) => f.finding.ruleId === rule && f.finding.file.path === 'k8s/api.yaml' && f.line === line)]!;
    const fake = await fakeGithub({
      foreignComments: [
        // Someone posted a probe-lint comment by hand (or with another token): it is one, and counts.
        `<!-- probe-lint:${at('probe-failure-window-short', 32)} -->\n**Safe fix** — posted by hand.`,
        // Someone quotes a marker in a question: not a probe-lint comment.
        `Why does the bot write \`<!-- probe-lint:${at('probe-timeout-short', 31)} -->\` in its comments?`,
      ],
    });
    const run = await runAction(fake, {}, dir);
    expect(fake.violations).toEqual([]);
    const lines = fake.reviews[0].comments.map((c: any) => `${c.path}:${c.line}`);
    expect(lines).toContain('k8s/api.yaml:31');
    expect(lines).not.toContain('k8s/api.yaml:32');
    expect(run.summary).toMatch(/3 suggestions posted<\/a> on the pull request; 1 posted by an earlier run\.<\/p>/);
    expect(markersIn(`<!-- probe-lint:${ids[0]} -->\nx`)).toEqual([ids[0]]);
    expect(markersIn(`<!-- probe-lint:${ids[0]} -->`)).toEqual([ids[0]]);
    expect(markersIn(`x <!-- probe-lint:${ids[0]} --> y`)).toEqual([]);
    expect(markersIn(` <!-- probe-lint:${ids[0]} -->\nx`)).toEqual([]);
  });

  it('posts nothing on pull_request_target, which runs with a write token on the pull request\'s code', async () => {
    const fake = await fakeGithub();
    const run = await runAction(fake, {}, checkout(), EVENT, 'pull_request_target');
    expect(fake.requests).toEqual([]);
    expect(run.summary).not.toContain('Suggestions:');
    expect(summaryFixes(run.summary)).toHaveLength(8);
    expect(run.summary).not.toContain('not suggested on the pull request');
  });
});

describe('which lines carry a suggestion', () => {
  // A pull request that changes one line of a Deployment (the readiness probe's path, line 23): the fake's patch (computed
  // from base and head, as GitHub's) has one hunk, lines 20–26, and four findings that were there before have fixes in it
  // or next to it; two of those fixes insert right after the changed line.
  const ONE_LINE = path.join(PR, 'one-line');
  const pull: FakePullRequest = { ...PULL, base: tree(path.join(ONE_LINE, 'base')), head: tree(path.join(ONE_LINE, 'head')) };
  const workspace = (head = pull.head): string => {
    const dir = tempDir();
    for (const [file, text] of Object.entries(head)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    fs.mkdirSync(path.join(dir, '.git'));
    return dir;
  };

  it('suggests only fixes that replace a changed line or whose finding is on one, and one suggestion per line', async () => {
    const fake = await fakeGithub({}, pull);
    const run = await runAction(fake, {}, workspace());
    expect(fake.violations).toEqual([]);
    expect(fake.reviews).toHaveLength(1);
    const { comments } = fake.reviews[0];
    // The readiness failure window and the readiness timeout both insert after line 23, the changed line: the first in
    // report order gets it. The liveness timeout (line 26) and the preStop hook (after line 26) are context only.
    expect(comments.map((c: any) => ({ ...c, body: undefined }))).toEqual([{ path: 'k8s/shop.yaml', line: 23, side: 'RIGHT', body: undefined }]);
    expect(suggested(comments[0].body)).toEqual(['              path: /ready', '            failureThreshold: 4']);
    expect(comments[0].body).toContain('[`probe-failure-window-short`]');
    expect(fake.reviews[0].body).toMatch(/^probe-lint suggests 1 safe fix for findings on lines this pull request changes\./);
    expect(summaryFixes(run.summary)).toEqual(['k8s/shop.yaml:14 prestop-hook-missing', 'k8s/shop.yaml:19 probe-timeout-short', 'k8s/shop.yaml:26 probe-timeout-short']);
    const reasons = [...run.summary.matchAll(/\(not suggested on the pull request: ([^)]*)\)<\/p>/g)].map((m) => m[1]);
    expect(reasons).toEqual([
      'the pull request did not change its line or the lines its fix replaces',
      'its lines overlap those of the suggestion for probe-failure-window-short; once that one is committed, a later run can suggest this one',
      'the pull request did not change its line or the lines its fix replaces',
    ]);
  });

  it('suggests nothing in a file with CRLF line endings: its fixes stay in the summary as diffs, with the reason', async () => {
    const crlf = (files: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(files).map(([f, t]) => [f, t.replace(/\n/g, '\r\n')]));
    const windows = { ...pull, base: crlf(pull.base), head: crlf(pull.head) };
    const fake = await fakeGithub({}, windows);
    const run = await runAction(fake, {}, workspace(windows.head));
    expect(fake.violations).toEqual([]);
    expect(fake.reviews).toEqual([]);
    expect(fake.requests.map((r) => r.method)).not.toContain('POST');
    expect(summaryFixes(run.summary)).toHaveLength(4);
    const reasons = [...run.summary.matchAll(/\(not suggested on the pull request: ([^)]*)\)<\/p>/g)].map((m) => m[1]);
    expect(reasons).toEqual(Array(4).fill('the file has CRLF line endings'));
    expect(run.summary).toContain('<p>Suggestions: no new suggestion posted on the pull request.</p>');
  });
});

describe('the fake GitHub', () => {
  it('refuses what GitHub\'s OpenAPI description does not allow, so that a wrong request fails the test', async () => {
    const fake = await fakeGithub();
    const call = (method: string, url: string, body?: unknown): Promise<number> =>
      fetch(`${fake.url}${url}`, { method, headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }).then((r) => r.status);
    const reviews = '/repos/shop/deploy/pulls/7/reviews';
    // Before any review, the pull request holds another user's comment that looks like it carries a marker.
    const listed = await (await fetch(`${fake.url}/repos/shop/deploy/pulls/7/comments`, { headers: { authorization: `token ${TOKEN}` } })).json();
    expect(listed.map((c: any) => c.user.login)).toEqual(['octocat']);
    expect(listed[0].body).toMatch(/<!-- probe-lint:[0-9a-f]{32}:\d+ -->/);
    expect(markersIn(listed[0].body)).toEqual([]);
    expect(await call('POST', reviews, { event: 'COMMENT', body: 'x', comments: [{ path: 'k8s/api.yaml', body: 'x', startLine: 30, line: 31 }] })).toBe(422);
    expect(await call('POST', reviews, { event: 'COMMENTED', body: 'x' })).toBe(422);
    expect(await call('POST', reviews, { event: 'COMMENT', body: 'x', comments: [{ path: 'k8s/api.yaml', body: 'x', line: '31' }] })).toBe(422);
    expect(await call('GET', '/repos/shop/deploy/pulls/7/files?per_page=many')).toBe(422);
    expect(await call('GET', '/repos/shop/deploy/pulls/7/files?perPage=100')).toBe(422);
    expect(await call('PATCH', '/repos/shop/deploy/pulls/7/files')).toBe(404);
    // Valid for the description, refused by GitHub: a line outside the hunks, a range across two lines of which one is outside.
    const head = PULL.headSha;
    expect(await call('POST', reviews, { commit_id: head, event: 'COMMENT', body: 'x', comments: [{ path: 'k8s/api.yaml', body: 'x', line: 41, side: 'RIGHT' }] })).toBe(422);
    expect(await call('POST', reviews, { commit_id: head, event: 'COMMENT', body: 'x', comments: [{ path: 'k8s/api.yaml', body: 'x', start_line: 20, start_side: 'RIGHT', line: 31, side: 'RIGHT' }] })).toBe(422);
    // Comments placed on another commit's lines, or on whatever the head is by the time the request arrives.
    const ok = [{ path: 'k8s/api.yaml', body: 'x', line: 31, side: 'RIGHT' }];
    expect(await call('POST', reviews, { commit_id: 'ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091', event: 'COMMENT', body: 'x', comments: ok })).toBe(422);
    expect(await call('POST', reviews, { event: 'COMMENT', body: 'x', comments: ok })).toBe(422);
    expect(fake.violations).toHaveLength(10);
    expect(fake.violations[0]).toMatch(/body: \/comments\/0 must NOT have additional properties \(startLine\)/);
    expect(fake.violations.slice(8)).toEqual([
      `POST /repos/shop/deploy/pulls/7/reviews: commit_id ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091 is not the pull request's head ${head}`,
      `POST /repos/shop/deploy/pulls/7/reviews: commit_id undefined is not the pull request's head ${head}`,
    ]);
    // And takes what it allows.
    expect(await call('POST', reviews, { commit_id: head, event: 'COMMENT', body: 'x', comments: [{ path: 'k8s/api.yaml', body: 'x', start_line: 30, start_side: 'RIGHT', line: 31, side: 'RIGHT' }] })).toBe(200);
    expect(fake.violations).toHaveLength(10);
  });
});

/** Line numbers first..last. */
function lineNumbers(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

describe('deciding the suggestions', () => {
  const headFiles = (): string => {
    const dir = tempDir();
    fs.cpSync(path.join(PR, 'head'), dir, { recursive: true });
    return dir;
  };

  async function report(dir: string): Promise<Report> {
    return toReport(await lint(['k8s'], dir), '0.0.0');
  }

  function texts(r: Report): Map<string, string> {
    return new Map(r.findings.map(({ finding }) => [finding.file.absPath!, finding.file.text]));
  }

  it('reads the RIGHT side of a patch: context and added lines with their numbers, which of them were added, not removed ones', () => {
    const patch = ['@@ -1,3 +1,4 @@', ' a', '-b', '+B', '+C', ' d', '@@ -10 +11,2 @@ spec:', ' x', '+y', '\\ No newline at end of file'].join('\n');
    expect(parsePatch(patch)).toEqual<DiffHunk[]>([
      { first: 1, text: ['a', 'B', 'C', 'd'], added: [2, 3] },
      { first: 11, text: ['x', 'y'], added: [12] },
    ]);
    expect(parsePatch('@@ -0,0 +1 @@\n+only\r')).toEqual([{ first: 1, text: ['only'], added: [1] }]);
  });

  it('suggests an insertion after a line as that line plus the new ones, or before the next line when only that one is in the diff', async () => {
    const dir = headFiles();
    const r = await report(dir);
    const liveness = r.findings.findIndex((f) => f.finding.ruleId === 'probe-timeout-short' && f.finding.probe === 'liveness' && f.finding.file.path === 'k8s/api.yaml');
    const text = PULL.head['k8s/api.yaml']!.split('\n');
    // Every line of these hunks counts as added: what is tested here is where an insertion goes.
    const hunk = (first: number, last: number): DiffHunk => ({ first, text: text.slice(first - 1, last), added: lineNumbers(first, last) });
    const plan = (hunks: DiffHunk[]) => planReview({ report: r, root: dir, texts: texts(r), diff: new Map([['k8s/api.yaml', hunks]]), existing: new Set() }).suggestions.find((s) => s.index === liveness);
    // `timeoutSeconds: 5` goes after line 37 (initialDelaySeconds: 10), before line 38 (resources:).
    const after37 = plan([hunk(30, 37)])!;
    expect(after37.comment).toMatchObject({ line: 37 });
    expect(after37.comment.start_line).toBeUndefined();
    expect(suggested(after37.comment.body)).toEqual(['            initialDelaySeconds: 10', '            timeoutSeconds: 5']);
    const before38 = plan([hunk(38, 41)])!;
    expect(before38.comment).toMatchObject({ line: 38 });
    expect(suggested(before38.comment.body)).toEqual(['            timeoutSeconds: 5', '          resources:']);
    expect(plan([hunk(20, 36)])).toBeUndefined();
  });

  it('suggests nothing where the checkout is not the pull request\'s head (the hunk\'s lines differ) or the file changed since the lint', async () => {
    const dir = headFiles();
    const r = await report(dir);
    const text = PULL.head['k8s/api.yaml']!.split('\n');
    const whole: DiffHunk = { first: 1, text, added: lineNumbers(1, text.length) };
    const input = { report: r, root: dir, texts: texts(r), diff: new Map([['k8s/api.yaml', [whole]]]), existing: new Set<string>() };
    expect(planReview(input).suggestions.map((s) => s.comment.line)).toEqual([41, 31, 32, 37]);
    const moved: DiffHunk = { first: 1, text: ['# a line the base added', ...text], added: lineNumbers(1, text.length + 1) };
    expect(planReview({ ...input, diff: new Map([['k8s/api.yaml', [moved]]]) }).suggestions).toEqual([]);
    const edited = new Map([...texts(r)].map(([file, t]) => [file, t.replace('timeoutSeconds: 2', 'timeoutSeconds: 3')]));
    const plan = planReview({ ...input, texts: edited });
    expect(plan.suggestions.filter((s) => s.comment.path === 'k8s/api.yaml')).toEqual([]);
    expect(plan.left.map((l) => l.reason)).toContain('the file on disk is not the one linted');
  });

  it('skips the fingerprints already posted, counting them as on the pull request', async () => {
    const dir = headFiles();
    const r = await report(dir);
    const ids = occurrenceFingerprints(r.findings.map((f) => f.finding), dir, r.stdinPath);
    const text = PULL.head['k8s/api.yaml']!.split('\n');
    const diff = new Map([['k8s/api.yaml', [{ first: 1, text, added: lineNumbers(1, text.length) }]]]);
    const first = planReview({ report: r, root: dir, texts: texts(r), diff, existing: new Set() });
    const posted = new Set(first.suggestions.slice(0, 2).map((s) => s.fingerprint));
    const again = planReview({ report: r, root: dir, texts: texts(r), diff, existing: posted });
    expect(again.suggestions.map((s) => s.fingerprint)).toEqual(first.suggestions.slice(2).map((s) => s.fingerprint));
    expect(again.posted.map((i) => ids[i])).toEqual([...posted]);
    expect(markersIn(`<!-- probe-lint:${ids[0]} -->\nx`)).toEqual([ids[0]]);
  });

  it('writes repository text into a comment as plain text: no markup, mention, reference, HTML or fake marker', () => {
    const text = markdownText('container "a`b" at <!-- probe-lint:00000000000000000000000000000000:1 --> @admin #12 [x](javascript:y) **b** $x$\nline');
    expect(text).not.toMatch(/(^|[^\\])[`<>[\]*$]/);
    expect(markersIn(text)).toEqual([]);
    expect(text).toContain('@&#8203;admin');
    expect(text).toContain('#&#8203;12');
    expect(text).not.toContain('\n');
  });

  it('writes URLs and www. names so that GitHub does not make them links', () => {
    const text = markdownText('probe GET http://evil.example/login, https://x.example and www.evil.example (also WWW.Evil.example, ftp://files.example)');
    expect(text).toContain('http://&#8203;evil.example/login');
    expect(text).toContain('https://&#8203;x.example');
    expect(text).toContain('ftp://&#8203;files.example');
    expect(text).toContain('www.&#8203;evil.example');
    expect(text).toContain('WWW.&#8203;Evil.example');
    expect(text).not.toMatch(/:\/\/(?!&#8203;)|www\.(?!&#8203;)/i);
  });
});
