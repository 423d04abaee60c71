import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  analyzeLayers,
  type CapturedFile,
  type LayerBlobSource,
} from '../../../src/analysis/layers/index.js';
import { bytes, gzip, layerOf, layersOf, rawFile, rawTar, streamOf, tarOf, zstd } from './fixtures.js';

const MB = 1_000_000;

/** A fake ELF file: the magic, then a marker so a test can tell versions apart. */
function elf(marker: string, size = 64): Uint8Array {
  const file = new Uint8Array(size);
  file.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  file.set(new TextEncoder().encode(marker), 16);
  return file;
}

describe('analyzeLayers', () => {
  it('reads gzip, zstd and plain layers with every odd kind of entry, and sizes each layer', async () => {
    const base = await tarOf([
      'bin/',
      { path: 'bin/busybox', content: new Uint8Array(3000).fill(1) },
      'bin/sh => bin/busybox',
      'bin/ls -> busybox',
      'etc/',
      'etc/empty',
      `usr/share/${'long-directory-name/'.repeat(8)}`,
      `usr/share/${'long-directory-name/'.repeat(8)}file:700`,
    ]);
    const middle = await tarOf(['etc/', 'etc/.wh.empty', 'etc/hosts:20']);
    const nonUtf8 = rawTar(
      rawFile(bytes('data/caf', 0xe9), new Uint8Array(5), true),
      rawFile(bytes('data/café'), new Uint8Array(6), true),
    );
    const result = await analyzeLayers([
      layerOf(gzip(base), 'sha256:base'),
      layerOf(zstd(middle), 'sha256:middle', 5),
      layerOf(nonUtf8, 'sha256:plain'),
    ]);
    expect(result.layers).toEqual([
      expect.objectContaining({
        index: 0,
        digest: 'sha256:base',
        compression: 'gzip',
        tarBytes: base.length,
        fileBytes: 3700,
        symlinkBytes: 'busybox'.length,
        entries: 8,
        files: 3,
        directories: 3,
        hardlinks: 1,
        symlinks: 1,
        whiteouts: 0,
      }),
      expect.objectContaining({
        index: 1,
        compression: 'zstd',
        fileBytes: 20,
        entries: 3,
        files: 1,
        directories: 1,
        whiteouts: 1,
      }),
      expect.objectContaining({ index: 2, compression: 'none', fileBytes: 11, entries: 2, files: 2 }),
    ]);
    expect(result.filesystem.get('/data/caf\\xe9')).toMatchObject({ size: 5, layerIndex: 2 });
    expect(result.filesystem.get('/data/café')).toMatchObject({ size: 6, layerIndex: 2 });
    expect(result.filesystem.get('/bin/sh')).toMatchObject({
      kind: 'hardlink',
      size: 0,
      linkname: '/bin/busybox',
    });
    expect(result.filesystem.get('/etc/empty')).toBeUndefined();
    expect(result.totals).toMatchObject({
      bytes: 3000 + 700 + 20 + 5 + 6,
      files: 5,
      hardlinks: 1,
      symlinks: 1,
    });
    expect(result.wasted.bytes).toBe(0);
    expect(result.anomalies).toEqual([]);
  });

  it('reports a 20 MB file written in one layer and deleted in the next as 20 MB wasted, with both layers', async () => {
    const layers = await layersOf(
      ['etc/', 'etc/os-release:100'],
      ['data/', { path: 'data/big.bin', content: new Uint8Array(20 * MB) }],
      ['data/', 'data/.wh.big.bin'],
    );
    const result = await analyzeLayers(layers);
    expect(result.wasted.bytes).toBe(20 * MB);
    expect(result.wasted.largestFiles).toEqual([
      {
        path: '/data/big.bin',
        bytes: 20 * MB,
        writtenBy: 1,
        removedBy: 2,
        reason: 'deleted',
        cause: '/data/big.bin',
      },
    ]);
    expect(result.wasted.byLayer).toEqual([
      { layerIndex: 0, wastedBytesWritten: 0, wastedBytesCaused: 0 },
      { layerIndex: 1, wastedBytesWritten: 20 * MB, wastedBytesCaused: 0 },
      { layerIndex: 2, wastedBytesWritten: 0, wastedBytesCaused: 20 * MB },
    ]);
    expect(result.filesystem.get('/data/big.bin')).toBeUndefined();
    expect(result.totals.bytes).toBe(100);
    // dive agrees on this one: a deleted file is wasted in full.
    expect(result.efficiency.wastedBytes).toBe(20 * MB);
    expect(result.efficiency.score).toBeCloseTo(100 / (20 * MB + 100), 12);
  });

  it('groups what one removal wasted (rm -rf of a directory), across the layers that wrote it', async () => {
    const layers = await layersOf(
      [
        'var/',
        'var/lib/',
        'var/lib/apt/',
        'var/lib/apt/lists/',
        'var/lib/apt/lists/main:3000',
        'var/lib/apt/lists/security:1000',
      ],
      ['var/lib/apt/lists/updates:500', 'tmp/', 'tmp/build.o:200'],
      ['var/lib/apt/.wh.lists', 'tmp/.wh..wh..opq', 'bin/', 'bin/app:50'],
    );
    const { wasted } = await analyzeLayers(layers);
    expect(wasted.bytes).toBe(4700);
    expect(wasted.causes).toEqual([
      {
        removedBy: 2,
        reason: 'deleted',
        cause: '/var/lib/apt/lists',
        bytes: 4500,
        files: 3,
        writtenBy: [0, 1],
      },
      { removedBy: 2, reason: 'opaque', cause: '/tmp', bytes: 200, files: 1, writtenBy: [1] },
    ]);
  });

  it('lists paths written in several layers (chmod in a later RUN copies the whole file)', async () => {
    const layers = await layersOf(
      ['app/', 'app/server:5000', 'app/config:10'],
      [{ path: 'app/server', size: 5000, mode: 0o755 }],
      ['app/config:12', 'app/.wh.config'],
    );
    const result = await analyzeLayers(layers);
    expect(result.duplicates).toEqual([
      {
        path: '/app/server',
        writes: [
          { layerIndex: 0, bytes: 5000 },
          { layerIndex: 1, bytes: 5000 },
        ],
        shippedBytes: 10_000,
        redundantBytes: 5000,
      },
      {
        path: '/app/config',
        writes: [
          { layerIndex: 0, bytes: 10 },
          { layerIndex: 2, bytes: 12 },
        ],
        shippedBytes: 22,
        redundantBytes: 10,
      },
    ]);
    // The same layer writes app/config after deleting the lower one: the whiteout does not touch it.
    expect(result.filesystem.get('/app/config')).toMatchObject({ size: 12, layerIndex: 2 });
    expect(result.wasted.bytes).toBe(5000 + 10);
  });

  it('inspects ELF files and keeps only the versions the final filesystem shows', async () => {
    const layers = await layersOf(
      [
        'usr/',
        'usr/lib/',
        'lib -> usr/lib',
        'bin/',
        { path: 'bin/app', content: elf('app v1', 4000) },
        { path: 'bin/tool', content: elf('tool') },
        { path: 'bin/script', content: '#!/bin/sh\necho hi\n' },
        { path: 'bin/tiny', content: new Uint8Array([0x7f, 0x45, 0x4c]) },
      ],
      [
        { path: 'bin/app', content: elf('app v2', 5000) },
        'bin/.wh.tool',
        { path: 'lib/libc.so.6', content: elf('libc') },
      ],
    );
    const inspected: string[] = [];
    const result = await analyzeLayers(layers, {
      capture: {
        inspect: (file: CapturedFile) => {
          inspected.push(file.path);
          expect(file.content.size).toBeGreaterThan(16);
          return new TextDecoder().decode(file.content.read(16, 6));
        },
      },
    });
    // Layers stream side by side, so inspections interleave; each version is inspected once, under the
    // path its tar gives, and the result is filed where the file lands.
    expect(inspected.sort()).toEqual(['/bin/app', '/bin/app', '/bin/tool', '/lib/libc.so.6']);
    expect(result.captured).toEqual([
      { path: '/bin/app', layerIndex: 1, size: 5000, value: 'app v2' },
      { path: '/usr/lib/libc.so.6', layerIndex: 1, size: 64, value: 'libc\u0000\u0000' },
    ]);
  });

  it('hands the inspector the whole file, byte for byte, across chunk boundaries', async () => {
    // Larger than the spool's write-behind buffer, so writes wait for the disk.
    const content = elf('big', 6 * MB);
    for (let i = 64; i < content.length; i++) content[i] = (i * 31) & 0xff;
    const tar = await tarOf([{ path: 'app', content }]);
    const result = await analyzeLayers([layerOf(gzip(tar), 'sha256:a', 777)], {
      capture: {
        inspect: (file) =>
          Buffer.compare(Buffer.from(file.content.read(0, file.content.size)), Buffer.from(content)),
      },
    });
    expect(result.captured).toEqual([{ path: '/app', layerIndex: 0, size: 6 * MB, value: 0 }]);
  });

  it('closes the spooled file when the layer ends inside it, and never inspects the part', async () => {
    const blob = gzip(await tarOf([{ path: 'app', content: elf('cut', 3 * MB) }]));
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    let inspected = 0;
    const result = analyzeLayers([layerOf(blob.subarray(0, blob.length >> 1), 'sha256:cut')], {
      capture: {
        inspect: () => inspected++,
      },
    });
    await expect(result).rejects.toThrow(/^layer 1 of 1 \(sha256:cut\): /);
    expect(inspected).toBe(0);
    expect(openFiles()).toBe(before);
  });

  it('skips files above the capture limit and lets a custom choice pick other files', async () => {
    const layers = await layersOf([
      { path: 'huge', content: elf('huge', 10_000) },
      { path: 'notes.txt', content: 'pick me' },
    ]);
    const result = await analyzeLayers(layers, {
      capture: {
        maxBytes: 5000,
        wants: (entry, head) => entry.path.endsWith('.txt') || head[0] === 0x7f,
        inspect: (file) => new TextDecoder().decode(file.content.read(0, file.content.size)),
      },
    });
    expect(result.captured).toEqual([{ path: '/notes.txt', layerIndex: 0, size: 7, value: 'pick me' }]);
    expect(result.capturesSkipped).toEqual([
      { path: '/huge', layerIndex: 0, size: 10_000, reason: 'larger than the 5000-byte capture limit' },
    ]);
  });

  it('names the layer that cannot be read', async () => {
    const blob = gzip(await tarOf(['a:100000']));
    const result = analyzeLayers([
      layerOf(gzip(await tarOf(['ok:1'])), 'sha256:good'),
      layerOf(blob.subarray(0, blob.length - 10), 'sha256:cut'),
    ]);
    await expect(result).rejects.toThrow(/^layer 2 of 2 \(sha256:cut\): /);
  });

  it('gives the same answer whatever the number of layers in flight', async () => {
    const layers = await layersOf(
      ['usr/', 'usr/lib/', 'usr/lib/a:100', 'usr/lib/b:200', { path: 'app', content: elf('v1', 300) }],
      ['usr/lib/.wh.a', 'usr/lib/c:50', { path: 'app', content: elf('v2', 400) }],
      ['usr/.wh..wh..opq', 'usr/lib/', 'usr/lib/d:10'],
      ['usr/lib/d:20', 'x:1'],
    );
    const capture = { inspect: (file: CapturedFile) => file.content.size };
    const strip = ({ filesystem, ...rest }: Awaited<ReturnType<typeof analyzeLayers<number>>>) => ({
      ...rest,
      files: [...filesystem.walk()],
    });
    const one = strip(await analyzeLayers(layers, { capture, concurrency: 1 }));
    for (const concurrency of [2, 4, 10]) {
      expect(strip(await analyzeLayers(layers, { capture, concurrency }))).toEqual(one);
    }
    expect(one.captured).toEqual([{ path: '/app', layerIndex: 1, size: 400, value: 400 }]);
    expect(one.wasted.bytes).toBe(100 + 200 + 50 + 10 + 300);
  });

  it('reports the lowest failing layer even when a layer above it fails first', async () => {
    const good = gzip(await tarOf(['ok:1']));
    const cut = gzip(await tarOf(['a:100000']));
    const slowBad: LayerBlobSource = {
      digest: 'sha256:slow-bad',
      open: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return streamOf(cut.subarray(0, cut.length - 10));
      },
    };
    const result = analyzeLayers(
      [
        layerOf(good, 'sha256:good'),
        slowBad,
        layerOf(Buffer.from('not a tar at all, surely'), 'sha256:fast-bad'),
      ],
      { concurrency: 3 },
    );
    await expect(result).rejects.toThrow(/^layer 2 of 3 \(sha256:slow-bad\): /);
  });

  it('keeps the lists short when asked', async () => {
    const layers = await layersOf(
      Array.from({ length: 20 }, (_, i) => `f${i}:${i + 1}`),
      Array.from({ length: 20 }, (_, i) => `.wh.f${i}`),
    );
    const result = await analyzeLayers(layers, { listLimit: 3 });
    expect(result.wasted.largestFiles.map((file) => file.path)).toEqual(['/f19', '/f18', '/f17']);
    expect(result.wasted.largestFilesOmitted).toBe(17);
    expect(result.wasted.files).toBe(20);
    expect(result.efficiency.inefficientFiles).toHaveLength(3);
    expect(result.efficiency.inefficientFilesOmitted).toBe(17);
  });
});
