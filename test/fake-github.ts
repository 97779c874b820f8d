// A local GitHub REST API for one pull request, for the Action's suggestions:
// the pull request's files (with patches computed from base and head, as
// GitHub computes them), its review comments, and creating a review. Every
// request is checked against GitHub's published OpenAPI description
// (@octokit/openapi): an operation it does not describe, a parameter it does
// not declare, a body its schema does not allow (with no property it does not
// name) is a violation. So is a review comment GitHub would refuse (a line
// outside the diff's hunks, or a review whose commit_id is not the pull
// request's head), and an answer of the fake itself that GitHub's description
// does not allow. Tests assert `violations` is empty. Before any review, the
// pull request holds comments by another user (FakeOptions.foreignComments),
// so that the Action always reads comments that are not its own.
import http from 'node:http';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { structuredPatch } from 'diff';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: any };

export interface FakePullRequest {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  /** Repository files before and after the pull request, path → content. */
  base: Record<string, string>;
  head: Record<string, string>;
}

export interface FakeOptions {
  /** The token requests must carry. */
  token: string;
  /** Items per page at most, whatever per_page asks: small pages make the client paginate. */
  pageSize?: number;
  /** Answer every POST with 403, as GitHub answers a read-only token (pull requests from forks). */
  readOnly?: boolean;
  /**
   * Bodies of review comments another user wrote on the pull request before
   * the Action ran, on the first line of its first file's first hunk. By
   * default one that quotes a marker in its text, as a person asking about
   * the hidden markers would.
   */
  foreignComments?: string[];
}

/** Another user's comment that holds text like a marker, not at its start: it is not a probe-lint comment. */
export const FOREIGN_COMMENT = 'Why do the bot\'s comments hide `<!-- probe-lint:0123456789abcdef0123456789abcdef:1 -->` in them?';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface FakeGithub {
  url: string;
  requests: RecordedRequest[];
  /** The bodies of the reviews created, in order. */
  reviews: any[];
  /** What GitHub's description (or GitHub) would not allow, one line each. */
  violations: string[];
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);
let description: { spec: any; ajv: Ajv } | null = null;

/** GitHub's OpenAPI description of api.github.com, loaded once per test file, with a validator that resolves its references. */
function openapi(): { spec: any; ajv: Ajv } {
  if (!description) {
    const spec = JSON.parse(fs.readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'github', components: spec.components, paths: spec.paths }, 'github');
    description = { spec, ajv };
  }
  return description;
}

/** The operation of a method and a concrete path: the path template that matches with the most literal segments. */
function findOperation(spec: any, method: string, path: string): { template: string; operation: any; params: Record<string, string> } | null {
  let best: { template: string; operation: any; params: Record<string, string>; literals: number } | null = null;
  for (const [template, item] of Object.entries<any>(spec.paths)) {
    const operation = item[method.toLowerCase()];
    if (!operation) continue;
    const names: string[] = [];
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    const match = new RegExp(`^${pattern}$`).exec(path);
    if (!match) continue;
    const literals = template.split('/').filter((s) => s && !s.startsWith('{')).length;
    if (best && best.literals >= literals) continue;
    best = { template, operation, literals, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)])) };
  }
  return best;
}

function resolve(spec: any, node: any): any {
  if (!node || typeof node !== 'object' || typeof node.$ref !== 'string') return node;
  return resolve(spec, node.$ref.slice(2).split('/').map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~')).reduce((at: any, key: string) => at[key], spec));
}

/**
 * The schema with its references inlined and every object closed: a property
 * the description does not name is refused (GitHub ignores one, so a typo such
 * as `startLine` would silently place a comment elsewhere).
 */
function closed(spec: any, schema: Schema, depth = 0): Schema {
  if (depth > 20) return schema;
  const s = resolve(spec, schema);
  if (!s || typeof s !== 'object') return s;
  const out: Schema = Array.isArray(s) ? [] : {};
  for (const [key, value] of Object.entries<any>(s)) {
    if (key === 'properties') out.properties = Object.fromEntries(Object.entries<any>(value).map(([k, v]) => [k, closed(spec, v, depth + 1)]));
    else if (['items', 'additionalProperties', 'not'].includes(key) && typeof value === 'object') out[key] = closed(spec, value, depth + 1);
    else if (['allOf', 'anyOf', 'oneOf'].includes(key)) out[key] = value.map((v: any) => closed(spec, v, depth + 1));
    else out[key] = value;
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** A JSON pointer into the description. */
function pointer(...keys: string[]): string {
  return keys.map((k) => k.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`).join('; ');
}

/** One hunk of the head side as GitHub's patch holds it: lines newStart .. newStart + newLines - 1 can carry a comment. */
interface Hunk {
  newStart: number;
  newLines: number;
}

interface FileEntry {
  filename: string;
  status: 'added' | 'removed' | 'modified';
  additions: number;
  deletions: number;
  patch: string;
  hunks: Hunk[];
}

/** The pull request's files as GitHub lists them: a unified diff of each changed file, three lines of context, no file header. */
function changedFiles(pull: FakePullRequest): FileEntry[] {
  const paths = [...new Set([...Object.keys(pull.base), ...Object.keys(pull.head)])].sort();
  return paths.flatMap((filename) => {
    const before = pull.base[filename];
    const after = pull.head[filename];
    if (before === after) return [];
    const diff = structuredPatch(`a/${filename}`, `b/${filename}`, before ?? '', after ?? '', '', '', { context: 3 });
    const range = (start: number, count: number): string => (count === 1 ? `${start}` : `${count === 0 ? start - 1 + Number(start === 0) : start},${count}`);
    const patch = diff.hunks.map((h) => [`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`, ...h.lines].join('\n')).join('\n');
    const count = (sign: string): number => diff.hunks.reduce((n, h) => n + h.lines.filter((l) => l.startsWith(sign)).length, 0);
    const status = before === undefined ? 'added' : after === undefined ? 'removed' : 'modified';
    return [{ filename, status, additions: count('+'), deletions: count('-'), patch, hunks: diff.hunks.map((h) => ({ newStart: h.newStart, newLines: h.newLines })) }];
  });
}

const USER = {
  login: 'github-actions[bot]',
  id: 41898282,
  node_id: 'MDM6Qm90NDE4OTgyODI=',
  avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
  gravatar_id: '',
  url: 'https://api.github.com/users/github-actions%5Bbot%5D',
  html_url: 'https://github.com/apps/github-actions',
  followers_url: 'https://api.github.com/users/github-actions%5Bbot%5D/followers',
  following_url: 'https://api.github.com/users/github-actions%5Bbot%5D/following{/other_user}',
  gists_url: 'https://api.github.com/users/github-actions%5Bbot%5D/gists{/gist_id}',
  starred_url: 'https://api.github.com/users/github-actions%5Bbot%5D/starred{/owner}{/repo}',
  subscriptions_url: 'https://api.github.com/users/github-actions%5Bbot%5D/subscriptions',
  organizations_url: 'https://api.github.com/users/github-actions%5Bbot%5D/orgs',
  repos_url: 'https://api.github.com/users/github-actions%5Bbot%5D/repos',
  events_url: 'https://api.github.com/users/github-actions%5Bbot%5D/events{/privacy}',
  received_events_url: 'https://api.github.com/users/github-actions%5Bbot%5D/received_events',
  type: 'Bot',
  site_admin: false,
};

const OTHER_USER = {
  login: 'octocat',
  id: 583231,
  node_id: 'MDQ6VXNlcjU4MzIzMQ==',
  avatar_url: 'https://avatars.githubusercontent.com/u/583231?v=4',
  gravatar_id: '',
  url: 'https://api.github.com/users/octocat',
  html_url: 'https://github.com/octocat',
  followers_url: 'https://api.github.com/users/octocat/followers',
  following_url: 'https://api.github.com/users/octocat/following{/other_user}',
  gists_url: 'https://api.github.com/users/octocat/gists{/gist_id}',
  starred_url: 'https://api.github.com/users/octocat/starred{/owner}{/repo}',
  subscriptions_url: 'https://api.github.com/users/octocat/subscriptions',
  organizations_url: 'https://api.github.com/users/octocat/orgs',
  repos_url: 'https://api.github.com/users/octocat/repos',
  events_url: 'https://api.github.com/users/octocat/events{/privacy}',
  received_events_url: 'https://api.github.com/users/octocat/received_events',
  type: 'User',
  site_admin: false,
};

export async function startFakeGithub(pull: FakePullRequest, options: FakeOptions): Promise<FakeGithub> {
  const { spec, ajv } = openapi();
  const files = changedFiles(pull);
  const comments: Record<string, Json>[] = [];
  const reviews: any[] = [];
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  let nextId = 1000;
  const repoPath = `/repos/${pull.owner}/${pull.repo}`;
  const web = `https://github.com/${pull.owner}/${pull.repo}/pull/${pull.number}`;
  const api = `https://api.github.com${repoPath}/pulls/${pull.number}`;
  const firstFile = files.find((f) => f.status !== 'removed');
  for (const text of options.foreignComments ?? [FOREIGN_COMMENT]) {
    if (!firstFile) break;
    const reviewId = nextId++;
    comments.push(storedComment({ path: firstFile.filename, body: text, line: firstFile.hunks[0]!.newStart, side: 'RIGHT' }, nextId++, reviewId, OTHER_USER));
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      const raw = Buffer.concat(chunks).toString('utf8');
      const query = Object.fromEntries(url.searchParams);
      let body: unknown = undefined;
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(payload));
      };
      const refuse = (status: number, why: string): void => {
        violations.push(`${method} ${url.pathname}: ${why}`);
        send(status, { message: why, documentation_url: 'https://docs.github.com/rest', status: String(status) });
      };
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        return refuse(400, 'Problems parsing JSON');
      }
      requests.push({ method, path: url.pathname, query, body });
      if (req.headers.authorization !== `token ${options.token}`) return refuse(401, 'Bad credentials');

      const found = findOperation(spec, method, url.pathname);
      if (!found) return refuse(404, `no operation ${method} ${url.pathname} in GitHub's OpenAPI description`);
      const { template, operation } = found;
      const item = spec.paths[template];
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p: any) => resolve(spec, p));
      for (const [name, value] of Object.entries(query)) {
        const parameter = parameters.find((p: any) => p.in === 'query' && p.name === name);
        if (!parameter) return refuse(422, `query parameter ${name} is not one of ${template}'s`);
        const problem = parameterProblem(ajv, parameter, value);
        if (problem) return refuse(422, `query parameter ${name}=${value}: ${problem}`);
      }
      for (const parameter of parameters.filter((p: any) => p.in === 'path')) {
        const problem = parameterProblem(ajv, parameter, found.params[parameter.name]!);
        if (problem) return refuse(422, `path parameter ${parameter.name}: ${problem}`);
      }
      const requestBody = resolve(spec, operation.requestBody);
      if (requestBody) {
        if (body === undefined && requestBody.required) return refuse(400, 'the request body is required');
        if (body !== undefined) {
          if (!String(req.headers['content-type']).startsWith('application/json')) return refuse(415, `content-type ${req.headers['content-type']} is not application/json`);
          const validate = ajv.compile(closed(spec, requestBody.content['application/json'].schema));
          if (!validate(body)) return refuse(422, `body: ${errorsOf(validate)}`);
        }
      } else if (body !== undefined) {
        return refuse(400, `${method} ${template} takes no body`);
      }

      /** Answers with the status and payload, checked against the description's response for that status. */
      const answer = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
        const declared = operation.responses[String(status)];
        // A shared response (`#/components/responses/forbidden`) is validated where it is defined.
        const at = declared?.$ref ? declared.$ref.slice(1) : `/${pointer('paths', template, method.toLowerCase(), 'responses', String(status))}`;
        const validate = declared && ajv.getSchema(`github#${at}/content/application~1json/schema`);
        if (!validate) violations.push(`fake: ${method} ${template} has no JSON ${status} response in the description`);
        else if (!validate(payload)) violations.push(`fake: answer to ${method} ${template} is not GitHub's: ${errorsOf(validate)}`);
        send(status, payload, headers);
      };
      const page = (items: unknown[]): void => {
        const perPage = Math.min(Number(query.per_page ?? 30), 100, options.pageSize ?? 100);
        const number = Number(query.page ?? 1);
        const last = Math.max(1, Math.ceil(items.length / perPage));
        const link = (n: number, rel: string): string => {
          const next = new URL(url.pathname, `http://${req.headers.host}`);
          next.search = new URLSearchParams({ ...query, per_page: String(query.per_page ?? 30), page: String(n) }).toString();
          return `<${next.href}>; rel="${rel}"`;
        };
        const links = [...(number < last ? [link(number + 1, 'next'), link(last, 'last')] : []), ...(number > 1 ? [link(1, 'first'), link(number - 1, 'prev')] : [])];
        answer(200, items.slice((number - 1) * perPage, number * perPage), links.length ? { link: links.join(', ') } : {});
      };

      const pulls = `${repoPath}/pulls/${pull.number}`;
      if (method === 'GET' && url.pathname === `${pulls}/files`) {
        return page(
          files.map((f) => ({
            sha: 'bbcd538c8e72b8c175046e27cc8f907076331401',
            filename: f.filename,
            status: f.status,
            additions: f.additions,
            deletions: f.deletions,
            changes: f.additions + f.deletions,
            blob_url: `https://github.com/${pull.owner}/${pull.repo}/blob/${pull.headSha}/${f.filename}`,
            raw_url: `https://github.com/${pull.owner}/${pull.repo}/raw/${pull.headSha}/${f.filename}`,
            contents_url: `https://api.github.com${repoPath}/contents/${f.filename}?ref=${pull.headSha}`,
            patch: f.patch,
          })),
        );
      }
      if (method === 'GET' && url.pathname === `${pulls}/comments`) return page(comments);
      if (method === 'POST' && url.pathname === `${pulls}/reviews`) {
        if (options.readOnly) {
          return answer(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request', status: '403' });
        }
        const review = body as { body?: string; event?: string; commit_id?: string; comments?: any[] };
        // GitHub's own rules beyond the schema: a COMMENT review has a body, and each comment sits on lines of one hunk of its file.
        if (review.event === 'COMMENT' && !review.body) return refuse(422, 'a COMMENT review needs a body');
        // The lines are the head's: the Action names that commit (GitHub would take a missing one as whatever the head is by then).
        if (review.commit_id !== pull.headSha) return refuse(422, `commit_id ${review.commit_id} is not the pull request's head ${pull.headSha}`);
        for (const c of review.comments ?? []) {
          const problem = placementProblem(files, c);
          if (problem) return refuse(422, `comment on ${c.path}: ${problem}`);
        }
        reviews.push(body);
        const reviewId = nextId++;
        for (const c of review.comments ?? []) comments.push(storedComment(c, nextId++, reviewId, USER));
        return answer(200, {
          id: reviewId,
          node_id: `PRR_${reviewId}`,
          user: USER,
          body: review.body ?? '',
          state: review.event === 'COMMENT' ? 'COMMENTED' : 'PENDING',
          html_url: `${web}#pullrequestreview-${reviewId}`,
          pull_request_url: api,
          _links: { html: { href: `${web}#pullrequestreview-${reviewId}` }, pull_request: { href: api } },
          submitted_at: '2026-11-30T02:00:00Z',
          commit_id: review.commit_id ?? pull.headSha,
          author_association: 'NONE',
        });
      }
      return refuse(404, `the fake does not answer ${method} ${url.pathname}`);
    });
  });

  /** A review comment as GitHub lists it, from what was posted. */
  function storedComment(c: any, id: number, reviewId: number, user: typeof USER): Record<string, Json> {
    return {
      url: `https://api.github.com${repoPath}/pulls/comments/${id}`,
      pull_request_review_id: reviewId,
      id,
      node_id: `PRRC_${id}`,
      diff_hunk: files.find((f) => f.filename === c.path)!.patch.split('\n')[0]!,
      path: c.path,
      commit_id: pull.headSha,
      original_commit_id: pull.headSha,
      user,
      body: c.body,
      created_at: '2026-11-30T02:00:00Z',
      updated_at: '2026-11-30T02:00:00Z',
      html_url: `${web}#discussion_r${id}`,
      pull_request_url: api,
      author_association: 'NONE',
      _links: { self: { href: `https://api.github.com${repoPath}/pulls/comments/${id}` }, html: { href: `${web}#discussion_r${id}` }, pull_request: { href: api } },
      start_line: c.start_line ?? null,
      original_start_line: c.start_line ?? null,
      // GitHub sends null here for a one-line comment; the description's enum has no null, so it is left out.
      ...(c.start_side ? { start_side: c.start_side } : {}),
      line: c.line,
      original_line: c.line,
      side: c.side ?? 'RIGHT',
      subject_type: 'line',
    };
  }

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reviews,
    violations,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** Why a query or path value does not fit its parameter's schema (numbers arrive as text), or null. */
function parameterProblem(ajv: Ajv, parameter: any, value: string): string | null {
  const schema = parameter.schema ?? {};
  const numeric = (schema.type === 'integer' || schema.type === 'number') && /^-?\d+(\.\d+)?$/.test(value);
  const typed = numeric ? Number(value) : schema.type === 'boolean' && (value === 'true' || value === 'false') ? value === 'true' : value;
  const validate = ajv.compile(schema);
  return validate(typed) ? null : errorsOf(validate);
}

/**
 * Why GitHub would refuse a review comment's place, or null: the lines must be
 * on the RIGHT side (the side suggestions apply to) of one hunk of a file of
 * the pull request, a range must start before it ends, and a comment without
 * `line` (a `position` one) is not what this Action posts.
 */
function placementProblem(files: readonly FileEntry[], c: any): string | null {
  const file = files.find((f) => f.filename === c.path);
  if (!file) return 'the file is not part of the pull request';
  if (typeof c.line !== 'number') return 'no line (a position comment)';
  if ((c.side ?? 'RIGHT') !== 'RIGHT' || (c.start_line !== undefined && (c.start_side ?? 'RIGHT') !== 'RIGHT')) return 'not on the RIGHT side';
  const first = c.start_line ?? c.line;
  if (c.start_line !== undefined && c.start_line >= c.line) return `start_line ${c.start_line} must be before line ${c.line}`;
  const hunk = file.hunks.find((h) => h.newStart <= first && c.line < h.newStart + h.newLines);
  return hunk ? null : `lines ${first}–${c.line} must be part of the diff (one hunk)`;
}
