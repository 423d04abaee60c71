import { describe, expect, it } from 'vitest';
import {
  type Anomaly,
  applyLayer,
  type FileRecord,
  LayeredFilesystem,
  type Removal,
} from '../../../src/analysis/layers/filesystem.js';
import { openLayer, readLayerEntries } from '../../../src/oci/layer-stream.js';
import { entryOf, gzip, streamOf, tarOf } from './fixtures.js';

interface Built {
  fs: LayeredFilesystem;
  removed: { path: string; size: number; writtenBy: number; removal: Removal }[];
  anomalies: Anomaly[];
}

async function build(...layers: string[][]): Promise<Built> {
  const removed: Built['removed'] = [];
  const anomalies: Anomaly[] = [];
  const fs = new LayeredFilesystem({
    removed: (record, removal) =>
      removed.push({ path: record.path, size: record.size, writtenBy: record.layerIndex, removal }),
    anomaly: (anomaly) => anomalies.push(anomaly),
  });
  for (const [index, layer] of layers.entries()) await applyLayer(fs, index, layer.map(entryOf));
  return { fs, removed, anomalies };
}

/** The final filesystem in the fixtures' shorthand, with the layer that wrote each path: "path:size@layer". */
function listing(fs: LayeredFilesystem): string[] {
  return [...fs.walk()].map((record: FileRecord) => {
    if (record.kind === 'directory') return `${record.path}/@${record.layerIndex}`;
    if (record.kind === 'symlink') return `${record.path} -> ${record.linkname}@${record.layerIndex}`;
    if (record.kind === 'hardlink') return `${record.path} => ${record.linkname}@${record.layerIndex}`;
    return `${record.path}:${record.size}@${record.layerIndex}`;
  });
}

describe('applying layers (OCI whiteouts and replacement rules)', () => {
  it.each<[string, string[][], string[]]>([
    [
      'a later file replaces an earlier one',
      [['etc/', 'etc/conf:10'], ['etc/conf:20']],
      ['/etc/@0', '/etc/conf:20@1'],
    ],
    [
      'a whiteout deletes a file',
      [
        ['etc/', 'etc/a:1', 'etc/b:2'],
        ['etc/', 'etc/.wh.a'],
      ],
      ['/etc/@1', '/etc/b:2@0'],
    ],
    [
      'a whiteout deletes a directory and everything below it',
      [['var/', 'var/lib/', 'var/lib/apt/', 'var/lib/apt/lists:30', 'var/lib/keep:1'], ['var/lib/.wh.apt']],
      ['/var/@0', '/var/lib/@0', '/var/lib/keep:1@0'],
    ],
    [
      'a whiteout does not touch what its own layer writes, before or after it',
      [
        ['a:1', 'b:1'],
        ['a:5', '.wh.a', '.wh.b', 'b:6'],
      ],
      ['/a:5@1', '/b:6@1'],
    ],
    [
      'a whiteout of a directory keeps what its own layer put in it',
      [
        ['d/', 'd/old:1'],
        ['d/new:2', 'd/sub/', 'd/sub/deeper:3', '.wh.d'],
      ],
      ['/d/@1', '/d/new:2@1', '/d/sub/@1', '/d/sub/deeper:3@1'],
    ],
    [
      'an opaque directory hides lower contents, marker first',
      [
        ['bin/', 'bin/a:1', 'bin/tools/', 'bin/tools/t:2'],
        ['bin/', 'bin/.wh..wh..opq', 'bin/b:3'],
      ],
      ['/bin/@1', '/bin/b:3@1'],
    ],
    [
      'an opaque directory hides lower contents, marker last (order does not matter)',
      [
        ['bin/', 'bin/a:1', 'bin/tools/', 'bin/tools/t:2'],
        ['bin/', 'bin/b:3', 'bin/tools/', 'bin/tools/n:4', 'bin/.wh..wh..opq'],
      ],
      ['/bin/@1', '/bin/b:3@1', '/bin/tools/@1', '/bin/tools/n:4@1'],
    ],
    [
      'an opaque marker without a directory entry still makes the directory',
      [['x:1'], ['new/.wh..wh..opq']],
      ['/new/@1', '/x:1@0'],
    ],
    [
      'an opaque marker at the root hides every lower path',
      [
        ['a:1', 'd/', 'd/b:2'],
        ['.wh..wh..opq', 'c:3'],
      ],
      ['/c:3@1'],
    ],
    ['a directory over a directory keeps its children', [['d/', 'd/a:1'], ['d/']], ['/d/@1', '/d/a:1@0']],
    ['a file over a directory removes the whole directory', [['d/', 'd/a:1'], ['d:7']], ['/d:7@1']],
    ['a directory over a file replaces the file', [['d:7'], ['d/', 'd/a:1']], ['/d/@1', '/d/a:1@1']],
    ['an entry below a file turns the file into a directory', [['d:7'], ['d/a:1']], ['/d/@1', '/d/a:1@1']],
    [
      'parent directories missing from the tar are made',
      [['usr/local/bin/app:5']],
      ['/usr/@0', '/usr/local/@0', '/usr/local/bin/@0', '/usr/local/bin/app:5@0'],
    ],
    [
      'entries land through a symlinked parent (usrmerge)',
      [['usr/', 'usr/lib/', 'lib -> usr/lib'], ['lib/libc.so:9']],
      ['/lib -> usr/lib@0', '/usr/@0', '/usr/lib/@0', '/usr/lib/libc.so:9@1'],
    ],
    [
      'entries land through an absolute symlink, resolved inside the image',
      [['opt/', 'opt/real/', 'opt/app -> /opt/real'], ['opt/app/bin:4']],
      ['/opt/@0', '/opt/app -> /opt/real@0', '/opt/real/@0', '/opt/real/bin:4@1'],
    ],
    [
      'a whiteout reaches through a symlinked parent',
      [['usr/', 'usr/lib/', 'usr/lib/x:1', 'lib -> usr/lib'], ['lib/.wh.x']],
      ['/lib -> usr/lib@0', '/usr/@0', '/usr/lib/@0'],
    ],
    [
      'a symlink as the entry itself is replaced, not followed',
      [['real/', 'real/f:1', 'link -> real'], ['link:2']],
      ['/link:2@1', '/real/@0', '/real/f:1@0'],
    ],
    [
      'a whiteout of a path that does not exist changes nothing',
      [['a:1'], ['.wh.missing', 'nodir/.wh.x']],
      ['/a:1@0'],
    ],
    ['aufs bookkeeping entries are ignored', [['a:1'], ['.wh..wh.plnk', '.wh..wh.aufs']], ['/a:1@0']],
    [
      'hard links and zero-byte files are entries of 0 bytes',
      [['bin/', 'bin/busybox:100', 'bin/sh => bin/busybox', 'empty']],
      ['/bin/@0', '/bin/busybox:100@0', '/bin/sh => /bin/busybox@0', '/empty:0@0'],
    ],
  ])('%s', async (_name, layers, expected) => {
    const { fs } = await build(...layers);
    expect(listing(fs)).toEqual(expected);
  });

  it('reports every removed path with the layer that wrote it, the layer that removed it, and why', async () => {
    const { removed } = await build(
      ['etc/', 'etc/conf:10', 'var/', 'var/cache/', 'var/cache/a:1', 'var/cache/b:2', 'bin/', 'bin/x:3'],
      ['etc/conf:20', 'var/.wh.cache', 'bin/.wh..wh..opq'],
    );
    expect(removed).toEqual([
      {
        path: '/etc/conf',
        size: 10,
        writtenBy: 0,
        removal: { layerIndex: 1, reason: 'overwritten', cause: '/etc/conf' },
      },
      {
        path: '/var/cache/a',
        size: 1,
        writtenBy: 0,
        removal: { layerIndex: 1, reason: 'deleted', cause: '/var/cache' },
      },
      {
        path: '/var/cache/b',
        size: 2,
        writtenBy: 0,
        removal: { layerIndex: 1, reason: 'deleted', cause: '/var/cache' },
      },
      {
        path: '/var/cache',
        size: 0,
        writtenBy: 0,
        removal: { layerIndex: 1, reason: 'deleted', cause: '/var/cache' },
      },
      { path: '/bin/x', size: 3, writtenBy: 0, removal: { layerIndex: 1, reason: 'opaque', cause: '/bin' } },
    ]);
  });

  it('reports a directory replaced by a file, and a file replaced by a directory, as "replaced" below', async () => {
    const { removed } = await build(['d/', 'd/a:1', 'f:2'], ['d:3', 'f/x:4']);
    expect(removed.map((r) => [r.path, r.removal.reason, r.removal.cause])).toEqual([
      ['/d/a', 'overwritten', '/d'],
      ['/d', 'overwritten', '/d'],
      ['/f', 'replaced', '/f'],
    ]);
  });

  it.each<[string, string[][], Partial<Anomaly>]>([
    [
      'a symlink loop',
      [['a -> b', 'b -> a'], ['a/x:1']],
      { kind: 'symlink-loop', path: '/a/x', layerIndex: 1 },
    ],
    [
      'a path climbing above the root',
      [['../../etc/passwd:1']],
      { kind: 'escapes-root', path: '../../etc/passwd' },
    ],
    ['a whiteout naming nothing', [['a:1'], ['.wh.']], { kind: 'invalid-whiteout', path: '/.wh.' }],
    [
      'a whiteout naming the parent',
      [['d/', 'd/a:1'], ['d/.wh..']],
      { kind: 'invalid-whiteout', path: '/d/.wh..' },
    ],
    ['the same path twice in one layer', [['a:1', 'a:2']], { kind: 'duplicate-in-layer', path: '/a' }],
  ])('notes odd entries instead of failing: %s', async (_name, layers, anomaly) => {
    const { anomalies } = await build(...layers);
    expect(anomalies).toEqual([expect.objectContaining(anomaly)]);
  });

  it('keeps a layer from deleting its parent through an invalid whiteout', async () => {
    const { fs } = await build(['d/', 'd/a:1'], ['d/.wh..', 'd/.wh.']);
    expect(listing(fs)).toEqual(['/d/@0', '/d/a:1@0']);
  });

  it('applies "../" inside the image, clamped at the root', async () => {
    const { fs } = await build(['../../etc/passwd:1', 'a/../b:2']);
    expect(listing(fs)).toEqual(['/b:2@0', '/etc/@0', '/etc/passwd:1@0']);
  });

  it('resolves paths through symlinks, the last component too', async () => {
    const { fs } = await build(
      [
        'usr/',
        'usr/lib/',
        'usr/lib/x86_64-linux-gnu/',
        'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2:200',
        'lib64 -> usr/lib/x86_64-linux-gnu',
        'lib -> usr/lib',
      ],
      [
        'usr/lib/x86_64-linux-gnu/libc.so.6 -> ../../../lib/x86_64-linux-gnu/libc-real.so',
        'usr/lib/x86_64-linux-gnu/libc-real.so:900',
        'dangling -> /nowhere',
        'loop -> loop',
      ],
    );
    expect(fs.resolve('/lib64/ld-linux-x86-64.so.2')).toMatchObject({
      path: '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
      size: 200,
    });
    expect(fs.resolve('/lib/x86_64-linux-gnu/libc.so.6')).toMatchObject({
      path: '/usr/lib/x86_64-linux-gnu/libc-real.so',
      size: 900,
      layerIndex: 1,
    });
    expect(fs.get('/lib64/ld-linux-x86-64.so.2')).toBeUndefined();
    expect(fs.get('/lib64')).toMatchObject({ kind: 'symlink', linkname: 'usr/lib/x86_64-linux-gnu' });
    expect(fs.resolve('/dangling')).toBeUndefined();
    expect(fs.resolve('/loop')).toBeUndefined();
    expect(fs.resolve('usr/lib')).toMatchObject({ path: '/usr/lib', kind: 'directory' });
  });

  it('counts what the final filesystem holds', async () => {
    const { fs } = await build(['bin/', 'bin/a:10', 'bin/b => bin/a', 'bin/c -> a', 'big:100'], ['.wh.big']);
    expect(fs.totals()).toEqual({ bytes: 10, files: 1, directories: 1, symlinks: 1, hardlinks: 1, other: 0 });
  });

  it('applies the entries a layer tar streams', async () => {
    const fs = new LayeredFilesystem();
    await applyLayer(fs, 0, readLayerEntries(streamOf(await tarOf(['etc/', 'etc/a:3', 'etc/b:4']))));
    const { tar } = await openLayer(streamOf(gzip(await tarOf(['etc/', 'etc/.wh.a', 'etc/c -> b']))));
    await applyLayer(fs, 1, readLayerEntries(tar));
    expect(listing(fs)).toEqual(['/etc/@1', '/etc/b:4@0', '/etc/c -> b@1']);
  });

  it('refuses layers out of order', async () => {
    const fs = new LayeredFilesystem();
    fs.beginLayer(0);
    fs.beginLayer(1);
    expect(() => fs.beginLayer(1)).toThrow('in order');
    expect(() => new LayeredFilesystem().apply(entryOf('a:1'))).toThrow('beginLayer');
  });
});
