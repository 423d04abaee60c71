// Read-only questions about a local repository: where it is, whether it is shallow, what a commit holds.
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, posix, relative, sep } from 'node:path';
import { BaselineGitError } from './errors.js';
import { execGit, type Git, stderrTail } from './git-runner.js';

export interface GitOption {
  /** The git runner; the real binary when omitted. */
  git?: Git;
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

export function isFullSha(value: string): boolean {
  return FULL_SHA.test(value);
}

/** Anything git would read as an option instead of a revision or path is refused before it reaches git. */
export function assertNotOption(value: string, what: string): void {
  if (value.startsWith('-')) {
    throw new BaselineGitError(
      'invalid-input',
      `${what} "${value}" starts with "-"; give a branch name or commit SHA.`,
    );
  }
}

export async function requireRepository(repoDir: string, { git = execGit() }: GitOption = {}): Promise<void> {
  const result = await git.run(repoDir, ['rev-parse', '--git-dir']);
  if (result.exitCode !== 0) {
    throw new BaselineGitError(
      'not-a-repository',
      `${repoDir} is not inside a git repository (${stderrTail(result, 1)}). ` +
        'Building the base commit needs the repository: run actions/checkout before this step, or set baseline: none.',
    );
  }
}

export async function isShallow(repoDir: string, { git = execGit() }: GitOption = {}): Promise<boolean> {
  return (await gitOutput(git, repoDir, ['rev-parse', '--is-shallow-repository'])) === 'true';
}

/** The top directory of the working tree that holds repoDir. */
export async function repositoryRoot(repoDir: string, { git = execGit() }: GitOption = {}): Promise<string> {
  return gitOutput(git, repoDir, ['rev-parse', '--show-toplevel']);
}

/** The repository's shared .git directory (the same for every worktree), as an absolute path. */
export async function gitCommonDir(repoDir: string, { git = execGit() }: GitOption = {}): Promise<string> {
  return gitOutput(git, repoDir, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
}

/** The full SHA of the commit a revision names, or null when the clone does not have it. */
export async function commitOf(repoDir: string, revision: string, { git = execGit() }: GitOption = {}) {
  assertNotOption(revision, 'Revision');
  const result = await git.run(repoDir, [
    'rev-parse',
    '--verify',
    '--quiet',
    '--end-of-options',
    `${revision}^{commit}`,
  ]);
  const sha = result.stdout.trim();
  return result.exitCode === 0 && isFullSha(sha) ? sha.toLowerCase() : null;
}

export async function hasRemote(repoDir: string, remote: string, { git = execGit() }: GitOption = {}) {
  assertNotOption(remote, 'Remote');
  return (await git.run(repoDir, ['remote', 'get-url', remote])).exitCode === 0;
}

export type PathKind = 'file' | 'executable' | 'symlink' | 'directory' | 'submodule';

/**
 * What `path` is in commit `sha`, or null when the commit does not have it. `path` is relative to the
 * repository root (or absolute inside the working tree), so a caller can ask about the Dockerfile
 * before spending a build on a base commit that has none.
 */
export async function pathKindAtCommit(
  repoDir: string,
  sha: string,
  path: string,
  { git = execGit() }: GitOption = {},
): Promise<PathKind | null> {
  assertNotOption(sha, 'Commit');
  const inRepo = await repositoryRelativePath(repoDir, path, git);
  if (inRepo === '') return 'directory';
  const result = await git.run(repoDir, [
    '--literal-pathspecs',
    'ls-tree',
    '-z',
    '--full-tree',
    sha,
    '--',
    inRepo,
  ]);
  if (result.exitCode !== 0) {
    throw new BaselineGitError(
      'git-failed',
      `Could not list ${inRepo} in commit ${sha}: ${stderrTail(result)}`,
    );
  }
  for (const record of result.stdout.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0 || record.slice(tab + 1) !== inRepo) continue;
    const mode = record.slice(0, record.indexOf(' '));
    return kindOfMode(mode);
  }
  return null;
}

/** True when `path` is a file (or a symlink, which the build follows) in commit `sha`. */
export async function fileExistsAtCommit(
  repoDir: string,
  sha: string,
  path: string,
  options: GitOption = {},
): Promise<boolean> {
  const kind = await pathKindAtCommit(repoDir, sha, path, options);
  return kind === 'file' || kind === 'executable' || kind === 'symlink';
}

function kindOfMode(mode: string): PathKind {
  switch (mode) {
    case '100755':
      return 'executable';
    case '120000':
      return 'symlink';
    case '040000':
      return 'directory';
    case '160000':
      return 'submodule';
    default:
      return 'file';
  }
}

async function repositoryRelativePath(repoDir: string, path: string, git: Git): Promise<string> {
  let candidate = path;
  if (isAbsolute(path)) {
    const root = await realpath(await repositoryRoot(repoDir, { git }));
    const target = await realpathOfMaybeMissing(path);
    candidate = relative(root, target).split(sep).join('/');
  }
  const normalized = posix.normalize(candidate.replaceAll('\\', '/')).replace(/\/+$/, '');
  if (normalized === '.' || normalized === '') return '';
  if (normalized === '..' || normalized.startsWith('../') || posix.isAbsolute(normalized)) {
    throw new BaselineGitError('invalid-input', `${path} is outside the repository that holds ${repoDir}.`);
  }
  return normalized;
}

// A path that exists only in the base commit has no realpath here; resolve its parent instead, so that a
// symlinked temp or home directory still compares equal to the repository root.
async function realpathOfMaybeMissing(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(await realpathOfMaybeMissing(parent), basename(path));
  }
}

async function gitOutput(git: Git, repoDir: string, args: string[]): Promise<string> {
  const result = await git.run(repoDir, args);
  if (result.exitCode !== 0) {
    throw new BaselineGitError(
      'git-failed',
      `git ${args.join(' ')} failed in ${repoDir}: ${stderrTail(result)}`,
    );
  }
  return result.stdout.trim();
}
