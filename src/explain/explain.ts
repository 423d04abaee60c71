// Why an image is the size it is, and why it grew: the final filesystem, the bytes that ship for
// nothing, the Go binaries and what is in them, compared base to head, and findings with the bytes at
// stake and the one-line fix. Pure: it reads the layer analyses the measurement pass produced.

import type { BinaryInspection } from '../analysis/gobinary/binary-capture.js';
import { diffGoModules, type GoBinaryReport, renderGoVersionM } from '../analysis/gobinary/index.js';
import { diffFilesystems, type FilesystemView } from '../analysis/layers/index.js';
import type { PlatformMeasure } from '../core/model.js';
import type { LayerAnalysis, MeasuredImage } from '../measure/image-reader.js';
import { resolvedDigest } from '../measure/provenance.js';
import { baseImageLayerCount, finalStageBase, finalStageSteps } from './dockerfile.js';
import { findingsFor, TOOLCHAIN_DIRS } from './findings.js';
import type { BaseImageMove, BinaryFacts, PlatformExplanation } from './model.js';

export type { BaseImageMove, BinaryFacts, PlatformExplanation, WasteFacts } from './model.js';

export interface ExplainSide {
  measure: PlatformMeasure;
  analysis: LayerAnalysis;
  /** Layers that came with the base image (FROM), from the Dockerfile's final stage; null when unknown. */
  baseImageLayers: number | null;
  /** The final stage's FROM image as the Dockerfile names it, and the digest the builder resolved it to
   * (BuildKit's provenance materials), when known. */
  baseImageName?: string | null;
  baseImageDigest?: string | null;
}

const LIST = 10;
const MODULES = 12;
const PACKAGES = 200;

/** Where a loader or library may live; NEEDED names are looked up in these, as ld.so's defaults do. */
const LIBRARY_DIRS = [
  '/lib',
  '/usr/lib',
  '/lib64',
  '/usr/lib64',
  '/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/local/lib',
];

/** The size of the regular file a path leads to; null when there is none. */
function fileSize(fs: FilesystemView, path: string): number | null {
  const found = fs.resolve(path);
  return found !== undefined && found.kind === 'file' ? found.size : null;
}

function libraryLookup(fs: FilesystemView, lib: string): number | null {
  for (const dir of LIBRARY_DIRS) {
    const size = fileSize(fs, `${dir}/${lib}`);
    if (size !== null) return size;
  }
  return null;
}

export function binaryFacts(
  fs: FilesystemView,
  path: string,
  layerIndex: number,
  bytes: number,
  r: LayerAnalysis['captured'][number]['value'],
): BinaryFacts {
  let linkage: BinaryFacts['linkage'] = null;
  if (r.linkage) {
    const interpreter = r.linkage.interpreter;
    const found = [
      ...(interpreter ? [[interpreter, fileSize(fs, interpreter)] as const] : []),
      ...r.linkage.needed.map((lib) => [lib, libraryLookup(fs, lib)] as const),
    ];
    linkage = {
      kind: r.linkage.kind,
      interpreter,
      needed: r.linkage.needed,
      missing: found.filter(([, size]) => size === null).map(([name]) => name),
      libraryBytes: found.reduce((n, [, size]) => n + (size ?? 0), 0),
    };
  }
  const strip = r.strip
    ? { stripped: r.strip.stripped, hasDwarf: r.strip.hasDwarf, savingBytes: r.strip.savingBytes }
    : null;
  if (r.kind !== 'go') {
    return {
      path,
      bytes,
      layerIndex,
      kind: r.kind,
      goVersion: null,
      mainModule: null,
      goVersionM: null,
      settings: {},
      linkage,
      strip,
      modules: [],
      modulesOmitted: 0,
      packages: [],
      packagesOmitted: 0,
      attributedFraction: null,
    };
  }
  const go = r as GoBinaryReport;
  const modules = (go.attribution?.modules ?? []).map((m) => ({
    module: m.module,
    version: m.version,
    bytes: m.bytes,
    guessed: m.kind === 'inferred',
  }));
  const packages = (go.attribution?.modules ?? [])
    .flatMap((m) =>
      m.packages.map((p) => ({
        package: p.package,
        module: m.module,
        codeBytes: p.codeBytes,
        bytes: p.bytes,
      })),
    )
    .sort((a, b) => b.bytes - a.bytes || (a.package < b.package ? -1 : 1));
  return {
    path,
    bytes,
    layerIndex,
    kind: 'go',
    goVersion: go.goVersion,
    mainModule: go.buildInfo.main?.path ?? (go.buildInfo.path || null),
    goVersionM: renderGoVersionM(path, go),
    settings: Object.fromEntries(go.buildInfo.settings.map((s) => [s.key, s.value])),
    linkage,
    strip,
    modules: modules.slice(0, MODULES),
    modulesOmitted: Math.max(0, modules.length - MODULES),
    packages: packages.slice(0, PACKAGES),
    packagesOmitted: Math.max(0, packages.length - PACKAGES),
    attributedFraction: go.attribution ? go.attribution.attributedBytes / go.attribution.fileBytes : null,
  };
}

/**
 * Go binaries and other executables that ship to run: shared libraries are not started, files without
 * an execute bit are data (test fixtures), and a toolchain or test data copied in is reported as such
 * by its own finding rather than binary by binary.
 */
function isProgram(path: string, r: BinaryInspection): boolean {
  if ((r.fileMode & 0o111) === 0) return false;
  if (TOOLCHAIN_DIRS.some((dir) => path === dir || path.startsWith(`${dir}/`)) || /\/testdata\//.test(path)) {
    return false;
  }
  return r.kind === 'go' || r.linkage?.interpreter != null || r.elf?.type === 'EXEC';
}

function binariesOf(analysis: LayerAnalysis): { facts: BinaryFacts; report: GoBinaryReport | null }[] {
  return analysis.captured
    .filter((c) => isProgram(c.path, c.value))
    .map((c) => ({
      facts: binaryFacts(analysis.filesystem, c.path, c.layerIndex, c.size, c.value),
      report: c.value.kind === 'go' ? (c.value as GoBinaryReport) : null,
    }));
}

function baseLayers(side: ExplainSide): { diffIds: string[]; bytes: number } | null {
  if (side.baseImageLayers === null) return null;
  const layers = side.measure.layers.slice(0, side.baseImageLayers);
  return {
    diffIds: layers.map((l) => l.diffId),
    bytes: layers.reduce((n, l) => n + l.sizes.uncompressed, 0),
  };
}

/** Whether the runtime base moved; needs the base layer count on both sides. */
export function baseImageMove(head: ExplainSide, base: ExplainSide): BaseImageMove | null {
  const h = baseLayers(head);
  const b = baseLayers(base);
  if (!h || !b) return null;
  const from = { name: base.baseImageName ?? null, digest: base.baseImageDigest ?? null };
  const to = { name: head.baseImageName ?? null, digest: head.baseImageDigest ?? null };
  const layersDiffer = h.diffIds.length !== b.diffIds.length || h.diffIds.some((d, i) => d !== b.diffIds[i]);
  const named = from.name !== null && to.name !== null && from.name !== to.name;
  const digests = from.digest !== null && to.digest !== null;
  const moved = named || (digests ? from.digest !== to.digest : layersDiffer);
  if (!moved) return null;
  return { from, to, layersOnly: !named && !digests, delta: h.bytes - b.bytes };
}

/** One side of the comparison for `platform`: the measurement, the base image's layers by the Dockerfile,
 * its name and the digest the build resolved it to. null when the image lacks the platform. */
export function explainSide(
  image: MeasuredImage,
  dockerfile: string | null,
  target: string | null,
  platform: string,
): ExplainSide | null {
  const measure = image.measure.platforms.find((p) => p.platform === platform);
  const analysis = image.analyses.get(platform);
  if (!measure || !analysis) return null;
  const steps = dockerfile === null ? null : finalStageSteps(dockerfile, target);
  const made = measure.layers.map((l) => l.instruction);
  const baseImageName = dockerfile === null ? null : finalStageBase(dockerfile, target);
  return {
    measure,
    analysis,
    baseImageLayers: steps === null ? null : baseImageLayerCount(steps, made),
    baseImageName,
    baseImageDigest: resolvedDigest(image.materials?.get(platform) ?? [], baseImageName),
  };
}

export function explainPlatform(head: ExplainSide, base: ExplainSide | null): PlatformExplanation {
  const { analysis, measure } = head;
  const binaries = binariesOf(analysis);
  const baseImage =
    head.baseImageLayers === null
      ? null
      : {
          layers: head.baseImageLayers,
          bytes: measure.layers.slice(0, head.baseImageLayers).reduce((n, l) => n + l.sizes.uncompressed, 0),
        };
  let diff: PlatformExplanation['diff'] = null;
  const modules: PlatformExplanation['modules'] = [];
  if (base) {
    const full = diffFilesystems(base.analysis.filesystem, analysis.filesystem, { fileLimit: 50 });
    diff = { ...full, files: full.files.slice(0, 20), directories: full.directories.slice(0, LIST) };
    const baseBinaries = new Map(
      binariesOf(base.analysis)
        .filter((b) => b.report)
        .map((b) => [b.facts.path, b.report!]),
    );
    for (const b of binaries) {
      const before = baseBinaries.get(b.facts.path);
      if (b.report && before) modules.push({ path: b.facts.path, diff: diffGoModules(before, b.report) });
      // A binary new in the head: what it is made of is the whole of its growth.
      else if (b.report && base.analysis.filesystem.get(b.facts.path) === undefined)
        modules.push({ path: b.facts.path, diff: diffGoModules(null, b.report) });
    }
  }
  const explanation: PlatformExplanation = {
    platform: measure.platform,
    files: analysis.totals.files,
    fileBytes: analysis.totals.bytes,
    baseImage,
    wasted: {
      bytes: analysis.wasted.bytes,
      files: analysis.wasted.files,
      largest: analysis.wasted.largestFiles.slice(0, LIST).map((f) => ({
        path: f.path,
        bytes: f.bytes,
        writtenBy: f.writtenBy,
        removedBy: f.removedBy,
        reason: f.reason,
      })),
    },
    baseWastedBytes: base ? base.analysis.wasted.bytes : null,
    efficiency: { score: analysis.efficiency.score, wastedBytes: analysis.efficiency.wastedBytes },
    duplicates: analysis.duplicates.slice(0, LIST).map((d) => ({
      path: d.path,
      layers: d.writes.map((w) => w.layerIndex),
      redundantBytes: d.redundantBytes,
    })),
    binaries: binaries.map((b) => b.facts),
    diff,
    baseImageMove: base ? baseImageMove(head, base) : null,
    modules,
    findings: [],
  };
  explanation.findings = findingsFor(explanation, analysis.filesystem, measure);
  return explanation;
}
