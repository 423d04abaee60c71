// readTags on a real repository: lightweight and annotated tags name the commit they point at (an annotated
// tag's own object is not a commit), a tag of a tree names none and is left out, and the tags at HEAD.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readTags } from '../../../src/git/tags.js';
import { git } from './git-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'isg-tags-it-'));
let first: string;
let second: string;

beforeAll(() => {
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'a'), '1\n');
  git(dir, 'add', 'a');
  git(dir, 'commit', '-q', '-m', 'one');
  first = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'tag', 'v1.0.0');
  writeFileSync(join(dir, 'a'), '2\n');
  git(dir, 'commit', '-q', '-am', 'two');
  second = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'tag', '-a', '-m', 'annotated', 'v1.1.0');
  git(dir, 'tag', 'tree-tag', git(dir, 'rev-parse', 'HEAD^{tree}'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('lists the tags with the commits they point at, and the tags at HEAD', async () => {
  const read = await readTags(dir);
  expect(read.tags).toEqual([
    { name: 'v1.0.0', commit: first },
    { name: 'v1.1.0', commit: second },
  ]);
  expect(read.atHead).toEqual(['v1.1.0']);
  expect(git(dir, 'rev-parse', 'v1.1.0')).not.toBe(second);
});

it('a repository without tags has none', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'isg-tags-empty-'));
  try {
    git(empty, 'init', '-q', '-b', 'main');
    expect(await readTags(empty)).toEqual({ tags: [], atHead: [] });
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
