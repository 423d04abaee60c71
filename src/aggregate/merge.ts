// Many legs, one decision. Pure: reports in, images and one verdict out. A leg that did not report (or
// whose report was refused) is named as missing and counts as on-missing-baseline says, never dropped.
import type { GateMode, MissingBaselinePolicy, Verdict } from '../core/model.js';
import type { Report } from '../report/json.js';
import type {
  AggregateDecision,
  ExpectedLeg,
  ImageIdentity,
  LegReport,
  MergedImage,
  MergedPlatform,
  MissingLeg,
  NamedViolation,
  RefusedReport,
} from './model.js';

export interface MergeOptions {
  /** The legs that must have reported; null: only refused reports count as missing. */
  expected: readonly ExpectedLeg[] | null;
  onMissing: MissingBaselinePolicy;
  mode: GateMode;
}

/** Worst first: a merged verdict is the worst of its parts. */
const RANK: Record<Verdict, number> = { pass: 0, overridden: 1, 'no-baseline': 2, warn: 3, fail: 4 };

export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>((worst, v) => (RANK[v] > RANK[worst] ? v : worst), 'pass');
}

/** The fingerprint's image identity: context + file + target for builds, the repository for `image` runs. */
export function imageIdentity(report: Report): ImageIdentity {
  const parts = report.run?.fingerprint.parts;
  if (parts?.image)
    return { key: `image ${parts.image}`, label: parts.image, name: parts.image, target: null };
  if (parts?.context) {
    const context = parts.context;
    const file = parts.file ?? `${context}/Dockerfile`;
    const defaultFile = context === '.' ? 'Dockerfile' : `${context}/Dockerfile`;
    const label = [
      context,
      ...(file === defaultFile ? [] : [`(${file})`]),
      ...(parts.target ? [`target ${parts.target}`] : []),
    ].join(' ');
    return {
      key: `build ${context}\n${file}\n${parts.target ?? ''}`,
      label,
      name: context,
      target: parts.target,
    };
  }
  // A report made outside a gate run: its head image reference is all there is.
  const ref = report.images.find((image) => image.role === 'head')?.ref ?? 'unnamed image';
  return { key: `ref ${ref}`, label: ref, name: ref, target: null };
}

/** Does an `expect` line's image name this identity? By context (or repository), `context:target`, or label. */
export function expectNames(expected: string, identity: ImageIdentity): boolean {
  return (
    expected === identity.name ||
    expected === identity.label ||
    (identity.target !== null && expected === `${identity.name}:${identity.target}`)
  );
}

export function mergeReports(
  legs: readonly LegReport[],
  refused: readonly RefusedReport[],
  options: MergeOptions,
): AggregateDecision {
  // Sources in a stable order, so the same reports always give the same comment.
  const ordered = [...legs].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
  const byKey = new Map<
    string,
    { identity: ImageIdentity; platforms: MergedPlatform[]; legs: LegReport[] }
  >();
  const duplicates: AggregateDecision['duplicates'] = [];
  for (const leg of ordered) {
    const identity = imageIdentity(leg.report);
    const image = byKey.get(identity.key) ?? { identity, platforms: [], legs: [] };
    byKey.set(identity.key, image);
    image.legs.push(leg);
    for (const platform of leg.report.platforms) {
      if (image.platforms.some((p) => p.platform === platform.platform)) {
        duplicates.push({ image: identity.label, platform: platform.platform, leg: leg.source });
        continue;
      }
      image.platforms.push({
        platform: platform.platform,
        leg: leg.source,
        report: platform,
        thresholds: leg.report.thresholds,
      });
    }
  }

  const images: MergedImage[] = [...byKey.values()].map(({ identity, platforms, legs: imageLegs }) => ({
    identity,
    platforms,
    legs: imageLegs.map((leg) => leg.source),
    verdict: worstVerdict(imageLegs.map((leg) => leg.report.verdict)),
    largestGrowth: largestGrowth(platforms),
  }));

  const violations: NamedViolation[] = images.flatMap((image) =>
    image.platforms.flatMap((p) =>
      p.report.violations.map((v) => ({
        image: image.identity.label,
        platform: p.platform,
        message: `${image.identity.label}, ${v.message}`,
      })),
    ),
  );

  const missing: MissingLeg[] = [
    ...refused.map((r) => ({ image: r.source, platform: null, reason: `report refused: ${r.reason}` })),
    ...missingExpected(images, options.expected),
  ];

  let verdict = worstVerdict(images.map((image) => image.verdict));
  if (missing.length > 0 && options.onMissing === 'fail') verdict = 'fail';
  else if (missing.length > 0 && options.onMissing === 'warn') verdict = worstVerdict([verdict, 'warn']);
  if (images.length === 0 && missing.length === 0) verdict = 'no-baseline';
  if (verdict === 'fail' && options.mode === 'warn') verdict = 'warn';

  let headline: AggregateDecision['headline'] = null;
  for (const image of images) {
    const growth = image.largestGrowth;
    if (growth && (headline === null || growth.delta > headline.delta)) {
      headline = { image: image.identity.label, ...growth };
    }
  }
  // Most-changed first: the comment keeps their detail longest.
  images.sort((a, b) => Math.abs(b.largestGrowth?.delta ?? 0) - Math.abs(a.largestGrowth?.delta ?? 0));

  return {
    verdict,
    images,
    violations,
    missing,
    refused: [...refused],
    duplicates,
    policy: options.onMissing,
    headline,
  };
}

function largestGrowth(platforms: readonly MergedPlatform[]): MergedImage['largestGrowth'] {
  let best: MergedImage['largestGrowth'] = null;
  for (const p of platforms) {
    const basis = p.thresholds.basis;
    const delta = p.report.delta?.[basis];
    if (delta === undefined) continue;
    if (best === null || delta > best.delta) best = { platform: p.platform, basis, delta };
  }
  return best;
}

function missingExpected(
  images: readonly MergedImage[],
  expected: readonly ExpectedLeg[] | null,
): MissingLeg[] {
  if (!expected) return [];
  const found: MissingLeg[] = [];
  for (const leg of expected) {
    const matching = images.filter((image) => expectNames(leg.image, image.identity));
    for (const platform of leg.platforms) {
      const covered = matching.some((image) =>
        image.platforms.some((p) => p.platform === platform && p.report.head !== null),
      );
      if (!covered) {
        found.push({
          image: leg.image,
          platform,
          reason:
            matching.length === 0
              ? 'no report for this image (the leg crashed, was cancelled or uploaded nothing)'
              : 'no report measured this platform (its leg crashed, was cancelled or uploaded nothing)',
        });
      }
    }
  }
  return found;
}
