// The OCI / Docker distribution JSON documents image-size-gate reads, and how to pick platforms from them.

export interface OciPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: OciPlatform;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface HistoryEntry {
  created_by?: string;
  empty_layer?: boolean;
  comment?: string;
}

export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  rootfs: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
  config?: { Labels?: Record<string, string> | null };
}

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

export function isIndex(mediaType: string | undefined): boolean {
  return mediaType === MEDIA.ociIndex || mediaType === MEDIA.dockerList;
}

export function isManifest(mediaType: string | undefined): boolean {
  return mediaType === MEDIA.ociManifest || mediaType === MEDIA.dockerManifest;
}

export function platformString(p: OciPlatform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/** BuildKit's provenance and SBOM attestations sit in the index as unknown/unknown manifests. */
export function isAttestation(d: Descriptor): boolean {
  return (
    d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (d.platform?.os === 'unknown' && d.platform?.architecture === 'unknown')
  );
}

/** The image manifests of an index, one per platform, attestations skipped. */
export function platformManifests(index: ImageIndex): Map<string, Descriptor> {
  const byPlatform = new Map<string, Descriptor>();
  for (const d of index.manifests) {
    if (!isManifest(d.mediaType) || isAttestation(d) || !d.platform) continue;
    const key = platformString(d.platform);
    if (!byPlatform.has(key)) byPlatform.set(key, d);
  }
  return byPlatform;
}

/**
 * The Dockerfile instruction behind each layer: history entries that are not empty_layer line up,
 * in order, with the manifest's layers.
 */
export function layerInstructions(config: ImageConfig, layerCount: number): string[] {
  const made = (config.history ?? [])
    .filter((h) => !h.empty_layer)
    .map((h) => h.created_by ?? h.comment ?? '');
  return Array.from({ length: layerCount }, (_, i) => made[i] ?? '');
}
