// Reports built from the realistic fixture, as the action would build them.
import { compareImages } from '../../../src/core/compare.js';
import type { ImageMeasure, Thresholds } from '../../../src/core/model.js';
import { DEFAULT_THRESHOLDS } from '../../../src/core/thresholds.js';
import { decide } from '../../../src/core/verdict.js';
import { buildReport, type Report } from '../../../src/report/json.js';
import { bloatedHead, leanBase } from '../core/fixtures.js';

export const TOOL = { name: 'image-size-gate', version: '0.1.0' };
export const GENERATED_AT = new Date('2025-06-01T12:00:00.000Z');
export const TIMINGS = { 'build-head': 41_250, 'build-base': 38_904, measure: 612, compare: 3 };

export function reportFor(
  head: ImageMeasure,
  base: ImageMeasure | null,
  thresholds: Partial<Thresholds>,
  baseMissingReason?: string,
): Report {
  const comparison = compareImages(head, base, baseMissingReason);
  const decision = decide(comparison, { ...DEFAULT_THRESHOLDS, ...thresholds });
  return buildReport({ comparison, decision, tool: TOOL, timings: TIMINGS, generatedAt: GENERATED_AT });
}

/** The fixture's bloated head against its lean base with max-increase 5MB: fails on both platforms. */
export function failingReport(thresholds: Partial<Thresholds> = { maxIncrease: 5_000_000 }): Report {
  return reportFor(bloatedHead(), leanBase(), thresholds);
}
