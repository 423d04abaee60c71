// The gate's decision: any platform over any threshold fails (or warns); equal to a limit passes.
import { formatBytes, formatDelta, formatExactBytes, formatPercent } from './bytes.js';
import type {
  Decision,
  Headline,
  ImageComparison,
  MissingBaseline,
  MissingBaselinePolicy,
  PlatformComparison,
  Thresholds,
  Verdict,
  Violation,
} from './model.js';
import { describeThreshold } from './thresholds.js';

export function decide(
  comparison: ImageComparison,
  thresholds: Thresholds,
  onMissingBaseline: MissingBaselinePolicy = 'warn',
): Decision {
  const violations = comparison.platforms.flatMap((p) => platformViolations(p, thresholds));
  const compared = comparison.platforms.some((p) => p.presence === 'both');
  const missingBaseline = missing(comparison, onMissingBaseline);
  // With no baseline wanted, max-size is the whole gate: its verdict is pass or fail, not no-baseline.
  const cappedOnly =
    thresholds.maxSize !== null && missingBaseline === null && comparison.platforms.some((p) => p.head);
  let verdict: Verdict;
  if (violations.length > 0 && thresholds.mode === 'fail') verdict = 'fail';
  else if (missingBaseline?.policy === 'fail') verdict = 'fail';
  else if (violations.length > 0) verdict = 'warn';
  else if (compared || cappedOnly) verdict = 'pass';
  else verdict = 'no-baseline';
  return { verdict, missingBaseline, thresholds, violations, headline: headline(comparison, thresholds) };
}

/** The head platforms whose baseline was wanted and is missing, with one cause (the first one's). */
function missing(comparison: ImageComparison, policy: MissingBaselinePolicy): MissingBaseline | null {
  const lacking = comparison.platforms.filter(
    (p) => p.presence === 'head-only' && p.baseMissingCause !== 'baseline-none',
  );
  const first = lacking[0];
  if (!first) return null;
  const cause = first.baseMissingCause;
  const platforms = lacking.map((p) => p.platform);
  const which = comparison.baseMissingReason === null ? ` for ${platforms.join(', ')}` : '';
  const reasons = [...new Set(lacking.map((p) => p.baseMissingReason ?? 'no baseline'))].join('; ');
  const effect =
    policy === 'fail'
      ? 'on-missing-baseline is fail, so the gate fails'
      : 'growth limits were not applied; set on-missing-baseline: fail to fail the step instead';
  return {
    policy,
    cause,
    platforms,
    message: `no baseline${which}${cause ? ` (${cause})` : ''}: ${reasons}; ${effect}`,
  };
}

/** Growth limits apply where a base exists; max-size applies to every head platform. */
export function platformViolations(p: PlatformComparison, thresholds: Thresholds): Violation[] {
  if (p.head === null) return [];
  const { basis } = thresholds;
  const name = p.platform;
  const head = p.head.sizes[basis];
  // A verdict that rests on an estimate must say so.
  const estimated = basis === 'compressed' && (p.head.compressedEstimated || p.base?.compressedEstimated);
  const figure = estimated ? 'estimated compressed' : basis;
  const found: Violation[] = [];
  if (p.base !== null && p.delta !== null && p.percent !== null) {
    const base = p.base.sizes[basis];
    const delta = p.delta[basis];
    const percent = p.percent[basis];
    const limit = thresholds.maxIncrease;
    if (limit !== null && delta > limit) {
      found.push({
        platform: name,
        rule: 'max-increase',
        basis,
        actual: delta,
        limit,
        message: `${name}: ${figure} size grew by ${formatDelta(delta)} (${formatExactBytes(delta)}), over ${describeThreshold('max-increase', limit)}`,
      });
    }
    const percentLimit = thresholds.maxIncreasePercent;
    // percent is null only for growth from 0 bytes: no finite limit allows that.
    if (percentLimit !== null && delta > 0 && (percent === null || percent > percentLimit)) {
      const growth = percent === null ? 'from 0 B' : `by ${percentPast(percent, percentLimit)}`;
      found.push({
        platform: name,
        rule: 'max-increase-percent',
        basis,
        actual: percent,
        limit: percentLimit,
        message: `${name}: ${figure} size grew ${growth} (${formatDelta(delta)}, ${formatBytes(base)} to ${formatBytes(head)}), over ${describeThreshold('max-increase-percent', percentLimit)}`,
      });
    }
  }
  const sizeLimit = thresholds.maxSize;
  if (sizeLimit !== null && head > sizeLimit) {
    found.push({
      platform: name,
      rule: 'max-size',
      basis,
      actual: head,
      limit: sizeLimit,
      message: `${name}: ${figure} size is ${formatBytes(head)} (${formatExactBytes(head)}), over ${describeThreshold('max-size', sizeLimit)}`,
    });
  }
  return found;
}

// "+10.0%" would read as equal to a 10% limit that 10.04% passed: add decimals until the figure shows it.
function percentPast(percent: number, limit: number): string {
  for (let digits = 1; digits < 6; digits++) {
    if (Number(percent.toFixed(digits)) > limit) {
      return digits === 1 ? formatPercent(percent) : `+${percent.toFixed(digits)}%`;
    }
  }
  return `+${percent.toFixed(6)}%`;
}

/** The compared platform with the largest growth on the gated basis; without any base, the largest head. */
export function headline(comparison: ImageComparison, thresholds: Thresholds): Headline | null {
  const { basis } = thresholds;
  let best: Headline | null = null;
  for (const p of comparison.platforms) {
    if (p.presence !== 'both' || !p.head || !p.base || !p.delta || !p.percent) continue;
    if (best === null || (best.delta ?? 0) < p.delta[basis]) {
      best = {
        platform: p.platform,
        basis,
        headSize: p.head.sizes[basis],
        baseSize: p.base.sizes[basis],
        delta: p.delta[basis],
        percent: p.percent[basis],
      };
    }
  }
  if (best !== null) return best;
  for (const p of comparison.platforms) {
    if (!p.head) continue;
    if (best === null || best.headSize < p.head.sizes[basis]) {
      best = {
        platform: p.platform,
        basis,
        headSize: p.head.sizes[basis],
        baseSize: null,
        delta: null,
        percent: null,
      };
    }
  }
  return best;
}
