// The gate's thresholds when nothing is set, and how to say them (src/inputs/thresholds.ts reads them).
import { formatBytes, formatExactBytes } from './bytes.js';
import type { ThresholdRule, Thresholds } from './model.js';

export const DEFAULT_THRESHOLDS: Thresholds = {
  maxIncrease: null,
  maxIncreasePercent: null,
  maxSize: null,
  basis: 'uncompressed',
  mode: 'fail',
};

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
