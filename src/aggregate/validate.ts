// A leg's report is untrusted: on a fork's pull request the fork wrote the workflow that uploaded it. It is
// read only when the stored-report checks pass (size cap, gzip cap, JSON, the report schema), it measured
// the head this run is about, and its figures add up: totals are the sum of their layers, deltas are head
// minus base, and its violations are exactly what its own thresholds make of its own sizes. The messages
// shown are then ours (recomputed), never the report's text.
import type { PlatformComparison, PlatformMeasure, Violation } from '../core/model.js';
import { platformViolations } from '../core/verdict.js';
import type { PlatformReport, PlatformSummary, Report } from '../report/json-types.js';
import { readStoredReport } from '../store/validate.js';
import type { LegReport, RefusedReport } from './model.js';

export interface LegCheck {
  /** The commit every leg must have measured (the pull request's head from the event); null: any. */
  headSha: string | null;
}

export function readLegReport(
  bytes: Uint8Array,
  source: string,
  check: LegCheck,
): { leg: LegReport } | { refused: RefusedReport } {
  const refuse = (reason: string) => ({ refused: { source, reason } });
  const read = readStoredReport(bytes, null);
  if (read.kind !== 'found') return refuse(read.kind === 'invalid' ? read.reason : 'it could not be read');
  const report = read.report;
  if (check.headSha !== null && report.run?.commit !== check.headSha) {
    const said = typeof report.run?.commit === 'string' ? `commit ${short(report.run.commit)}` : 'no commit';
    return refuse(`it measured ${said}, not the head ${short(check.headSha)} this run is about`);
  }
  const problem = figuresProblem(report);
  if (problem) return refuse(`its figures do not add up: ${problem}`);
  return { leg: { source, report: withOurMessages(report) } };
}

/** The first figure in the report that contradicts the others, or null. */
export function figuresProblem(report: Report): string | null {
  const seen = new Set<string>();
  for (const p of report.platforms) {
    if (seen.has(p.platform)) return `${p.platform} is listed twice`;
    seen.add(p.platform);
    for (const side of ['head', 'base'] as const) {
      const summary = p[side];
      if (!summary) continue;
      const layers = p.layers.flatMap((l) => (l[side] ? [l[side]] : []));
      const uncompressed = layers.reduce((sum, l) => sum + l.sizes.uncompressed, 0);
      const compressed =
        summary.manifestBytes + summary.configBytes + layers.reduce((sum, l) => sum + l.sizes.compressed, 0);
      if (summary.layerCount !== layers.length)
        return `${p.platform} ${side} says ${summary.layerCount} layers and lists ${layers.length}`;
      if (summary.sizes.uncompressed !== uncompressed || summary.sizes.compressed !== compressed)
        return `${p.platform} ${side} total is not the sum of its layers`;
    }
    if (p.head && p.base) {
      if (!p.delta) return `${p.platform} has both sides and no delta`;
      for (const basis of ['compressed', 'uncompressed'] as const) {
        if (p.delta[basis] !== p.head.sizes[basis] - p.base.sizes[basis])
          return `${p.platform} ${basis} delta is not head minus base`;
      }
    } else if (p.delta !== null) return `${p.platform} has a delta without both sides`;
    const ours = platformViolations(comparisonOf(p), report.thresholds);
    const theirs = p.violations;
    const key = (v: Pick<Violation, 'rule' | 'basis' | 'actual' | 'limit' | 'platform'>) =>
      `${v.platform} ${v.rule} ${v.basis} ${v.actual} ${v.limit}`;
    if (ours.map(key).join('\n') !== theirs.map(key).join('\n'))
      return `${p.platform} violations are not what its thresholds make of its sizes`;
  }
  const violated = report.platforms.some((p) => p.violations.length > 0);
  const missingFails = report.missingBaseline?.policy === 'fail';
  const expected = violated
    ? report.thresholds.mode === 'fail'
      ? ['fail', 'overridden']
      : ['warn']
    : missingFails
      ? ['fail']
      : ['pass', 'no-baseline'];
  if (!expected.includes(report.verdict))
    return `verdict ${report.verdict} does not follow from its violations`;
  if (report.verdict === 'overridden' && report.override?.status !== 'accepted')
    return 'verdict overridden without an accepted override';
  return null;
}

/** The report with every violation message our own (the same function the gate used, on the same figures). */
function withOurMessages(report: Report): Report {
  return {
    ...report,
    platforms: report.platforms.map((p) => ({
      ...p,
      violations: platformViolations(comparisonOf(p), report.thresholds),
    })),
  };
}

function comparisonOf(p: PlatformReport): PlatformComparison {
  return {
    platform: p.platform,
    presence: p.presence,
    head: measureOf(p.platform, p.head),
    base: measureOf(p.platform, p.base),
    baseMissingReason: p.baseMissingReason,
    baseMissingCause: p.baseMissingCause,
    delta: p.delta,
    percent: p.percent,
    layers: p.layers,
  };
}

function measureOf(platform: string, summary: PlatformSummary | null): PlatformMeasure | null {
  if (!summary) return null;
  return {
    platform,
    manifestDigest: summary.manifestDigest,
    manifestBytes: summary.manifestBytes,
    configDigest: summary.configDigest,
    configBytes: summary.configBytes,
    sizes: summary.sizes,
    layers: [],
    ...(summary.compressedEstimated ? { compressedEstimated: true as const } : {}),
  };
}

function short(sha: string): string {
  return /^[0-9a-f]{7,64}$/i.test(sha) ? sha.slice(0, 7) : 'that is not a commit';
}
