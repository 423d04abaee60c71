import { describe, expect, it } from 'vitest';
import {
  ByteSizeError,
  formatBytes,
  formatDelta,
  formatExactBytes,
  formatPercent,
  parseByteSize,
} from '../../../src/core/bytes.js';

describe('parseByteSize', () => {
  it.each([
    // bare numbers are bytes
    ['0', 0],
    ['1', 1],
    ['1048576', 1_048_576],
    [' 42 ', 42],
    // decimal units: powers of 10
    ['1B', 1],
    ['1KB', 1_000],
    ['5MB', 5_000_000],
    ['2GB', 2_000_000_000],
    ['1TB', 1_000_000_000_000],
    // binary units: powers of 2
    ['1KiB', 1_024],
    ['512KiB', 524_288],
    ['1MiB', 1_048_576],
    ['3GiB', 3 * 2 ** 30],
    ['1TiB', 2 ** 40],
    // units are case-insensitive, with or without a space
    ['5mb', 5_000_000],
    ['5 Mb', 5_000_000],
    ['5 MB', 5_000_000],
    ['1mib', 1_048_576],
    ['1MIB', 1_048_576],
    ['7b', 7],
    // fractions that come to whole bytes, computed exactly (4.1 * 1e9 is not whole in floating point)
    ['1.5MB', 1_500_000],
    ['4.1GB', 4_100_000_000],
    ['1.1KB', 1_100],
    ['0.5KiB', 512],
    ['0.25MiB', 262_144],
    ['0.001KB', 1],
    ['2.50MB', 2_500_000],
    ['0.0', 0],
  ])('%j is %d bytes', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each([
    ['', /is not a size/],
    ['MB', /is not a size/],
    ['-1MB', /is not a size/],
    ['-5', /is not a size/],
    ['+5MB', /is not a size/],
    ['1e6', /is not a size/],
    ['5XB', /unknown unit "XB".*KiB/],
    ['5 megabytes', /unknown unit "megabytes"/],
    ['5M', /unknown unit "M"/],
    ['.5MB', /is not a size/],
    ['5.MB', /is not a size/],
    ['1,000', /is not a size/],
    ['5 MB 3', /is not a size/],
    ['0.5', /not a whole number of bytes/],
    ['1.0001KB', /not a whole number of bytes/],
    ['0.3KiB', /not a whole number of bytes/],
    ['9007199254740993', /too large/],
    ['99999999999TB', /too large/],
  ])('rejects %j', (text, message) => {
    expect(() => parseByteSize(text)).toThrow(ByteSizeError);
    expect(() => parseByteSize(text)).toThrow(message);
  });

  it('says how to write a size, with both unit families, on one line', () => {
    const error = captureError(() => parseByteSize('5XB'));
    expect(error.message).toBe(
      '"5XB" has an unknown unit "XB": use B, KB, MB, GB, TB (powers of 10) or KiB, MiB, GiB, TiB (powers of 2)',
    );
    const notASize = captureError(() => parseByteSize('lots'));
    expect(notASize.message).toContain('e.g. 5MB, 512KiB or 0 (MB = 10^6 bytes, MiB = 2^20)');
    expect(notASize.message).not.toContain('\n');
  });

  it('accepts the largest safe integer and nothing above it', () => {
    expect(parseByteSize(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => parseByteSize(String(Number.MAX_SAFE_INTEGER + 1))).toThrow(/too large/);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [999, '999 B'],
    [1_000, '1.00 KB'],
    [1_024, '1.02 KB'],
    [1_234, '1.23 KB'],
    [9_994, '9.99 KB'],
    [9_999, '10.0 KB'],
    [12_345, '12.3 KB'],
    [99_949, '99.9 KB'],
    [99_950, '100 KB'],
    [123_456, '123 KB'],
    [999_499, '999 KB'],
    [999_500, '1.00 MB'],
    [999_999, '1.00 MB'],
    [1_000_000, '1.00 MB'],
    [1_048_576, '1.05 MB'],
    [5_517_312, '5.52 MB'],
    [12_400_000, '12.4 MB'],
    [999_500_000, '1.00 GB'],
    [1_500_000_000, '1.50 GB'],
    [2 ** 40, '1.10 TB'],
    [999_999_999_999_999, '1000 TB'],
    [2_500_000_000_000_000, '2500 TB'],
    [-1, '-1 B'],
    [-999, '-999 B'],
    [-3_100, '-3.10 KB'],
    [-999_999, '-1.00 MB'],
  ])('%d bytes is %j', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('never prints more than three significant figures below the largest unit', () => {
    for (let bytes = 1; bytes < 1e12; bytes = Math.ceil(bytes * 1.013) + 7) {
      const [figure] = formatBytes(bytes).split(' ');
      expect(
        figure!.replace('.', '').replace(/^0+/, '').length,
        `${bytes} -> ${formatBytes(bytes)}`,
      ).toBeLessThanOrEqual(3);
    }
  });
});

describe('formatDelta', () => {
  it.each([
    [0, '±0 B'],
    [-0, '±0 B'],
    [1, '+1 B'],
    [-1, '-1 B'],
    [12_400_000, '+12.4 MB'],
    [-3_100, '-3.10 KB'],
    [999_999, '+1.00 MB'],
  ])('%d bytes is %j', (bytes, text) => {
    expect(formatDelta(bytes)).toBe(text);
  });
});

describe('formatPercent', () => {
  it.each([
    [null, 'n/a'],
    [Number.NaN, 'n/a'],
    [Number.POSITIVE_INFINITY, 'n/a'],
    [0, '±0.0%'],
    [12.5, '+12.5%'],
    [12.54, '+12.5%'],
    [-0.3, '-0.3%'],
    [100, '+100.0%'],
    [-100, '-100.0%'],
    [0.04, '+0.0%'],
    [1234.56, '+1234.6%'],
  ])('%j is %j', (percent, text) => {
    expect(formatPercent(percent)).toBe(text);
  });
});

describe('formatExactBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1_000, '1,000 B'],
    [5_517_312, '5,517,312 B'],
    [-1_234_567, '-1,234,567 B'],
    [Number.MAX_SAFE_INTEGER, '9,007,199,254,740,991 B'],
  ])('%d is %j', (bytes, text) => {
    expect(formatExactBytes(bytes)).toBe(text);
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
