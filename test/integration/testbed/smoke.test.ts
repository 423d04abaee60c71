// Proves the test bed itself: both daemons build the Go fixture for both platforms, the Engine API
// sees the images, and the loopback registry takes a push and serves the manifests back.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArchiveReader } from '../../../src/measure/archive-reader.js';
import { resolvePlatforms } from '../../../src/measure/image-reader.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { parseReference } from '../../../src/registry/reference.js';
import {
  CLASSIC_SOCKET,
  CONTAINERD_SOCKET,
  docker,
  REGISTRY,
  requireDaemon,
  requireRegistry,
} from '../../support/docker.js';

const FIXTURE = join(import.meta.dirname, '../../fixtures/go-service');
const PLATFORMS = ['linux/amd64', 'linux/arm64'];

describe('test bed', () => {
  it('containerd store: one multi-platform --load, both platforms visible through the Engine API', async () => {
    const api = await requireDaemon(CONTAINERD_SOCKET);
    const info = (await api.info()) as { DriverStatus: [string, string][]; ServerVersion: string };
    expect(info.ServerVersion).toMatch(/^26\./);
    expect(info.DriverStatus).toContainEqual(['driver-type', 'io.containerd.snapshotter.v1']);
    docker(CONTAINERD_SOCKET, [
      'buildx',
      'build',
      '--platform',
      PLATFORMS.join(','),
      '--load',
      '-t',
      'isg-smoke:multi',
      FIXTURE,
    ]);
    const reader = await ArchiveReader.read((await api.getImage('isg-smoke:multi').get()) as never);
    const manifests = await resolvePlatforms(reader, PLATFORMS);
    expect([...manifests.keys()].sort()).toEqual(PLATFORMS);
  });

  it('classic store: one --load per platform, each image reports its architecture', async () => {
    const api = await requireDaemon(CLASSIC_SOCKET);
    const info = (await api.info()) as { Driver: string; DriverStatus: [string, string][] };
    expect(info.Driver).toBe('overlay2');
    for (const platform of PLATFORMS) {
      const arch = platform.split('/')[1]!;
      docker(CLASSIC_SOCKET, [
        'buildx',
        'build',
        '--platform',
        platform,
        '--load',
        '-t',
        `isg-smoke:${arch}`,
        FIXTURE,
      ]);
    }
    const images = await api.listImages({ filters: JSON.stringify({ reference: ['isg-smoke'] }) });
    const archs = await Promise.all(
      images.map(
        async (image) => ((await api.getImage(image.Id).inspect()) as { Architecture: string }).Architecture,
      ),
    );
    expect(archs.sort()).toEqual(['amd64', 'arm64']);
  });

  it('registry: a multi-platform push reads back as an index with both platform manifests', async () => {
    await requireRegistry();
    const ref = `${REGISTRY}/isg-smoke/app:smoke`;
    docker(CONTAINERD_SOCKET, [
      'buildx',
      'build',
      '--platform',
      PLATFORMS.join(','),
      '--push',
      '-t',
      ref,
      FIXTURE,
    ]);
    const client = new RegistryClient(parseReference(ref));
    const root = await client.rootDescriptor();
    expect(root.mediaType).toMatch(/index|list/);
    const index = JSON.parse(Buffer.from(await client.manifest(root.digest)).toString()) as {
      manifests: { platform: { os: string; architecture: string } }[];
    };
    const platforms = index.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`);
    expect(platforms).toEqual(expect.arrayContaining(PLATFORMS));
    // skopeo, a reader nobody here wrote, sees the same index.
    const raw = execFileSync('skopeo', ['inspect', '--tls-verify=false', '--raw', `docker://${ref}`]);
    expect(`sha256:${(await import('node:crypto')).createHash('sha256').update(raw).digest('hex')}`).toBe(
      root.digest,
    );
  });

  it('arm64 RUN steps work through QEMU', async () => {
    await requireDaemon(CONTAINERD_SOCKET);
    const out = docker(CONTAINERD_SOCKET, [
      'run',
      '--rm',
      '--platform',
      'linux/arm64',
      `${REGISTRY}/isg/busybox:1`,
      'busybox',
      'uname',
      '-m',
    ]);
    expect(out.trim()).toBe('aarch64');
  });
});
