// Prepares the base commit for a baseline build: finds it (the event's base SHA, else the merge-base of the
// base branch and HEAD), fetches what a shallow CI checkout lacks, and checks it out in a throwaway worktree.
import { BaselineGitError } from './errors.js';
import { execGit, type Git, stderrTail } from './git-runner.js';
import {
  assertNotOption,
  commitOf,
  fileExistsAtCommit,
  type GitOption,
  hasRemote,
  isFullSha,
  isShallow,
  repositoryRoot,
  requireRepository,
} from './repository.js';
import { type RepositoryTags, readTags } from './tags.js';
import { type WorktreeOptions, withBaseWorktree } from './worktree.js';

export { BaselineGitError, type BaselineGitErrorCode } from './errors.js';
export { execGit, type Git, type GitResult } from './git-runner.js';
export {
  fileExistsAtCommit,
  isShallow,
  type PathKind,
  pathKindAtCommit,
  repositoryRoot,
} from './repository.js';
export { type WorktreeOptions, withBaseWorktree } from './worktree.js';

export interface BaseSelector {
  /** The pull request's base commit from the event payload; wins over baseRef. */
  baseSha?: string;
  /** The base branch (`main`, `refs/heads/main`); its merge-base with HEAD is the base commit. */
  baseRef?: string;
}

export interface BaseCommit {
  sha: string;
  /** How the commit was found and what was fetched for it, for the log and the report. */
  how: string;
}

export interface ResolveOptions extends GitOption {
  /** Default `origin`. */
  remote?: string;
  /** The commit under test. Default `HEAD`. */
  head?: string;
  /**
   * Commits to add to the shallow history on each try while looking for the merge-base; after the last
   * try the clone is unshallowed. Bounded so a branch with no common history cannot loop forever.
   */
  deepenSteps?: readonly number[];
}

export const DEFAULT_DEEPEN_STEPS: readonly number[] = [10, 50, 200, 1000];

const FULL_HISTORY_ADVICE = 'set fetch-depth: 0 in actions/checkout so the whole history is there';

export async function resolveBaseCommit(
  repoDir: string,
  selector: BaseSelector,
  options: ResolveOptions = {},
): Promise<BaseCommit> {
  const context: ResolveContext = {
    repoDir,
    git: options.git ?? execGit(),
    remote: options.remote ?? 'origin',
    head: options.head ?? 'HEAD',
  };
  assertNotOption(context.remote, 'Remote');
  assertNotOption(context.head, 'Head revision');
  const baseSha = selector.baseSha?.trim();
  const baseRef = selector.baseRef?.trim();
  if (baseSha) return resolveBySha(context, baseSha);
  if (baseRef) return resolveByRef(context, baseRef, options.deepenSteps ?? DEFAULT_DEEPEN_STEPS);
  throw new BaselineGitError(
    'invalid-input',
    'No base to compare with: the event carries no base commit and no base ref was given. ' +
      'Set the base-ref input, or set baseline: none.',
  );
}

interface ResolveContext {
  repoDir: string;
  git: Git;
  remote: string;
  head: string;
}

async function resolveBySha({ repoDir, git, remote }: ResolveContext, givenSha: string): Promise<BaseCommit> {
  if (!isFullSha(givenSha)) {
    throw new BaselineGitError(
      'invalid-input',
      `Base commit "${givenSha}" is not a full commit SHA (40 or 64 hex digits).`,
    );
  }
  const sha = givenSha.toLowerCase();
  await requireRepository(repoDir, { git });
  if (await commitOf(repoDir, sha, { git })) return { sha, how: `base commit ${short(sha)} from the event` };

  if (!(await hasRemote(repoDir, remote, { git }))) {
    throw new BaselineGitError(
      'base-commit-unavailable',
      `Base commit ${sha} is not in this clone and there is no remote "${remote}" to fetch it from. ` +
        `Fetch the base commit before this step, or ${FULL_HISTORY_ADVICE}.`,
    );
  }
  // Building needs the base's tree, not its history; a depth-1 fetch keeps a shallow clone small. A full
  // clone is fetched into without a depth so it does not turn shallow.
  const shallow = await isShallow(repoDir, { git });
  const fetched = await git.run(repoDir, [
    'fetch',
    '--no-tags',
    ...(shallow ? ['--depth=1'] : []),
    remote,
    sha,
  ]);
  if (fetched.exitCode !== 0 || !(await commitOf(repoDir, sha, { git }))) {
    throw new BaselineGitError(
      'base-commit-unavailable',
      `Base commit ${sha} is not in this clone, and fetching it from "${remote}" failed:\n${stderrTail(fetched)}\n` +
        `Check that the commit still exists in "${remote}" (a force-push to the base branch can remove it), ` +
        `or ${FULL_HISTORY_ADVICE}.`,
    );
  }
  return {
    sha,
    how: `base commit ${short(sha)} from the event, fetched from ${remote}${shallow ? ' at depth 1' : ''}`,
  };
}

async function resolveByRef(
  { repoDir, git, remote, head }: ResolveContext,
  givenRef: string,
  deepenSteps: readonly number[],
): Promise<BaseCommit> {
  const branch = givenRef.replace(/^refs\/heads\//, '');
  assertNotOption(branch, 'Base ref');
  await requireRepository(repoDir, { git });
  if ((await git.run(repoDir, ['check-ref-format', `refs/heads/${branch}`])).exitCode !== 0) {
    throw new BaselineGitError('invalid-input', `Base ref "${givenRef}" is not a valid branch name.`);
  }
  const headSha = await commitOf(repoDir, head, { git });
  if (!headSha) {
    throw new BaselineGitError(
      'git-failed',
      `"${head}" does not name a commit in ${repoDir}; nothing to compare.`,
    );
  }

  const trackingRef = `refs/remotes/${remote}/${branch}`;
  const remoteExists = await hasRemote(repoDir, remote, { git });
  let shallow = await isShallow(repoDir, { git });
  const done: string[] = [];

  let tip = await firstCommitOf(repoDir, git, [
    { revision: trackingRef, name: `${remote}/${branch}`, tracksRemote: true },
    { revision: `refs/heads/${branch}`, name: branch, tracksRemote: false },
    { revision: branch, name: branch, tracksRemote: false },
  ]);
  if (!tip) {
    if (!remoteExists) {
      throw new BaselineGitError(
        'base-ref-not-found',
        `Base ref "${branch}" is neither a branch nor a commit in this repository, and there is no remote ` +
          `"${remote}" to fetch it from. Set base-ref to an existing branch.`,
      );
    }
    const refspec = `+refs/heads/${branch}:${trackingRef}`;
    const fetched = await git.run(repoDir, [
      'fetch',
      '--no-tags',
      ...(shallow ? ['--depth=1'] : []),
      remote,
      refspec,
    ]);
    const sha = fetched.exitCode === 0 ? await commitOf(repoDir, trackingRef, { git }) : null;
    if (!sha) {
      throw new BaselineGitError(
        'base-ref-not-found',
        `Could not fetch base branch "${branch}" from "${remote}":\n${stderrTail(fetched)}\n` +
          'Check that base-ref names a branch that exists in the remote.',
      );
    }
    tip = { sha, name: `${remote}/${branch}`, tracksRemote: true };
    done.push(`fetched ${branch} from ${remote}${shallow ? ' at depth 1' : ''}`);
  }

  let base = await mergeBase(repoDir, git, tip.sha, headSha);
  if (!base && shallow) {
    if (!remoteExists) {
      throw new BaselineGitError(
        'no-merge-base',
        `${tip.name} and ${head} share no commit in this shallow clone, and there is no remote "${remote}" to ` +
          `fetch more history from; ${FULL_HISTORY_ADVICE}.`,
      );
    }
    let deepenedBy = 0;
    let tries = 0;
    for (const step of deepenSteps) {
      // --deepen moves every shallow boundary the remote knows, so HEAD's side deepens with the base branch's.
      const deepened = await git.run(repoDir, [
        'fetch',
        '--no-tags',
        `--deepen=${step}`,
        remote,
        deepenRefspec(tip, branch, trackingRef),
      ]);
      if (deepened.exitCode !== 0) throw cannotDeepen(tip.name, head, deepened);
      tries += 1;
      deepenedBy += step;
      base = await mergeBase(repoDir, git, tip.sha, headSha);
      shallow = await isShallow(repoDir, { git });
      if (base || !shallow) break;
    }
    if (tries > 0)
      done.push(`deepened the clone ${tries} time${tries === 1 ? '' : 's'} by ${deepenedBy} commits in all`);
    if (!base && shallow) {
      const unshallowed = await git.run(repoDir, ['fetch', '--no-tags', '--unshallow', remote]);
      if (unshallowed.exitCode !== 0) throw cannotDeepen(tip.name, head, unshallowed);
      done.push(`fetched the full history from ${remote}`);
      shallow = false;
      base = await mergeBase(repoDir, git, tip.sha, headSha);
    }
  }
  if (!base) {
    throw new BaselineGitError(
      'no-merge-base',
      `${tip.name} and ${head} share no commit${done.length > 0 ? ` (after: ${done.join('; ')})` : ''}, so there is ` +
        'no base to build. Check that base-ref names the branch this one was made from, or set baseline: none.',
    );
  }
  const via = done.length > 0 ? ` (${done.join('; ')})` : '';
  return { sha: base, how: `merge-base ${short(base)} of ${tip.name} and ${head}${via}` };
}

interface Tip {
  sha: string;
  /** How the tip is named in messages. */
  name: string;
  /** Found as (or fetched into) the remote-tracking branch. */
  tracksRemote: boolean;
}

async function firstCommitOf(
  repoDir: string,
  git: Git,
  candidates: { revision: string; name: string; tracksRemote: boolean }[],
): Promise<Tip | null> {
  for (const { revision, name, tracksRemote } of candidates) {
    const sha = await commitOf(repoDir, revision, { git });
    if (sha) return { sha, name, tracksRemote };
  }
  return null;
}

// A remote-tracking tip is refreshed along with the deepening. Any other tip (a local branch, a tag) still has
// its shallow boundary moved, because --deepen acts on every boundary the remote knows; fetching the remote's
// HEAD is then only the request that carries the deepening.
function deepenRefspec(tip: Tip, branch: string, trackingRef: string): string {
  return tip.tracksRemote ? `+refs/heads/${branch}:${trackingRef}` : 'HEAD';
}

async function mergeBase(repoDir: string, git: Git, a: string, b: string): Promise<string | null> {
  const result = await git.run(repoDir, ['merge-base', a, b]);
  if (result.exitCode === 0) return result.stdout.trim().toLowerCase();
  // Exit 1 with nothing said means "no common ancestor"; anything else is a real failure.
  if (result.exitCode === 1 && result.stderr.trim() === '') return null;
  throw new BaselineGitError('git-failed', `git merge-base ${a} ${b} failed: ${stderrTail(result)}`);
}

function cannotDeepen(
  tipName: string,
  head: string,
  result: { exitCode: number; stdout: string; stderr: string },
) {
  return new BaselineGitError(
    'no-merge-base',
    `This clone is shallow and fetching more history to find where ${head} branched from ${tipName} failed:\n` +
      `${stderrTail(result)}\nSet fetch-depth: 0 in actions/checkout so the whole history is there.`,
  );
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

/** The operations a baseline build needs, as one object a workflow can take and a test can fake. */
export interface BaselineGit {
  /** The top of the working tree that holds dir (a checkout may sit in a subfolder of the workspace). */
  repositoryRoot(dir: string): Promise<string>;
  resolveBaseCommit(repoDir: string, selector: BaseSelector): Promise<BaseCommit>;
  withBaseWorktree<T>(repoDir: string, sha: string, fn: (dir: string) => Promise<T>): Promise<T>;
  fileExistsAtCommit(repoDir: string, sha: string, path: string): Promise<boolean>;
  isShallow(repoDir: string): Promise<boolean>;
  /** The tags and their commits, for the previous release. */
  tags(repoDir: string): Promise<RepositoryTags>;
}

export function baselineGit(options: ResolveOptions & WorktreeOptions = {}): BaselineGit {
  const git = options.git ?? execGit();
  const withGit = { ...options, git };
  return {
    repositoryRoot: async (dir) => {
      await requireRepository(dir, withGit);
      return repositoryRoot(dir, withGit);
    },
    resolveBaseCommit: (repoDir, selector) => resolveBaseCommit(repoDir, selector, withGit),
    withBaseWorktree: (repoDir, sha, fn) => withBaseWorktree(repoDir, sha, fn, withGit),
    fileExistsAtCommit: (repoDir, sha, path) => fileExistsAtCommit(repoDir, sha, path, withGit),
    isShallow: (repoDir) => isShallow(repoDir, withGit),
    tags: (repoDir) => readTags(repoDir, withGit),
  };
}
