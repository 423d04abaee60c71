// A throwaway checkout of the base commit that never outlives the call: removed after success, after a
// throw, and when the process is interrupted or exits while the callback still runs.
import { readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { mkdtemp, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { warning } from '@actions/core';
import { onInterruptOrExit } from '../process/interrupts.js';
import { BaselineGitError } from './errors.js';
import { execGit, type Git, type GitResult, stderrTail } from './git-runner.js';
import { assertNotOption, commitOf, type GitOption, gitCommonDir, requireRepository } from './repository.js';

export interface WorktreeOptions extends GitOption {
  /** Where the temporary directory goes. Default: RUNNER_TEMP when set, else the OS temp directory. */
  tempRoot?: string;
  /** Where a failed cleanup is reported. Default: a workflow warning. */
  warn?: (message: string) => void;
}

export async function withBaseWorktree<T>(
  repoDir: string,
  sha: string,
  fn: (dir: string) => Promise<T>,
  { git = execGit(), tempRoot, warn = warning }: WorktreeOptions = {},
): Promise<T> {
  assertNotOption(sha, 'Commit');
  await requireRepository(repoDir, { git });
  const commit = await commitOf(repoDir, sha, { git });
  if (!commit) {
    throw new BaselineGitError(
      'base-commit-unavailable',
      `Commit ${sha} is not in this clone; resolve (and fetch) the base commit before checking it out.`,
    );
  }
  const commonDir = await realpath(await gitCommonDir(repoDir, { git }));
  const root = tempRoot ?? (process.env.RUNNER_TEMP || tmpdir());
  const dir = await realpath(await mkdtemp(join(root, 'image-size-gate-base-')));
  const emergency = onInterruptOrExit(() => removeWorktreeFiles(commonDir, dir));
  try {
    const added = await git.run(repoDir, ['worktree', 'add', '--detach', dir, commit]);
    if (added.exitCode !== 0) {
      throw new BaselineGitError(
        'git-failed',
        `Could not check out base commit ${commit} in a temporary worktree: ${stderrTail(added)}`,
      );
    }
    return await fn(dir);
  } finally {
    await removeWorktree(git, repoDir, commonDir, dir, warn);
    emergency.unregister();
  }
}

// Never throws: a cleanup problem is reported, and must not replace the outcome of the callback.
async function removeWorktree(
  git: Git,
  repoDir: string,
  commonDir: string,
  dir: string,
  warn: (message: string) => void,
): Promise<void> {
  const problems: string[] = [];
  const removed = await git.run(repoDir, ['worktree', 'remove', '--force', dir]).catch(asFailure);
  // What `worktree remove` could not do (a file it could not delete, a half-made worktree) is finished by hand.
  // No repository-wide `worktree prune`: it would also drop other stale worktrees that are not ours to touch.
  try {
    removeWorktreeFiles(commonDir, dir);
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  const listed = await git.run(repoDir, ['worktree', 'list', '--porcelain']).catch(asFailure);
  if (listed.exitCode !== 0 || listed.stdout.split('\n').includes(`worktree ${dir}`)) {
    problems.push(removed.exitCode === 0 ? stderrTail(listed) : stderrTail(removed));
  }
  if (problems.length > 0) {
    warn(
      `Could not fully remove the temporary base worktree ${dir}: ${problems.join('; ')}. ` +
        `Remove it with: git worktree remove --force ${dir}`,
    );
  }
}

function asFailure(error: unknown): GitResult {
  return { exitCode: -1, stdout: '', stderr: error instanceof Error ? error.message : String(error) };
}

/**
 * Deletes the worktree directory and its administrative entry under <common dir>/worktrees, which is what
 * `git worktree remove` and `prune` amount to. Synchronous and git-free, so it can run in a signal or exit
 * handler, where no child process can be awaited.
 */
export function removeWorktreeFiles(commonDir: string, dir: string): void {
  const adminRoot = join(commonDir, 'worktrees');
  const adminDirs = new Set<string>();
  const pointer = readText(join(dir, '.git'))?.match(/^gitdir: (.+)$/m)?.[1];
  if (pointer) adminDirs.add(resolve(dir, pointer));
  let entries: string[] = [];
  try {
    entries = readdirSync(adminRoot);
  } catch {
    // No worktrees directory: nothing registered.
  }
  for (const entry of entries) {
    const admin = join(adminRoot, entry);
    if (readText(join(admin, 'gitdir'))?.trim() === join(dir, '.git')) adminDirs.add(admin);
  }
  for (const admin of adminDirs) {
    // Only ever delete an entry directly below <common dir>/worktrees, whatever the .git file claims.
    if (dirname(admin) === adminRoot) rmSync(admin, { recursive: true, force: true });
  }
  rmSync(dir, { recursive: true, force: true });
  try {
    rmdirSync(adminRoot);
  } catch {
    // Not empty (other worktrees) or not there: leave it, as git does.
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
