import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  EventPayloadError,
  isPullRequestTarget,
  pullRequestContextFrom,
  untrustedBuildRefusal,
} from '../../../src/github/event.js';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/events/${name}`, import.meta.url), 'utf8'));
}

/** The real payload with the head moved to a fork, as GitHub sends it for a fork's pull request. */
function forkVariant(): Record<string, unknown> {
  const payload = structuredClone(fixture('pull_request.opened.json'));
  const head = (payload.pull_request as { head: { repo: Record<string, unknown>; label: string } }).head;
  head.repo = { ...head.repo, full_name: 'outsider/Hello-World', name: 'Hello-World', fork: true };
  head.label = 'outsider:changes';
  return payload;
}

describe('pullRequestContextFrom', () => {
  const expected = {
    owner: 'Codertocat',
    repo: 'Hello-World',
    number: 2,
    baseRef: 'master',
    baseSha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
    headRef: 'changes',
    headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
    headRepoFullName: 'Codertocat/Hello-World',
    isFork: false,
    labels: [],
  };

  it('reads a real pull_request opened payload', () => {
    expect(pullRequestContextFrom('pull_request', fixture('pull_request.opened.json'))).toEqual(expected);
  });

  it('reads the same payload on pull_request_target', () => {
    expect(pullRequestContextFrom('pull_request_target', fixture('pull_request_target.opened.json'))).toEqual(
      expected,
    );
  });

  it('marks a pull request from another repository as a fork', () => {
    expect(pullRequestContextFrom('pull_request', forkVariant())).toMatchObject({
      owner: 'Codertocat',
      repo: 'Hello-World',
      headRepoFullName: 'outsider/Hello-World',
      isFork: true,
    });
  });

  it('treats a deleted head repository as a fork', () => {
    const payload = structuredClone(fixture('pull_request.opened.json'));
    (payload.pull_request as { head: { repo: unknown } }).head.repo = null;
    expect(pullRequestContextFrom('pull_request', payload)).toMatchObject({
      headRepoFullName: null,
      isFork: true,
    });
  });

  it("lists the payload's label names (a hint; the gate re-reads them through the API)", () => {
    const payload = structuredClone(fixture('pull_request.opened.json'));
    (payload.pull_request as { labels: unknown }).labels = [{ name: 'size-increase-approved' }, { id: 1 }];
    expect(pullRequestContextFrom('pull_request', payload)?.labels).toEqual(['size-increase-approved']);
  });

  it('is null for a push event and for events without a pull request', () => {
    expect(pullRequestContextFrom('push', fixture('push.json'))).toBeNull();
    expect(pullRequestContextFrom('workflow_dispatch', {})).toBeNull();
    expect(pullRequestContextFrom('pull_request', {})).toBeNull();
  });

  it('names the missing field of a malformed pull request payload', () => {
    const payload = structuredClone(fixture('pull_request.opened.json'));
    delete (payload.pull_request as { base: Record<string, unknown> }).base.sha;
    expect(() => pullRequestContextFrom('pull_request', payload)).toThrow(EventPayloadError);
    expect(() => pullRequestContextFrom('pull_request', payload)).toThrow('pull_request.base.sha');
  });
});

describe('untrusted builds', () => {
  it('detects pull_request_target only', () => {
    expect(isPullRequestTarget('pull_request_target')).toBe(true);
    expect(isPullRequestTarget('pull_request')).toBe(false);
    expect(isPullRequestTarget('push')).toBe(false);
  });

  it.each([
    ['pull_request', false, false],
    ['pull_request', true, false],
    ['push', false, false],
    ['pull_request_target', true, false],
    ['pull_request_target', false, true],
  ])('%s with allow-untrusted-build=%s refuses: %s', (eventName, allow, refuses) => {
    const refusal = untrustedBuildRefusal(eventName, allow);
    expect(refusal !== null).toBe(refuses);
  });

  it('says why and how to proceed', () => {
    const refusal = untrustedBuildRefusal('pull_request_target', false);
    expect(refusal).toContain('pull_request_target');
    expect(refusal).toContain('write token');
    expect(refusal).toContain('allow-untrusted-build: true');
    expect(refusal).toContain('pull_request event');
  });
});
