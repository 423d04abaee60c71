import { describe, expect, it } from 'vitest';
import {
  analyzeLayers,
  diffFilesystems,
  LayeredFilesystem,
  rollUp,
} from '../../../src/analysis/layers/index.js';
import { formatDelta } from '../../../src/core/bytes.js';
import { entryOf, layersOf } from './fixtures.js';

const MB = 1_000_000;

function fsOf(...layers: string[][]): LayeredFilesystem {
  const fs = new LayeredFilesystem();
  for (const [index, layer] of layers.entries()) {
    fs.beginLayer(index);
    for (const text of layer) fs.apply(entryOf(text));
  }
  return fs;
}

describe('diffFilesystems', () => {
  it('shows the three files behind a 40 MB jump, largest first, and rolls them up by directory', () => {
    const base = fsOf([
      'etc/',
      'etc/hostname:10',
      'usr/',
      'usr/lib/',
      'usr/lib/x86_64-linux-gnu/',
      `usr/lib/x86_64-linux-gnu/libc.so.6:${2 * MB}`,
      'app/',
      `app/server:${8 * MB}`,
      'app/old-asset:5000',
    ]);
    const head = fsOf([
      'etc/',
      'etc/hostname:12',
      'usr/',
      'usr/lib/',
      'usr/lib/x86_64-linux-gnu/',
      `usr/lib/x86_64-linux-gnu/libc.so.6:${2 * MB}`,
      `usr/lib/x86_64-linux-gnu/libLLVM.so.15:${25 * MB}`,
      `usr/lib/x86_64-linux-gnu/libicudata.so.72:${7 * MB}`,
      'app/',
      `app/server:${16 * MB}`,
      'app/link -> server',
    ]);
    const diff = diffFilesystems(base, head);
    expect(diff.delta).toBe(25 * MB + 7 * MB + 8 * MB + 2 - 5000);
    expect(diff.headBytes - diff.baseBytes).toBe(diff.delta);
    expect(diff.files.slice(0, 3).map((file) => [file.path, file.change, file.delta])).toEqual([
      ['/usr/lib/x86_64-linux-gnu/libLLVM.so.15', 'added', 25 * MB],
      ['/app/server', 'grown', 8 * MB],
      ['/usr/lib/x86_64-linux-gnu/libicudata.so.72', 'added', 7 * MB],
    ]);
    expect(diff.files.slice(3)).toEqual([
      {
        path: '/app/old-asset',
        change: 'removed',
        kind: 'file',
        baseBytes: 5000,
        headBytes: null,
        delta: -5000,
      },
      { path: '/etc/hostname', change: 'grown', kind: 'file', baseBytes: 10, headBytes: 12, delta: 2 },
      { path: '/app/link', change: 'added', kind: 'symlink', baseBytes: null, headBytes: 0, delta: 0 },
    ]);
    expect(diff.counts).toEqual({ added: 3, removed: 1, grown: 2, shrunk: 0 });
    expect(diff.bytes).toEqual({ added: 32 * MB, removed: 5000, grown: 8 * MB + 2, shrunk: 0 });

    expect(diff.directories.map((dir) => `${dir.path} ${formatDelta(dir.delta)}`)).toEqual([
      '/usr/lib/x86_64-linux-gnu +32.0 MB',
      '/app +8.00 MB',
      '/etc +2 B',
    ]);
    expect(diff.directories[0]).toEqual({
      path: '/usr/lib/x86_64-linux-gnu',
      delta: 32 * MB,
      addedBytes: 32 * MB,
      removedBytes: 0,
      grownBytes: 0,
      shrunkBytes: 0,
      files: 2,
      largest: [
        { path: '/usr/lib/x86_64-linux-gnu/libLLVM.so.15', delta: 25 * MB },
        { path: '/usr/lib/x86_64-linux-gnu/libicudata.so.72', delta: 7 * MB },
      ],
    });
    expect(diff.directories[1]).toMatchObject({
      path: '/app',
      grownBytes: 8 * MB,
      removedBytes: 5000,
      files: 2,
    });
    expect(diff.directories.reduce((sum, dir) => sum + dir.delta, 0)).toBe(diff.delta);
  });

  it('sees no change between equal filesystems', () => {
    const diff = diffFilesystems(fsOf(['a:1', 'd/', 'd/b:2']), fsOf(['d/', 'd/b:2', 'a:1']));
    expect(diff).toMatchObject({
      delta: 0,
      files: [],
      directories: [],
      counts: { added: 0, removed: 0, grown: 0, shrunk: 0 },
    });
  });

  it('treats a path that changes between file and directory as removed on one side and added on the other', () => {
    const diff = diffFilesystems(fsOf(['x:10']), fsOf(['x/', 'x/y:4']));
    expect(diff.files.map((file) => [file.path, file.change, file.delta])).toEqual([
      ['/x', 'removed', -10],
      ['/x/y', 'added', 4],
    ]);
  });

  it('keeps the file list to the limit but counts everything', () => {
    const diff = diffFilesystems(fsOf([]), fsOf(['a:3', 'b:2', 'c:1']), { fileLimit: 1 });
    expect(diff.files.map((file) => file.path)).toEqual(['/a']);
    expect(diff).toMatchObject({ filesOmitted: 2, counts: { added: 3 }, delta: 6 });
  });

  it('compares images whose layers use whiteouts and opaque directories on both sides', async () => {
    const base = await analyzeLayers(
      await layersOf(
        [
          'etc/',
          'etc/apt/',
          'etc/apt/sources.list:100',
          'var/',
          'var/cache/',
          'var/cache/pkg.deb:5000',
          'opt/',
          'opt/a:10',
          'opt/b:20',
        ],
        ['var/', 'var/.wh.cache', 'opt/', 'opt/.wh..wh..opq', 'opt/c:30'],
      ),
    );
    const head = await analyzeLayers(
      await layersOf(
        ['etc/', 'etc/apt/', 'etc/apt/sources.list:100', 'opt/', 'opt/c:30', 'srv/', 'srv/big:9000'],
        ['etc/.wh.apt', 'srv/', 'srv/.wh..wh..opq', 'srv/small:900'],
      ),
    );
    expect([...base.filesystem.walk()].filter((r) => r.kind === 'file').map((r) => r.path)).toEqual([
      '/etc/apt/sources.list',
      '/opt/c',
    ]);
    expect([...head.filesystem.walk()].filter((r) => r.kind === 'file').map((r) => r.path)).toEqual([
      '/opt/c',
      '/srv/small',
    ]);
    const diff = diffFilesystems(base.filesystem, head.filesystem);
    expect(diff.files.map((file) => [file.path, file.change, file.delta])).toEqual([
      ['/srv/small', 'added', 900],
      ['/etc/apt/sources.list', 'removed', -100],
    ]);
    expect(diff.directories.map((dir) => [dir.path, dir.delta])).toEqual([
      ['/srv', 900],
      ['/etc/apt', -100],
    ]);
    expect(base.wasted.bytes).toBe(5000 + 10 + 20);
    expect(head.wasted.bytes).toBe(100 + 9000);
  });
});

describe('rollUp', () => {
  const change = (path: string, delta: number) => ({
    path,
    change: delta > 0 ? ('added' as const) : ('removed' as const),
    kind: 'file' as const,
    baseBytes: delta > 0 ? null : -delta,
    headBytes: delta > 0 ? delta : null,
    delta,
  });

  it.each<[string, [string, number][], number, number, [string, number][]]>([
    [
      'zooms into the one subdirectory that holds all changes',
      [
        ['/usr/local/go/bin/go', 15],
        ['/usr/local/go/pkg/tool/compile', 20],
      ],
      2,
      6,
      [['/usr/local/go', 35]],
    ],
    [
      'stays at the starting depth when changes spread over subdirectories',
      [
        ['/usr/lib/a/x', 5],
        ['/usr/lib/b/y', 7],
      ],
      2,
      6,
      [['/usr/lib', 12]],
    ],
    ['zooms no deeper than the limit', [['/a/b/c/d/e/f/g/file', 1]], 2, 4, [['/a/b/c/d', 1]]],
    [
      'groups root-level files under "/" and shallow files under their directory',
      [
        ['/app', 10],
        ['/etc/passwd', 1],
        ['/etc/ssl/certs/ca.pem', 3],
      ],
      2,
      6,
      [
        ['/', 10],
        ['/etc/ssl/certs', 3],
        ['/etc', 1],
      ],
    ],
    [
      'sorts by absolute impact, shrinking included',
      [
        ['/a/x/f', 5],
        ['/b/y/g', -9],
        ['/c/z/h', 1],
      ],
      2,
      6,
      [
        ['/b/y', -9],
        ['/a/x', 5],
        ['/c/z', 1],
      ],
    ],
    [
      'starts at depth 1 when asked',
      [
        ['/usr/lib/a', 1],
        ['/usr/share/b', 2],
      ],
      1,
      6,
      [['/usr', 3]],
    ],
  ])('%s', (_name, changes, depth, maxDepth, expected) => {
    const rows = rollUp(
      changes.map(([path, delta]) => change(path, delta)),
      depth,
      maxDepth,
    );
    expect(rows.map((row) => [row.path, row.delta])).toEqual(expected);
  });
});
