import { describe, expect, it } from 'vitest';
import {
  type BaselineGitError,
  type BaseSelector,
  baselineGit,
  type ResolveOptions,
  resolveBaseCommit,
} from '../../../src/git/baseline.js';
import { type FakeGit, fakeGit, firstOf, revisions, type Script } from './fake-git.js';

const BASE = 'b'.repeat(40);
const HEAD = 'a'.repeat(40);
const TIP = 'c'.repeat(40);

async function failure(git: FakeGit, selector: BaseSelector, options: ResolveOptions = {}) {
  const error = (await resolveBaseCommit('/repo', selector, { git, ...options }).then(
    () => null,
    (reason: unknown) => reason,
  )) as BaselineGitError | null;
  expect(error?.name).toBe('BaselineGitError');
  return error!;
}

const shallow: Script = (args) =>
  args.join(' ') === 'rev-parse --is-shallow-repository' ? { stdout: 'true\n' } : undefined;

describe('resolveBaseCommit by base SHA', () => {
  it.each(['abc123', 'main', `-${'b'.repeat(39)}`, `${'g'.repeat(40)}`])(
    'refuses %j without running git',
    async (sha) => {
      const git = fakeGit(() => undefined);
      const error = await failure(git, { baseSha: sha });
      expect(error.code).toBe('invalid-input');
      expect(error.message).toContain('not a full commit SHA');
      expect(git.calls).toEqual([]);
    },
  );

  it('uses a commit the clone has, lower-cased, without fetching', async () => {
    const git = fakeGit(revisions({ [BASE]: BASE }));
    const resolved = await resolveBaseCommit(
      '/repo',
      { baseSha: BASE.toUpperCase(), baseRef: 'main' },
      { git },
    );
    expect(resolved).toEqual({ sha: BASE, how: `base commit ${BASE.slice(0, 12)} from the event` });
    expect(git.commands('fetch')).toEqual([]);
    expect(git.commands('merge-base')).toEqual([]);
  });

  it('fetches a missing commit at depth 1 into a shallow clone', async () => {
    let fetched = false;
    const git = fakeGit(
      firstOf(
        shallow,
        (args) => {
          if (args[0] === 'fetch') {
            fetched = true;
            return 0;
          }
          return undefined;
        },
        (args) => (fetched ? revisions({ [BASE]: BASE })(args) : undefined),
      ),
    );
    const resolved = await resolveBaseCommit('/repo', { baseSha: BASE }, { git });
    expect(git.commands('fetch')).toEqual([`fetch --no-tags --depth=1 origin ${BASE}`]);
    expect(resolved.how).toBe(
      `base commit ${BASE.slice(0, 12)} from the event, fetched from origin at depth 1`,
    );
  });

  it('fetches into a full clone without a depth, so it does not turn shallow', async () => {
    let fetched = false;
    const git = fakeGit(
      firstOf(
        (args) => {
          if (args[0] === 'fetch') {
            fetched = true;
            return 0;
          }
          return undefined;
        },
        (args) => (fetched ? revisions({ [BASE]: BASE })(args) : undefined),
      ),
    );
    await resolveBaseCommit('/repo', { baseSha: BASE }, { git, remote: 'upstream' });
    expect(git.commands('fetch')).toEqual([`fetch --no-tags upstream ${BASE}`]);
  });

  it('reports git’s words and the fix when the remote refuses the commit', async () => {
    const git = fakeGit((args) =>
      args[0] === 'fetch'
        ? { exitCode: 128, stderr: `fatal: remote error: upload-pack: not our ref ${BASE}\n` }
        : undefined,
    );
    const error = await failure(git, { baseSha: BASE });
    expect(error.code).toBe('base-commit-unavailable');
    expect(error.message).toBe(
      `Base commit ${BASE} is not in this clone, and fetching it from "origin" failed:\n` +
        `fatal: remote error: upload-pack: not our ref ${BASE}\n` +
        'Check that the commit still exists in "origin" (a force-push to the base branch can remove it), ' +
        'or set fetch-depth: 0 in actions/checkout so the whole history is there.',
    );
  });

  it('does not trust a fetch that succeeds without bringing the commit', async () => {
    const git = fakeGit((args) => (args[0] === 'fetch' ? 0 : undefined));
    expect((await failure(git, { baseSha: BASE })).code).toBe('base-commit-unavailable');
  });

  it('says there is no remote to fetch from, without trying', async () => {
    const git = fakeGit((args) =>
      args[0] === 'remote' ? { exitCode: 2, stderr: "error: No such remote 'origin'" } : undefined,
    );
    const error = await failure(git, { baseSha: BASE });
    expect(error.code).toBe('base-commit-unavailable');
    expect(error.message).toContain('there is no remote "origin"');
    expect(git.commands('fetch')).toEqual([]);
  });

  it('says the directory is not a repository', async () => {
    const git = fakeGit((args) =>
      args.join(' ') === 'rev-parse --git-dir'
        ? { exitCode: 128, stderr: 'fatal: not a git repository (or any of the parent directories): .git' }
        : undefined,
    );
    const error = await failure(git, { baseSha: BASE });
    expect(error.code).toBe('not-a-repository');
    expect(error.message).toBe(
      '/repo is not inside a git repository (fatal: not a git repository (or any of the parent directories): .git). ' +
        'Building the base commit needs the repository: run actions/checkout before this step, or set baseline: none.',
    );
  });
});

/**
 * A repository whose merge-base of `TIP` and `HEAD` appears after `deepensNeeded` deepening fetches (null: never),
 * and whose tracking branch appears once fetched.
 */
function branchRepo(options: {
  shallow: boolean;
  local?: Record<string, string>;
  deepensNeeded: number | null;
  completeAfterDeepens?: number;
  unshallowFinds?: boolean;
  /** Answers that win over the repository's own. */
  override?: Script;
}): FakeGit {
  const local: Record<string, string> = { HEAD, ...options.local };
  let deepens = 0;
  let unshallowed = false;
  let isShallow = options.shallow;
  return fakeGit(
    firstOf(
      options.override ?? (() => undefined),
      (args) => {
        const command = args.join(' ');
        if (command === 'rev-parse --is-shallow-repository') return { stdout: `${isShallow}\n` };
        if (args[0] === 'fetch' && args.some((a) => a.startsWith('--deepen='))) {
          deepens += 1;
          if (options.completeAfterDeepens === deepens) isShallow = false;
          return 0;
        }
        if (args[0] === 'fetch' && args.includes('--unshallow')) {
          unshallowed = true;
          isShallow = false;
          return 0;
        }
        if (args[0] === 'fetch' && args.at(-1) === '+refs/heads/main:refs/remotes/origin/main') {
          local['refs/remotes/origin/main'] = TIP;
          return 0;
        }
        if (command === `merge-base ${TIP} ${HEAD}`) {
          const found =
            (options.deepensNeeded !== null && deepens >= options.deepensNeeded) ||
            (unshallowed && options.unshallowFinds);
          return found ? { stdout: `${BASE}\n` } : 1;
        }
        return undefined;
      },
      revisions(local),
    ),
  );
}

describe('resolveBaseCommit by base ref', () => {
  it('needs a base SHA or a base ref', async () => {
    const error = await failure(
      fakeGit(() => undefined),
      { baseSha: ' ', baseRef: '' },
    );
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain('Set the base-ref input, or set baseline: none.');
  });

  it.each([
    ['--upload-pack=evil', 'starts with "-"'],
    ['refs/heads/-x', 'starts with "-"'],
  ])('refuses %j before it reaches git', async (ref, message) => {
    const git = fakeGit(() => undefined);
    const error = await failure(git, { baseRef: ref });
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain(message);
    expect(git.calls).toEqual([]);
  });

  it('refuses a ref git says is not a branch name', async () => {
    const git = fakeGit((args) => (args[0] === 'check-ref-format' ? 1 : undefined));
    const error = await failure(git, { baseRef: 'a..b' });
    expect(error).toMatchObject({
      code: 'invalid-input',
      message: 'Base ref "a..b" is not a valid branch name.',
    });
  });

  it('takes the merge-base with the remote-tracking branch when the clone has it', async () => {
    const git = branchRepo({
      shallow: false,
      local: { 'refs/remotes/origin/main': TIP, 'refs/heads/main': BASE },
      deepensNeeded: 0,
    });
    const resolved = await resolveBaseCommit('/repo', { baseRef: 'refs/heads/main' }, { git });
    expect(resolved).toEqual({ sha: BASE, how: `merge-base ${BASE.slice(0, 12)} of origin/main and HEAD` });
    expect(git.commands('fetch')).toEqual([]);
  });

  it('falls back to the local branch when there is no remote-tracking one', async () => {
    const git = branchRepo({ shallow: false, local: { 'refs/heads/main': TIP }, deepensNeeded: 0 });
    const resolved = await resolveBaseCommit('/repo', { baseRef: 'main' }, { git });
    expect(resolved.how).toBe(`merge-base ${BASE.slice(0, 12)} of main and HEAD`);
  });

  it('fetches the branch at depth 1, then deepens step by step until the merge-base appears', async () => {
    const git = branchRepo({ shallow: true, deepensNeeded: 3 });
    const resolved = await resolveBaseCommit(
      '/repo',
      { baseRef: 'main' },
      { git, deepenSteps: [10, 50, 200, 1000] },
    );
    expect(resolved.sha).toBe(BASE);
    expect(git.commands('fetch')).toEqual([
      'fetch --no-tags --depth=1 origin +refs/heads/main:refs/remotes/origin/main',
      'fetch --no-tags --deepen=10 origin +refs/heads/main:refs/remotes/origin/main',
      'fetch --no-tags --deepen=50 origin +refs/heads/main:refs/remotes/origin/main',
      'fetch --no-tags --deepen=200 origin +refs/heads/main:refs/remotes/origin/main',
    ]);
    expect(resolved.how).toBe(
      `merge-base ${BASE.slice(0, 12)} of origin/main and HEAD ` +
        '(fetched main from origin at depth 1; deepened the clone 3 times by 260 commits in all)',
    );
  });

  it('unshallows after the last step and finds it there', async () => {
    const git = branchRepo({ shallow: true, deepensNeeded: null, unshallowFinds: true });
    const resolved = await resolveBaseCommit('/repo', { baseRef: 'main' }, { git, deepenSteps: [1, 2] });
    expect(git.commands('fetch').slice(1)).toEqual([
      'fetch --no-tags --deepen=1 origin +refs/heads/main:refs/remotes/origin/main',
      'fetch --no-tags --deepen=2 origin +refs/heads/main:refs/remotes/origin/main',
      'fetch --no-tags --unshallow origin',
    ]);
    expect(resolved.how).toContain(
      'deepened the clone 2 times by 3 commits in all; fetched the full history from origin',
    );
  });

  it('gives up with what it tried when even the full history has no merge-base', async () => {
    const git = branchRepo({ shallow: true, deepensNeeded: null });
    const error = await failure(git, { baseRef: 'main' }, { deepenSteps: [5] });
    expect(error.code).toBe('no-merge-base');
    expect(error.message).toBe(
      'origin/main and HEAD share no commit (after: fetched main from origin at depth 1; deepened the clone 1 time ' +
        'by 5 commits in all; fetched the full history from origin), so there is no base to build. ' +
        'Check that base-ref names the branch this one was made from, or set baseline: none.',
    );
  });

  it('stops deepening once the clone is complete, without an unshallow', async () => {
    const git = branchRepo({ shallow: true, deepensNeeded: null, completeAfterDeepens: 1 });
    const error = await failure(git, { baseRef: 'main' }, { deepenSteps: [10, 50] });
    expect(error.code).toBe('no-merge-base');
    expect(git.commands('fetch --no-tags --deepen')).toHaveLength(1);
    expect(git.commands('fetch --no-tags --unshallow')).toEqual([]);
  });

  it('does not fetch at all in a full clone without a merge-base', async () => {
    const git = branchRepo({
      shallow: false,
      local: { 'refs/remotes/origin/main': TIP },
      deepensNeeded: null,
    });
    const error = await failure(git, { baseRef: 'main' });
    expect(error.message).toMatch(/^origin\/main and HEAD share no commit, so there is no base to build\./);
    expect(git.commands('fetch')).toEqual([]);
  });

  it('deepens through the remote HEAD when the tip is a local branch', async () => {
    const git = branchRepo({ shallow: true, local: { 'refs/heads/main': TIP }, deepensNeeded: 1 });
    await resolveBaseCommit('/repo', { baseRef: 'main' }, { git });
    expect(git.commands('fetch')).toEqual(['fetch --no-tags --deepen=10 origin HEAD']);
  });

  it('tells the user to fetch the full history when deepening fails', async () => {
    const git = branchRepo({
      shallow: true,
      deepensNeeded: null,
      override: (args) =>
        args.some((a) => a.startsWith('--deepen='))
          ? { exitCode: 128, stderr: 'fatal: the remote end hung up' }
          : undefined,
    });
    const error = await failure(git, { baseRef: 'main' });
    expect(error.code).toBe('no-merge-base');
    expect(error.message).toBe(
      'This clone is shallow and fetching more history to find where HEAD branched from origin/main failed:\n' +
        'fatal: the remote end hung up\nSet fetch-depth: 0 in actions/checkout so the whole history is there.',
    );
  });

  it('says the branch could not be fetched', async () => {
    const git = fakeGit((args) =>
      args[0] === 'fetch'
        ? { exitCode: 128, stderr: "fatal: couldn't find remote ref refs/heads/develop" }
        : revisions({ HEAD })(args),
    );
    const error = await failure(git, { baseRef: 'develop' });
    expect(error.code).toBe('base-ref-not-found');
    expect(error.message).toBe(
      'Could not fetch base branch "develop" from "origin":\nfatal: couldn\'t find remote ref refs/heads/develop\n' +
        'Check that base-ref names a branch that exists in the remote.',
    );
  });

  it('says the branch is nowhere when there is no remote', async () => {
    const git = fakeGit(firstOf((args) => (args[0] === 'remote' ? 2 : undefined), revisions({ HEAD })));
    const error = await failure(git, { baseRef: 'develop' });
    expect(error.code).toBe('base-ref-not-found');
    expect(git.commands('fetch')).toEqual([]);
  });

  it('reports a failing merge-base as a git failure, not as missing history', async () => {
    const git = fakeGit(
      firstOf(
        (args) => (args[0] === 'merge-base' ? { exitCode: 128, stderr: 'fatal: bad object' } : undefined),
        revisions({ HEAD, 'refs/remotes/origin/main': TIP }),
      ),
    );
    expect((await failure(git, { baseRef: 'main' })).code).toBe('git-failed');
  });

  it('says when HEAD is not a commit', async () => {
    const error = await failure(
      fakeGit(() => undefined),
      { baseRef: 'main' },
    );
    expect(error).toMatchObject({
      code: 'git-failed',
      message: '"HEAD" does not name a commit in /repo; nothing to compare.',
    });
  });
});

describe('baselineGit', () => {
  it('runs every operation through the git it was given', async () => {
    const git = fakeGit(shallow);
    expect(await baselineGit({ git }).isShallow('/repo')).toBe(true);
    expect(git.calls).toEqual([['rev-parse', '--is-shallow-repository']]);
  });
});
