// What the aggregator knows and decides: the legs' reports grouped into images, platforms of one image
// measured by different legs merged, one verdict, and every leg that did not report said by name.
import type { MissingBaselinePolicy, Platform, SizeBasis, Thresholds, Verdict } from '../core/model.js';
import type { PlatformReport, Report } from '../report/json.js';

/** A leg's report that passed validation. `source` names where it came from (a file or an artifact): untrusted text. */
export interface LegReport {
  source: string;
  report: Report;
}

/** A report that was read and refused, with the reason. */
export interface RefusedReport {
  source: string;
  reason: string;
}

/** What makes two legs' reports the same image: the fingerprint's image identity. */
export interface ImageIdentity {
  /** Stable key: the build's context + file + target, or the measured image's repository. */
  key: string;
  /** How the comment names it ("services/api", "services/api (target release)", "ghcr.io/acme/api"). */
  label: string;
  /** The context path (or image repository) that `expect` lines name. */
  name: string;
  target: string | null;
}

/** One platform of an image, as the leg that measured it reported it. */
export interface MergedPlatform {
  platform: Platform;
  /** The leg's report source. */
  leg: string;
  report: PlatformReport;
  thresholds: Thresholds;
}

export interface MergedImage {
  identity: ImageIdentity;
  /** Platform order: as the legs list them, legs in source order; a platform two legs measured is kept once. */
  platforms: MergedPlatform[];
  /** The legs (report sources) that measured this image. */
  legs: string[];
  verdict: Verdict;
  /** The platform that grew most on its gated basis; without any base, null. */
  largestGrowth: { platform: Platform; basis: SizeBasis; delta: number } | null;
}

/** A violation, named by image and platform. */
export interface NamedViolation {
  image: string;
  platform: Platform;
  message: string;
}

/** An expected image/platform that no valid report covers, or a report that was refused. */
export interface MissingLeg {
  image: string;
  /** null: the whole image (or, for a refused report, whatever it would have covered). */
  platform: Platform | null;
  reason: string;
}

/** `expect`: the image/platform legs that must have reported. */
export interface ExpectedLeg {
  image: string;
  platforms: Platform[];
}

export interface AggregateDecision {
  verdict: Verdict;
  images: MergedImage[];
  violations: NamedViolation[];
  missing: MissingLeg[];
  refused: RefusedReport[];
  /** A platform two legs both reported: the first is kept, the rest named here. */
  duplicates: { image: string; platform: Platform; leg: string }[];
  policy: MissingBaselinePolicy;
  /** The image and platform that grew most, over all images (each on its own gated basis). */
  headline: { image: string; platform: Platform; basis: SizeBasis; delta: number } | null;
}
