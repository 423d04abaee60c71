// The published shape of the versioned JSON report (src/report/report.schema.json), apart from the models
// it is built from: json.ts maps explain's model onto ExplanationJson field by field, so a refactor of
// explain changes the schema only by an edit here (and a schema version bump).

import type {
  BaselineCause,
  Fingerprint,
  Headline,
  LayerComparison,
  MeasureSource,
  MissingBaseline,
  Override,
  Percentages,
  Platform,
  PlatformPresence,
  SizeBasis,
  Sizes,
  Thresholds,
  Verdict,
  Violation,
} from '../core/model.js';

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
  explanation: ExplanationJson | null;
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

export type FindingIdJson =
  | 'cannot-start'
  | 'cgo-dynamic-libc'
  | 'pie-needs-loader'
  | 'needs-c-library'
  | 'unstripped-binary'
  | 'go-toolchain-in-image'
  | 'build-context-leftovers'
  | 'wasted-bytes'
  | 'duplicate-files'
  | 'base-image-dominates';

export interface FindingJson {
  id: FindingIdJson;
  severity: 'error' | 'warning' | 'info';
  /** What the fix would save; null when the finding is not about size. */
  bytes: number | null;
  /** One plain-text sentence; paths and instructions in it come from the image (renderers escape). */
  title: string;
  fix: string;
  paths: string[];
}

export interface BaseImageMoveJson {
  from: { name: string | null; digest: string | null };
  to: { name: string | null; digest: string | null };
  /** True when only the layers tell (no digest on either side). */
  layersOnly: boolean;
  /** Uncompressed bytes of the head's base layers minus the base's. */
  delta: number;
}

export interface BinaryJson {
  path: string;
  bytes: number;
  layerIndex: number;
  kind: 'go' | 'go-unreadable' | 'not-go';
  goVersion: string | null;
  mainModule: string | null;
  /** Exactly what `go version -m` prints for this file. */
  goVersionM: string | null;
  settings: Record<string, string>;
  linkage: {
    kind: 'static' | 'static-pie' | 'dynamic';
    interpreter: string | null;
    needed: string[];
    missing: string[];
    libraryBytes: number;
  } | null;
  strip: { stripped: boolean; hasDwarf: boolean; savingBytes: number } | null;
  modules: { module: string; version: string | null; bytes: number; guessed: boolean }[];
  modulesOmitted: number;
  packages: { package: string; module: string; codeBytes: number; bytes: number }[];
  packagesOmitted: number;
  attributedFraction: number | null;
}

export interface WasteJson {
  bytes: number;
  files: number;
  largest: { path: string; bytes: number; writtenBy: number; removedBy: number; reason: string }[];
}

export type FileChangeKindJson = 'added' | 'removed' | 'grown' | 'shrunk';

export interface FileChangeJson {
  path: string;
  change: FileChangeKindJson;
  kind: 'file' | 'hardlink' | 'symlink' | 'directory' | 'other';
  baseBytes: number | null;
  headBytes: number | null;
  delta: number;
}

export interface DirectoryChangeJson {
  path: string;
  delta: number;
  addedBytes: number;
  removedBytes: number;
  grownBytes: number;
  shrunkBytes: number;
  files: number;
  largest: { path: string; delta: number }[];
}

export interface FilesystemDiffJson {
  baseBytes: number;
  headBytes: number;
  delta: number;
  counts: Record<FileChangeKindJson, number>;
  bytes: { added: number; removed: number; grown: number; shrunk: number };
  files: FileChangeJson[];
  filesOmitted: number;
  directories: DirectoryChangeJson[];
}

export interface ModuleDiffJson {
  goVersion: { from: string; to: string } | null;
  added: { module: string; version: string }[];
  removed: { module: string; version: string }[];
  upgraded: { module: string; from: string; to: string }[];
  growth: {
    module: string;
    kind: 'main' | 'dependency' | 'stdlib' | 'inferred';
    baseBytes: number;
    headBytes: number;
    delta: number;
    packages: { package: string; baseBytes: number; headBytes: number; delta: number }[];
  }[];
}

export interface ExplanationJson {
  platform: string;
  files: number;
  fileBytes: number;
  baseImage: { layers: number; bytes: number } | null;
  wasted: WasteJson;
  baseWastedBytes: number | null;
  efficiency: { score: number; wastedBytes: number };
  duplicates: { path: string; layers: number[]; redundantBytes: number }[];
  binaries: BinaryJson[];
  diff: FilesystemDiffJson | null;
  /** Absent or null when the runtime base image did not move. */
  baseImageMove?: BaseImageMoveJson | null;
  modules: { path: string; diff: ModuleDiffJson }[];
  findings: FindingJson[];
}
