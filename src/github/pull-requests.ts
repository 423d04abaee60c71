// Which pull request a head belongs to, and where its head is now, from the REST API. A workflow_run for a
// fork lists no pull requests, and a number inside an artifact is the fork's data: the pull request is found
// by the head repository, branch and commit GitHub's own event names, and refused when that is not exactly one.
import type { GitHubClient } from './client.js';

export interface PullRequestHead {
  number: number;
  state: string;
  headSha: string;
  /** null when the head repository was deleted. */
  headRepoFullName: string | null;
}

export interface HeadQuery {
  /** The head repository, owner/name (the fork for a fork's pull request). */
  repoFullName: string;
  branch: string;
  sha: string;
}

export type HeadLookup = { kind: 'found'; number: number } | { kind: 'refused'; reason: string };

export interface PullRequests {
  get(owner: string, repo: string, number: number): Promise<PullRequestHead>;
  findByHead(owner: string, repo: string, head: HeadQuery): Promise<HeadLookup>;
}

interface ListedPull {
  number: number;
  state: string;
  head: { sha: string; ref: string; repo: { full_name: string } | null };
}

const headOf = (pull: ListedPull): PullRequestHead => ({
  number: pull.number,
  state: pull.state,
  headSha: pull.head.sha,
  headRepoFullName: pull.head.repo?.full_name ?? null,
});

/** The open pull requests whose head is exactly that repository, branch and commit. */
export function matchingPulls(pulls: readonly ListedPull[], head: HeadQuery): ListedPull[] {
  const repo = head.repoFullName.toLowerCase();
  return pulls.filter(
    (pull) =>
      pull.state === 'open' &&
      pull.head.sha === head.sha &&
      pull.head.ref === head.branch &&
      pull.head.repo?.full_name.toLowerCase() === repo,
  );
}

export function createPullRequests(octokit: GitHubClient): PullRequests {
  return {
    async get(owner, repo, number) {
      const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
      return headOf(data as ListedPull);
    },
    async findByHead(owner, repo, head) {
      const headOwner = head.repoFullName.split('/')[0] ?? '';
      const pulls = (await octokit.paginate(octokit.rest.pulls.list, {
        owner,
        repo,
        head: `${headOwner}:${head.branch}`,
        state: 'open',
        per_page: 100,
      })) as ListedPull[];
      const matching = matchingPulls(pulls, head);
      const which = `${head.repoFullName} branch ${head.branch} at ${head.sha.slice(0, 7)}`;
      if (matching.length === 1) return { kind: 'found', number: matching[0]!.number };
      if (matching.length === 0)
        return { kind: 'refused', reason: `no open pull request has the head ${which}` };
      return {
        kind: 'refused',
        reason: `${matching.length} open pull requests (${matching.map((p) => `#${p.number}`).join(', ')}) have the head ${which}: not guessing which`,
      };
    },
  };
}
