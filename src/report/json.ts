// The versioned JSON report (documented by src/report/report.schema.json). The markdown and terminal renderers
// read this same object, so every output states the same facts.
import type {
  BaselineCause,
  Decision,
  Fingerprint,
  Headline,
  ImageComparison,
  LayerComparison,
  MeasureSource,
  MissingBaseline,
  Override,
  Percentages,
  Platform,
  PlatformMeasure,
  PlatformPresence,
  SizeBasis,
  Sizes,
  Thresholds,
  Verdict,
  Violation,
} from '../core/model.js';
import type { PlatformExplanation } from '../explain/explain.js';

/**
 * Bump on any change that is not purely additive, and update src/report/report.schema.json with it.
 * 2: the verdict can fail for a missing baseline (on-missing-baseline), and max-size alone decides pass or
 * fail when no baseline was wanted (1 said no-baseline there).
 * 3: baseline (where it came from) and run (commit, ref, event, fingerprint: what a report store keys by)
 * are required.
 */
export const REPORT_SCHEMA_VERSION = 3;

export interface ReportImage {
  role: 'head' | 'base';
  ref: string;
  source: MeasureSource;
}

/** A platform image without its layers (those are in the platform's matched layer list). */
export interface PlatformSummary {
  manifestDigest: string;
  manifestBytes: number;
  configDigest: string;
  configBytes: number;
  sizes: Sizes;
  layerCount: number;
  /** The compressed figure is an estimate (gzip of the layer tars of a classic-store export). */
  compressedEstimated: boolean;
}

export interface PlatformReport {
  platform: Platform;
  presence: PlatformPresence;
  head: PlatformSummary | null;
  base: PlatformSummary | null;
  baseMissingReason: string | null;
  baseMissingCause: BaselineCause | null;
  delta: Sizes | null;
  percent: Percentages | null;
  layers: LayerComparison[];
  violations: Violation[];
  /** Why the head is the size it is and why it grew (file bytes: the uncompressed basis); null when not explained. */
  explanation: PlatformExplanation | null;
}

/** Where the baseline came from. */
export type BaselineSource = 'store' | 'image' | 'build' | 'none';

export interface BaselineOrigin {
  source: BaselineSource;
  /** The base commit the baseline stands for; null when there is none (image baselines, no base). */
  commit: string | null;
  /** Why a store lookup missed, or why a near hit was used; null otherwise. */
  reason: string | null;
  /** The stored report used, when source is `store`. */
  stored: StoredOrigin | null;
  /** The previous release's tag when the baseline is that release (a release run); null or absent otherwise. */
  release?: string | null;
}

export interface StoredOrigin {
  commit: string;
  ref: string | null;
  event: string;
  generatedAt: string;
  /** First-parent commits between the stored report's commit and the base: 0 for an exact hit. */
  distance: number;
}

/** The run that made the report: what a store keys it by. */
export interface RunIdentity {
  /** The commit measured; null when unknown (not a git checkout). */
  commit: string | null;
  /** `refs/heads/main`, `refs/tags/v1.2.0`, or null. */
  ref: string | null;
  event: string;
  fingerprint: Fingerprint;
}

/** What measured the images: users debugging a number need the engine, its store and the builder. */
export interface ReportEngine {
  /** "Docker Engine". */
  name: string;
  version: string;
  imageStore: 'containerd' | 'classic';
  /** buildx's version, the builder and its driver; null when nothing was built (`image` was given). */
  buildx: string | null;
  builder: string | null;
  driver: string | null;
}

/** One commit's size on the history chart. commit is hex as git gave it; null for a head outside git. */
export interface HistoryPoint {
  commit: string | null;
  /** The stored report's ref (untrusted text); null for the head. */
  ref: string | null;
  /** When the stored report was made; the head's own report time for the head. */
  generatedAt: string;
  bytes: number;
  head: boolean;
}

/** The size series of the base branch's stored reports (oldest first) with this run's head last. */
export interface ReportHistory {
  basis: SizeBasis;
  /** How many base-branch commits were asked for (the `history` input). */
  commits: number;
  platforms: { platform: Platform; points: HistoryPoint[] }[];
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: string; version: string };
  /** ISO 8601 time the report was made. */
  generatedAt: string;
  verdict: Verdict;
  /** The platform with the largest growth on the gated basis (the action's outputs). */
  headline: Headline | null;
  /** Why there is no baseline at all; null when there is one. */
  baseMissingReason: string | null;
  baseMissingCause: BaselineCause | null;
  /** A baseline that was wanted and is missing (all or some platforms), and what on-missing-baseline made of it. */
  missingBaseline: MissingBaseline | null;
  /** What override-label did to a failing verdict; absent when nothing was claimed. */
  override?: Override;
  thresholds: Thresholds;
  images: ReportImage[];
  platforms: PlatformReport[];
  /** Milliseconds per phase, in the order the phases ran. */
  timings: Record<string, number>;
  baseline: BaselineOrigin;
  /** null for reports made outside a gate run (tests, tools). */
  run: RunIdentity | null;
  /** null when the gate did not ask (a report built outside runGate). */
  engine: ReportEngine | null;
  /** The size history; absent when it was not read (history: 0, no store, no base commit, older reports). */
  history?: ReportHistory;
}

export interface ReportInput {
  comparison: ImageComparison;
  decision: Decision;
  tool: { name: string; version: string };
  timings?: Record<string, number>;
  generatedAt?: Date;
  /** One per head platform (explainPlatform's result), matched to the report's platforms by name. */
  explanations?: readonly PlatformExplanation[];
  /** Default: `build` when there is a base image, else `none`, with no commit. */
  baseline?: BaselineOrigin;
  run?: RunIdentity | null;
  engine?: ReportEngine | null;
  history?: ReportHistory | null;
}

function summary(measure: PlatformMeasure | null): PlatformSummary | null {
  if (measure === null) return null;
  return {
    manifestDigest: measure.manifestDigest,
    manifestBytes: measure.manifestBytes,
    configDigest: measure.configDigest,
    configBytes: measure.configBytes,
    sizes: { ...measure.sizes },
    layerCount: measure.layers.length,
    compressedEstimated: measure.compressedEstimated === true,
  };
}

export function buildReport(input: ReportInput): Report {
  const { comparison, decision } = input;
  const images: ReportImage[] = [{ role: 'head', ...comparison.head }];
  if (comparison.base) images.push({ role: 'base', ...comparison.base });
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { ...input.tool },
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
    verdict: decision.verdict,
    headline: decision.headline,
    baseMissingReason: comparison.baseMissingReason,
    baseMissingCause: comparison.baseMissingCause,
    missingBaseline: decision.missingBaseline,
    ...(decision.override ? { override: { ...decision.override } } : {}),
    thresholds: { ...decision.thresholds },
    images,
    platforms: comparison.platforms.map((p) => ({
      platform: p.platform,
      presence: p.presence,
      head: summary(p.head),
      base: summary(p.base),
      baseMissingReason: p.baseMissingReason,
      baseMissingCause: p.baseMissingCause,
      delta: p.delta,
      percent: p.percent,
      layers: p.layers,
      violations: decision.violations.filter((v) => v.platform === p.platform),
      // An explanation describes a head image: a platform only the base has gets none.
      explanation: (p.head && input.explanations?.find((e) => e.platform === p.platform)) ?? null,
    })),
    timings: { ...(input.timings ?? {}) },
    baseline: input.baseline ?? {
      source: comparison.base ? 'build' : 'none',
      commit: null,
      reason: null,
      stored: null,
    },
    run: input.run ?? null,
    engine: input.engine ? { ...input.engine } : null,
    ...(input.history ? { history: input.history } : {}),
  };
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Every violation, platform by platform. */
export function allViolations(report: Report): Violation[] {
  return report.platforms.flatMap((p) => p.violations);
}
