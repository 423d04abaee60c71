import { describe, expect, it } from 'vitest';
import {
  compareImages,
  compareLayers,
  comparePlatform,
  instructionKey,
  normalizeInstruction,
  percentChange,
} from '../../../src/core/compare.js';
import type { ImageMeasure } from '../../../src/core/model.js';
import { bloatedHead, layer, leanBase, platformMeasure } from './fixtures.js';

describe('normalizeInstruction', () => {
  it.each([
    [
      'BuildKit RUN with build args',
      'RUN |2 TARGETOS=linux TARGETARCH=amd64 /bin/sh -c go build -o /out/app . # buildkit',
      'RUN go build -o /out/app .',
    ],
    [
      'BuildKit RUN without args',
      'RUN /bin/sh -c apk add --no-cache git # buildkit',
      'RUN apk add --no-cache git',
    ],
    [
      'an arg value with spaces before the shell',
      'RUN |1 MSG=hello big world /bin/sh -c echo "$MSG" # buildkit',
      'RUN echo "$MSG"',
    ],
    ['exec form with args and no shell', 'RUN |2 A=1 B=2 go build ./... # buildkit', 'RUN go build ./...'],
    ['BuildKit COPY', 'COPY /out/server /app/server # buildkit', 'COPY /out/server /app/server'],
    ['BuildKit WORKDIR', 'WORKDIR /app', 'WORKDIR /app'],
    ['classic builder COPY', '/bin/sh -c #(nop) COPY file:0a1b in /app ', 'COPY file:0a1b in /app'],
    ['classic builder RUN', '/bin/sh -c apt-get update', 'RUN apt-get update'],
    [
      'classic builder RUN with args',
      '|1 VERSION=1.2 /bin/sh -c make VERSION=$VERSION',
      'RUN make VERSION=$VERSION',
    ],
    [
      'a heredoc with line breaks',
      'RUN /bin/sh -c set -e\n  go vet ./...\n\tgo build . # buildkit',
      'RUN set -e go vet ./... go build .',
    ],
    ['an imported layer with no instruction', '', ''],
    [
      'a "# buildkit" that is not the suffix',
      'RUN /bin/sh -c echo "# buildkit" > x',
      'RUN echo "# buildkit" > x',
    ],
  ])('%s', (_, raw, expected) => {
    expect(normalizeInstruction(raw)).toBe(expected);
  });

  it('keys ignore the classic builder content hashes but keep paths', () => {
    const a = `/bin/sh -c #(nop) COPY file:${'a'.repeat(64)} in /app `;
    const b = `/bin/sh -c #(nop) COPY file:${'b'.repeat(64)} in /app `;
    const c = `/bin/sh -c #(nop) COPY file:${'b'.repeat(64)} in /srv `;
    expect(instructionKey(a)).toBe(instructionKey(b));
    expect(instructionKey(a)).not.toBe(instructionKey(c));
  });
});

describe('percentChange', () => {
  it.each([
    [100, 150, 50],
    [200, 100, -50],
    [0, 0, 0],
    [0, 10, null],
    [3, 4, 100 / 3],
  ])('from %d to %d is %s', (base, head, expected) => {
    const got = percentChange(base, head);
    if (expected === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(expected, 10);
  });
});

describe('compareLayers', () => {
  const baseImage = layer('ADD rootfs.tar / # buildkit', 'busybox', 2_000_000, 1_000_000);
  const binary = (seed: string, size: number) => layer('COPY /out/app /app # buildkit', seed, size, size / 2);

  it('pairs identical digests as unchanged, the same instruction as changed, the rest as added or removed', () => {
    const certs = layer('COPY ca.crt /etc/ssl/certs/ # buildkit', 'certs', 200_000, 120_000);
    const lib = layer('COPY libsqlite3.so.0 /usr/lib/ # buildkit', 'sqlite', 1_400_000, 600_000);
    const rows = compareLayers(
      [baseImage, lib, binary('new', 14_000_000)],
      [baseImage, certs, binary('old', 5_000_000)],
    );
    expect(
      rows.map((r) => [r.status, r.matchedBy, r.step, r.head?.index ?? null, r.base?.index ?? null]),
    ).toEqual([
      ['unchanged', 'digest', 'ADD rootfs.tar /', 0, 0],
      ['removed', null, 'COPY ca.crt /etc/ssl/certs/', null, 1],
      ['added', null, 'COPY libsqlite3.so.0 /usr/lib/', 1, null],
      ['changed', 'instruction', 'COPY /out/app /app', 2, 2],
    ]);
    expect(rows.map((r) => r.delta)).toEqual([
      { compressed: 0, uncompressed: 0 },
      { compressed: -120_000, uncompressed: -200_000 },
      { compressed: 600_000, uncompressed: 1_400_000 },
      { compressed: 4_500_000, uncompressed: 9_000_000 },
    ]);
  });

  it('prefers a digest match over an instruction match, even out of order', () => {
    const a = binary('a', 10);
    const b = binary('b', 20);
    const rows = compareLayers([b, a], [a, b]);
    expect(rows.map((r) => [r.status, r.matchedBy, r.head?.index, r.base?.index])).toEqual([
      ['unchanged', 'digest', 0, 1],
      ['unchanged', 'digest', 1, 0],
    ]);
  });

  it('treats the same diff ID under another blob digest (another compression) as unchanged', () => {
    const gzip = layer('COPY x /x # buildkit', 'same-content', 1_000, 400);
    const zstd = { ...gzip, digest: 'sha256:feed', sizes: { compressed: 350, uncompressed: 1_000 } };
    const [row] = compareLayers([zstd], [gzip]);
    expect(row).toMatchObject({
      status: 'unchanged',
      matchedBy: 'diff-id',
      delta: { compressed: -50, uncompressed: 0 },
    });
  });

  it('matches instructions across changed build-arg values and BuildKit noise', () => {
    const base = layer('RUN |1 VERSION=1.4.0 /bin/sh -c make # buildkit', 'v1.4', 100, 50);
    const head = layer('RUN |1 VERSION=1.5.0 /bin/sh -c make # buildkit', 'v1.5', 120, 60);
    const [row] = compareLayers([head], [base]);
    expect(row).toMatchObject({ status: 'changed', matchedBy: 'instruction', step: 'RUN make' });
  });

  it('pairs repeated layers one to one, in order', () => {
    const empty = layer('WORKDIR /app', 'empty', 0, 32, 0);
    const rows = compareLayers([empty, empty, empty], [empty, empty]);
    expect(rows.map((r) => [r.status, r.head?.index, r.base?.index ?? null])).toEqual([
      ['unchanged', 0, 0],
      ['unchanged', 1, 1],
      ['added', 2, null],
    ]);
  });

  it('pairs repeated instructions in order', () => {
    const rows = compareLayers(
      [binary('h1', 10), binary('h2', 20)],
      [binary('b1', 1), binary('b2', 2), binary('b3', 3)],
    );
    expect(rows.map((r) => [r.status, r.head?.index ?? null, r.base?.index])).toEqual([
      ['changed', 0, 0],
      ['changed', 1, 1],
      ['removed', null, 2],
    ]);
  });

  it('pairs layers without a recorded instruction (imported bases) as changed', () => {
    const rows = compareLayers([layer('', 'glibc', 70, 30)], [layer('', 'busybox', 2, 1)]);
    expect(rows.map((r) => r.status)).toEqual(['changed']);
  });

  it('puts removed layers at the bottom when nothing below them was kept', () => {
    const rows = compareLayers([binary('x', 10)], [baseImage, layer('RUN /bin/sh -c true', 'r', 0, 30)]);
    expect(rows.map((r) => r.status)).toEqual(['removed', 'removed', 'added']);
  });

  it('keeps every layer of either side exactly once, in head order', () => {
    const head = Array.from({ length: 40 }, (_, i) =>
      layer(`RUN /bin/sh -c step ${i % 7}`, `h${i % 11}`, i, i),
    );
    const base = Array.from({ length: 30 }, (_, i) =>
      layer(`RUN /bin/sh -c step ${i % 5}`, `h${i % 13}`, i, i),
    );
    const rows = compareLayers(head, base);
    const headIndexes = rows.flatMap((r) => (r.head ? [r.head.index] : []));
    const baseIndexes = rows.flatMap((r) => (r.base ? [r.base.index] : [])).sort((a, b) => a - b);
    expect(headIndexes).toEqual(head.map((_, i) => i));
    expect(baseIndexes).toEqual(base.map((_, i) => i));
  });
});

describe('comparePlatform and compareImages', () => {
  it('gives both bases a delta and a percentage', () => {
    const base = platformMeasure(
      'linux/amd64',
      [layer('ADD a / # buildkit', 'a', 1_000_000, 400_000)],
      1_000,
      1_000,
    );
    const head = platformMeasure(
      'linux/amd64',
      [layer('ADD a / # buildkit', 'b', 1_500_000, 598_000)],
      1_000,
      2_000,
    );
    const p = comparePlatform(head, base);
    expect(p.presence).toBe('both');
    expect(p.delta).toEqual({ compressed: 199_000, uncompressed: 500_000 });
    expect(p.percent?.uncompressed).toBeCloseTo(50, 10);
    expect(p.percent?.compressed).toBeCloseTo((199_000 / 402_000) * 100, 10);
  });

  it('reports the realistic fixture per platform, in head order', () => {
    const result = compareImages(bloatedHead(), leanBase());
    expect(result.base).toEqual({ ref: 'localhost:5000/isg/demo:main', source: 'build' });
    expect(result.baseMissingReason).toBeNull();
    expect(result.platforms.map((p) => [p.platform, p.presence, p.delta?.uncompressed])).toEqual([
      ['linux/amd64', 'both', 74_783_642 + 1_447_376 + 14_926_712 - 1_985_432 - 213_777 - 5_509_304],
      ['linux/arm64', 'both', 71_233_900 + 1_380_544 + 14_102_336 - 1_772_120 - 213_777 - 5_308_600],
    ]);
    expect(result.platforms[0]!.layers.map((l) => `${l.status} ${l.step}`)).toEqual([
      'changed ADD rootfs-amd64.tar /',
      'removed COPY /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/',
      'added COPY /usr/lib/x86_64-linux-gnu/libsqlite3.so.0 /usr/lib/x86_64-linux-gnu/',
      'unchanged WORKDIR /app',
      'changed COPY /out/server /app/server',
      'unchanged COPY config.yaml /app/config.yaml',
      'changed RUN echo "$VERSION" > /app/VERSION',
    ]);
  });

  it('marks every head platform as head-only with the reason when there is no baseline', () => {
    const result = compareImages(bloatedHead(), null, 'the base commit has no Dockerfile');
    expect(result.base).toBeNull();
    expect(result.baseMissingReason).toBe('the base commit has no Dockerfile');
    for (const p of result.platforms) {
      expect(p).toMatchObject({ presence: 'head-only', base: null, delta: null, percent: null });
      expect(p.baseMissingReason).toBe('the base commit has no Dockerfile');
      expect(p.layers.every((l) => l.status === 'added')).toBe(true);
    }
  });

  it('reports platforms present on one side only', () => {
    const head: ImageMeasure = { ...bloatedHead(), platforms: [bloatedHead().platforms[0]!] };
    const riscv = platformMeasure('linux/riscv64', [layer('ADD r / # buildkit', 'r', 10, 5)]);
    const base: ImageMeasure = { ...leanBase(), platforms: [leanBase().platforms[1]!, riscv] };
    const result = compareImages(head, base);
    expect(result.platforms.map((p) => [p.platform, p.presence, p.baseMissingReason])).toEqual([
      ['linux/amd64', 'head-only', 'the base image localhost:5000/isg/demo:main has no linux/amd64 platform'],
      ['linux/arm64', 'base-only', null],
      ['linux/riscv64', 'base-only', null],
    ]);
    expect(result.platforms[1]!.layers.every((l) => l.status === 'removed')).toBe(true);
  });
});
