// Why it grew, on real images: the demo's bloated head against its lean base, a dynamic binary on a
// base without its loader, bytes written and deleted in later layers, zstd layers and a non-Go image.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerBuildx } from '../../../src/buildx/buildx.js';
import { createDemoRepository, exampleDir } from '../../../src/demo/demo.js';
import { DockerodeEngine } from '../../../src/docker/engine.js';
import { explainPlatform, type PlatformExplanation } from '../../../src/explain/explain.js';
import type { FindingId } from '../../../src/explain/findings.js';
import { type GateResult, runGate } from '../../../src/gate/run-gate.js';
import { baselineGit } from '../../../src/git/baseline.js';
import { parseInputs } from '../../../src/inputs/inputs.js';
import type { MeasuredImage } from '../../../src/measure/image-reader.js';
import { registryImages } from '../../../src/measure/registry-reader.js';
import { buildAndMeasureOci } from '../../support/build-oci.js';
import { BUSYBOX_BASE, CONTAINERD_SOCKET, requireDaemon, requireRegistry } from '../../support/docker.js';

const PLATFORMS = ['linux/amd64', 'linux/arm64'];

function explainOnly(image: MeasuredImage, platform: string, baseImageLayers: number | null = null) {
  const measure = image.measure.platforms.find((p) => p.platform === platform)!;
  return explainPlatform({ measure, analysis: image.analyses.get(platform)!, baseImageLayers }, null);
}

function ids(e: PlatformExplanation): FindingId[] {
  return e.findings.map((f) => f.id);
}

beforeAll(async () => {
  await requireDaemon(CONTAINERD_SOCKET);
  await requireRegistry();
});

describe('the demo: lean base commit against the bloated head', () => {
  const repo = mkdtempSync(join(tmpdir(), 'isg-explain-repo-'));
  let result: GateResult;
  beforeAll(async () => {
    createDemoRepository(repo);
    result = await runGate(
      parseInputs((name) => ({ 'base-ref': 'main', 'max-increase': '5MB' })[name as string] ?? '', {
        workspace: repo,
        eventBaseRef: null,
      }),
      { eventName: 'local', workspace: repo, pullRequest: null, defaultReportFile: null },
      {
        buildx: new DockerBuildx({ DOCKER_HOST: `unix://${CONTAINERD_SOCKET}` }),
        docker: new DockerodeEngine(new Docker({ socketPath: CONTAINERD_SOCKET })),
        registry: registryImages(),
        git: baselineGit(),
        comments: null,
        summary: null,
        log: { info: () => {}, warning: () => {}, detail: () => {}, group: () => {} },
      },
    );
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it.each(PLATFORMS)(
    '%s: finds the unstripped binary, the dynamic linking and the base image, each with bytes',
    (platform) => {
      const e = result.explanations.find((x) => x.platform === platform)!;
      const byId = new Map(e.findings.map((f) => [f.id, f]));
      const unstripped = byId.get('unstripped-binary');
      const server = e.binaries.find((b) => b.path === '/usr/local/bin/server')!;
      expect(server.kind).toBe('go');
      expect(server.linkage?.kind).toBe('dynamic');
      expect(server.settings.CGO_ENABLED).toBe('1');
      expect(server.linkage?.missing).toEqual([]);
      expect(unstripped?.bytes).toBe(server.strip?.savingBytes);
      expect(unstripped!.bytes!).toBeGreaterThan(server.bytes * 0.15);
      // The libraries the dynamic linking needs, found in the image (loader + libc), and the base around them.
      expect(byId.get('cgo-dynamic-libc')?.bytes).toBe(server.linkage?.libraryBytes);
      expect(server.linkage!.libraryBytes).toBeGreaterThan(1_000_000);
      expect(byId.get('base-image-dominates')?.bytes).toBeGreaterThan(e.fileBytes / 2);
      expect(e.baseImage?.layers).toBe(1);
      // The growth is explained file by file: the glibc base's libraries and the bigger binary.
      const growth = result.report.platforms.find((p) => p.platform === platform)!.delta!.uncompressed;
      expect(e.diff!.headBytes).toBe(e.fileBytes);
      expect(e.diff!.delta).toBe(e.diff!.headBytes - e.diff!.baseBytes);
      // The image figure also counts symlink targets; the file diff explains all but those few bytes.
      expect(Math.abs(e.diff!.delta - growth)).toBeLessThan(growth * 0.01);
      expect(e.diff!.files.some((f) => f.path === '/usr/local/bin/server' && f.change === 'grown')).toBe(
        true,
      );
      expect(e.diff!.directories[0]!.delta).toBeGreaterThan(5_000_000);
      // The same binary on both sides: the module diff says what changed inside it.
      const modules = e.modules.find((m) => m.path === '/usr/local/bin/server')!;
      expect(modules.diff.growth.length).toBeGreaterThan(0);
    },
  );
});

describe('single images', () => {
  it('a dynamic binary on a base without its loader cannot start', async () => {
    const image = await buildAndMeasureOci({
      context: exampleDir(),
      dockerfile: (await import('node:fs')).readFileSync(join(exampleDir(), 'Dockerfile'), 'utf8'),
      platforms: ['linux/amd64'],
      buildArgs: { CGO_ENABLED: '1', LDFLAGS: '-s -w', RUNTIME_IMAGE: BUSYBOX_BASE },
    });
    const e = explainOnly(image, 'linux/amd64', 1);
    const server = e.binaries.find((b) => b.path === '/usr/local/bin/server')!;
    expect(server.linkage?.missing).toContain('/lib64/ld-linux-x86-64.so.2');
    expect(ids(e)).toContain('cannot-start');
    expect(e.findings[0]!.id).toBe('cannot-start');
    expect(ids(e)).not.toContain('unstripped-binary');
  });

  it('20 MB written in one layer and deleted in the next are wasted, and the layers are named', async () => {
    const image = await buildAndMeasureOci({
      dockerfile: [
        `FROM ${BUSYBOX_BASE}`,
        'RUN head -c 20000000 /dev/urandom > /big.bin',
        'RUN rm /big.bin',
        'COPY data /data',
        // Replacing a directory wholesale: BuildKit writes an opaque directory marker.
        'RUN rm -rf /data && mkdir /data && echo new > /data/new.txt',
      ].join('\n'),
      files: { 'data/old.txt': 'x'.repeat(1000), 'data/keep/also-old.txt': 'y'.repeat(500) },
      platforms: ['linux/amd64'],
    });
    const e = explainOnly(image, 'linux/amd64', 1);
    const big = e.wasted.largest.find((f) => f.path === '/big.bin')!;
    expect(big.bytes).toBe(20_000_000);
    expect(big.writtenBy).toBe(1);
    expect(big.removedBy).toBe(2);
    expect(e.wasted.bytes).toBeGreaterThanOrEqual(20_000_000);
    const finding = e.findings.find((f) => f.id === 'wasted-bytes')!;
    expect(finding.title).toContain('/big.bin');
    expect(finding.title).toMatch(/layer 2 \(RUN head -c 20000000.*removed by layer 3 \(RUN rm \/big\.bin\)/);
    const analysis = image.analyses.get('linux/amd64')!;
    expect(analysis.filesystem.get('/big.bin')).toBeUndefined();
    expect(analysis.filesystem.get('/data/new.txt')?.kind).toBe('file');
    // The old /data is gone from the final filesystem, and its bytes count as wasted.
    expect(analysis.filesystem.get('/data/old.txt')).toBeUndefined();
    expect(analysis.filesystem.get('/data/keep')).toBeUndefined();
    expect(e.wasted.bytes).toBe(20_000_000 + 1500);
  });

  it('zstd layers and a non-Go image (plain busybox) pass through', async () => {
    const image = await buildAndMeasureOci({
      dockerfile: `FROM ${BUSYBOX_BASE}\nRUN mkdir -p /srv && ln -s /bin/busybox /srv/sh && echo hi > /srv/a && ln /srv/a /srv/b\n`,
      platforms: PLATFORMS,
      exporter: 'compression=zstd,force-compression=true',
    });
    for (const platform of PLATFORMS) {
      const measure = image.measure.platforms.find((p) => p.platform === platform)!;
      expect(measure.layers.every((l) => l.mediaType.endsWith('zstd'))).toBe(true);
      const e = explainOnly(image, platform);
      expect(e.binaries.map((b) => b.kind)).toEqual(['not-go']);
      expect(ids(e)).not.toContain('unstripped-binary');
      const fs = image.analyses.get(platform)!.filesystem;
      expect(fs.get('/srv/b')?.kind).toBe('hardlink');
      expect(fs.resolve('/srv/sh')?.path).toBe('/bin/busybox');
    }
  });
});
