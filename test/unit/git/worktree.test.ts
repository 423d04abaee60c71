import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeWorktreeFiles, withBaseWorktree } from '../../../src/git/worktree.js';
import { type Answer, fakeGit } from './fake-git.js';

const SHA = 'f'.repeat(40);
let scratch: string;
let commonDir: string;
let tempRoot: string;

beforeEach(() => {
  scratch = realpathSync(mkdtempSync(join(tmpdir(), 'isg-worktree-unit-')));
  commonDir = join(scratch, 'repo', '.git');
  tempRoot = join(scratch, 'temp');
  mkdirSync(commonDir, { recursive: true });
  mkdirSync(tempRoot);
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** A repository that has SHA; `worktree` commands answer as given. */
function repo(worktree: { add?: Answer; remove?: Answer; list?: (dir: string) => Answer }) {
  let added = '';
  return fakeGit((args) => {
    const command = args.join(' ');
    if (command.startsWith('rev-parse --verify')) return { stdout: `${SHA}\n` };
    if (command === 'rev-parse --path-format=absolute --git-common-dir') return { stdout: `${commonDir}\n` };
    if (command.startsWith('worktree add')) {
      added = args[3]!;
      return worktree.add ?? 0;
    }
    if (command.startsWith('worktree remove')) return worktree.remove ?? 0;
    if (command.startsWith('worktree list'))
      return worktree.list?.(added) ?? { stdout: 'worktree /repo\nHEAD x\n' };
    return undefined;
  });
}

describe('withBaseWorktree', () => {
  it('checks out the resolved commit, detached, in a new directory under the temp root', async () => {
    const git = repo({});
    const dir = await withBaseWorktree('/repo', 'HEAD~1', async (d) => d, { git, tempRoot, warn: () => {} });
    expect(dir.startsWith(join(tempRoot, 'image-size-gate-base-'))).toBe(true);
    expect(git.commands('worktree')).toEqual([
      `worktree add --detach ${dir} ${SHA}`,
      `worktree remove --force ${dir}`,
      'worktree list --porcelain',
    ]);
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('warns with the fix when the worktree is still registered, and keeps the callback’s error', async () => {
    const warnings: string[] = [];
    const git = repo({
      remove: { exitCode: 128, stderr: 'fatal: cannot remove: Permission denied' },
      list: (dir) => ({ stdout: `worktree /repo\n\nworktree ${dir}\n` }),
    });
    const failure = new Error('build failed');
    let seen = '';
    await expect(
      withBaseWorktree(
        '/repo',
        SHA,
        async (dir) => {
          seen = dir;
          throw failure;
        },
        { git, tempRoot, warn: (message) => warnings.push(message) },
      ),
    ).rejects.toBe(failure);
    expect(warnings).toEqual([
      `Could not fully remove the temporary base worktree ${seen}: fatal: cannot remove: Permission denied. ` +
        `Remove it with: git worktree remove --force ${seen}`,
    ]);
  });

  it('keeps the callback’s result when git cannot even be started for the cleanup', async () => {
    const inner = repo({});
    const warnings: string[] = [];
    const git = {
      ...inner,
      run: (dir: string, args: readonly string[]) =>
        args[0] === 'worktree' && args[1] !== 'add'
          ? Promise.reject(new Error('spawn git ENOENT'))
          : inner.run(dir, args),
    };
    const result = await withBaseWorktree('/repo', SHA, async () => 42, {
      git,
      tempRoot,
      warn: (m) => warnings.push(m),
    });
    expect(result).toBe(42);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('spawn git ENOENT');
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('fails with git’s words when the checkout fails, leaving no directory', async () => {
    const git = repo({ add: { exitCode: 128, stderr: 'fatal: invalid reference' } });
    let called = false;
    await expect(
      withBaseWorktree(
        '/repo',
        SHA,
        async () => {
          called = true;
        },
        { git, tempRoot, warn: () => {} },
      ),
    ).rejects.toMatchObject({
      code: 'git-failed',
      message: `Could not check out base commit ${SHA} in a temporary worktree: fatal: invalid reference`,
    });
    expect(called).toBe(false);
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('refuses a commit that would read as an option', async () => {
    const git = repo({});
    await expect(
      withBaseWorktree('/repo', '--orphan', async () => 1, { git, tempRoot }),
    ).rejects.toMatchObject({
      code: 'invalid-input',
    });
    expect(git.calls).toEqual([]);
  });
});

describe('removeWorktreeFiles', () => {
  function register(id: string, worktreeDir: string) {
    const admin = join(commonDir, 'worktrees', id);
    mkdirSync(admin, { recursive: true });
    writeFileSync(join(admin, 'gitdir'), `${join(worktreeDir, '.git')}\n`);
    mkdirSync(worktreeDir, { recursive: true });
    writeFileSync(join(worktreeDir, '.git'), `gitdir: ${admin}\n`);
    return admin;
  }

  it('deletes our directory and our administrative entry, and no other worktree’s', () => {
    const ours = register('ours', join(tempRoot, 'ours'));
    const theirs = register('theirs', join(scratch, 'theirs'));
    removeWorktreeFiles(commonDir, join(tempRoot, 'ours'));
    expect(existsSync(ours)).toBe(false);
    expect(existsSync(join(tempRoot, 'ours'))).toBe(false);
    expect(existsSync(theirs)).toBe(true);
    expect(existsSync(join(scratch, 'theirs', '.git'))).toBe(true);
  });

  it('removes the worktrees directory once it is empty', () => {
    register('ours', join(tempRoot, 'ours'));
    removeWorktreeFiles(commonDir, join(tempRoot, 'ours'));
    expect(existsSync(join(commonDir, 'worktrees'))).toBe(false);
  });

  it('finds the entry by its gitdir file when the worktree’s .git file is gone', () => {
    const ours = register('ours', join(tempRoot, 'ours'));
    rmSync(join(tempRoot, 'ours', '.git'));
    removeWorktreeFiles(commonDir, join(tempRoot, 'ours'));
    expect(existsSync(ours)).toBe(false);
  });

  it('never deletes outside <common dir>/worktrees, whatever the .git file says', () => {
    const elsewhere = join(scratch, 'precious');
    mkdirSync(elsewhere);
    const dir = join(tempRoot, 'ours');
    mkdirSync(dir);
    writeFileSync(join(dir, '.git'), `gitdir: ${elsewhere}\n`);
    removeWorktreeFiles(commonDir, dir);
    expect(existsSync(elsewhere)).toBe(true);
    expect(existsSync(dir)).toBe(false);
  });

  it('does nothing harmful when nothing was created', () => {
    expect(() => removeWorktreeFiles(commonDir, join(tempRoot, 'never-made'))).not.toThrow();
  });
});
