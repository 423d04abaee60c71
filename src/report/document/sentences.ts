// The summary's sentences, each written once, as spans: every renderer prints the same words. Text that came
// from an image, a repository, the API or a stored report goes in `untrusted` spans.
import { formatBytes, formatDelta, formatPercent } from '../../core/bytes.js';
import type { LayerComparison, SizeBasis, Sizes } from '../../core/model.js';
import { describeThresholds } from '../../core/thresholds.js';
import type { PlatformReport, PlatformSummary, Report } from '../json.js';
import { counted } from '../text.js';
import { code, type Span, spans, strong, untrusted } from './model.js';

export function otherBasis(basis: SizeBasis): SizeBasis {
  return basis === 'uncompressed' ? 'compressed' : 'uncompressed';
}

/** "2026-12-01 10:00:00 UTC": a time the API gave, printed as our own text once it parses as one. */
function time(at: string | null): Span {
  const parsed = at === null ? Number.NaN : Date.parse(at);
  if (Number.isNaN(parsed)) return untrusted(at ?? 'an unknown time');
  return { kind: 'text', text: `${new Date(parsed).toISOString().slice(0, 19).replace('T', ' ')} UTC` };
}

/** Who accepted the increase and when, or why the failure stands; null when no override was claimed. */
export function overrideSentence(report: Report): Span[] | null {
  const o = report.override;
  if (!o) return null;
  if (o.status === 'accepted') {
    return spans(
      strong('Overridden:'),
      ' size increase accepted by ',
      untrusted(`@${o.by ?? 'unknown'}`),
      ' at ',
      time(o.at),
      ' (label ',
      untrusted(o.label),
      '); the step passes.',
    );
  }
  return spans(
    strong('Not overridden:'),
    ' the ',
    untrusted(o.label),
    ' label does not override the failure: ',
    untrusted(o.reason ?? 'unknown'),
    '.',
  );
}

/** "grew" / "shrank" on the given basis for a changed layer; the status itself otherwise. */
export function layerStatusWord(layer: LayerComparison, basis: SizeBasis): string {
  if (layer.status !== 'changed') return layer.status;
  const delta = layer.delta[basis];
  return delta > 0 ? 'grew' : delta < 0 ? 'shrank' : 'changed';
}

/** "5 layers: 2 grew, 1 added, 1 removed, 1 unchanged" (counts of what occurs, in a fixed order). */
export function layerCounts(layers: readonly LayerComparison[], basis: SizeBasis): string {
  const order = ['grew', 'shrank', 'changed', 'added', 'removed', 'unchanged'];
  const counts = new Map<string, number>();
  for (const layer of layers) {
    const word = layerStatusWord(layer, basis);
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const parts = order.filter((w) => counts.has(w)).map((w) => `${counts.get(w)} ${w}`);
  const total = counted(layers.length, 'layer');
  return parts.length === 0 ? total : `${total}: ${parts.join(', ')}`;
}

/** "+148 MB (+2690.0%, 5.51 MB → 154 MB)" for one basis of a compared platform. */
export function changeFigure(p: PlatformReport, basis: SizeBasis): string {
  if (!p.head || !p.base || !p.delta || !p.percent) return 'n/a';
  return `${formatDelta(p.delta[basis])} (${formatPercent(p.percent[basis])}, ${formatBytes(p.base.sizes[basis])} → ${formatBytes(p.head.sizes[basis])})`;
}

/** The one-sentence headline: the platform that grew most, or the largest without a baseline. */
export function headlineSentence(report: Report): Span[] | null {
  const h = report.headline;
  if (h === null) return null;
  const p = report.platforms.find((x) => x.platform === h.platform);
  if (!p?.head) return null;
  const basis = h.basis;
  const other = otherBasis(basis);
  const platform = strong(untrusted(h.platform));
  if (h.delta === null) {
    const size = (b: SizeBasis) => `${sizeFigure(p.head!.sizes, b, p.head!.compressedEstimated)} ${b}`;
    return spans('Largest image: ', platform, `, ${size(basis)}, ${size(other)}.`);
  }
  const label = (b: SizeBasis) => (estimatedOn(p, b) ? '≈ compressed' : b);
  const figures = `${label(basis)} ${changeFigure(p, basis)}; ${label(other)} ${changeFigure(p, other)}.`;
  if (h.delta > 0) return spans(platform, ` grew the most: ${figures}`);
  return spans(`No platform grew in ${basis} size. `, platform, `: ${figures}`);
}

/** Whether a platform's figures on `basis` are estimates or made from one (a delta, a percentage). */
export function estimatedOn(p: PlatformReport, basis: SizeBasis): boolean {
  return basis === 'compressed' && !!(p.head?.compressedEstimated || p.base?.compressedEstimated);
}

/** "≈" before a figure that is an estimate or made from one; nothing before any other. */
export const approx = (estimated: boolean | undefined): string => (estimated ? '≈' : '');

/**
 * "≈" before a change made from estimates, unless it is ±0: the same layers carry the same figure on
 * both sides, so no change is exact.
 */
export const approxChange = (estimated: boolean, delta: number | undefined): string =>
  approx(estimated && delta !== 0);

/** A size on one basis; "≈" marks a compressed figure that is an estimate. */
export function sizeFigure(sizes: Sizes, basis: SizeBasis, compressedEstimated: boolean | undefined): string {
  return `${approx(basis === 'compressed' && compressedEstimated)}${formatBytes(sizes[basis])}`;
}

/** A size cell: "—" without that side. */
export function sideSize(side: PlatformSummary | null, basis: SizeBasis): string {
  return side === null ? '—' : sizeFigure(side.sizes, basis, side.compressedEstimated);
}

export function estimateNote(): Span[] {
  return spans(
    '≈ compressed figures are estimates (gzip of each layer of a classic-store image): set ',
    code('registry'),
    ' to push and measure them exactly.',
  );
}

export function anyEstimated(report: Report): boolean {
  return report.platforms.some((p) => p.head?.compressedEstimated || p.base?.compressedEstimated);
}

/**
 * Where the baseline came from, when a store was involved: "stored report of a1b2c3d (push to main,
 * 2026-12-01)", the near-hit sentence, or why the store did not serve. Untrusted: the ref and event come
 * from a stored report. null when no store was asked.
 */
export function baselineOrigin(report: Report): { base: string | null; note: string | null } {
  const { source, stored, reason } = report.baseline;
  const release = report.baseline.release;
  if (release && source !== 'none') {
    const base = report.images.find((i) => i.role === 'base');
    const how =
      source === 'store' && stored
        ? stored.distance === 0
          ? `stored report of ${stored.commit.slice(0, 7)}`
          : (reason ?? `stored report of ${stored.commit.slice(0, 7)}`)
        : source === 'build' && report.baseline.commit
          ? `built from ${report.baseline.commit.slice(0, 7)}`
          : `image ${base?.ref ?? 'unknown'}`;
    const missed =
      source !== 'store' && reason !== null ? `The report store did not serve: ${reason}.` : null;
    return { base: `release ${release} (${how})`, note: missed };
  }
  if (source === 'store' && stored) {
    const ref = stored.ref?.replace(/^refs\/(heads|tags)\//, '') ?? null;
    const run = `${stored.event}${ref ? ` to ${ref}` : ''}, ${stored.generatedAt.slice(0, 10)}`;
    if (stored.distance === 0)
      return { base: `stored report of ${stored.commit.slice(0, 7)} (${run})`, note: null };
    return { base: `${reason ?? `stored report of ${stored.commit.slice(0, 7)}`} (${run})`, note: null };
  }
  if (reason === null) return { base: null, note: null };
  const instead =
    source === 'build'
      ? 'built the base instead'
      : source === 'image'
        ? 'measured base-image instead'
        : 'no baseline';
  return { base: null, note: `The report store did not serve: ${reason}; ${instead}.` };
}

/** "Head: app:pr (build) · base: app:main (build)". */
export function imagesSentence(report: Report): Span[] {
  const image = (role: 'head' | 'base'): Span[] => {
    const i = report.images.find((x) => x.role === role);
    return i ? spans(untrusted(i.ref), ` (${i.source})`) : spans('none');
  };
  const origin = baselineOrigin(report);
  return spans(
    'Head: ',
    ...image('head'),
    ' · base: ',
    ...(origin.base === null ? image('base') : [untrusted(origin.base)]),
  );
}

/**
 * "Built with Docker Engine 28.5.2 (containerd image store), buildx 0.29.1, builder ci (docker-container
 * driver)." Versions and names come from the daemon and buildx.
 */
export function engineSentence(report: Report): Span[] | null {
  const e = report.engine;
  if (e === null) return null;
  const engine = spans(
    untrusted(e.name, 80),
    ' ',
    untrusted(e.version, 80),
    ` (${e.imageStore} image store)`,
  );
  if (e.buildx === null) return spans('Measured on ', ...engine, '.');
  const builder =
    e.builder === null
      ? []
      : spans(', builder ', untrusted(e.builder, 80), ' (', untrusted(e.driver ?? 'unknown', 80), ' driver)');
  return spans('Built with ', ...engine, ', buildx ', untrusted(e.buildx, 80), ...builder, '.');
}

/** Why there is no baseline and what that means for the thresholds; null when there is a baseline. */
export function noBaselineSentence(report: Report): Span[] | null {
  if (report.baseMissingReason === null) return null;
  const cause = report.baseMissingCause ? [' (', code(report.baseMissingCause), ')'] : [];
  return spans(
    strong('No baseline', ...cause, ':'),
    ' ',
    untrusted(report.baseMissingReason),
    '. Growth thresholds (max-increase, max-increase-percent) do not apply without a baseline; max-size does.',
  );
}

/** The line before the list of violations: whether they fail the check. */
export function violationsLead(report: Report): Span[] {
  if (report.verdict === 'warn')
    return spans(strong('Over the threshold'), ' (mode: warn, so the check does not fail):');
  if (report.verdict === 'overridden') {
    return spans(strong('Over the threshold'), ' (accepted by the override, so the check does not fail):');
  }
  return spans(strong('Over the threshold:'));
}

/** The step failed because the baseline is missing and missing-baseline is fail; null otherwise. */
export function missingBaselineSentence(report: Report): Span[] | null {
  if (report.missingBaseline?.policy !== 'fail') return null;
  return spans(strong('Failed for a missing baseline:'), ' ', untrusted(report.missingBaseline.message), '.');
}

/** "Gated on the uncompressed size (mode: fail); thresholds: max-increase 5.00 MB (5,000,000 B)." */
export function gatedSentence(report: Report): Span[] {
  const t = report.thresholds;
  return spans(
    'Gated on the ',
    strong(t.basis),
    ` size (mode: ${t.mode}); thresholds: ${describeThresholds(t)}.`,
  );
}

/** Why a platform has no comparison ("only in the base image", "no baseline (cause): reason"); null if it has one. */
export function platformNote(p: PlatformReport, report: Report): Span[] | null {
  if (p.presence === 'base-only') return spans(untrusted(p.platform), ': only in the base image.');
  if (p.presence === 'head-only' && report.baseMissingReason === null) {
    const cause = p.baseMissingCause ? [' (', code(p.baseMissingCause), ')'] : [];
    return spans(
      untrusted(p.platform),
      ': no baseline',
      ...cause,
      ': ',
      untrusted(p.baseMissingReason ?? ''),
      '.',
    );
  }
  return null;
}
