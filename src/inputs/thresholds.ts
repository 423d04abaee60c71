// The threshold inputs read into the core's Thresholds. Errors name the input and say how to fix it.
import { ByteSizeError, parseByteSize } from '../core/bytes.js';
import type { Thresholds } from '../core/model.js';
import { DEFAULT_THRESHOLDS } from '../core/thresholds.js';
import { InputError, type InputName, oneOf } from './input-error.js';

/** `text` reads one input, trimmed; "" when unset. */
export function parseThresholds(text: (name: InputName) => string): Thresholds {
  return {
    maxIncrease: bytesInput('max-increase', text('max-increase')),
    maxIncreasePercent: percentInput('max-increase-percent', text('max-increase-percent')),
    maxSize: bytesInput('max-size', text('max-size')),
    basis: oneOf('size-basis', text('size-basis') || DEFAULT_THRESHOLDS.basis, [
      'uncompressed',
      'compressed',
    ] as const),
    mode: oneOf('mode', text('mode') || DEFAULT_THRESHOLDS.mode, ['fail', 'warn'] as const),
  };
}

function bytesInput(name: 'max-increase' | 'max-size', value: string): number | null {
  if (value.trim() === '') return null;
  if (value.trim().startsWith('-')) {
    throw new InputError(
      name,
      `"${value}" is negative: a limit is a size of 0 or more, e.g. 5MB (MB = 10^6 bytes, MiB = 2^20)`,
    );
  }
  try {
    return parseByteSize(value);
  } catch (error) {
    if (error instanceof ByteSizeError) throw new InputError(name, error.message);
    throw error;
  }
}

function percentInput(name: InputName, value: string): number | null {
  if (value.trim() === '') return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  if (!match) {
    throw new InputError(
      name,
      `"${value}" is not a percentage: write a non-negative number, e.g. 10 or 2.5 (a trailing % is allowed)`,
    );
  }
  return Number(match[1]);
}
