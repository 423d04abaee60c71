import { describe, expect, it } from 'vitest';
import type { FileRecord, FilesystemView } from '../../../src/analysis/layers/index.js';
import type { PlatformMeasure } from '../../../src/core/model.js';
import type { BinaryFacts, PlatformExplanation } from '../../../src/explain/explain.js';
import { findingsFor } from '../../../src/explain/findings.js';

function fs(records: Partial<FileRecord>[]): FilesystemView {
  const all = records.map(
    (r) => ({ kind: 'file', size: 0, mode: 0o644, linkname: null, layerIndex: 0, ...r }) as FileRecord,
  );
  return {
    get: (p) => all.find((r) => r.path === p),
    resolve: (p) => all.find((r) => r.path === p),
    walk: () => all,
  };
}

const measure = {
  platform: 'linux/amd64',
  layers: [
    { instruction: 'ADD rootfs-amd64.tar / # buildkit' },
    { instruction: 'COPY /usr/local/go /usr/local/go # buildkit' },
    { instruction: 'COPY /out/server /usr/local/bin/server # buildkit' },
  ],
} as unknown as PlatformMeasure;

function server(overrides: Partial<BinaryFacts> = {}): BinaryFacts {
  return {
    path: '/usr/local/bin/server',
    bytes: 8_000_000,
    layerIndex: 2,
    kind: 'go',
    goVersion: 'go1.24.4',
    mainModule: 'example.com/go-service',
    goVersionM: null,
    settings: { CGO_ENABLED: '0', '-trimpath': 'true' },
    linkage: { kind: 'static', interpreter: null, needed: [], missing: [], libraryBytes: 0 },
    strip: { stripped: true, hasDwarf: false, savingBytes: 0 },
    modules: [],
    modulesOmitted: 0,
    packages: [],
    packagesOmitted: 0,
    attributedFraction: null,
    ...overrides,
  };
}

function explanation(binaries: BinaryFacts[], baseBytes: number, fileBytes: number): PlatformExplanation {
  return {
    platform: 'linux/amd64',
    files: 10,
    fileBytes,
    baseImage: { layers: 1, bytes: baseBytes },
    wasted: { bytes: 0, files: 0, largest: [] },
    baseWastedBytes: null,
    efficiency: { score: 1, wastedBytes: 0 },
    duplicates: [],
    binaries,
    diff: null,
    modules: [],
    findings: [],
  };
}

const DYNAMIC = {
  kind: 'dynamic' as const,
  interpreter: '/lib64/ld-linux-x86-64.so.2',
  needed: ['libc.so.6'],
  missing: [] as string[],
  libraryBytes: 2_300_000,
};

describe('findingsFor', () => {
  it('a dynamic binary on a libc base: the CGO finding counts the libraries it needs, the base finding the base', () => {
    const found = findingsFor(
      explanation([server({ linkage: DYNAMIC, settings: { CGO_ENABLED: '1' } })], 30_000_000, 40_000_000),
      fs([]),
      measure,
    );
    expect(found.map((f) => [f.id, f.bytes])).toEqual([
      ['cgo-dynamic-libc', 2_300_000],
      ['base-image-dominates', 30_000_000],
    ]);
    expect(found[0]!.title).toContain('needs /lib64/ld-linux-x86-64.so.2, libc.so.6 (2.30 MB here)');
    expect(found[1]!.fix).toContain('build the binary static (CGO_ENABLED=0)');
  });

  it('a dynamic binary without its loader cannot start, and nothing is said of the libc base it lacks', () => {
    const missing = { ...DYNAMIC, missing: ['/lib64/ld-linux-x86-64.so.2', 'libc.so.6'], libraryBytes: 0 };
    const found = findingsFor(
      explanation([server({ linkage: missing })], 2_000_000, 8_000_000),
      fs([]),
      measure,
    );
    expect(found.map((f) => f.id)).toEqual(['cannot-start']);
    expect(found[0]!.severity).toBe('error');
    expect(found[0]!.title).toBe(
      '/usr/local/bin/server cannot start: it needs /lib64/ld-linux-x86-64.so.2, libc.so.6, which the image does not have',
    );
  });

  it('a CGO_ENABLED=0 PIE binary: the cause is -buildmode=pie, never CGO_ENABLED=0', () => {
    const pie = { ...DYNAMIC, needed: [], libraryBytes: 240_000 };
    const found = findingsFor(
      explanation(
        [server({ linkage: pie, settings: { CGO_ENABLED: '0', '-buildmode': 'pie' } })],
        30_000_000,
        40_000_000,
      ),
      fs([]),
      measure,
    );
    expect(found.map((f) => f.id)).toEqual(['pie-needs-loader', 'base-image-dominates']);
    expect(found[0]!.title).toContain('-buildmode=pie');
    expect(found.map((f) => f.fix).join(' ')).not.toContain('CGO_ENABLED=0');
  });

  it('a binary needing a C library beyond libc (libsass): a static link or a base that ships it', () => {
    const hugo = { ...DYNAMIC, needed: ['libsass.so.1', 'libstdc++.so.6', 'libm.so.6', 'libc.so.6'] };
    const found = findingsFor(
      explanation([server({ linkage: hugo, settings: { CGO_ENABLED: '1' } })], 30_000_000, 40_000_000),
      fs([]),
      measure,
    );
    // Both are information: the feature needs the library, so the base is not a mistake.
    expect(found.map((f) => f.id)).toEqual(['base-image-dominates', 'needs-c-library']);
    expect(found[1]!.title).toContain('libsass.so.1, libstdc++.so.6 beyond libc');
    expect(found[1]!.fix).toContain('or use a base image that ships libsass.so.1');
    expect(found[0]!.fix).toContain('a base that ships libsass.so.1, libstdc++.so.6 is needed');
    expect(found.map((f) => f.fix).join(' ')).not.toContain('build with CGO_ENABLED=0');
  });

  it('a big base and no Go binary at all: no advice about how a Go binary was built', () => {
    const found = findingsFor(explanation([], 30_000_000, 31_000_000), fs([]), measure);
    expect(found.map((f) => f.id)).toEqual(['base-image-dominates']);
    expect(found[0]!.fix).toContain('no Go binary');
    expect(found[0]!.fix).not.toMatch(/buildmode|CGO_ENABLED/);
  });

  it('a static binary on a big base: the base finding says FROM scratch would do', () => {
    const found = findingsFor(explanation([server()], 30_000_000, 38_000_000), fs([]), measure);
    expect(found.map((f) => f.id)).toEqual(['base-image-dominates']);
    expect(found[0]!.fix).toContain('FROM scratch');
  });

  it('an unstripped binary: the exact saving and the flags', () => {
    const unstripped = server({
      strip: { stripped: false, hasDwarf: true, savingBytes: 2_600_000 },
      settings: {},
    });
    const found = findingsFor(explanation([unstripped], 1_000_000, 9_000_000), fs([]), measure);
    expect(found.map((f) => [f.id, f.bytes, f.fix])).toEqual([
      ['unstripped-binary', 2_600_000, 'go build -ldflags="-s -w" -trimpath'],
    ]);
  });

  it('the Go toolchain in the final image: its bytes and the layer that put it there', () => {
    const found = findingsFor(
      explanation([server()], 1_000_000, 260_000_000),
      fs([
        { path: '/usr/local/go/bin/go', size: 13_000_000, layerIndex: 1 },
        { path: '/usr/local/go/pkg/tool/linux_amd64/compile', size: 20_000_000, layerIndex: 1 },
        { path: '/app/.git/objects/pack/p.pack', size: 3_000_000, layerIndex: 2 },
      ]),
      measure,
    );
    const toolchain = found.find((f) => f.id === 'go-toolchain-in-image')!;
    expect(toolchain.bytes).toBe(33_000_000);
    expect(toolchain.title).toContain('put there by layer 2 (COPY /usr/local/go /usr/local/go)');
    const leftovers = found.find((f) => f.id === 'build-context-leftovers')!;
    expect([leftovers.bytes, leftovers.paths]).toEqual([3_000_000, ['/app/.git']]);
  });

  it('names a layer as the layer table does: build args and the shell stripped by normalizeInstruction', () => {
    const withArgs = {
      ...measure,
      layers: [
        measure.layers[0]!,
        {
          instruction:
            'RUN |2 TARGETOS=linux TARGETARCH=amd64 /bin/sh -c cp -r /src/go /usr/local/go # buildkit',
        },
        measure.layers[2]!,
      ],
    } as unknown as PlatformMeasure;
    const found = findingsFor(
      explanation([server()], 1_000_000, 260_000_000),
      fs([{ path: '/usr/local/go/bin/go', size: 13_000_000, layerIndex: 1 }]),
      withArgs,
    );
    const toolchain = found.find((f) => f.id === 'go-toolchain-in-image')!;
    expect(toolchain.title).toContain('put there by layer 2 (RUN cp -r /src/go /usr/local/go)');
    expect(toolchain.title).not.toContain('TARGETOS');
  });
});
