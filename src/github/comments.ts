// One sticky pull-request comment per key: found by a hidden marker that opens a comment the token itself
// wrote, updated in place, created when missing. A token that may not write (fork pull requests get a
// read-only one) is an expected outcome, reported as a result rather than thrown, so the gate can still
// decide and summarise.

import { failedResponseOf, type GitHubClient } from './client.js';

export interface CommentTarget {
  owner: string;
  repo: string;
  /** The pull request's number (pull requests are issues for the comments API). */
  issueNumber: number;
}

export type PermissionNeeded = 'pull-requests: write';

export type CommentResult =
  | { kind: 'created'; id: number; htmlUrl: string }
  | { kind: 'updated'; id: number; htmlUrl: string }
  | {
      kind: 'forbidden';
      /** GitHub's HTTP status: 403, or 404 where GitHub hides what a token may not see. */
      status: number;
      /** One sentence for the log: what was refused, GitHub's own message, and the likely cause. */
      reason: string;
      permissionNeeded: PermissionNeeded;
    }
  /** Left as it is: `skipIf` gave this reason (the comment describes a newer head). */
  | { kind: 'skipped'; id: number; reason: string };

export interface UpsertOptions {
  /** A reason to leave our existing comment alone (e.g. it describes a newer head than this body), or null. */
  skipIf?: (ours: ListedComment) => string | null | Promise<string | null>;
  /**
   * After creating, list again and keep only the oldest of ours (see settle below): for a writer that may
   * race another (the aggregator, re-runs). Costs one more listing per new comment.
   */
  settle?: boolean;
}

export interface PullRequestComments {
  /**
   * Creates or updates the comment for `key`; `body` is the markdown without the marker. `signal` ends
   * every request still under way.
   */
  upsert(
    target: CommentTarget,
    key: string,
    body: string,
    signal?: AbortSignal,
    options?: UpsertOptions,
  ): Promise<CommentResult>;
}

/**
 * The key as it appears in the marker: letters, digits, '.', '_' and '-' only, no '--' (which could end
 * the HTML comment early), at most 64 characters, "default" when nothing is left. It folds some keys into
 * one (a--b and a-b): the comment-key input refuses those, so on the keys that reach it, it is one to one.
 */
export function sanitizeCommentKey(key: string): string {
  const cleaned = key
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return cleaned === '' ? 'default' : cleaned;
}

export function commentMarker(key: string): string {
  return `<!-- image-size-gate:${sanitizeCommentKey(key)} -->`;
}

/** The body as posted: marker first, so finding it never depends on what the rest says. */
export function stickyCommentBody(key: string, body: string): string {
  return `${commentMarker(key)}\n${body}`;
}

/** The parts of GitHub's issue-comment that finding the sticky comment needs. */
export interface ListedComment {
  id: number;
  html_url: string;
  body?: string | null;
  user?: { login?: string; type?: string } | null;
}

/** Who the workflow's GITHUB_TOKEN (an installation token of the GitHub Actions app) comments as. */
export const GITHUB_ACTIONS_LOGIN = 'github-actions[bot]';

/** Comments that open with the key's marker (a reply quoting one starts with "> " and never matches). */
export function markedComments<T extends ListedComment>(comments: readonly T[], key: string): T[] {
  const marker = commentMarker(key);
  return comments.filter((comment) => (comment.body ?? '').trimStart().startsWith(marker));
}

/**
 * The comment that belongs to `key` and the hidden duplicates of it. Only a comment the token's own
 * identity wrote counts: anyone can post a comment that opens with the marker, and editing theirs would
 * let them change the report (or make the gate blame permissions for a comment it may not edit). Of ours,
 * the oldest is kept and the rest are duplicates.
 */
export function findStickyComment<T extends ListedComment>(
  comments: readonly T[],
  key: string,
  ownLogin: string,
): { ours: T | undefined; duplicates: T[] } {
  const ours = markedComments(comments, key)
    .filter((comment) => comment.user?.login === ownLogin)
    .sort((a, b) => a.id - b.id);
  return { ours: ours[0], duplicates: ours.slice(1) };
}

export function createPullRequestComments(octokit: GitHubClient): PullRequestComments {
  let login: Promise<string> | null = null;
  // Learned once, and only when some comment carries our marker.
  const ownLogin = (signal?: AbortSignal) => {
    login ??= octokit.rest.users.getAuthenticated({ request: { signal } }).then(
      ({ data }) => data.login,
      (error: unknown) => {
        // GitHub refuses GET /user to installation tokens, and the workflow's token is one.
        if (failedResponseOf(error)?.status === 403) return GITHUB_ACTIONS_LOGIN;
        login = null;
        throw error;
      },
    );
    return login;
  };

  return {
    async upsert(target, key, body, signal, options) {
      const params = { owner: target.owner, repo: target.repo };
      const request = { request: { signal } };
      const text = stickyCommentBody(key, body);

      let comments: ListedComment[];
      try {
        comments = await octokit.paginate(octokit.rest.issues.listComments, {
          ...params,
          issue_number: target.issueNumber,
          per_page: 100,
          ...request,
        });
      } catch (error) {
        return forbiddenOrThrow(error, `reading the comments of ${describe(target)}`);
      }

      const marked = markedComments(comments, key);
      const { ours, duplicates } =
        marked.length > 0 ? findStickyComment(marked, key, await ownLogin(signal)) : { duplicates: [] };
      for (const duplicate of duplicates) {
        // A leftover copy only clutters the pull request; failing to remove it changes nothing else.
        await octokit.rest.issues
          .deleteComment({ ...params, comment_id: duplicate.id, ...request })
          .catch(() => undefined);
      }
      const skip = ours ? ((await options?.skipIf?.(ours)) ?? null) : null;
      if (ours && skip) return { kind: 'skipped', id: ours.id, reason: skip };
      if (ours) {
        try {
          const { data } = await octokit.rest.issues.updateComment({
            ...params,
            comment_id: ours.id,
            body: text,
            ...request,
          });
          return { kind: 'updated', id: data.id, htmlUrl: data.html_url };
        } catch (error) {
          // Deleted between listing and updating: fall through and post a fresh one.
          if (failedResponseOf(error)?.status !== 404)
            return forbiddenOrThrow(error, `updating comment ${ours.id}`);
        }
      }

      try {
        const { data } = await octokit.rest.issues.createComment({
          ...params,
          issue_number: target.issueNumber,
          body: text,
          ...request,
        });
        return (
          (options?.settle ? await settle(data.id) : null) ?? {
            kind: 'created',
            id: data.id,
            htmlUrl: data.html_url,
          }
        );
      } catch (error) {
        return forbiddenOrThrow(error, `commenting on ${describe(target)}`);
      }

      /**
       * Another writer may have created its comment between our listing and our creating (parallel jobs, a
       * re-run racing the first run): list again, keep the oldest of ours, delete the rest. When ours is not
       * the oldest, it goes and the oldest takes our body. Whatever the interleaving, one comment is left.
       */
      async function settle(created: number): Promise<CommentResult | null> {
        const again = await octokit.paginate(octokit.rest.issues.listComments, {
          ...params,
          issue_number: target.issueNumber,
          per_page: 100,
          ...request,
        });
        const settled = findStickyComment(again, key, await ownLogin(signal));
        for (const duplicate of settled.duplicates) {
          await octokit.rest.issues
            .deleteComment({ ...params, comment_id: duplicate.id, ...request })
            .catch(() => undefined);
        }
        if (!settled.ours || settled.ours.id === created) return null;
        const newer = (await options?.skipIf?.(settled.ours)) ?? null;
        if (newer) return { kind: 'skipped', id: settled.ours.id, reason: newer };
        const { data } = await octokit.rest.issues.updateComment({
          ...params,
          comment_id: settled.ours.id,
          body: text,
          ...request,
        });
        return { kind: 'updated', id: data.id, htmlUrl: data.html_url };
      }
    },
  };
}

function forbiddenOrThrow(error: unknown, doing: string): CommentResult {
  const failed = failedResponseOf(error);
  if (!failed || (failed.status !== 403 && failed.status !== 404)) throw error;
  const said = failed.message ? `"${failed.message}"` : 'no message';
  return {
    kind: 'forbidden',
    status: failed.status,
    reason:
      `GitHub refused ${doing} (HTTP ${failed.status}, ${said}). The token cannot write pull-request comments: ` +
      'pull requests from forks get a read-only GITHUB_TOKEN, and otherwise the workflow or job needs ' +
      '"permissions: pull-requests: write".',
    permissionNeeded: 'pull-requests: write',
  };
}

function describe(target: CommentTarget): string {
  return `${target.owner}/${target.repo}#${target.issueNumber}`;
}
