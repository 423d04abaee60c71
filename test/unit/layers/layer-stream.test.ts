import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  compressionOf,
  decodePathBytes,
  type LayerEntry,
  openLayer,
  readLayerEntries,
  readTarEntries,
} from '../../../src/oci/layer-stream.js';
import { bytes, concat, gzip, rawFile, rawTar, streamOf, tarOf, ustarHeader, zstd } from './fixtures.js';

async function entriesOf(tar: Readable | AsyncIterable<Uint8Array>): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  for await (const { entry } of readTarEntries(tar)) entries.push(entry);
  return entries;
}

const LONG_DIR = `very/${'deep/'.repeat(30)}`;

const variety = [
  'etc/',
  'etc/empty',
  'etc/hosts:12',
  'bin/',
  'bin/busybox:1000',
  'bin/sh => bin/busybox',
  'bin/ls -> busybox',
  'lib64 -> /usr/lib',
  `${LONG_DIR}`,
  `${LONG_DIR}file-with-a-long-name.txt:513`,
  `${LONG_DIR}link -> /${LONG_DIR}file-with-a-long-name.txt`,
  'exact:512',
];

describe('compressionOf', () => {
  it.each([
    ['gzip', [0x1f, 0x8b, 0x08, 0x00], 'gzip'],
    ['zstd frame', [0x28, 0xb5, 0x2f, 0xfd], 'zstd'],
    ['zstd skippable frame', [0x50, 0x2a, 0x4d, 0x18], 'zstd'],
    ['zstd skippable frame, last magic', [0x5f, 0x2a, 0x4d, 0x18], 'zstd'],
    ['a tar header', [0x65, 0x74, 0x63, 0x2f], 'none'],
    ['too short to tell', [0x1f], 'none'],
    ['empty', [], 'none'],
  ] as const)('%s', (_name, head, expected) => {
    expect(compressionOf(new Uint8Array(head))).toBe(expected);
  });
});

describe('openLayer', () => {
  const mediaTypes = [
    'application/vnd.oci.image.layer.v1.tar',
    'application/vnd.oci.image.layer.v1.tar+gzip',
    'application/vnd.oci.image.layer.v1.tar+zstd',
    undefined,
  ];
  const compressions = [
    ['gzip', gzip],
    ['zstd', zstd],
    ['none', (tar: Uint8Array) => tar],
  ] as const;

  for (const [compression, compress] of compressions) {
    it.each(mediaTypes)(
      `reads a ${compression} blob whatever the media type says (%s)`,
      async (mediaType) => {
        const tar = await tarOf(variety);
        const expected = await entriesOf(streamOf(tar));
        const opened = await openLayer(streamOf(compress(tar), 3), mediaType);
        expect(opened.compression).toBe(compression);
        expect(await entriesOf(opened.tar)).toEqual(expected);
      },
    );
  }

  it('reports what the media type declared, so a mislabelled blob can be named', async () => {
    const opened = await openLayer(
      streamOf(await tarOf(['a:1'])),
      'application/vnd.oci.image.layer.v1.tar+gzip',
    );
    expect(opened).toMatchObject({ compression: 'none', declared: 'gzip' });
  });

  it('treats an empty blob as an empty layer', async () => {
    const opened = await openLayer(Readable.from([]));
    expect(await entriesOf(opened.tar)).toEqual([]);
  });

  it('streams: the first entry arrives long before the blob is fully read', async () => {
    const tar = await tarOf([
      'first:10',
      ...Array.from({ length: 50 }, (_, i) => ({ path: `f${i}`, content: randomBytes(100_000) })),
    ]);
    const blob = gzip(tar);
    let pulled = 0;
    const chunkSize = 16 * 1024;
    const source = Readable.from(
      (function* () {
        for (let offset = 0; offset < blob.length; offset += chunkSize) {
          pulled += 1;
          yield blob.subarray(offset, offset + chunkSize);
        }
      })(),
    );
    const { tar: stream } = await openLayer(source);
    for await (const { entry } of readTarEntries(stream)) {
      expect(entry.path).toBe('first');
      break;
    }
    expect(pulled).toBeLessThan(Math.ceil(blob.length / chunkSize) / 2);
  });

  it('passes a corrupt gzip stream on as an error', async () => {
    const blob = gzip(await tarOf(['a:100000']));
    blob[blob.length - 6]! ^= 0xff; // corrupt the CRC trailer
    const { tar } = await openLayer(streamOf(blob));
    await expect(entriesOf(tar)).rejects.toThrow();
  });

  it('passes an error of the blob itself on (a dropped connection)', async () => {
    const blob = gzip(await tarOf(['a:100000']));
    const failing = Readable.from(
      (async function* () {
        yield blob.subarray(0, 100);
        throw new Error('connection reset');
      })(),
    );
    const { tar } = await openLayer(failing);
    await expect(entriesOf(tar)).rejects.toThrow('connection reset');
  });

  it('releases the blob when the reader stops early', async () => {
    const blob = gzip(await tarOf(['a:10', 'b:100000']));
    const source = streamOf(blob, 1024);
    const { tar } = await openLayer(source);
    for await (const _ of readTarEntries(tar)) break;
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.destroyed).toBe(true);
  });
});

describe('readTarEntries', () => {
  it('reads zero-byte files, hard links, symlinks, long names (PAX) and sizes on block edges', async () => {
    const entries = await entriesOf(streamOf(await tarOf(variety), 7));
    expect(entries).toEqual([
      { path: 'etc', kind: 'directory', size: 0, mode: 0o755, linkname: null, linknameBytes: 0 },
      { path: 'etc/empty', kind: 'file', size: 0, mode: 0o644, linkname: null, linknameBytes: 0 },
      { path: 'etc/hosts', kind: 'file', size: 12, mode: 0o644, linkname: null, linknameBytes: 0 },
      { path: 'bin', kind: 'directory', size: 0, mode: 0o755, linkname: null, linknameBytes: 0 },
      { path: 'bin/busybox', kind: 'file', size: 1000, mode: 0o644, linkname: null, linknameBytes: 0 },
      {
        path: 'bin/sh',
        kind: 'hardlink',
        size: 0,
        mode: expect.any(Number),
        linkname: 'bin/busybox',
        linknameBytes: 11,
      },
      {
        path: 'bin/ls',
        kind: 'symlink',
        size: 0,
        mode: expect.any(Number),
        linkname: 'busybox',
        linknameBytes: 7,
      },
      {
        path: 'lib64',
        kind: 'symlink',
        size: 0,
        mode: expect.any(Number),
        linkname: '/usr/lib',
        linknameBytes: 8,
      },
      {
        path: LONG_DIR.slice(0, -1),
        kind: 'directory',
        size: 0,
        mode: 0o755,
        linkname: null,
        linknameBytes: 0,
      },
      {
        path: `${LONG_DIR}file-with-a-long-name.txt`,
        kind: 'file',
        size: 513,
        mode: 0o644,
        linkname: null,
        linknameBytes: 0,
      },
      {
        path: `${LONG_DIR}link`,
        kind: 'symlink',
        size: 0,
        mode: expect.any(Number),
        linkname: `/${LONG_DIR}file-with-a-long-name.txt`,
        linknameBytes: LONG_DIR.length + 'file-with-a-long-name.txt'.length + 1,
      },
      { path: 'exact', kind: 'file', size: 512, mode: 0o644, linkname: null, linknameBytes: 0 },
    ]);
    expect(LONG_DIR.length).toBeGreaterThan(100);
  });

  it('hands out content, and skips what the reader leaves', async () => {
    const tar = await tarOf([
      { path: 'a', content: 'hello world' },
      { path: 'b', content: new Uint8Array(70_000).fill(7) },
      { path: 'c', content: 'tail' },
    ]);
    const seen: Record<string, string | number> = {};
    for await (const { entry, body } of readTarEntries(streamOf(tar, 1000))) {
      if (entry.path === 'a') seen.a = Buffer.from(await body.readAll()).toString();
      if (entry.path === 'b') seen.b = (await body.read(10))!.length; // then leave the rest unread
      if (entry.path === 'c') seen.c = Buffer.from(await body.readAll()).toString();
    }
    expect(seen).toEqual({ a: 'hello world', b: 10, c: 'tail' });
  });

  it('rejects content reads after moving on', async () => {
    const tar = await tarOf(['a:10', 'b:10']);
    const bodies = [];
    for await (const { body } of readTarEntries(streamOf(tar))) bodies.push(body);
    await expect(bodies[0]!.read()).rejects.toThrow('after moving on');
  });

  it('fails on a header with a bad checksum, naming the offset', async () => {
    const tar = await tarOf(['a:10', 'b:10']);
    tar[1024] = tar[1024]! ^ 0x01; // first byte of the second header's name
    await expect(entriesOf(streamOf(tar))).rejects.toThrow('header at byte 1024 fails its checksum');
  });

  it('fails on a tar cut inside an entry', async () => {
    const tar = await tarOf(['a:100000']);
    await expect(entriesOf(streamOf(tar.subarray(0, 5000)))).rejects.toThrow('truncated');
  });

  it('reads GNU long names and long link names (typeflags L and K)', async () => {
    const longName = bytes(`${'n'.repeat(150)}/file`);
    const longLink = bytes(`/${'t'.repeat(200)}`);
    const block = (data: Uint8Array) => {
      const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
      out.set(data);
      return out;
    };
    const tar = rawTar(
      ustarHeader({ name: bytes('././@LongLink'), typeflag: 'L', size: longName.length + 1 }),
      block(bytes(longName, 0)),
      ustarHeader({ name: bytes('truncated-name'), size: 3 }),
      block(bytes('abc')),
      ustarHeader({ name: bytes('././@LongLink'), typeflag: 'K', size: longLink.length }),
      block(longLink),
      ustarHeader({ name: bytes('link'), typeflag: '2' }),
    );
    expect(await entriesOf(streamOf(tar, 100))).toEqual([
      {
        path: `${'n'.repeat(150)}/file`,
        kind: 'file',
        size: 3,
        mode: 0o644,
        linkname: null,
        linknameBytes: 0,
      },
      {
        path: 'link',
        kind: 'symlink',
        size: 0,
        mode: 0o644,
        linkname: `/${'t'.repeat(200)}`,
        linknameBytes: 201,
      },
    ]);
  });

  it('takes the size from a PAX record over the header', async () => {
    const record = bytes('12 size=700\n');
    const tar = rawTar(
      ustarHeader({ name: bytes('PaxHeader'), typeflag: 'x', size: record.length }),
      concat([record, new Uint8Array(512 - record.length)]),
      ustarHeader({ name: bytes('big'), size: 0 }),
      new Uint8Array(1024),
      ustarHeader({ name: bytes('after'), size: 1 }),
      new Uint8Array(512),
    );
    expect(await entriesOf(streamOf(tar))).toMatchObject([
      { path: 'big', size: 700 },
      { path: 'after', size: 1 },
    ]);
  });

  it('reads GNU base-256 sizes', async () => {
    const header = ustarHeader({ name: bytes('big'), size: 0 });
    header.fill(0, 124, 136);
    header[124] = 0x80;
    header[135] = 3; // 3 bytes, written base-256
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    const tar = rawTar(header, new Uint8Array(512).fill(1, 0, 3));
    expect(await entriesOf(streamOf(tar))).toMatchObject([{ path: 'big', size: 3 }]);
  });
});

describe('names that are not UTF-8', () => {
  const latin1Cafe = bytes('caf', 0xe9); // "café" in Latin-1: invalid UTF-8
  const utf8Cafe = bytes('café');

  for (const viaPax of [false, true]) {
    it(`keep distinct names distinct and printable (${viaPax ? 'PAX path record' : 'ustar name field'})`, async () => {
      const tar = rawTar(
        rawFile(latin1Cafe, bytes('1'), viaPax),
        rawFile(utf8Cafe, bytes('22'), viaPax),
        rawFile(bytes('x', 0xff), bytes('333'), viaPax),
        rawFile(bytes('x', 0xfe), bytes('4444'), viaPax),
      );
      const entries = await entriesOf(streamOf(tar));
      expect(entries.map((entry) => [entry.path, entry.size])).toEqual([
        ['caf\\xe9', 1],
        ['café', 2],
        ['x\\xff', 3],
        ['x\\xfe', 4],
      ]);
    });
  }

  it('escape a symlink target too, and tell its length in bytes as stored', async () => {
    const tar = rawTar(
      ustarHeader({ name: bytes('link'), typeflag: '2', linkname: bytes('caf', 0xe9, '\\x41') }),
    );
    expect(await entriesOf(streamOf(tar))).toMatchObject([
      { path: 'link', kind: 'symlink', linkname: 'caf\\xe9\\x5cx41', linknameBytes: 8 },
    ]);
  });

  it.each([
    [
      'valid UTF-8 stays as it is',
      bytes('usr/share/zoneinfo/Amérique/Montréal 🕐'),
      'usr/share/zoneinfo/Amérique/Montréal 🕐',
    ],
    ['a lone continuation byte', bytes('a', 0x80, 'b'), 'a\\x80b'],
    ['an overlong encoding of "/"', bytes(0xc0, 0xaf), '\\xc0\\xaf'],
    ['an encoded surrogate', bytes(0xed, 0xa0, 0x80), '\\xed\\xa0\\x80'],
    ['a code point above U+10FFFF', bytes(0xf4, 0x90, 0x80, 0x80), '\\xf4\\x90\\x80\\x80'],
    ['a sequence cut short', bytes('a', 0xe2, 0x82), 'a\\xe2\\x82'],
    ['control characters', bytes('line', 0x0a, 'tab', 0x09, 0x7f), 'line\\x0atab\\x09\\x7f'],
    [
      'a literal backslash-x-hex-hex (systemd escapes)',
      bytes('dev-disk-by\\x2duuid'),
      'dev-disk-by\\x5cx2duuid',
    ],
    ['other backslashes', bytes('a\\b\\x'), 'a\\b\\x'],
  ])('%s', (_name, input, expected) => {
    expect(decodePathBytes(input)).toBe(expected);
  });

  it('never maps two byte strings to one name', () => {
    const inputs = [
      bytes(0xe9),
      bytes('\\xe9'),
      bytes('\\x5cxe9'),
      bytes(0x5c, 0x78, 0x65, 0x39),
      bytes(0xc3, 0xa9),
      bytes('é'),
    ];
    const names = new Map<string, string>();
    for (const input of inputs) names.set(Buffer.from(input).toString('hex'), decodePathBytes(input));
    expect(new Set(names.values()).size).toBe(names.size);
  });
});

describe('readLayerEntries (the stream-based API)', () => {
  it('hands each regular file to onContent as a stream, and skips what it leaves', async () => {
    const tar = await tarOf([
      { path: 'a', content: 'alpha' },
      'dir/',
      { path: 'dir/b', content: new Uint8Array(100_000).fill(2) },
      { path: 'c', content: 'gamma' },
    ]);
    const contents: Record<string, string> = {};
    const paths: string[] = [];
    for await (const entry of readLayerEntries(streamOf(tar, 4096), async (file, content) => {
      if (file.path === 'dir/b') {
        for await (const _chunk of content) break; // read a little, then give up
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of content) chunks.push(chunk);
      contents[file.path] = Buffer.concat(chunks).toString();
    })) {
      paths.push(entry.path);
    }
    expect(paths).toEqual(['a', 'dir', 'dir/b', 'c']);
    expect(contents).toEqual({ a: 'alpha', c: 'gamma' });
  });
});
