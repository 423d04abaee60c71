// The merged report (the aggregator's report-path): one verdict over many legs, the images as merged, what
// is missing, and every leg's own report unchanged, so a tool that reads one gate's report reads each leg.
// Documented by aggregate-report.schema.json, which takes the leg reports' shape from report.schema.json.
import type { MissingBaselinePolicy, Platform, SizeBasis, Sizes, Verdict } from '../core/model.js';
import type { Report } from '../report/json-types.js';
import type { AggregateDecision } from './model.js';

export const AGGREGATE_SCHEMA_VERSION = 1;

export interface AggregateReport {
  schemaVersion: typeof AGGREGATE_SCHEMA_VERSION;
  kind: 'aggregate';
  tool: { name: string; version: string };
  generatedAt: string;
  verdict: Verdict;
  /** The commit every leg measured (the pull request's head); null when not known (the CLI). */
  headSha: string | null;
  headline: { image: string; platform: Platform; basis: SizeBasis; delta: number } | null;
  images: {
    key: string;
    label: string;
    verdict: Verdict;
    legs: string[];
    platforms: {
      platform: Platform;
      leg: string;
      basis: SizeBasis;
      head: Sizes | null;
      base: Sizes | null;
      delta: Sizes | null;
    }[];
  }[];
  violations: { image: string; platform: Platform; message: string }[];
  missing: { image: string; platform: Platform | null; reason: string }[];
  onMissingBaseline: MissingBaselinePolicy;
  legs: { source: string; report: Report }[];
}

export function buildAggregateReport(
  decision: AggregateDecision,
  legs: readonly { source: string; report: Report }[],
  meta: { tool: { name: string; version: string }; headSha: string | null; generatedAt?: Date },
): AggregateReport {
  return {
    schemaVersion: AGGREGATE_SCHEMA_VERSION,
    kind: 'aggregate',
    tool: { ...meta.tool },
    generatedAt: (meta.generatedAt ?? new Date()).toISOString(),
    verdict: decision.verdict,
    headSha: meta.headSha,
    headline: decision.headline,
    images: decision.images.map((image) => ({
      key: image.identity.key,
      label: image.identity.label,
      verdict: image.verdict,
      legs: image.legs,
      platforms: image.platforms.map((p) => ({
        platform: p.platform,
        leg: p.leg,
        basis: p.thresholds.basis,
        head: p.report.head?.sizes ?? null,
        base: p.report.base?.sizes ?? null,
        delta: p.report.delta,
      })),
    })),
    violations: decision.violations,
    missing: decision.missing,
    onMissingBaseline: decision.policy,
    legs: legs.map((leg) => ({ source: leg.source, report: leg.report })),
  };
}
