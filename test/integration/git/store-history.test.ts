// What the store lookup asks git, on real repositories: first-parent ancestors (deepening a shallow clone
// as far as the walk goes), and whether the build context changed between two commits.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeHistory } from '../../../src/git/history.js';
import { git } from './git-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'isg-store-history-'));
const work = join(root, 'work');
const commits: string[] = [];

beforeAll(() => {
  mkdirSync(join(work, 'svc'), { recursive: true });
  git(root, 'init', '-q', '-b', 'main', work);
  const commit = (file: string, text: string) => {
    writeFileSync(join(work, file), text);
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', file);
    commits.unshift(git(work, 'rev-parse', 'HEAD'));
  };
  commit('svc/Dockerfile', 'FROM scratch\n');
  commit('README.md', 'one\n');
  commit('svc/main.go', 'package main\n');
  commit('README.md', 'two\n');
  // A merge: its second parent is not on the first-parent history.
  git(work, 'checkout', '-q', '-b', 'side', commits[1]!);
  writeFileSync(join(work, 'side.txt'), 'side\n');
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'side');
  git(work, 'checkout', '-q', 'main');
  git(work, 'merge', '-q', '--no-ff', '-m', 'merge side', 'side');
  commits.unshift(git(work, 'rev-parse', 'HEAD'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('storeHistory', () => {
  it('walks the first-parent history, nearest first, up to the depth', async () => {
    const history = storeHistory(work);
    expect(await history.firstParentAncestors(commits[0]!, 10)).toEqual(commits.slice(1));
    expect(await history.firstParentAncestors(commits[0]!, 2)).toEqual(commits.slice(1, 3));
  });

  it('tells a change under the context from a change outside it', async () => {
    const history = storeHistory(work);
    // commits: [merge, README two, main.go, README one, Dockerfile]
    expect(await history.changed(commits[2]!, commits[0]!, ['svc'])).toBe(false);
    expect(await history.changed(commits[3]!, commits[0]!, ['svc', 'svc/Dockerfile'])).toBe(true);
    expect(await history.commitsTouching(commits[4]!, commits[0]!, ['svc'])).toBe(1);
  });

  it('deepens a shallow clone as far as the walk goes', async () => {
    const clone = join(root, 'shallow');
    git(root, 'clone', '-q', '--depth=1', `file://${work}`, clone);
    const history = storeHistory(clone);
    expect(await history.firstParentAncestors(commits[0]!, 3)).toEqual(commits.slice(1, 4));
  });

  it('refuses what is not a commit SHA, so nothing reaches git as an option', async () => {
    await expect(storeHistory(work).changed('--output=/tmp/x', commits[0]!, ['svc'])).rejects.toThrow(
      /not a commit SHA/,
    );
  });
});
