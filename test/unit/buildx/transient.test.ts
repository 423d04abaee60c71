import { describe, expect, it } from 'vitest';
import { transientBuildFailure } from '../../../src/buildx/buildx.js';

describe('transientBuildFailure', () => {
  it.each([
    [
      'ERROR: failed to copy: ref layer-sha256:3b1fe9 locked for 9.1s (since 2026-12-02 03:11:04): unavailable',
      'ref layer-sha256:3b1fe9 locked',
    ],
    [
      'ERROR: failed to solve: failed to export: ref moby/1/abc123 locked: unavailable',
      'ref moby/1/abc123 locked',
    ],
    [
      'ERROR: failed to solve: rpc error: code = DeadlineExceeded desc = context deadline exceeded',
      'DeadlineExceeded',
    ],
    ['ERROR: process "/bin/sh -c go build ./..." did not complete successfully: exit code: 1', null],
    ['ERROR: failed to solve: golang:1.99: not found', null],
    ['#5 ERROR: DeadlineExceededButNotReally', null],
  ])('%s → %s', (tail, expected) => {
    expect(transientBuildFailure(tail)).toBe(expected);
  });
});
