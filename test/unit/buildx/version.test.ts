// The buildx version as the report names it, from the line `docker buildx version` prints.
import { describe, expect, it } from 'vitest';
import { buildxVersionNumber } from '../../../src/buildx/buildx.js';

describe('buildxVersionNumber', () => {
  it.each([
    ['github.com/docker/buildx 0.29.1+ds1 0.29.1+ds1-4', '0.29.1+ds1'],
    ['github.com/docker/buildx v0.29.1 a1b2c3d4', '0.29.1'],
    ['github.com/docker/buildx 0.13.1+ds1 0.13.1+ds1-3', '0.13.1+ds1'],
    ['something else', 'something else'],
  ])('%s -> %s', (line, version) => {
    expect(buildxVersionNumber(line)).toBe(version);
  });
});
