// What the workflow's event says about the pull request, and whether building its head is safe. Pure:
// the action hands in GITHUB_EVENT_NAME and the parsed GITHUB_EVENT_PATH payload.

export interface PullRequestContext {
  /** The base repository, where the comment goes. */
  owner: string;
  repo: string;
  number: number;
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
  /** null when the head repository was deleted. */
  headRepoFullName: string | null;
  /** The head lives in another repository than the base: a fork, whose token is read-only. */
  isFork: boolean;
  /** The label names the payload lists: a hint only, since the payload is as old as the event. */
  labels?: string[];
}

/** Events whose payload carries the pull request (GitHub's `pull_request` object). */
const PULL_REQUEST_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
]);

export class EventPayloadError extends Error {
  override name = 'EventPayloadError';
}

/**
 * The pull request behind the event, or null for events that have none (push, workflow_dispatch, …).
 * Throws EventPayloadError when a pull-request event's payload lacks what every real one has.
 */
export function pullRequestContextFrom(eventName: string, payload: unknown): PullRequestContext | null {
  if (!PULL_REQUEST_EVENTS.has(eventName)) return null;
  const pr = field(payload, 'pull_request');
  if (pr === undefined || pr === null) return null;

  const base = field(pr, 'base');
  const head = field(pr, 'head');
  const baseRepo = field(base, 'repo');
  const headRepo = field(head, 'repo');
  const baseRepoFullName = text(baseRepo, 'full_name', 'pull_request.base.repo.full_name');
  const [ownerFromName, repoFromName] = baseRepoFullName.split('/');
  const repository = field(payload, 'repository');
  const owner = optionalText(field(repository, 'owner'), 'login') ?? ownerFromName;
  const repo = optionalText(repository, 'name') ?? repoFromName;
  if (!owner || !repo) throw new EventPayloadError(`${eventName} payload names no repository owner and name`);

  const headRepoFullName =
    headRepo === null || headRepo === undefined
      ? null
      : text(headRepo, 'full_name', 'pull_request.head.repo.full_name');
  return {
    owner,
    repo,
    number: number(pr, 'number', 'pull_request.number'),
    baseRef: text(base, 'ref', 'pull_request.base.ref'),
    baseSha: text(base, 'sha', 'pull_request.base.sha'),
    headRef: text(head, 'ref', 'pull_request.head.ref'),
    headSha: text(head, 'sha', 'pull_request.head.sha'),
    headRepoFullName,
    isFork: headRepoFullName === null || headRepoFullName.toLowerCase() !== baseRepoFullName.toLowerCase(),
    labels: labelNames(field(pr, 'labels')),
  };
}

/** An event that should carry a pull request in its payload. */
export function isPullRequestEvent(eventName: string): boolean {
  return PULL_REQUEST_EVENTS.has(eventName);
}

export function isPullRequestTarget(eventName: string): boolean {
  return eventName === 'pull_request_target';
}

/**
 * Why the gate will not build the pull request's head, or null when it may. pull_request_target runs with
 * the base repository's write token and secrets, and a Dockerfile's RUN steps execute whatever the pull
 * request wrote, so building it there hands both to its author unless the workflow explicitly accepts that.
 */
export function untrustedBuildRefusal(eventName: string, allowUntrusted: boolean): string | null {
  if (!isPullRequestTarget(eventName) || allowUntrusted) return null;
  return (
    'image-size-gate refuses to build the pull request on pull_request_target: that event runs with a write ' +
    "token and the repository's secrets, and building the head runs the pull request's own Dockerfile and code " +
    'with them. Run the gate on the pull_request event instead (fork pull requests then get a read-only token; ' +
    'the gate still writes the job summary and outputs), or set `allow-untrusted-build: true` if every pull ' +
    'request that reaches this workflow is trusted.'
  );
}

function labelNames(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((label) => {
    const name = field(label, 'name');
    return typeof name === 'string' ? [name] : [];
  });
}

function field(value: unknown, name: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return (value as Record<string, unknown>)[name];
}

function optionalText(value: unknown, name: string): string | undefined {
  const found = field(value, name);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

function text(value: unknown, name: string, where: string): string {
  const found = optionalText(value, name);
  if (found === undefined) throw new EventPayloadError(`pull request event payload has no ${where}`);
  return found;
}

function number(value: unknown, name: string, where: string): number {
  const found = field(value, name);
  if (typeof found !== 'number' || !Number.isInteger(found)) {
    throw new EventPayloadError(`pull request event payload has no ${where}`);
  }
  return found;
}
