import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BaselineGitError,
  fileExistsAtCommit,
  isShallow,
  pathKindAtCommit,
  resolveBaseCommit,
} from '../../../src/git/baseline.js';
import { createGitFixture, type GitFixture, git, hasCommit } from './git-fixture.js';

let fixture: GitFixture;
let cloneCount = 0;
const freshShallowClone = () => fixture.shallowClone(`clone-${++cloneCount}`);

beforeAll(() => {
  fixture = createGitFixture();
});
afterAll(() => fixture?.remove());

async function rejection(promise: Promise<unknown>): Promise<BaselineGitError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BaselineGitError);
  return error as BaselineGitError;
}

describe('a depth-1 clone of the PR head, as actions/checkout leaves it', () => {
  it('is shallow and lacks the base commit, while the full repository is not shallow', async () => {
    const clone = freshShallowClone();
    expect(await isShallow(clone)).toBe(true);
    expect(await isShallow(fixture.work)).toBe(false);
    expect(git(clone, 'rev-parse', 'HEAD')).toBe(fixture.head);
    expect(hasCommit(clone, fixture.base)).toBe(false);
  });
});

describe('resolveBaseCommit by the event base SHA', () => {
  it('fetches the base commit, which is no branch tip, at depth 1 and keeps the clone shallow', async () => {
    const clone = freshShallowClone();
    const resolved = await resolveBaseCommit(clone, { baseSha: fixture.base, baseRef: 'main' });
    expect(resolved.sha).toBe(fixture.base);
    expect(resolved.how).toContain('fetched from origin at depth 1');
    expect(hasCommit(clone, fixture.base)).toBe(true);
    expect(await isShallow(clone)).toBe(true);
  });

  it('uses a base commit the clone already has without fetching', async () => {
    const resolved = await resolveBaseCommit(fixture.work, { baseSha: fixture.base.toUpperCase() });
    expect(resolved).toEqual({
      sha: fixture.base,
      how: `base commit ${fixture.base.slice(0, 12)} from the event`,
    });
  });

  it('says the commit could not be fetched, with git’s reason and the fix, when the remote lacks it', async () => {
    const clone = freshShallowClone();
    const missing = 'f'.repeat(40);
    const error = await rejection(resolveBaseCommit(clone, { baseSha: missing }));
    expect(error.code).toBe('base-commit-unavailable');
    expect(error.message).toContain(`Base commit ${missing} is not in this clone`);
    expect(error.message).toContain('not our ref');
    expect(error.message).toContain('fetch-depth: 0');
  });
});

describe('resolveBaseCommit by the base ref', () => {
  it('fetches the base branch and deepens the shallow clone until the merge-base appears', async () => {
    const clone = freshShallowClone();
    expect(git(clone, 'branch', '--remotes')).not.toContain('origin/main');
    const resolved = await resolveBaseCommit(clone, { baseRef: 'main' });
    expect(resolved.sha).toBe(fixture.base);
    // 12 and 15 commits past the fork: one deepening by 10 is not enough, the second (by 50) is.
    expect(resolved.how).toBe(
      `merge-base ${fixture.base.slice(0, 12)} of origin/main and HEAD ` +
        '(fetched main from origin at depth 1; deepened the clone 2 times by 60 commits in all)',
    );
    expect(git(clone, 'rev-parse', 'origin/main')).toBe(fixture.mainTip);
  });

  it('accepts refs/heads/<branch>', async () => {
    const clone = freshShallowClone();
    expect((await resolveBaseCommit(clone, { baseRef: 'refs/heads/main' })).sha).toBe(fixture.base);
  });

  it('finds the merge-base in a full clone without fetching', async () => {
    const resolved = await resolveBaseCommit(fixture.work, { baseRef: 'main' });
    expect(resolved).toEqual({
      sha: fixture.base,
      how: `merge-base ${fixture.base.slice(0, 12)} of main and HEAD`,
    });
  });

  it('unshallows as a last resort, then says the branches share no history', async () => {
    const clone = freshShallowClone();
    const error = await rejection(
      resolveBaseCommit(clone, { baseRef: 'unrelated' }, { deepenSteps: [1, 2] }),
    );
    expect(error.code).toBe('no-merge-base');
    expect(error.message).toContain('origin/unrelated and HEAD share no commit');
    expect(error.message).toContain(
      'deepened the clone 2 times by 3 commits in all; fetched the full history from origin',
    );
    expect(await isShallow(clone)).toBe(false);
  });

  it('says the branch does not exist in the remote', async () => {
    const clone = freshShallowClone();
    const error = await rejection(resolveBaseCommit(clone, { baseRef: 'no-such-branch' }));
    expect(error.code).toBe('base-ref-not-found');
    expect(error.message).toContain('Could not fetch base branch "no-such-branch" from "origin"');
    expect(error.message).toContain("couldn't find remote ref");
  });

  it('refuses a directory outside any repository with what to do', async () => {
    const error = await rejection(resolveBaseCommit(fixture.root, { baseRef: 'main' }));
    expect(error.code).toBe('not-a-repository');
    expect(error.message).toContain('run actions/checkout before this step');
  });
});

describe('what a commit holds', () => {
  it('tells a base commit without a Dockerfile from one with it', async () => {
    expect(await fileExistsAtCommit(fixture.work, fixture.rootCommit, 'Dockerfile')).toBe(false);
    expect(await fileExistsAtCommit(fixture.work, fixture.base, 'Dockerfile')).toBe(true);
    expect(await fileExistsAtCommit(fixture.work, fixture.base, './Dockerfile')).toBe(true);
    expect(await fileExistsAtCommit(fixture.work, fixture.base, join(fixture.work, 'Dockerfile'))).toBe(true);
    expect(await fileExistsAtCommit(fixture.work, fixture.base, 'bloat')).toBe(false);
    expect(await fileExistsAtCommit(fixture.work, fixture.head, 'bloat')).toBe(true);
  });

  it('answers about a commit fetched into a shallow clone', async () => {
    const clone = freshShallowClone();
    const { sha } = await resolveBaseCommit(clone, { baseSha: fixture.base });
    expect(await fileExistsAtCommit(clone, sha, 'Dockerfile')).toBe(true);
    expect(await fileExistsAtCommit(clone, sha, 'bloat')).toBe(false);
  });

  it('names directories and refuses paths outside the repository', async () => {
    expect(await pathKindAtCommit(fixture.work, fixture.base, '.')).toBe('directory');
    expect(await pathKindAtCommit(fixture.work, fixture.base, 'app')).toBe('file');
    expect(await fileExistsAtCommit(fixture.work, fixture.base, '.')).toBe(false);
    const error = await rejection(fileExistsAtCommit(fixture.work, fixture.base, '../Dockerfile'));
    expect(error.code).toBe('invalid-input');
  });
});
