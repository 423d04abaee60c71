import { describe, expect, it } from 'vitest';
import { lookUpOverride } from '../../../src/gate/override.js';
import type { PullRequestContext } from '../../../src/github/event.js';
import { FakeOverrideEvidence } from './fakes.js';

const LABEL = 'size-increase-approved';
const pr = (labels: string[]): PullRequestContext => ({
  owner: 'acme',
  repo: 'api',
  number: 7,
  baseRef: 'main',
  baseSha: 'b'.repeat(40),
  headRef: 'feature',
  headSha: 'a'.repeat(40),
  headRepoFullName: 'acme/api',
  isFork: false,
  labels,
});

describe('lookUpOverride', () => {
  it('asks nothing when there is no label to ask about, no failure, or no pull request', async () => {
    const api = new FakeOverrideEvidence();
    api.roles.set('dev', 'write');
    api.apply(LABEL, 'dev');
    expect(await lookUpOverride(null, true, pr([LABEL]), api)).toBeNull();
    expect(await lookUpOverride(LABEL, false, pr([LABEL]), api)).toBeNull();
    expect(await lookUpOverride(LABEL, true, null, api)).toBeNull();
    // The payload does not carry it (e.g. the unlabeled event that removed it).
    expect(await lookUpOverride(LABEL, true, pr(['bug']), api)).toBeNull();
    expect(api.reads).toEqual([]);
  });

  it('accepts the label a writer applied, asking the API about this pull request', async () => {
    const api = new FakeOverrideEvidence();
    api.roles.set('dev', 'maintain');
    const at = api.apply(LABEL, 'dev');
    expect(await lookUpOverride(LABEL, true, pr([LABEL]), api)).toEqual({
      label: LABEL,
      status: 'accepted',
      by: 'dev',
      at,
      reason: null,
    });
    expect(api.reads).toEqual([{ target: { owner: 'acme', repo: 'api', issueNumber: 7 }, label: LABEL }]);
  });

  it('refuses the author who labelled their own pull request with triage only, naming them', async () => {
    const api = new FakeOverrideEvidence();
    api.roles.set('author', 'triage');
    api.apply(LABEL, 'author');
    const outcome = await lookUpOverride(LABEL, true, pr([LABEL]), api);
    expect(outcome?.status).toBe('refused');
    expect(outcome?.reason).toContain('@author applied it at');
  });

  it('refuses when the payload is stale and the API says the label was removed', async () => {
    const api = new FakeOverrideEvidence();
    api.roles.set('dev', 'write');
    api.apply(LABEL, 'dev');
    api.remove(LABEL, 'dev');
    expect((await lookUpOverride(LABEL, true, pr([LABEL]), api))?.reason).toBe(
      'the GitHub API no longer lists it on the pull request',
    );
  });

  it.each([
    ['no token', null, 'the GitHub API could not tell who applied it (no `github-token` to ask with)'],
    [
      'an API error',
      Object.assign(new FakeOverrideEvidence(), {
        failWith: new Error('GET …/events: HTTP 502 Bad Gateway'),
      }),
      'the GitHub API could not tell who applied it (GET …/events: HTTP 502 Bad Gateway)',
    ],
    [
      'an API that never answers',
      Object.assign(new FakeOverrideEvidence(), { hang: true }),
      'the GitHub API could not tell who applied it (no answer within 20 ms)',
    ],
  ])('keeps the failure, saying why, with %s', async (_, api, reason) => {
    const outcome = await lookUpOverride(LABEL, true, pr([LABEL]), api, 20);
    expect(outcome).toEqual({ label: LABEL, status: 'refused', by: null, at: null, reason });
  });
});
