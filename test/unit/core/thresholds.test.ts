import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, describeThresholds } from '../../../src/core/thresholds.js';

describe('describeThresholds', () => {
  it('lists what is set, with exact bytes', () => {
    expect(describeThresholds(DEFAULT_THRESHOLDS)).toBe('none');
    expect(
      describeThresholds({
        ...DEFAULT_THRESHOLDS,
        maxIncrease: 5_000_000,
        maxIncreasePercent: 10,
        maxSize: 0,
      }),
    ).toBe('max-increase 5.00 MB (5,000,000 B), max-increase-percent 10%, max-size 0 B (0 B)');
  });
});
