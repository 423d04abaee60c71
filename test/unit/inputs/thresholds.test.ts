import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../../../src/core/thresholds.js';
import { InputError, type InputName, oneOf } from '../../../src/inputs/input-error.js';
import { parseThresholds } from '../../../src/inputs/thresholds.js';

const read = (raw: Partial<Record<InputName, string>>) => (name: InputName) => (raw[name] ?? '').trim();

describe('parseThresholds', () => {
  it('gives the defaults when nothing is set (unset action inputs are empty strings)', () => {
    expect(parseThresholds(read({}))).toEqual(DEFAULT_THRESHOLDS);
    expect(
      parseThresholds(
        read({ 'max-increase': '', 'max-increase-percent': ' ', 'max-size': '', 'size-basis': '', mode: '' }),
      ),
    ).toEqual(DEFAULT_THRESHOLDS);
  });

  it('reads every input', () => {
    expect(
      parseThresholds(
        read({
          'max-increase': '5MB',
          'max-increase-percent': '12.5%',
          'max-size': '512KiB',
          'size-basis': 'Compressed',
          mode: 'warn',
        }),
      ),
    ).toEqual({
      maxIncrease: 5_000_000,
      maxIncreasePercent: 12.5,
      maxSize: 524_288,
      basis: 'compressed',
      mode: 'warn',
    });
    expect(parseThresholds(read({ 'max-increase': '0', 'max-increase-percent': '0' }))).toMatchObject({
      maxIncrease: 0,
      maxIncreasePercent: 0,
    });
  });

  it.each([
    ['max-increase', '5XB', '"5XB" has an unknown unit "XB"'],
    ['max-increase', '-1MB', '"-1MB" is negative'],
    ['max-size', 'big', '"big" is not a size'],
    ['max-increase-percent', '-5', '"-5" is not a percentage'],
    ['max-increase-percent', 'ten', '"ten" is not a percentage'],
    ['size-basis', 'gzip', '"gzip" is not one of uncompressed | compressed'],
    ['mode', 'block', '"block" is not one of fail | warn'],
  ] as const)('rejects %s: %s with an input error naming it, in one line', (input, value, problem) => {
    let caught: unknown;
    try {
      parseThresholds(read({ [input]: value }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    const error = caught as InputError;
    expect(error.input).toBe(input);
    expect(error.message.startsWith(`input \`${input}\`: ${problem}`)).toBe(true);
    expect(error.message).not.toContain('\n');
  });
});

describe('choice inputs: one rule for case', () => {
  it.each(['warn', 'WARN', 'Warn', ' warn '])('%j is warn', (value) => {
    expect(oneOf('mode', value, ['fail', 'warn'] as const)).toBe('warn');
  });

  it('names the input and every choice when none matches', () => {
    expect(() => oneOf('baseline', 'stored', ['auto', 'store'] as const)).toThrow(
      'input `baseline`: "stored" is not one of auto | store',
    );
  });
});
