// Real repositories for the git adapter's tests: a bare `origin`, the full working repository it was made
// from, and depth-1 clones of the PR head as actions/checkout leaves them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Identity and config come from the environment, never from the machine's global git config.
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Fixture Author',
  GIT_AUTHOR_EMAIL: 'author@example.invalid',
  GIT_COMMITTER_NAME: 'Fixture Committer',
  GIT_COMMITTER_EMAIL: 'committer@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export interface GitFixture {
  root: string;
  /** The repository origin was cloned from (full history, feature checked out). */
  work: string;
  /** Bare repository, served as file://. */
  originUrl: string;
  /** main before the Dockerfile existed. */
  rootCommit: string;
  /** The commit the feature branch forked from: the expected base. */
  base: string;
  /** main's tip, several commits past base. */
  mainTip: string;
  /** feature's tip: the PR head. */
  head: string;
  /** Commits on each side of the fork, so a depth-1 clone must deepen more than once. */
  mainCommitsAfterBase: number;
  featureCommitsAfterBase: number;
  /** A depth-1 clone of the PR head, like actions/checkout's default. */
  shallowClone(name: string): string;
  remove(): void;
}

export const BASE_DOCKERFILE = 'FROM scratch\nCOPY app /app\n';
export const HEAD_DOCKERFILE = 'FROM scratch\nCOPY app /app\nCOPY bloat /bloat\n';

export function createGitFixture(mainCommitsAfterBase = 15, featureCommitsAfterBase = 12): GitFixture {
  const root = mkdtempSync(join(tmpdir(), 'isg-git-fixture-'));
  const work = join(root, 'work');
  git(root, 'init', '--quiet', '--initial-branch=main', work);
  const commit = (message: string, files: Record<string, string>) => {
    for (const [path, content] of Object.entries(files)) writeFileSync(join(work, path), content);
    git(work, 'add', '--all');
    git(work, 'commit', '--quiet', '--message', message);
    return git(work, 'rev-parse', 'HEAD');
  };

  const rootCommit = commit('readme only', { 'README.md': '# service\n' });
  const base = commit('add the service', { Dockerfile: BASE_DOCKERFILE, app: 'lean\n' });
  git(work, 'switch', '--quiet', '--create', 'feature');
  let head = base;
  for (let i = 1; i <= featureCommitsAfterBase; i++) {
    head = commit(`feature ${i}`, { Dockerfile: HEAD_DOCKERFILE, bloat: `bloat ${i}\n`.repeat(i) });
  }
  git(work, 'switch', '--quiet', 'main');
  let mainTip = base;
  for (let i = 1; i <= mainCommitsAfterBase; i++)
    mainTip = commit(`main ${i}`, { [`main-${i}.txt`]: `${i}\n` });
  // An unrelated history, to show what happens when base-ref shares nothing with HEAD.
  git(work, 'switch', '--quiet', '--orphan', 'unrelated');
  commit('unrelated root', { 'other.txt': 'other\n' });
  git(work, 'switch', '--quiet', 'feature');

  const origin = join(root, 'origin.git');
  git(root, 'clone', '--quiet', '--bare', work, origin);
  const originUrl = `file://${origin}`;

  return {
    root,
    work,
    originUrl,
    rootCommit,
    base,
    mainTip,
    head,
    mainCommitsAfterBase,
    featureCommitsAfterBase,
    shallowClone(name) {
      const dir = join(root, name);
      git(root, 'clone', '--quiet', '--depth=1', '--branch=feature', originUrl, dir);
      return dir;
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function hasCommit(repo: string, sha: string): boolean {
  try {
    git(repo, 'cat-file', '-e', `${sha}^{commit}`);
    return true;
  } catch {
    return false;
  }
}

/** The paths `git worktree list` reports, the main working tree first. */
export function worktreePaths(repo: string): string[] {
  return git(repo, 'worktree', 'list', '--porcelain')
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}
