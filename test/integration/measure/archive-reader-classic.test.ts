// The classic store's export holds uncompressed layers, whose compressed size is estimated (gzip-estimate.ts).
// A run that measures two images sharing layers (a head and the base it was built on) estimates each
// shared layer once: the second export takes the first's figures by layer digest.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { ArchiveReader, type GzipEstimates } from '../../../src/measure/archive-reader.js';
import { measureImage } from '../../../src/measure/image-reader.js';
import {
  BUSYBOX_BASE,
  CLASSIC_SOCKET,
  docker,
  requireDaemon,
  requireRegistry,
} from '../../support/docker.js';

const PLATFORM = 'linux/amd64';
const HEAD = 'isg-it/archive-reader:head';
const context = mkdtempSync(join(tmpdir(), 'isg-archive-reader-'));
afterAll(() => rmSync(context, { recursive: true, force: true }));

async function measured(api: Docker, ref: string, known: GzipEstimates) {
  const reader = await ArchiveReader.read((await api.getImage(ref).get()) as never, undefined, known);
  const image = await measureImage(reader, [PLATFORM], ref, 'docker');
  const platform = image.measure.platforms[0]!;
  expect(platform.compressedEstimated).toBe(true);
  return { reused: reader.reusedEstimates, layers: platform.layers };
}

describe('classic-store export: gzip estimates made once per run', () => {
  it('an image sharing a layer with one read before reuses its figure, and estimates only its own', async () => {
    const api = await requireDaemon(CLASSIC_SOCKET);
    await requireRegistry();
    docker(CLASSIC_SOCKET, ['pull', '--platform', PLATFORM, BUSYBOX_BASE]);
    writeFileSync(join(context, 'notes.txt'), 'a line of notes that gzip shrinks well\n'.repeat(4000));
    docker(
      CLASSIC_SOCKET,
      ['buildx', 'build', '--platform', PLATFORM, '--load', '-t', HEAD, '-f-', context],
      `FROM ${BUSYBOX_BASE}\nCOPY notes.txt /notes.txt\n`,
    );

    const known: GzipEstimates = new Map();
    const base = await measured(api, BUSYBOX_BASE, known);
    expect(base.reused).toBe(0);
    expect([...known.keys()]).toEqual(base.layers.map((l) => l.digest));

    const head = await measured(api, HEAD, known);
    expect(head.layers.length).toBe(base.layers.length + 1);
    expect(head.reused).toBe(base.layers.length);
    // The same figures a run that had read nothing before gets.
    const fresh = await measured(api, HEAD, new Map());
    expect(fresh.reused).toBe(0);
    expect(head.layers.map((l) => l.sizes.compressed)).toEqual(fresh.layers.map((l) => l.sizes.compressed));
    // The notes layer (about 160 kB of text) gzips to a few kB.
    expect(head.layers.at(-1)!.sizes.compressed).toBeLessThan(10_000);

    // Taken by digest, not made again: a figure planted under the shared layer's digest comes back.
    const planted: GzipEstimates = new Map([[base.layers[0]!.digest, 4242]]);
    const seeded = await measured(api, HEAD, planted);
    expect(seeded.reused).toBe(1);
    expect(seeded.layers[0]!.sizes.compressed).toBe(4242);
  });
});
