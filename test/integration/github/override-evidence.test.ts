// The override adapter against the GitHub REST stand-in: labels, issue events (paged) and the last
// applier's permission, each response checked against GitHub's description.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/github/client.js';
import { createOverrideEvidenceSource } from '../../../src/github/override-evidence.js';
import { type GitHubStandin, startGitHubStandin } from '../../support/github-standin.js';

const TOKEN = 'ghs_override_token';
const PR = { owner: 'Codertocat', repo: 'Hello-World', issueNumber: 2 };
const LABEL = 'size-increase-approved';
const DEV = { login: 'dev', id: 11, type: 'User' as const };
const READER = { login: 'reader', id: 12, type: 'User' as const };

let standin: GitHubStandin;
const source = () =>
  createOverrideEvidenceSource(
    createGitHubClient({ token: TOKEN, baseUrl: standin.baseUrl, retryBaseMs: 1 }),
  );

beforeEach(async () => {
  standin = await startGitHubStandin({ token: TOKEN });
});

afterEach(async () => {
  expect(standin.schemaViolations).toEqual([]);
  await standin.close();
});

describe('createOverrideEvidenceSource', () => {
  it('reads the labels, every page of events, and the permission of the last applier only', async () => {
    standin.setPermission(DEV, 'maintain');
    standin.setPermission(READER, 'read');
    // 150 events for another label push the ones that matter to the second page.
    for (let i = 0; i < 75; i++) {
      standin.addLabel(PR.issueNumber, 'bug', READER);
      standin.removeLabel(PR.issueNumber, 'bug', READER);
    }
    standin.addLabel(PR.issueNumber, LABEL, READER, '2026-12-01T09:00:00Z');
    standin.removeLabel(PR.issueNumber, LABEL, READER, '2026-12-01T09:01:00Z');
    standin.addLabel(PR.issueNumber, LABEL, DEV, '2026-12-01T09:02:00Z');

    const evidence = await source().read(PR, LABEL);
    expect(evidence.labels).toEqual([LABEL]);
    expect(evidence.events).toHaveLength(153);
    expect(evidence.events.at(-1)).toEqual({
      event: 'labeled',
      label: LABEL,
      login: 'dev',
      at: '2026-12-01T09:02:00Z',
    });
    expect(evidence.permission).toEqual({ permission: 'write', roleName: 'maintain' });
    const events = standin.requestsTo('GET', '/repos/{owner}/{repo}/issues/{issue_number}/events');
    expect(events.map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    expect(
      standin
        .requestsTo('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission')
        .map((r) => r.path),
    ).toEqual(['/repos/Codertocat/Hello-World/collaborators/dev/permission']);
  });

  it('asks no permission when the label was never applied', async () => {
    const evidence = await source().read(PR, LABEL);
    expect(evidence).toEqual({ labels: [], events: [], permission: null });
    expect(standin.requestsTo('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission')).toEqual(
      [],
    );
  });

  it('throws, naming the call, when GitHub does not know the user', async () => {
    standin.addLabel(PR.issueNumber, LABEL, DEV);
    await expect(source().read(PR, LABEL)).rejects.toThrow(
      'GET /repos/Codertocat/Hello-World/collaborators/dev/permission: HTTP 404 Not Found',
    );
  });
});
