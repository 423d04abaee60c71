import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  matchesGlob,
  parseVersion,
  selectPreviousRelease,
} from '../../../src/core/release.js';

const v = (tag: string) => {
  const parsed = parseVersion(tag);
  if (!parsed) throw new Error(`${tag} does not parse`);
  return parsed;
};

describe('parseVersion', () => {
  it.each([
    ['v1.2.3', { major: 1, minor: 2, patch: 3, prerelease: [] }],
    ['1.2.3', { major: 1, minor: 2, patch: 3, prerelease: [] }],
    ['v1.1.0-rc.1', { major: 1, minor: 1, patch: 0, prerelease: ['rc', '1'] }],
    ['v2.0.0+build.7', { major: 2, minor: 0, patch: 0, prerelease: [] }],
    ['v10.20.30-alpha-1.x', { major: 10, minor: 20, patch: 30, prerelease: ['alpha-1', 'x'] }],
  ])('%s', (tag, expected) => expect(parseVersion(tag)).toEqual(expected));

  it.each(['latest', 'v1.2', 'v01.2.3', 'v1.2.3-01', 'v1.2.3-', 'vv1.2.3', 'v1.2.3.4', 'nightly-2024'])(
    '%s is not a version',
    (tag) => expect(parseVersion(tag)).toBeNull(),
  );

  it("reads the version after the glob's literal prefix", () => {
    expect(parseVersion('release-1.4.0', 'release-*')).toEqual({
      major: 1,
      minor: 4,
      patch: 0,
      prerelease: [],
    });
    expect(parseVersion('api/v1.4.0', 'api/v*')?.minor).toBe(4);
  });
});

describe('compareVersions', () => {
  // Each is below the next: the example list of semver 2.0.0 §11, and numbers compared as numbers.
  const ordered = [
    'v1.0.0-alpha',
    'v1.0.0-alpha.1',
    'v1.0.0-alpha.beta',
    'v1.0.0-beta',
    'v1.0.0-beta.2',
    'v1.0.0-beta.11',
    'v1.0.0-rc.1',
    'v1.0.0',
    'v1.0.1',
    'v1.2.0',
    'v1.10.0',
    'v2.0.0',
  ];
  it.each(ordered.slice(1).map((tag, i) => [ordered[i]!, tag]))('%s < %s', (low, high) => {
    expect(compareVersions(v(low), v(high))).toBeLessThan(0);
    expect(compareVersions(v(high), v(low))).toBeGreaterThan(0);
  });
  it('ignores build metadata', () => expect(compareVersions(v('v1.0.0+a'), v('v1.0.0+b'))).toBe(0));
});

describe('matchesGlob', () => {
  it.each([
    ['v1.0.0', 'v*', true],
    ['1.0.0', 'v*', false],
    ['api/v1.0.0', 'api/v*', true],
    ['api/v1.0.0', 'v*', false],
    ['v1.0.0', 'v?.0.0', true],
    ['v1.0.0', 'v1.0.0', true],
    ['v1x0x0', 'v1.0.0', false],
  ])('%s against %s: %s', (name, glob, expected) => expect(matchesGlob(name, glob)).toBe(expected));
});

describe('selectPreviousRelease', () => {
  const tags = ['v1.0.0', 'v1.1.0-rc.1', 'v1.1.0', 'v1.10.0', 'v1.2.0', 'vnext', 'nightly', 'v0.9.0'].map(
    (name) => ({ name, commit: `commit-of-${name}` }),
  );
  it.each([
    // current tag, tags at HEAD, expected previous
    ['v1.1.0', [], 'v1.0.0'],
    ['v1.1.0-rc.1', [], 'v1.0.0'],
    ['v1.10.0', [], 'v1.2.0'],
    ['v1.2.0', [], 'v1.1.0'],
    ['v0.9.0', [], null],
    [null, ['v1.2.0'], 'v1.1.0'],
    [null, ['nightly', 'v1.1.0', 'v1.0.0'], 'v1.0.0'],
    [null, [], 'v1.10.0'],
    ['vnext', [], 'v1.10.0'],
  ] as const)('current %s, at HEAD %j: %s', (current, head, expected) => {
    const selected = selectPreviousRelease(tags, 'v*', current, head);
    expect(selected.previous?.name ?? null).toBe(expected);
    if (expected) expect(selected.previous?.commit).toBe(`commit-of-${expected}`);
    else expect(selected.reason).toBe('no release tag matching v* is below v0.9.0');
  });

  it('names the matching tags that are not versions, and leaves the others out', () => {
    expect(selectPreviousRelease(tags, 'v*', 'v1.1.0').ignored).toEqual(['vnext']);
  });

  it('says when no tag matches', () => {
    const selected = selectPreviousRelease(tags, 'release-*', null);
    expect(selected).toEqual({
      previous: null,
      current: null,
      ignored: [],
      reason: 'no tag matches release-tags release-* as a version',
    });
  });
});
