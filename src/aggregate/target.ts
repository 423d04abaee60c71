// Where the aggregator's comment goes, from the event GitHub wrote (never from a report): the pull request of
// a pull_request event, or the head of the run a workflow_run event completed. Pure.
import { pullRequestContextFrom } from '../github/event.js';
import type { AggregateTarget } from './run-aggregate.js';

/** Where the comment goes, from the event GitHub wrote (never from a report). */
export function targetFromEvent(
  eventName: string,
  payload: Record<string, unknown>,
  repository: string | undefined,
): AggregateTarget {
  const [owner, repo] = (repository ?? '').split('/');
  if (!owner || !repo) return { kind: 'none', reason: 'GITHUB_REPOSITORY is not set' };
  const pr = pullRequestContextFrom(eventName, payload);
  if (pr) return { kind: 'pull-request', owner, repo, number: pr.number, headSha: pr.headSha };
  if (eventName === 'workflow_run') {
    const run = payload.workflow_run as
      | {
          id?: unknown;
          head_sha?: unknown;
          head_branch?: unknown;
          head_repository?: { full_name?: unknown } | null;
        }
      | undefined;
    const fullName = run?.head_repository?.full_name;
    if (
      typeof run?.id === 'number' &&
      typeof run.head_sha === 'string' &&
      typeof run.head_branch === 'string' &&
      typeof fullName === 'string'
    ) {
      return {
        kind: 'workflow-run',
        owner,
        repo,
        runId: run.id,
        head: { repoFullName: fullName, branch: run.head_branch, sha: run.head_sha },
      };
    }
    return {
      kind: 'none',
      reason: 'the workflow_run payload names no run, head branch, commit and repository',
    };
  }
  return {
    kind: 'none',
    reason: `a ${eventName} event names no pull request (set \`pull-request\`, or run on pull_request or workflow_run)`,
  };
}
