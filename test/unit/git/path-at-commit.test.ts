import { describe, expect, it } from 'vitest';
import { fileExistsAtCommit, type PathKind, pathKindAtCommit } from '../../../src/git/baseline.js';
import { fakeGit } from './fake-git.js';

const SHA = 'd'.repeat(40);

/** A commit whose tree lists exactly these entries, answered the way `git ls-tree -z --full-tree` does. */
function commitWith(entries: Record<string, string>) {
  return fakeGit((args) => {
    if (args.includes('ls-tree')) {
      const path = args.at(-1)!;
      const mode = entries[path];
      return {
        stdout: mode ? `${mode} ${mode === '040000' ? 'tree' : 'blob'} ${'e'.repeat(40)}\t${path}\0` : '',
      };
    }
    if (args.join(' ') === 'rev-parse --show-toplevel') return { stdout: '/repo\n' };
    return undefined;
  });
}

describe('pathKindAtCommit', () => {
  it.each<[string, PathKind]>([
    ['100644', 'file'],
    ['100755', 'executable'],
    ['120000', 'symlink'],
    ['040000', 'directory'],
    ['160000', 'submodule'],
  ])('reads mode %s as %s', async (mode, kind) => {
    expect(
      await pathKindAtCommit('/repo', SHA, 'Dockerfile', { git: commitWith({ Dockerfile: mode }) }),
    ).toBe(kind);
  });

  it('asks git for the literal path from the repository root', async () => {
    const git = commitWith({ 'build/Dockerfile': '100644' });
    expect(await pathKindAtCommit('/repo', SHA, './build//x/../Dockerfile', { git })).toBe('file');
    expect(git.calls).toEqual([
      ['--literal-pathspecs', 'ls-tree', '-z', '--full-tree', SHA, '--', 'build/Dockerfile'],
    ]);
  });

  it('is null when the commit lacks the path', async () => {
    expect(await pathKindAtCommit('/repo', SHA, 'Dockerfile', { git: commitWith({}) })).toBeNull();
  });

  it('ignores entries that are not the path asked about', async () => {
    const git = fakeGit((args) =>
      args.includes('ls-tree') ? { stdout: `100644 blob ${'e'.repeat(40)}\tdocker/Dockerfile\0` } : undefined,
    );
    expect(await pathKindAtCommit('/repo', SHA, 'docker', { git })).toBeNull();
  });

  it('answers the repository root without asking git', async () => {
    const git = commitWith({});
    expect(await pathKindAtCommit('/repo', SHA, '.', { git })).toBe('directory');
    expect(git.calls).toEqual([]);
  });

  it('takes Windows separators and a trailing slash', async () => {
    expect(
      await pathKindAtCommit('/repo', SHA, 'build\\app/', { git: commitWith({ 'build/app': '040000' }) }),
    ).toBe('directory');
  });

  it.each(['../Dockerfile', 'a/../../Dockerfile', '..'])(
    'refuses %j, which leaves the repository',
    async (path) => {
      await expect(pathKindAtCommit('/repo', SHA, path, { git: commitWith({}) })).rejects.toMatchObject({
        code: 'invalid-input',
      });
    },
  );

  it('refuses a commit that would read as an option', async () => {
    await expect(
      pathKindAtCommit('/repo', '--output=x', 'Dockerfile', { git: commitWith({}) }),
    ).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });

  it('passes on git’s error when the commit cannot be read', async () => {
    const git = fakeGit((args) =>
      args.includes('ls-tree') ? { exitCode: 128, stderr: `fatal: not a tree object: ${SHA}` } : undefined,
    );
    await expect(pathKindAtCommit('/repo', SHA, 'Dockerfile', { git })).rejects.toMatchObject({
      code: 'git-failed',
      message: `Could not list Dockerfile in commit ${SHA}: fatal: not a tree object: ${SHA}`,
    });
  });
});

describe('fileExistsAtCommit', () => {
  it.each([
    ['100644', true],
    ['100755', true],
    ['120000', true],
    ['040000', false],
    ['160000', false],
  ])('is %s → %s', async (mode, exists) => {
    expect(
      await fileExistsAtCommit('/repo', SHA, 'Dockerfile', { git: commitWith({ Dockerfile: mode }) }),
    ).toBe(exists);
  });

  it('is false when the path is missing', async () => {
    expect(await fileExistsAtCommit('/repo', SHA, 'Dockerfile', { git: commitWith({}) })).toBe(false);
  });
});
