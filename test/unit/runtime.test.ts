import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('runs on Node 24, the version GitHub runs the action with', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
  });
});
