// One sticky pull-request comment per key: found by a hidden marker that opens the comment, updated in
// place, created when missing. A token that may not write (fork pull requests get a read-only one) is an
// expected outcome, reported as a result rather than thrown, so the gate can still decide and summarise.

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
    };

export interface PullRequestComments {
  /** Creates or updates the comment for `key`; `body` is the markdown without the marker. */
  upsert(target: CommentTarget, key: string, body: string): Promise<CommentResult>;
}

/**
 * The key as it appears in the marker: letters, digits, '.', '_' and '-' only, no '--' (which could end
 * the HTML comment early), at most 64 characters, "default" when nothing is left.
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

/**
 * The comment that belongs to `key`: its body must open with the marker (a reply quoting the comment
 * starts with "> " and so never matches). Of several, one written by a bot (the workflow token is
 * github-actions[bot]) wins over a person's copy; among equals, the oldest.
 */
export function findStickyComment<T extends ListedComment>(
  comments: readonly T[],
  key: string,
): T | undefined {
  const marker = commentMarker(key);
  const matching = comments.filter((comment) => (comment.body ?? '').trimStart().startsWith(marker));
  return matching.find((comment) => comment.user?.type === 'Bot') ?? matching[0];
}

export function createPullRequestComments(octokit: GitHubClient): PullRequestComments {
  return {
    async upsert(target, key, body) {
      const params = { owner: target.owner, repo: target.repo };
      const text = stickyCommentBody(key, body);

      let comments: ListedComment[];
      try {
        comments = await octokit.paginate(octokit.rest.issues.listComments, {
          ...params,
          issue_number: target.issueNumber,
          per_page: 100,
        });
      } catch (error) {
        return forbiddenOrThrow(error, `reading the comments of ${describe(target)}`);
      }

      const existing = findStickyComment(comments, key);
      if (existing) {
        try {
          const { data } = await octokit.rest.issues.updateComment({
            ...params,
            comment_id: existing.id,
            body: text,
          });
          return { kind: 'updated', id: data.id, htmlUrl: data.html_url };
        } catch (error) {
          // Deleted between listing and updating: fall through and post a fresh one.
          if (failedResponseOf(error)?.status !== 404)
            return forbiddenOrThrow(error, `updating comment ${existing.id}`);
        }
      }

      try {
        const { data } = await octokit.rest.issues.createComment({
          ...params,
          issue_number: target.issueNumber,
          body: text,
        });
        return { kind: 'created', id: data.id, htmlUrl: data.html_url };
      } catch (error) {
        return forbiddenOrThrow(error, `commenting on ${describe(target)}`);
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
