// The explanation's data: what explain.ts builds and findings.ts reads, apart from both so neither imports
// the other. Renderers and the JSON report read these too.
import type { GoModuleDiff } from '../analysis/gobinary/index.js';
import type { DiveEfficiency, FilesystemDiff } from '../analysis/layers/index.js';
import type { Platform } from '../core/model.js';

export type FindingId =
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

export interface Finding {
  id: FindingId;
  severity: 'error' | 'warning' | 'info';
  /** What the fix would save; null when the finding is not about size. */
  bytes: number | null;
  /** One plain-text sentence; paths and instructions in it come from the image (renderers escape). */
  title: string;
  /** The one-line fix. */
  fix: string;
  paths: string[];
}

/** The runtime base image differs between base and head: by name, by resolved digest, or (neither side
 * recording a digest) by the digests of its layers. */
export interface BaseImageMove {
  from: { name: string | null; digest: string | null };
  to: { name: string | null; digest: string | null };
  /** True when only the layers tell (no digest on either side). */
  layersOnly: boolean;
  /** Uncompressed bytes of the head's base layers minus the base's. */
  delta: number;
}

export interface BinaryFacts {
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
    /** The loader and NEEDED libraries the image's filesystem does not have. */
    missing: string[];
    /** Bytes of the loader and NEEDED libraries the image does have. */
    libraryBytes: number;
  } | null;
  strip: { stripped: boolean; hasDwarf: boolean; savingBytes: number } | null;
  /** Largest modules first (the standard library as "std"); bytes include spread metadata. `guessed`: the
   * binary lists no modules, so the name is a module root inferred from import paths. */
  modules: { module: string; version: string | null; bytes: number; guessed: boolean }[];
  modulesOmitted: number;
  /** Largest packages first: codeBytes is machine code (as `go tool nm -size` sums it), bytes adds the
   * package's share of function metadata, symbols and data. */
  packages: { package: string; module: string; codeBytes: number; bytes: number }[];
  packagesOmitted: number;
  /** Share of the file's bytes charged to a module. */
  attributedFraction: number | null;
}

export interface WasteFacts {
  bytes: number;
  files: number;
  largest: { path: string; bytes: number; writtenBy: number; removedBy: number; reason: string }[];
}

export interface PlatformExplanation {
  platform: Platform;
  files: number;
  fileBytes: number;
  baseImage: { layers: number; bytes: number } | null;
  wasted: WasteFacts;
  /** The base's wasted bytes for the same platform; null without a base. */
  baseWastedBytes: number | null;
  efficiency: Pick<DiveEfficiency, 'score' | 'wastedBytes'>;
  duplicates: { path: string; layers: number[]; redundantBytes: number }[];
  binaries: BinaryFacts[];
  /** Base to head, when there is a base. */
  diff:
    | (Omit<FilesystemDiff, 'files' | 'directories'> & {
        files: FilesystemDiff['files'];
        directories: FilesystemDiff['directories'];
      })
    | null;
  /** Set when the runtime base image moved between base and head; absent or null otherwise. */
  baseImageMove?: BaseImageMove | null;
  /** Go binaries found at the same path on both sides, and those new in the head (against nothing). */
  modules: { path: string; diff: GoModuleDiff }[];
  findings: Finding[];
}
