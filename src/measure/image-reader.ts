// Turns any image store (an OCI layout on disk, a Docker export, a registry) into exact per-platform
// measurements. Each store only has to hand out JSON blobs and layer scans.
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
import type { LayerScan } from './layer-sizes.js';

export interface ImageReader {
  /** The descriptor of the image's top document: an index or a single manifest. */
  root(): Promise<Descriptor>;
  /** The raw bytes of a small JSON blob (index, manifest, config). */
  json(desc: Descriptor): Promise<Uint8Array>;
  layer(desc: Descriptor): Promise<LayerScan>;
}

export class PlatformMissingError extends Error {}

function parse<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/** Finds the manifest of each wanted platform under the root descriptor. */
export async function resolvePlatforms(
  reader: ImageReader,
  platforms: Platform[],
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
      throw new PlatformMissingError(
        `the image has no ${missing.join(', ')} manifest (it has ${[...all.keys()].join(', ') || 'none'})`,
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
    throw new PlatformMissingError(`the image is ${platform} only, not ${platforms.join(', ')}`);
  }
  found.set(platform, root);
  return found;
}

export async function measurePlatform(
  reader: ImageReader,
  platform: Platform,
  manifestDesc: Descriptor,
): Promise<PlatformMeasure> {
  const manifestBytes = await reader.json(manifestDesc);
  const manifest = parse<ImageManifest>(manifestBytes);
  const configBytes = await reader.json(manifest.config);
  const config = parse<ImageConfig>(configBytes);
  const instructions = layerInstructions(config, manifest.layers.length);
  let estimated = false;
  const layers: LayerMeasure[] = [];
  for (const [i, desc] of manifest.layers.entries()) {
    const scan = await reader.layer(desc);
    if (scan.gzipEstimate !== null) estimated = true;
    layers.push({
      digest: desc.digest,
      diffId: config.rootfs.diff_ids[i] ?? desc.digest,
      mediaType: desc.mediaType,
      sizes: { compressed: scan.gzipEstimate ?? desc.size, uncompressed: scan.uncompressedBytes },
      instruction: instructions[i] ?? '',
      files: scan.files,
    });
  }
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
  return measure;
}

export async function measureImage(
  reader: ImageReader,
  platforms: Platform[],
  ref: string,
  source: MeasureSource,
): Promise<ImageMeasure> {
  const manifests = await resolvePlatforms(reader, platforms);
  const measured: PlatformMeasure[] = [];
  for (const platform of platforms) {
    measured.push(await measurePlatform(reader, platform, manifests.get(platform)!));
  }
  return { ref, source, platforms: measured };
}
