import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  describeThresholds,
  parseThresholds,
  ThresholdInputError,
} from '../../../src/core/thresholds.js';

describe('parseThresholds', () => {
  it('gives the defaults when nothing is set (unset action inputs are empty strings)', () => {
    expect(parseThresholds({})).toEqual(DEFAULT_THRESHOLDS);
    expect(
      parseThresholds({
        'max-increase': '',
        'max-increase-percent': ' ',
        'max-size': '',
        'size-basis': '',
        mode: '',
      }),
    ).toEqual(DEFAULT_THRESHOLDS);
  });

  it('reads every input', () => {
    expect(
      parseThresholds({
        'max-increase': '5MB',
        'max-increase-percent': '12.5%',
        'max-size': '512KiB',
        'size-basis': 'Compressed',
        mode: 'warn',
      }),
    ).toEqual({
      maxIncrease: 5_000_000,
      maxIncreasePercent: 12.5,
      maxSize: 524_288,
      basis: 'compressed',
      mode: 'warn',
    });
    expect(parseThresholds({ 'max-increase': '0', 'max-increase-percent': '0' })).toMatchObject({
      maxIncrease: 0,
      maxIncreasePercent: 0,
    });
  });

  it.each([
    ['max-increase', '5XB', 'max-increase: "5XB" has an unknown unit "XB"'],
    ['max-increase', '-1MB', 'max-increase: "-1MB" is not a size'],
    ['max-size', 'big', 'max-size: "big" is not a size'],
    ['max-increase-percent', '-5', 'max-increase-percent: "-5" is not a percentage'],
    ['max-increase-percent', 'ten', 'max-increase-percent: "ten" is not a percentage'],
    ['size-basis', 'gzip', 'size-basis: "gzip" is not one of "uncompressed", "compressed"'],
    ['mode', 'block', 'mode: "block" is not one of "fail", "warn"'],
  ])('rejects %s: %s in one line naming the input', (input, value, start) => {
    let caught: unknown;
    try {
      parseThresholds({ [input]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ThresholdInputError);
    const error = caught as ThresholdInputError;
    expect(error.input).toBe(input);
    expect(error.message.startsWith(start)).toBe(true);
    expect(error.message).not.toContain('\n');
  });
});

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
