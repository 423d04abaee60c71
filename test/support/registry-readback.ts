// Independent readers for checking measurements: skopeo for what a registry stores, GNU tar for what
// a layer holds. Neither shares code with image-size-gate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Descriptor {
  digest: string;
  size: number;
  platform?: { os: string; architecture: string };
}

export interface RegistryPlatform {
  manifestDigest: string;
  manifestBytes: number;
  configBytes: number;
  layerBytes: number[];
  /** manifest + config + layers: what a registry stores and a node pulls. */
  compressed: number;
  /** Per layer: regular-file bytes + symlink target lengths, as GNU tar lists them. */
  uncompressedLayers: number[];
}

function skopeoRaw(ref: string): Buffer {
  return execFileSync('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${ref}`], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Reads one platform of `repository:tag` (an index or a single manifest) back from the registry. */
export function readBack(repository: string, tag: string, platform: string): RegistryPlatform {
  const top = JSON.parse(skopeoRaw(`${repository}:${tag}`).toString()) as {
    manifests?: Descriptor[];
  };
  let manifestRef = `${repository}:${tag}`;
  if (top.manifests) {
    const found = top.manifests.find(
      (m) => m.platform && `${m.platform.os}/${m.platform.architecture}` === platform,
    );
    if (!found) throw new Error(`${repository}:${tag} has no ${platform} manifest`);
    manifestRef = `${repository}@${found.digest}`;
  }
  const raw = skopeoRaw(manifestRef);
  const manifest = JSON.parse(raw.toString()) as { config: Descriptor; layers: Descriptor[] };
  const dir = mkdtempSync(join(tmpdir(), 'isg-readback-'));
  try {
    execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${manifestRef}`, `dir:${dir}`]);
    const uncompressedLayers = manifest.layers.map((layer) =>
      tarFileBytes(join(dir, layer.digest.split(':')[1]!)),
    );
    const digest = `sha256:${execFileSync('sha256sum', [], { input: raw }).toString().split(' ')[0]}`;
    return {
      manifestDigest: digest,
      manifestBytes: raw.length,
      configBytes: manifest.config.size,
      layerBytes: manifest.layers.map((l) => l.size),
      compressed: raw.length + manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0),
      uncompressedLayers,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sums a layer's regular-file sizes and symlink target lengths from `tar -tv` (hard links count zero). */
export function tarFileBytes(path: string): number {
  const listing = execFileSync('tar', ['--numeric-owner', '-tvf', path], {
    maxBuffer: 256 * 1024 * 1024,
  }).toString();
  let bytes = 0;
  for (const line of listing.split('\n')) {
    if (line.startsWith('-')) {
      bytes += Number(line.split(/\s+/)[2]);
    } else if (line.startsWith('l')) {
      const arrow = line.lastIndexOf(' -> ');
      bytes += Buffer.byteLength(line.slice(arrow + 4));
    }
  }
  return bytes;
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
