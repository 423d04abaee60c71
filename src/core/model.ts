// The data every part of image-size-gate speaks: what was measured, how it compares, what was decided.
// Pure types; adapters produce them, the core computes on them, renderers print them.

/** "linux/amd64", "linux/arm64", "linux/arm/v7". */
export type Platform = string;

/** Which byte figure a threshold applies to. */
export type SizeBasis = 'uncompressed' | 'compressed';

/** Both figures, always together, so no renderer can print one without saying which. */
export interface Sizes {
  /** Bytes a registry stores and a node pulls: manifest + config + compressed layer blobs. */
  compressed: number;
  /**
   * Bytes of the files in the layer tars, exactly as the classic store's `docker history` reports them:
   * regular-file sizes plus symlink target lengths; hard links count zero.
   */
  uncompressed: number;
}

export interface LayerMeasure {
  /** Digest of the layer blob as stored (compressed, or the tar itself for uncompressed layers). */
  digest: string;
  /** Digest of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: string;
  mediaType: string;
  sizes: Sizes;
  /** The Dockerfile instruction that made the layer (the image config's history `created_by`). */
  instruction: string;
  /** Entries in the layer tar that are regular files. */
  files: number;
}

export interface PlatformMeasure {
  platform: Platform;
  manifestDigest: string;
  manifestBytes: number;
  configDigest: string;
  configBytes: number;
  /** compressed = manifestBytes + configBytes + sum of layer compressed sizes; uncompressed = sum of layers. */
  sizes: Sizes;
  layers: LayerMeasure[];
  /**
   * Set when the compressed figure is an estimate (gzip of the layer tars) because the image only exists
   * uncompressed in a classic-store daemon and was not pushed: give `registry` to measure it exactly.
   */
  compressedEstimated?: true;
}

export type MeasureSource = 'build' | 'docker' | 'registry' | 'oci-layout';

export interface ImageMeasure {
  /** What the user would call it: a tag, a registry reference, or "head build of <sha>". */
  ref: string;
  source: MeasureSource;
  platforms: PlatformMeasure[];
}

// ---- How head compares with base (src/core/compare.ts) ----

/** Percent change per basis; null when the base figure is 0 and the head figure is not (no finite percentage). */
export interface Percentages {
  compressed: number | null;
  uncompressed: number | null;
}

/** What a reference to an image says about where it came from, without its measurements. */
export interface ImageRef {
  ref: string;
  source: MeasureSource;
}

/**
 * unchanged: the same layer on both sides (same digest or diff ID); changed: the same instruction made a
 * different layer; added / removed: a layer only the head / only the base has.
 */
export type LayerStatus = 'unchanged' | 'changed' | 'added' | 'removed';

export type LayerMatch = 'digest' | 'diff-id' | 'instruction';

/** A layer on one side of a comparison, with its position in that image (0 = bottom layer). */
export interface LayerSide extends LayerMeasure {
  index: number;
}

export interface LayerComparison {
  status: LayerStatus;
  /** How the pair was found; null for added and removed layers. */
  matchedBy: LayerMatch | null;
  /** The instruction without BuildKit's noise (build-arg prefix, "# buildkit", "/bin/sh -c"), as shown to readers. */
  step: string;
  head: LayerSide | null;
  base: LayerSide | null;
  /** head - base per basis; a missing side counts as 0. */
  delta: Sizes;
}

/**
 * Why a side has no baseline, as a stable code for the report and for `on-missing-baseline`.
 * baseline-none is the one chosen on purpose (`baseline: none`); every other code is a baseline that was
 * wanted and could not be had.
 */
export type BaselineCause =
  | 'baseline-none'
  | 'no-base-ref'
  | 'event-missing'
  | 'not-a-repository'
  | 'base-commit-unavailable'
  | 'base-dockerfile-missing'
  | 'base-build-failed'
  | 'base-image-unavailable'
  /** `baseline: store` and the store had no usable report (absent, stale, refused, or the store failed). */
  | 'stored-report-unavailable'
  | 'base-platform-missing';

/** What a wanted but missing baseline does to the verdict: fail it, warn (exit 0), or only say so. */
export type MissingBaselinePolicy = 'fail' | 'warn' | 'pass';

/** both: compared; head-only: the base has no such platform (or no baseline at all); base-only: the head dropped it. */
export type PlatformPresence = 'both' | 'head-only' | 'base-only';

export interface PlatformComparison {
  platform: Platform;
  presence: PlatformPresence;
  head: PlatformMeasure | null;
  base: PlatformMeasure | null;
  /** Why base is null while head is not; null otherwise. */
  baseMissingReason: string | null;
  baseMissingCause: BaselineCause | null;
  /** head - base; null unless presence is 'both'. */
  delta: Sizes | null;
  percent: Percentages | null;
  /** Head layers in head order; each removed base layer sits after the row of the base layer below it. */
  layers: LayerComparison[];
}

export interface ImageComparison {
  head: ImageRef;
  base: ImageRef | null;
  /** Why there is no baseline image at all; null when there is one. */
  baseMissingReason: string | null;
  baseMissingCause: BaselineCause | null;
  /** Head platforms in head order, then platforms only the base has. */
  platforms: PlatformComparison[];
}

// ---- What was decided (src/core/verdict.ts) ----

export type GateMode = 'fail' | 'warn';

export interface Thresholds {
  /** Largest allowed growth in bytes; 0 means any growth fails; null means not checked. */
  maxIncrease: number | null;
  /** Largest allowed growth in percent of the base; null means not checked. */
  maxIncreasePercent: number | null;
  /** Largest allowed head size per platform in bytes; applies without a baseline too. */
  maxSize: number | null;
  basis: SizeBasis;
  mode: GateMode;
}

/** overridden: a failing verdict that the override label, applied by someone who may write, accepted. */
export type Verdict = 'pass' | 'fail' | 'warn' | 'no-baseline' | 'overridden';

export type ThresholdRule = 'max-increase' | 'max-increase-percent' | 'max-size';

export interface Violation {
  platform: Platform;
  rule: ThresholdRule;
  basis: SizeBasis;
  /** The figure that passed the limit: bytes of growth, percent of growth (null: growth from 0), or head bytes. */
  actual: number | null;
  limit: number;
  /** One plain-text line naming the platform, the figure, the threshold and the basis. */
  message: string;
}

/** The platform with the largest growth on the gated basis (the action's head-size, base-size and delta outputs). */
export interface Headline {
  platform: Platform;
  basis: SizeBasis;
  headSize: number;
  /** null when this platform has no baseline; the headline is then the largest head. */
  baseSize: number | null;
  delta: number | null;
  percent: number | null;
}

/** A baseline that was wanted and is missing, for some or all head platforms. */
export interface MissingBaseline {
  policy: MissingBaselinePolicy;
  /** null only when whoever compared did not say (the gate always does). */
  cause: BaselineCause | null;
  platforms: Platform[];
  /** One plain-text line naming the cause and the fix. */
  message: string;
}

/** What the override label did to a failing verdict. */
export interface Override {
  label: string;
  status: 'accepted' | 'refused';
  /** The login that last applied the label, when known. */
  by: string | null;
  /** When it was applied (ISO 8601), when known. */
  at: string | null;
  /** Why the failure stands; null when accepted. */
  reason: string | null;
}

export interface Decision {
  verdict: Verdict;
  /** null when every head platform has a baseline, or none was wanted (`baseline: none`). */
  missingBaseline: MissingBaseline | null;
  thresholds: Thresholds;
  violations: Violation[];
  headline: Headline | null;
  /** The override label's outcome for a failing verdict; absent when none was claimed. */
  override?: Override;
}

// ---- How a run was made, for matching stored reports (src/store/fingerprint.ts) ----

/** How exact the compressed figure is: an estimate (gzip of classic-store layer tars) never stands in for an exact one. */
export type MeasuringMode = 'exact' | 'estimated-compressed' | 'as-found';

/** What a fingerprint was made of, as a report shows it: build-arg names only, their values stay in the hash. */
export interface FingerprintParts {
  /** The measured image's repository without tag or digest, for `image` runs; null for builds. */
  image: string | null;
  context: string | null;
  file: string | null;
  target: string | null;
  buildArgNames: string[];
  platforms: Platform[];
  measuring: MeasuringMode;
  schemaMajor: number;
}

export interface Fingerprint {
  /** sha256 hex of the canonical parts (with build-arg values). */
  id: string;
  parts: FingerprintParts;
}
