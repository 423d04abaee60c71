// Thresholds from the action's inputs or the CLI's flags (same kebab-case names), and how to say them.
import { ByteSizeError, formatBytes, formatExactBytes, parseByteSize } from './bytes.js';
import type { GateMode, SizeBasis, ThresholdRule, Thresholds } from './model.js';

export const DEFAULT_THRESHOLDS: Thresholds = {
  maxIncrease: null,
  maxIncreasePercent: null,
  maxSize: null,
  basis: 'uncompressed',
  mode: 'fail',
};

/** A bad threshold input; the message is one line that names the input and the fix. */
export class ThresholdInputError extends Error {
  constructor(
    readonly input: string,
    readonly problem: string,
  ) {
    super(`${input}: ${problem}`);
  }
}

/** Raw input values by input name; unset inputs are undefined or '' (as @actions/core returns them). */
export interface ThresholdInputs {
  'max-increase'?: string | undefined;
  'max-increase-percent'?: string | undefined;
  'max-size'?: string | undefined;
  'size-basis'?: string | undefined;
  mode?: string | undefined;
}

export function parseThresholds(inputs: ThresholdInputs): Thresholds {
  return {
    maxIncrease: bytesInput('max-increase', inputs['max-increase']),
    maxIncreasePercent: percentInput('max-increase-percent', inputs['max-increase-percent']),
    maxSize: bytesInput('max-size', inputs['max-size']),
    basis: choiceInput<SizeBasis>('size-basis', inputs['size-basis'], ['uncompressed', 'compressed']),
    mode: choiceInput<GateMode>('mode', inputs.mode, ['fail', 'warn']),
  };
}

function bytesInput(name: string, value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  try {
    return parseByteSize(value);
  } catch (error) {
    if (error instanceof ByteSizeError) throw new ThresholdInputError(name, error.message);
    throw error;
  }
}

function percentInput(name: string, value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(value);
  if (!match) {
    throw new ThresholdInputError(
      name,
      `"${value}" is not a percentage: write a non-negative number, e.g. 10 or 2.5 (a trailing % is allowed)`,
    );
  }
  return Number(match[1]);
}

function choiceInput<T extends string>(name: string, value: string | undefined, choices: readonly T[]): T {
  const text = (value ?? '').trim();
  if (text === '') return choices[0]!;
  const choice = choices.find((c) => c === text.toLowerCase());
  if (choice === undefined) {
    throw new ThresholdInputError(
      name,
      `"${value}" is not one of ${choices.map((c) => `"${c}"`).join(', ')}`,
    );
  }
  return choice;
}

/** "max-increase 5.00 MB (5,000,000 B)", "max-increase-percent 10%", "max-size 50.0 MB (50,000,000 B)". */
export function describeThreshold(rule: ThresholdRule, limit: number): string {
  return rule === 'max-increase-percent'
    ? `${rule} ${limit}%`
    : `${rule} ${formatBytes(limit)} (${formatExactBytes(limit)})`;
}

/** Every threshold that is set, or "none", for a one-line summary. */
export function describeThresholds(thresholds: Thresholds): string {
  const parts: string[] = [];
  if (thresholds.maxIncrease !== null) parts.push(describeThreshold('max-increase', thresholds.maxIncrease));
  if (thresholds.maxIncreasePercent !== null) {
    parts.push(describeThreshold('max-increase-percent', thresholds.maxIncreasePercent));
  }
  if (thresholds.maxSize !== null) parts.push(describeThreshold('max-size', thresholds.maxSize));
  return parts.length === 0 ? 'none' : parts.join(', ');
}
