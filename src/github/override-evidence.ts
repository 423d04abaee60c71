// What the API says about an override label: the pull request's labels now, its label events, and the
// permission of whoever last applied the label. The event payload only hints that the label is there;
// this re-reads everything, because a payload is as old as its event.

import { type LabelEvent, lastLabelEvent, type OverrideEvidence } from '../core/override.js';
import type { GitHubClient } from './client.js';
import type { CommentTarget } from './comments.js';

export interface OverrideEvidenceSource {
  /** Throws when the API cannot tell (an error, a timeout); `signal` ends every request still under way. */
  read(target: CommentTarget, label: string, signal?: AbortSignal): Promise<OverrideEvidence>;
}

export function createOverrideEvidenceSource(octokit: GitHubClient): OverrideEvidenceSource {
  return {
    async read(target, label, signal) {
      const params = { owner: target.owner, repo: target.repo, issue_number: target.issueNumber };
      const request = { request: { signal } };
      const labels = await octokit.paginate(octokit.rest.issues.listLabelsOnIssue, {
        ...params,
        per_page: 100,
        ...request,
      });
      const raw = await octokit.paginate(octokit.rest.issues.listEvents, {
        ...params,
        per_page: 100,
        ...request,
      });
      const events: LabelEvent[] = raw.flatMap((event) => {
        if (event.event !== 'labeled' && event.event !== 'unlabeled') return [];
        const name = 'label' in event ? event.label?.name : undefined;
        if (typeof name !== 'string') return [];
        return [{ event: event.event, label: name, login: event.actor?.login ?? null, at: event.created_at }];
      });
      const last = lastLabelEvent(events, label);
      let permission: OverrideEvidence['permission'] = null;
      if (last?.event === 'labeled' && last.login !== null) {
        const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
          owner: target.owner,
          repo: target.repo,
          username: last.login,
          ...request,
        });
        permission = { permission: data.permission, roleName: data.role_name ?? null };
      }
      return { labels: labels.map((l) => l.name), events, permission };
    },
  };
}
