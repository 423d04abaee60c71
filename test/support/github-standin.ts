// A GitHub REST stand-in on loopback for tests. Its routes are looked up by operationId in GitHub's published
// OpenAPI description (so a route GitHub does not have cannot be served), its responses carry the fields
// that description requires (checked on every response; see schemaViolations), and its pagination, errors
// and rate-limit headers are formatted as GitHub formats them. Tests can seed comments, queue faults per
// route, make the token read-only as a fork pull request's is, and read back every request.

import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type HttpMethod,
  loadGitHubOpenApi,
  type Operation,
  operationById,
  responseSchemaFor,
  schemaProblems,
} from './github-openapi.js';

export interface StandinUser {
  login: string;
  id: number;
  type: 'User' | 'Bot' | 'Organization';
}

/** Who GITHUB_TOKEN acts as. */
export const GITHUB_ACTIONS_BOT: StandinUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };
export const OCTOCAT: StandinUser = { login: 'octocat', id: 583231, type: 'User' };

export interface InjectedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as is instead of JSON (a proxy's HTML error page); set content-type in headers. */
  rawBody?: string;
  /** Never answer: the connection stays open until the stand-in closes. */
  hang?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** The path as requested, without the query. */
  path: string;
  /** "METHOD /path/{template}" of the route it matched, or null. */
  route: string | null;
  operationId: string | null;
  query: Record<string, string>;
  /** The parsed JSON body, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  authorization: string | undefined;
  headers: IncomingHttpHeaders;
  status: number;
  /** Answered from the fault queue rather than by the route. */
  injected: boolean;
}

export interface StoredComment {
  id: number;
  issueNumber: number;
  body: string;
  user: StandinUser;
  createdAt: string;
  updatedAt: string;
}

export interface GitHubStandinOptions {
  /** The one repository served; others answer 404. Default Codertocat/Hello-World (the webhook examples'). */
  owner?: string;
  repo?: string;
  /** Who the token is. Default github-actions[bot]. */
  actor?: StandinUser;
  /** When set, a request with another token answers 401 "Bad credentials". */
  token?: string;
  /** Writes answer 403 "Resource not accessible by integration", as with a fork pull request's token. */
  readOnly?: boolean;
}

export interface ServedRoute {
  operationId: string;
  method: HttpMethod;
  /** GitHub's path template, e.g. /repos/{owner}/{repo}/issues/{issue_number}/comments. */
  path: string;
}

export interface GitHubStandin {
  /** http://127.0.0.1:PORT, the REST API root (GITHUB_API_URL). */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Responses the stand-in sent that miss what GitHub's description requires; a test expects []. */
  readonly schemaViolations: string[];
  readonly routes: readonly ServedRoute[];
  readonly repository: { owner: string; repo: string };
  readonly actor: StandinUser;
  readOnly: boolean;
  /** Adds `count` comments by `user` (default octocat) to the issue, oldest first. */
  seedComments(issueNumber: number, count: number, options?: SeedOptions): StoredComment[];
  addComment(issueNumber: number, body: string, user?: StandinUser): StoredComment;
  comments(issueNumber: number): StoredComment[];
  /** Puts a label on the issue as `by` at `at` (default now): a `labeled` event, as GitHub records it. */
  addLabel(issueNumber: number, name: string, by: StandinUser, at?: string): void;
  /** Takes the label off (an `unlabeled` event). */
  removeLabel(issueNumber: number, name: string, by: StandinUser, at?: string): void;
  /** The role GET .../collaborators/{username}/permission answers for this user; unknown users get 404. */
  setPermission(user: StandinUser, role: CollaboratorRole): void;
  /** Serves GET /repos/{owner}/{repo}/pulls/{number}, e.g. the `pull_request` of a webhook payload. */
  setPullRequest(pullRequest: Record<string, unknown>): void;
  /**
   * Holds the next `count` requests to a route until all `count` have arrived, then answers them together:
   * two clients racing are made to interleave at exactly that call, with no timing involved.
   */
  holdUntil(method: string, pathTemplate: string, count: number): void;
  /** Queues one-shot answers for a route ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments"). */
  inject(method: string, pathTemplate: string, ...responses: InjectedResponse[]): void;
  requestsTo(method: string, pathTemplate: string): RecordedRequest[];
  /** Adds a workflow run; returns its id. */
  addWorkflowRun(run: WorkflowRunSeed): number;
  /** Adds an artifact to a run; its download redirects to a signed blob URL this stand-in serves. */
  addArtifact(runId: number, artifact: ArtifactSeed): number;
  /** The repository id the served repository has in run and artifact objects. */
  readonly repositoryId: number;
  close(): Promise<void>;
}

/** A workflow run the Actions routes serve. `headRepository` defaults to the served repository. */
export interface WorkflowRunSeed {
  headSha: string;
  event?: string;
  conclusion?: 'success' | 'failure' | 'cancelled' | null;
  headBranch?: string;
  /** A fork: another owner/name and repository id. */
  headRepository?: { owner: string; name: string; id: number };
}

export interface ArtifactSeed {
  name: string;
  /** The zip the download redirects to. */
  zip: Buffer;
  expired?: boolean;
}

/** GitHub's repository roles; `permission` is the legacy name (maintain reads as write, triage as read). */
export type CollaboratorRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read';
const LEGACY_PERMISSION: Record<CollaboratorRole, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
};

interface StoredLabelEvent {
  id: number;
  issueNumber: number;
  event: 'labeled' | 'unlabeled';
  label: string;
  actor: StandinUser;
  createdAt: string;
}

export interface SeedOptions {
  user?: StandinUser;
  body?: (index: number) => string;
}

/** GitHub's error responses, as its API sends them. */
export const githubFaults = {
  error(status: number, message: string, headers: Record<string, string> = {}): InjectedResponse {
    return { status, headers, body: { message, documentation_url: DOCS_ROOT, status: String(status) } };
  },
  /** What a read-only token (fork pull requests) gets for a write. */
  forbiddenByIntegration(): InjectedResponse {
    return githubFaults.error(403, 'Resource not accessible by integration');
  },
  serverError(status = 502): InjectedResponse {
    return githubFaults.error(status, 'Server Error');
  },
  tooManyRequests(retryAfterSeconds: number): InjectedResponse {
    return githubFaults.error(429, 'Too Many Requests', { 'retry-after': String(retryAfterSeconds) });
  },
  primaryRateLimit(resetEpochSeconds: number): InjectedResponse {
    return githubFaults.error(403, 'API rate limit exceeded for installation ID 1.', {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-reset': String(resetEpochSeconds),
      'x-ratelimit-resource': 'core',
    });
  },
  secondaryRateLimit(retryAfterSeconds?: number): InjectedResponse {
    return githubFaults.error(
      403,
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
    );
  },
};

const DOCS_ROOT = 'https://docs.github.com/rest';
/** The *_url fields of GitHub's minimal-repository, without the suffix. */
const MINIMAL_REPOSITORY_URLS = [
  'archive',
  'assignees',
  'blobs',
  'branches',
  'collaborators',
  'comments',
  'commits',
  'compare',
  'contents',
  'contributors',
  'deployments',
  'downloads',
  'events',
  'forks',
  'git_commits',
  'git_refs',
  'git_tags',
  'hooks',
  'issue_comment',
  'issue_events',
  'issues',
  'keys',
  'labels',
  'languages',
  'merges',
  'milestones',
  'notifications',
  'pulls',
  'releases',
  'stargazers',
  'statuses',
  'subscribers',
  'subscription',
  'tags',
  'teams',
  'trees',
];
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;
const MAX_COMMENT_BODY = 65_536;

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  rawBody?: string;
  hang?: boolean;
}

interface Context {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  operation: Operation;
  path: string;
}

type Handler = (context: Context) => Reply;

interface CompiledRoute extends ServedRoute {
  operation: Operation;
  pattern: RegExp;
  names: string[];
  handler: Handler;
  write: boolean;
}

export async function startGitHubStandin(options: GitHubStandinOptions = {}): Promise<GitHubStandin> {
  const doc = loadGitHubOpenApi();
  const owner = options.owner ?? 'Codertocat';
  const repo = options.repo ?? 'Hello-World';
  const actor = options.actor ?? GITHUB_ACTIONS_BOT;
  const requests: RecordedRequest[] = [];
  const schemaViolations: string[] = [];
  const injected = new Map<string, InjectedResponse[]>();
  const comments = new Map<number, StoredComment>();
  const pullRequests = new Map<number, Record<string, unknown>>();
  const labels = new Map<number, string[]>();
  const labelEvents: StoredLabelEvent[] = [];
  const roles = new Map<string, { user: StandinUser; role: CollaboratorRole }>();
  let nextEventId = 9_000_000_001;
  let nextCommentId = 2_000_000_001;
  let baseUrl = '';
  const REPOSITORY_ID = 1_296_269;
  const runs = new Map<
    number,
    Required<Omit<WorkflowRunSeed, 'headRepository'>> & WorkflowRunSeed & { id: number; at: string }
  >();
  const artifacts = new Map<number, ArtifactSeed & { id: number; runId: number; at: string }>();
  let nextRunId = 9_000_000_001;
  let nextArtifactId = 7_000_000_001;
  /** Signed blob URLs the artifact downloads redirect to: path → zip. */
  const blobs = new Map<string, Buffer>();

  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const repoApi = () => `${baseUrl}/repos/${owner}/${repo}`;

  const userJson = (user: StandinUser) => {
    const api = `${baseUrl}/users/${encodeURIComponent(user.login)}`;
    return {
      login: user.login,
      id: user.id,
      node_id: nodeId(user.type === 'Bot' ? 'BOT' : 'U', user.id),
      avatar_url: `${baseUrl}/avatars/u/${user.id}?v=4`,
      gravatar_id: '',
      url: api,
      html_url: `${baseUrl}/${encodeURIComponent(user.login)}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: user.type,
      user_view_type: 'public',
      site_admin: false,
    };
  };

  const commentJson = (comment: StoredComment) => {
    const url = `${repoApi()}/issues/comments/${comment.id}`;
    return {
      url,
      html_url: `${baseUrl}/${owner}/${repo}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
      issue_url: `${repoApi()}/issues/${comment.issueNumber}`,
      id: comment.id,
      node_id: nodeId('IC', comment.id),
      user: userJson(comment.user),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      body: comment.body,
      author_association: comment.user.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
      performed_via_github_app: null,
      reactions: {
        url: `${url}/reactions`,
        total_count: 0,
        '+1': 0,
        '-1': 0,
        laugh: 0,
        hooray: 0,
        confused: 0,
        heart: 0,
        rocket: 0,
        eyes: 0,
      },
    };
  };

  const addComment = (issueNumber: number, body: string, user: StandinUser = OCTOCAT): StoredComment => {
    const at = now();
    const comment = { id: nextCommentId++, issueNumber, body, user, createdAt: at, updatedAt: at };
    comments.set(comment.id, comment);
    return comment;
  };

  const issueComments = (issueNumber: number) =>
    [...comments.values()]
      .filter((comment) => comment.issueNumber === issueNumber)
      .sort((a, b) => a.id - b.id);

  const minimalRepository = (repoOwner: string, name: string, id: number) => {
    const api = `${baseUrl}/repos/${repoOwner}/${name}`;
    const repository: Record<string, unknown> = {
      id,
      node_id: nodeId('R', id),
      name,
      full_name: `${repoOwner}/${name}`,
      owner: userJson({ login: repoOwner, id: id + 1, type: 'Organization' }),
      private: false,
      html_url: `${baseUrl}/${repoOwner}/${name}`,
      description: null,
      fork: id !== REPOSITORY_ID,
      url: api,
    };
    // Every *_url GitHub lists, pointing where GitHub points it.
    for (const field of MINIMAL_REPOSITORY_URLS) repository[`${field}_url`] = `${api}/${field}`;
    return repository;
  };

  const runJson = (run: typeof runs extends Map<number, infer R> ? R : never) => {
    const head = run.headRepository ?? { owner, name: repo, id: REPOSITORY_ID };
    const url = `${repoApi()}/actions/runs/${run.id}`;
    return {
      id: run.id,
      name: 'CI',
      node_id: nodeId('WFR', run.id),
      head_branch: run.headBranch,
      head_sha: run.headSha,
      path: '.github/workflows/ci.yml',
      display_title: 'CI',
      run_number: run.id % 1000,
      event: run.event,
      status: 'completed',
      conclusion: run.conclusion,
      workflow_id: 161335,
      url,
      html_url: `${baseUrl}/${owner}/${repo}/actions/runs/${run.id}`,
      pull_requests: [],
      created_at: run.at,
      updated_at: run.at,
      jobs_url: `${url}/jobs`,
      logs_url: `${url}/logs`,
      check_suite_url: `${repoApi()}/check-suites/${run.id}`,
      artifacts_url: `${url}/artifacts`,
      cancel_url: `${url}/cancel`,
      rerun_url: `${url}/rerun`,
      workflow_url: `${repoApi()}/actions/workflows/161335`,
      head_commit: {
        id: run.headSha,
        tree_id: run.headSha,
        message: 'commit',
        timestamp: run.at,
        author: { name: 'Octo Cat', email: 'octocat@github.com' },
        committer: { name: 'Octo Cat', email: 'octocat@github.com' },
      },
      repository: minimalRepository(owner, repo, REPOSITORY_ID),
      head_repository: minimalRepository(head.owner, head.name, head.id),
    };
  };

  const artifactJson = (artifact: typeof artifacts extends Map<number, infer A> ? A : never) => {
    const run = runs.get(artifact.runId)!;
    const url = `${repoApi()}/actions/artifacts/${artifact.id}`;
    return {
      id: artifact.id,
      node_id: nodeId('MDg6QXJ0aWZhY3Q', artifact.id),
      name: artifact.name,
      size_in_bytes: artifact.zip.length,
      url,
      archive_download_url: `${url}/zip`,
      expired: artifact.expired ?? false,
      created_at: artifact.at,
      expires_at: new Date(Date.parse(artifact.at) + 90 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      updated_at: artifact.at,
      digest: `sha256:${createHash('sha256').update(artifact.zip).digest('hex')}`,
      workflow_run: {
        id: run.id,
        repository_id: REPOSITORY_ID,
        head_repository_id: run.headRepository?.id ?? REPOSITORY_ID,
        head_branch: run.headBranch,
        head_sha: run.headSha,
      },
    };
  };

  const page = <T>(all: T[], query: URLSearchParams) => {
    const perPage = clamp(integerOr(query.get('per_page'), DEFAULT_PER_PAGE), 1, MAX_PER_PAGE);
    const at = Math.max(1, integerOr(query.get('page'), 1));
    return all.slice((at - 1) * perPage, at * perPage);
  };

  const notFound = (operation: Operation): Reply => errorReply(404, 'Not Found', operation);

  const labelId = (name: string) => [...name].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) >>> 0, 7);
  const labelJson = (name: string) => ({
    id: labelId(name),
    node_id: nodeId('LA', labelId(name)),
    url: `${repoApi()}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: 'ededed',
    default: false,
  });
  const labelEventJson = (event: StoredLabelEvent) => ({
    id: event.id,
    node_id: nodeId(event.event === 'labeled' ? 'LE' : 'UNLE', event.id),
    url: `${repoApi()}/issues/events/${event.id}`,
    actor: userJson(event.actor),
    event: event.event,
    commit_id: null,
    commit_url: null,
    created_at: event.createdAt,
    performed_via_github_app: null,
    label: { name: event.label, color: 'ededed' },
  });
  /** One page of `items` as GitHub pages a list: per_page (default 30, at most 100), page, Link. */
  const paged = <T>(items: readonly T[], query: URLSearchParams, path: string): Reply => {
    const perPage = clamp(integerOr(query.get('per_page'), DEFAULT_PER_PAGE), 1, MAX_PER_PAGE);
    const page = Math.max(1, integerOr(query.get('page'), 1));
    const lastPage = Math.max(1, Math.ceil(items.length / perPage));
    const link = linkHeader(`${baseUrl}${path}`, query, page, lastPage);
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      headers: link ? { link } : {},
    };
  };
  const labelEvent = (
    issueNumber: number,
    event: 'labeled' | 'unlabeled',
    name: string,
    by: StandinUser,
    at?: string,
  ) =>
    labelEvents.push({
      id: nextEventId++,
      issueNumber,
      event,
      label: name,
      actor: by,
      createdAt: at ?? now(),
    });

  const commentBodyProblem = (body: unknown, operation: Operation): Reply | null => {
    const text = (body as { body?: unknown } | undefined)?.body;
    if (typeof text !== 'string') {
      return errorReply(422, 'Invalid request.\n\n"body" wasn\'t supplied.', operation);
    }
    if (text.length > MAX_COMMENT_BODY) {
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'IssueComment',
              code: 'unprocessable',
              field: 'data',
              message: `Body is too long (maximum is ${MAX_COMMENT_BODY} characters)`,
            },
          ],
          documentation_url: docsUrl(operation),
          status: '422',
        },
      };
    }
    return null;
  };

  const handlers: Record<string, Handler> = {
    'issues/list-comments': ({ params, query, operation, path }) => {
      const issueNumber = Number(params.issue_number);
      if (!Number.isInteger(issueNumber)) return notFound(operation);
      const since = query.get('since');
      const all = issueComments(issueNumber).filter((comment) => !since || comment.updatedAt >= since);
      return paged(all.map(commentJson), query, path);
    },
    'issues/create-comment': ({ params, body, operation }) => {
      const issueNumber = Number(params.issue_number);
      if (!Number.isInteger(issueNumber)) return notFound(operation);
      const problem = commentBodyProblem(body, operation);
      if (problem) return problem;
      const comment = addComment(issueNumber, (body as { body: string }).body, actor);
      const json = commentJson(comment);
      return { status: 201, body: json, headers: { location: json.url } };
    },
    'issues/get-comment': ({ params, operation }) => {
      const comment = comments.get(Number(params.comment_id));
      return comment ? { status: 200, body: commentJson(comment) } : notFound(operation);
    },
    'issues/update-comment': ({ params, body, operation }) => {
      const comment = comments.get(Number(params.comment_id));
      if (!comment) return notFound(operation);
      const problem = commentBodyProblem(body, operation);
      if (problem) return problem;
      comment.body = (body as { body: string }).body;
      comment.updatedAt = now();
      return { status: 200, body: commentJson(comment) };
    },
    'actions/list-workflow-runs-for-repo': ({ query }) => {
      const status = query.get('status');
      const matching = [...runs.values()]
        .filter((run) => !query.get('head_sha') || run.headSha === query.get('head_sha'))
        .filter((run) => !query.get('event') || run.event === query.get('event'))
        .filter((run) => !query.get('branch') || run.headBranch === query.get('branch'))
        .filter((run) => !status || run.conclusion === status || status === 'completed')
        .sort((a, b) => b.id - a.id);
      return {
        status: 200,
        body: { total_count: matching.length, workflow_runs: page(matching, query).map(runJson) },
      };
    },
    'actions/list-workflow-run-artifacts': ({ params, query, operation }) => {
      if (!runs.has(Number(params.run_id))) return notFound(operation);
      const matching = [...artifacts.values()]
        .filter((a) => a.runId === Number(params.run_id))
        .filter((a) => !query.get('name') || a.name === query.get('name'));
      return {
        status: 200,
        body: { total_count: matching.length, artifacts: page(matching, query).map(artifactJson) },
      };
    },
    'actions/list-artifacts-for-repo': ({ query }) => {
      const matching = [...artifacts.values()]
        .filter((a) => !query.get('name') || a.name === query.get('name'))
        .sort((a, b) => b.id - a.id);
      return {
        status: 200,
        body: { total_count: matching.length, artifacts: page(matching, query).map(artifactJson) },
      };
    },
    'actions/download-artifact': ({ params, operation }) => {
      const artifact = artifacts.get(Number(params.artifact_id));
      if (!artifact || params.archive_format !== 'zip') return notFound(operation);
      if (artifact.expired) return errorReply(410, 'Artifact has expired', operation);
      const path = `/_blobs/artifact-${artifact.id}.zip`;
      blobs.set(path, artifact.zip);
      return { status: 302, headers: { location: `${baseUrl}${path}?sig=${randomUUID()}` } };
    },
    'issues/delete-comment': ({ params, operation }) => {
      const comment = comments.get(Number(params.comment_id));
      if (!comment) return notFound(operation);
      comments.delete(comment.id);
      return { status: 204 };
    },
    // An installation token (GITHUB_TOKEN is one) may not read /user: GitHub answers 403.
    'users/get-authenticated': ({ operation }) =>
      actor.type === 'Bot'
        ? errorReply(403, 'Resource not accessible by integration', operation)
        : {
            status: 200,
            body: {
              ...userJson(actor),
              name: null,
              company: null,
              blog: '',
              location: null,
              email: null,
              hireable: null,
              bio: null,
              public_repos: 0,
              public_gists: 0,
              followers: 0,
              following: 0,
              created_at: '2011-01-25T18:44:36Z',
              updated_at: '2025-01-01T00:00:00Z',
            },
          },
    'issues/list-labels-on-issue': ({ params, query, operation, path }) => {
      const issueNumber = Number(params.issue_number);
      if (!Number.isInteger(issueNumber)) return notFound(operation);
      return paged((labels.get(issueNumber) ?? []).map(labelJson), query, path);
    },
    'issues/list-events': ({ params, query, operation, path }) => {
      const issueNumber = Number(params.issue_number);
      if (!Number.isInteger(issueNumber)) return notFound(operation);
      const events = labelEvents.filter((event) => event.issueNumber === issueNumber).map(labelEventJson);
      return paged(events, query, path);
    },
    'repos/get-collaborator-permission-level': ({ params, operation }) => {
      const found = roles.get((params.username ?? '').toLowerCase());
      if (!found) return errorReply(404, `${params.username} is not a user`, operation);
      const legacy = LEGACY_PERMISSION[found.role];
      return {
        status: 200,
        body: {
          permission: legacy,
          role_name: found.role,
          user: {
            ...userJson(found.user),
            permissions: {
              admin: found.role === 'admin',
              maintain: found.role === 'admin' || found.role === 'maintain',
              push: legacy !== 'read',
              triage: found.role !== 'read',
              pull: true,
            },
            role_name: found.role,
          },
        },
      };
    },
    // GitHub's filters: state (default open), head as OWNER:BRANCH (the head repository's owner), base.
    'pulls/list': ({ query, path }) => {
      const state = query.get('state') ?? 'open';
      const head = query.get('head');
      const base = query.get('base');
      const listed = [...pullRequests.values()]
        .filter((pr) => state === 'all' || pr.state === state)
        .filter((pr) => {
          if (!head) return true;
          const h = pr.head as { ref: string; repo: { owner: { login: string } } | null };
          return `${h.repo?.owner.login ?? ''}:${h.ref}`.toLowerCase() === head.toLowerCase();
        })
        .filter((pr) => !base || (pr.base as { ref: string }).ref === base)
        .sort((a, b) => (b.number as number) - (a.number as number));
      return paged(listed, query, path);
    },
    'pulls/get': ({ params, operation }) => {
      const pullRequest = pullRequests.get(Number(params.pull_number));
      return pullRequest ? { status: 200, body: pullRequest } : notFound(operation);
    },
  };

  const routes: CompiledRoute[] = Object.entries(handlers).map(([operationId, handler]) => {
    const located = operationById(doc, operationId);
    if (!located) throw new Error(`GitHub's OpenAPI description has no operation ${operationId}`);
    const names: string[] = [];
    const pattern = new RegExp(
      `^${located.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    return {
      operationId,
      method: located.method,
      path: located.path,
      operation: located.operation,
      pattern,
      names,
      handler,
      write: located.method !== 'get',
    };
  });

  const state = { readOnly: options.readOnly ?? false };
  const holds = new Map<string, { count: number; waiting: (() => void)[] }>();
  const held = (key: string): Promise<void> | null => {
    const hold = holds.get(key);
    if (!hold) return null;
    return new Promise<void>((release) => {
      hold.waiting.push(release);
      if (hold.waiting.length >= hold.count) {
        holds.delete(key);
        for (const waiting of hold.waiting) waiting();
      }
    });
  };

  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const method = (request.method ?? 'GET').toUpperCase();
    const rawBody = await readBody(request);
    // Blob storage behind the artifact download redirect: not the API, so no route, no token.
    const blob = method === 'GET' ? blobs.get(url.pathname) : undefined;
    if (blob && url.searchParams.has('sig')) {
      if (request.headers.authorization) {
        response.writeHead(400, { 'content-type': 'text/plain' });
        response.end('blob storage refuses an Authorization header next to a signed URL');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(blob.length) });
      response.end(blob);
      return;
    }
    const body = parseBody(rawBody);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      route: null,
      operationId: null,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: request.headers.authorization,
      headers: request.headers,
      status: 0,
      injected: false,
    };
    requests.push(record);

    type Routed =
      | { matched: { route: CompiledRoute; params: Record<string, string> }; key: string }
      | { reply: Reply; route: undefined };
    const routed = ((): Routed => {
      let matched: { route: CompiledRoute; params: Record<string, string> } | undefined;
      for (const route of routes) {
        const found = route.method.toUpperCase() === method ? route.pattern.exec(url.pathname) : null;
        if (found) {
          matched = {
            route,
            params: Object.fromEntries(
              route.names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]),
            ),
          };
          break;
        }
      }
      if (!matched) return { reply: errorReply(404, 'Not Found'), route: undefined };
      const { route, params } = matched;
      record.route = `${method} ${route.path}`;
      record.operationId = route.operationId;
      return { matched: { route, params }, key: record.route };
    })();
    if ('matched' in routed) await held(routed.key);

    const reply = (() => {
      if (!('matched' in routed)) return routed;
      const { route, params } = routed.matched;

      const queued = injected.get(routed.key)?.shift();
      if (queued) {
        record.injected = true;
        return { reply: queued, route };
      }
      const authProblem = authorizationProblem(
        request.headers.authorization,
        options.token,
        route,
        state.readOnly,
      );
      if (authProblem) return { reply: authProblem, route };
      if (route.names.includes('owner') && (!sameName(params.owner, owner) || !sameName(params.repo, repo))) {
        return { reply: errorReply(404, 'Not Found', route.operation), route };
      }
      if (rawBody.length > 0 && body === rawBody) {
        return { reply: errorReply(400, 'Problems parsing JSON', route.operation), route };
      }
      return {
        reply: route.handler({
          params,
          query: url.searchParams,
          body,
          operation: route.operation,
          path: url.pathname,
        }),
        route,
      };
    })();

    record.status = reply.reply.status;
    // A hang or a raw body stands for something in front of GitHub (a proxy), not GitHub's own answer.
    if (reply.route && !reply.reply.hang && reply.reply.rawBody === undefined) {
      const schema = responseSchemaFor(doc, reply.route.operation, reply.reply.status);
      const documented = reply.route.operation.responses[String(reply.reply.status)] !== undefined;
      if (!documented && reply.reply.status < 400 && !record.injected) {
        schemaViolations.push(`${record.route}: status ${reply.reply.status} is not documented`);
      } else if (schema) {
        for (const problem of schemaProblems(doc, schema, reply.reply.body)) {
          schemaViolations.push(`${record.route} ${reply.reply.status}: ${problem}`);
        }
      }
    }
    if (reply.reply.hang) return;
    send(response, reply.reply);
  };

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      send(response, { status: 500, body: { message: `stand-in failure: ${String(error)}` } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const routeKey = (method: string, pathTemplate: string) => `${method.toUpperCase()} ${pathTemplate}`;

  return {
    baseUrl,
    requests,
    schemaViolations,
    routes: routes.map(({ operationId, method, path }) => ({ operationId, method, path })),
    repository: { owner, repo },
    actor,
    get readOnly() {
      return state.readOnly;
    },
    set readOnly(value: boolean) {
      state.readOnly = value;
    },
    seedComments(issueNumber, count, seed = {}) {
      return Array.from({ length: count }, (_, index) =>
        addComment(
          issueNumber,
          seed.body?.(index) ?? `Looks good to me (comment ${index + 1}).`,
          seed.user ?? OCTOCAT,
        ),
      );
    },
    addComment,
    comments: (issueNumber) => issueComments(issueNumber).map((comment) => ({ ...comment })),
    addLabel(issueNumber, name, by, at) {
      const current = labels.get(issueNumber) ?? [];
      if (!current.some((label) => label.toLowerCase() === name.toLowerCase())) {
        labels.set(issueNumber, [...current, name]);
      }
      labelEvent(issueNumber, 'labeled', name, by, at);
    },
    removeLabel(issueNumber, name, by, at) {
      const current = labels.get(issueNumber) ?? [];
      labels.set(
        issueNumber,
        current.filter((label) => label.toLowerCase() !== name.toLowerCase()),
      );
      labelEvent(issueNumber, 'unlabeled', name, by, at);
    },
    setPermission(user, role) {
      roles.set(user.login.toLowerCase(), { user, role });
    },
    setPullRequest(pullRequest) {
      const number = pullRequest.number;
      if (typeof number !== 'number') throw new Error('setPullRequest needs a pull request with a number');
      // The REST object has auto_merge; webhook payloads leave it out.
      pullRequests.set(number, { auto_merge: null, ...pullRequest });
    },
    holdUntil(method, pathTemplate, count) {
      const key = routeKey(method, pathTemplate);
      if (!routes.some((route) => routeKey(route.method, route.path) === key)) {
        throw new Error(`the stand-in serves no route ${key}`);
      }
      holds.set(key, { count, waiting: [] });
    },
    inject(method, pathTemplate, ...responses) {
      const key = routeKey(method, pathTemplate);
      if (!routes.some((route) => routeKey(route.method, route.path) === key)) {
        throw new Error(`the stand-in serves no route ${key}`);
      }
      injected.set(key, [...(injected.get(key) ?? []), ...responses]);
    },
    repositoryId: REPOSITORY_ID,
    addWorkflowRun(run) {
      const id = nextRunId++;
      runs.set(id, {
        event: 'push',
        conclusion: 'success',
        headBranch: 'main',
        ...run,
        id,
        at: now(),
      } as never);
      return id;
    },
    addArtifact(runId, artifact) {
      if (!runs.has(runId)) throw new Error(`the stand-in has no run ${runId}`);
      const id = nextArtifactId++;
      artifacts.set(id, { ...artifact, id, runId, at: now() });
      return id;
    },
    requestsTo(method, pathTemplate) {
      const key = routeKey(method, pathTemplate);
      return requests.filter((request) => request.route === key);
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function authorizationProblem(
  header: string | undefined,
  expectedToken: string | undefined,
  route: CompiledRoute,
  readOnly: boolean,
): Reply | null {
  const token = header?.replace(/^(token|bearer)\s+/i, '');
  if (token === undefined) {
    return route.write ? errorReply(401, 'Requires authentication', route.operation) : null;
  }
  if (expectedToken !== undefined && token !== expectedToken) {
    return errorReply(401, 'Bad credentials', route.operation);
  }
  if (readOnly && route.write)
    return errorReply(403, 'Resource not accessible by integration', route.operation);
  return null;
}

function errorReply(status: number, message: string, operation?: Operation): Reply {
  return { status, body: { message, documentation_url: docsUrl(operation), status: String(status) } };
}

function docsUrl(operation: Operation | undefined): string {
  return operation?.externalDocs?.url ?? DOCS_ROOT;
}

/** GitHub's Link header: prev, next, last, first, each the request's own URL with `page` changed. */
function linkHeader(url: string, query: URLSearchParams, page: number, lastPage: number): string | null {
  const at = (target: number) => {
    const params = new URLSearchParams(query);
    params.set('page', String(target));
    return `<${url}?${params.toString()}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${at(Math.min(page - 1, lastPage))}; rel="prev"`);
  if (page < lastPage) links.push(`${at(page + 1)}; rel="next"`, `${at(lastPage)}; rel="last"`);
  if (page > 1) links.push(`${at(1)}; rel="first"`);
  return links.length > 0 ? links.join(', ') : null;
}

function send(response: ServerResponse, reply: Reply): void {
  const resetAt = Math.floor(Date.now() / 1000) + 3600;
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': randomUUID().toUpperCase(),
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-reset': String(resetAt),
    'x-ratelimit-used': '1',
    'x-ratelimit-resource': 'core',
    ...reply.headers,
  };
  const payload = reply.rawBody ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
  response.writeHead(reply.status, { ...headers, 'content-length': String(Buffer.byteLength(payload)) });
  response.end(payload);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function nodeId(prefix: string, id: number): string {
  return `${prefix}_kwDO${Buffer.from(String(id)).toString('base64url')}`;
}

function sameName(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

function integerOr(text: string | null, fallback: number): number {
  const value = text === null ? Number.NaN : Number(text);
  return Number.isInteger(value) ? value : fallback;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
