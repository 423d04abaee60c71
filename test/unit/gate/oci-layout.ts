// Writes a small but real OCI image layout, as `buildx build --output type=oci,dest=DIR,tar=false` does:
// gzip layer blobs, a config and a manifest per platform, an image index holding them (and a BuildKit
// attestation manifest, which measuring must skip), and index.json pointing at that index. Returns the
// figures a measurement of it must come to, computed from what was written.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export type FileSpec =
  | { path: string; size: number }
  | { path: string; symlink: string }
  | { path: string; hardlink: string }
  | { path: string; directory: true };

export interface LayerSpec {
  createdBy: string;
  files: FileSpec[];
}

export interface PlatformImage {
  platform: string;
  layers: LayerSpec[];
}

export interface WrittenLayer {
  digest: string;
  compressed: number;
  uncompressed: number;
}

export interface WrittenPlatform {
  platform: string;
  manifestDigest: string;
  /** manifest + config + compressed layer blobs */
  compressed: number;
  /** regular-file bytes plus symlink target lengths */
  uncompressed: number;
  layers: WrittenLayer[];
}

const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  intoto: 'application/vnd.in-toto+json',
};

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function tarOf(files: FileSpec[]): Promise<Buffer> {
  const packer = pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const chunk of packer) chunks.push(Buffer.from(chunk as Uint8Array));
  })();
  const mtime = new Date(0);
  for (const f of files) {
    if ('size' in f)
      packer.entry({ name: f.path, type: 'file', mode: 0o644, mtime }, Buffer.alloc(f.size, 0x61));
    else if ('symlink' in f) packer.entry({ name: f.path, type: 'symlink', linkname: f.symlink, mtime });
    else if ('hardlink' in f) packer.entry({ name: f.path, type: 'link', linkname: f.hardlink, mtime });
    else packer.entry({ name: f.path, type: 'directory', mode: 0o755, mtime });
  }
  packer.finalize();
  await done;
  return Buffer.concat(chunks);
}

function uncompressedBytes(files: FileSpec[]): number {
  let bytes = 0;
  for (const f of files) {
    if ('size' in f) bytes += f.size;
    else if ('symlink' in f) bytes += Buffer.byteLength(f.symlink);
  }
  return bytes;
}

export async function writeOciLayout(dest: string, images: PlatformImage[]): Promise<WrittenPlatform[]> {
  const blobs = join(dest, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const put = async (bytes: Uint8Array, mediaType: string) => {
    const digest = sha256(bytes);
    await writeFile(join(blobs, digest.slice('sha256:'.length)), bytes);
    return { mediaType, digest, size: bytes.length };
  };
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));

  const written: WrittenPlatform[] = [];
  const manifests: unknown[] = [];
  for (const image of images) {
    const [os, architecture, variant] = image.platform.split('/') as [string, string, string | undefined];
    const layers: WrittenLayer[] = [];
    const layerDescriptors = [];
    const diffIds: string[] = [];
    for (const layer of image.layers) {
      const tar = await tarOf(layer.files);
      const descriptor = await put(gzipSync(tar), MEDIA.layer);
      layerDescriptors.push(descriptor);
      diffIds.push(sha256(tar));
      layers.push({
        digest: descriptor.digest,
        compressed: descriptor.size,
        uncompressed: uncompressedBytes(layer.files),
      });
    }
    const config = json({
      architecture,
      os,
      ...(variant ? { variant } : {}),
      config: { Labels: { 'org.opencontainers.image.title': 'fixture' } },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: [
        { created_by: 'ARG TARGETARCH', empty_layer: true },
        ...image.layers.map((l) => ({ created_by: l.createdBy, comment: 'buildkit.dockerfile.v0' })),
      ],
    });
    const configDescriptor = await put(config, MEDIA.config);
    const manifest = json({
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config: configDescriptor,
      layers: layerDescriptors,
    });
    const manifestDescriptor = await put(manifest, MEDIA.manifest);
    manifests.push({
      ...manifestDescriptor,
      platform: { os, architecture, ...(variant ? { variant } : {}) },
    });

    // BuildKit's provenance attestation for this platform: an unknown/unknown manifest in the index.
    const statement = await put(json({ _type: 'https://in-toto.io/Statement/v0.1' }), MEDIA.intoto);
    const attestationConfig = await put(json({ architecture: 'unknown', os: 'unknown' }), MEDIA.config);
    const attestation = await put(
      json({ schemaVersion: 2, mediaType: MEDIA.manifest, config: attestationConfig, layers: [statement] }),
      MEDIA.manifest,
    );
    manifests.push({
      ...attestation,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: {
        'vnd.docker.reference.digest': manifestDescriptor.digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
    });

    written.push({
      platform: image.platform,
      manifestDigest: manifestDescriptor.digest,
      compressed: manifest.length + config.length + layers.reduce((n, l) => n + l.compressed, 0),
      uncompressed: layers.reduce((n, l) => n + l.uncompressed, 0),
      layers,
    });
  }
  const index = await put(json({ schemaVersion: 2, mediaType: MEDIA.index, manifests }), MEDIA.index);
  await writeFile(
    join(dest, 'index.json'),
    json({ schemaVersion: 2, mediaType: MEDIA.index, manifests: [index] }),
  );
  await writeFile(join(dest, 'oci-layout'), json({ imageLayoutVersion: '1.0.0' }));
  return written;
}
