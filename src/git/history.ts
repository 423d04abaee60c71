// What the report store's lookup asks git: the base commit's first-parent ancestors (deepening a shallow
// clone as needed) and whether the build context changed between two commits.
import { BaselineGitError } from './errors.js';
import { execGit, type Git, stderrTail } from './git-runner.js';
import { assertNotOption, hasRemote, isShallow } from './repository.js';

/** What the report store's lookup asks git; declared here, by the adapter that answers it, so that git
 * never imports the store above it. */
export interface StoreHistory {
  /** Up to `depth` first-parent ancestors of `sha`, nearest first, without `sha` itself. */
  firstParentAncestors(sha: string, depth: number): Promise<string[]>;
  /** Whether anything under `paths` differs between the two commits (`git diff --quiet A B -- paths`). */
  changed(ancestor: string, base: string, paths: readonly string[]): Promise<boolean>;
  /** First-parent commits after `ancestor` up to `base` that touch `paths`, for the stale message. */
  commitsTouching(ancestor: string, base: string, paths: readonly string[]): Promise<number>;
}

export function storeHistory(repoDir: string, options: { git?: Git; remote?: string } = {}): StoreHistory {
  const git = options.git ?? execGit();
  const remote = options.remote ?? 'origin';
  const shaOnly = (sha: string) => {
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha))
      throw new BaselineGitError('invalid-input', `"${sha}" is not a commit SHA`);
    return sha;
  };
  const pathArgs = (paths: readonly string[]) => {
    for (const path of paths) assertNotOption(path, 'Path');
    return ['--', ...paths];
  };
  const revList = async (sha: string, depth: number) => {
    const result = await git.run(repoDir, [
      'rev-list',
      '--first-parent',
      `--max-count=${depth + 1}`,
      shaOnly(sha),
    ]);
    if (result.exitCode !== 0) {
      throw new BaselineGitError(
        'git-failed',
        `git rev-list ${sha.slice(0, 12)} failed: ${stderrTail(result)}`,
      );
    }
    return result.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  };
  return {
    async firstParentAncestors(sha, depth) {
      let commits = await revList(sha, depth);
      // A shallow clone stops early: fetch the missing history once, as deep as the walk goes.
      if (
        commits.length < depth + 1 &&
        (await isShallow(repoDir, { git })) &&
        (await hasRemote(repoDir, remote, { git }))
      ) {
        const fetched = await git.run(repoDir, ['fetch', '--no-tags', `--deepen=${depth}`, remote, sha]);
        if (fetched.exitCode === 0) commits = await revList(sha, depth);
      }
      return commits.slice(1);
    },
    async changed(ancestor, base, paths) {
      const result = await git.run(repoDir, [
        'diff',
        '--quiet',
        shaOnly(ancestor),
        shaOnly(base),
        ...pathArgs(paths),
      ]);
      if (result.exitCode === 0) return false;
      if (result.exitCode === 1) return true;
      throw new BaselineGitError(
        'git-failed',
        `git diff ${ancestor.slice(0, 12)} ${base.slice(0, 12)} failed: ${stderrTail(result)}`,
      );
    },
    async commitsTouching(ancestor, base, paths) {
      const result = await git.run(repoDir, [
        'rev-list',
        '--first-parent',
        '--count',
        `${shaOnly(ancestor)}..${shaOnly(base)}`,
        ...pathArgs(paths),
      ]);
      if (result.exitCode !== 0)
        throw new BaselineGitError('git-failed', `git rev-list --count failed: ${stderrTail(result)}`);
      return Number(result.stdout.trim());
    },
  };
}
