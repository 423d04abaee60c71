// Turns any image store (an OCI layout on disk, a Docker export, a registry) into exact per-platform
// measurements and, in the same pass over the layers, their contents. Each store only hands out JSON
// blobs and layer analyses.

import type { BinaryInspection } from '../analysis/gobinary/binary-capture.js';
import type { LayersAnalysis } from '../analysis/layers/index.js';
import type { ImageMeasure, LayerMeasure, MeasureSource, Platform, PlatformMeasure } from '../core/model.js';
import {
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  isIndex,
  isManifest,
  layerInstructions,
  platformManifests,
  platformString,
} from '../oci/types.js';
import { provenanceMaterials, type ResolvedImage } from './provenance.js';

export type LayerAnalysis = LayersAnalysis<BinaryInspection>;

export interface ImageReader {
  /** The descriptor of the image's top document: an index or a single manifest. */
  root(): Promise<Descriptor>;
  /** The raw bytes of a small JSON blob (index, manifest, config). */
  json(desc: Descriptor): Promise<Uint8Array>;
  /** Streams the layers bottom first: sizes, final filesystem, waste, inspected binaries. */
  analyze(layers: readonly Descriptor[]): Promise<LayerAnalysis>;
  /**
   * For stores that hold layers uncompressed (a classic-store export): the gzip size of the layer, an
   * estimate of what a push would store. null where the blob is the compressed one.
   */
  compressedEstimate(layer: Descriptor): number | null;
}

export interface MeasuredImage {
  measure: ImageMeasure;
  analyses: Map<Platform, LayerAnalysis>;
  /** The images each platform's build resolved (BuildKit provenance), where the image records them. */
  materials?: Map<Platform, ResolvedImage[]>;
}

export class PlatformMissingError extends Error {}

function parse<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/** Finds the manifest of each wanted platform under the root descriptor. */
export async function resolvePlatforms(
  reader: Pick<ImageReader, 'root' | 'json'>,
  platforms: readonly Platform[],
): Promise<Map<Platform, Descriptor>> {
  const root = await reader.root();
  const found = new Map<Platform, Descriptor>();
  if (isIndex(root.mediaType)) {
    const index = parse<ImageIndex>(await reader.json(root));
    const all = platformManifests(index);
    for (const platform of platforms) {
      const desc = all.get(platform);
      if (desc) found.set(platform, desc);
    }
    if (found.size < platforms.length) {
      const missing = platforms.filter((p) => !found.has(p));
      const has = [...all.keys()];
      throw new PlatformMissingError(
        `the image has no ${missing.join(', ')} manifest (it has ${has.join(', ') || 'none'})` +
          (has.length > 0 ? `: set platforms to ${has.join(',')} to measure what it has` : ''),
      );
    }
    return found;
  }
  if (!isManifest(root.mediaType)) throw new Error(`unsupported root media type ${root.mediaType}`);
  // A single-platform image: its config says which platform it is.
  const manifest = parse<ImageManifest>(await reader.json(root));
  const config = parse<ImageConfig>(await reader.json(manifest.config));
  const platform = platformString(config);
  if (!platforms.includes(platform)) {
    throw new PlatformMissingError(
      `the image is ${platform} only, not ${platforms.join(', ')}: set platforms to ${platform} to measure it`,
    );
  }
  found.set(platform, root);
  return found;
}

export async function measurePlatform(
  reader: ImageReader,
  platform: Platform,
  manifestDesc: Descriptor,
): Promise<{ measure: PlatformMeasure; analysis: LayerAnalysis }> {
  const manifestBytes = await reader.json(manifestDesc);
  const manifest = parse<ImageManifest>(manifestBytes);
  const configBytes = await reader.json(manifest.config);
  const config = parse<ImageConfig>(configBytes);
  const instructions = layerInstructions(config, manifest.layers.length);
  const analysis = await reader.analyze(manifest.layers);
  let estimated = false;
  const layers: LayerMeasure[] = manifest.layers.map((desc, i) => {
    const contents = analysis.layers[i]!;
    const estimate = reader.compressedEstimate(desc);
    if (estimate !== null) estimated = true;
    return {
      digest: desc.digest,
      diffId: config.rootfs.diff_ids[i] ?? desc.digest,
      mediaType: desc.mediaType,
      // What the classic store's history reports: regular-file bytes plus symlink target lengths.
      sizes: { compressed: estimate ?? desc.size, uncompressed: contents.fileBytes + contents.symlinkBytes },
      instruction: instructions[i] ?? '',
      files: contents.files,
    };
  });
  const measure: PlatformMeasure = {
    platform,
    manifestDigest: manifestDesc.digest,
    manifestBytes: manifestBytes.length,
    configDigest: manifest.config.digest,
    configBytes: configBytes.length,
    sizes: {
      compressed:
        manifestBytes.length + configBytes.length + layers.reduce((n, l) => n + l.sizes.compressed, 0),
      uncompressed: layers.reduce((n, l) => n + l.sizes.uncompressed, 0),
    },
    layers,
  };
  if (estimated) measure.compressedEstimated = true;
  return { measure, analysis };
}

async function presentPlatforms(
  reader: Pick<ImageReader, 'root' | 'json'>,
  platforms: readonly Platform[],
): Promise<Map<Platform, Descriptor>> {
  const found = new Map<Platform, Descriptor>();
  let lastMissing: PlatformMissingError | null = null;
  for (const platform of platforms) {
    try {
      for (const [p, desc] of await resolvePlatforms(reader, [platform])) found.set(p, desc);
    } catch (error) {
      if (!(error instanceof PlatformMissingError)) throw error;
      lastMissing = error;
    }
  }
  if (found.size === 0 && lastMissing) throw lastMissing;
  return found;
}

export async function measureImage(
  reader: ImageReader,
  platforms: readonly Platform[],
  ref: string,
  source: MeasureSource,
  /** Measure the platforms the image has and leave out the others (a baseline); fails only when it has none. */
  partial = false,
): Promise<MeasuredImage> {
  const manifests = partial
    ? await presentPlatforms(reader, platforms)
    : await resolvePlatforms(reader, platforms);
  const measured: PlatformMeasure[] = [];
  const analyses = new Map<Platform, LayerAnalysis>();
  for (const platform of platforms) {
    if (!manifests.has(platform)) continue;
    const { measure, analysis } = await measurePlatform(reader, platform, manifests.get(platform)!);
    measured.push(measure);
    analyses.set(platform, analysis);
  }
  const materials = await provenanceMaterials(reader, manifests);
  return { measure: { ref, source, platforms: measured }, analyses, materials };
}
