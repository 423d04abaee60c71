import { describe, expect, it } from 'vitest';
import type { BinaryInspection } from '../../../src/analysis/gobinary/binary-capture.js';
import type { GoBinaryReport, ModuleShare } from '../../../src/analysis/gobinary/index.js';
import type { FileRecord } from '../../../src/analysis/layers/index.js';
import type { PlatformMeasure } from '../../../src/core/model.js';
import { type ExplainSide, explainPlatform } from '../../../src/explain/explain.js';
import type { LayerAnalysis } from '../../../src/measure/image-reader.js';
import {
  baseMoveSentence,
  changedGoBinaries,
  moduleLabel,
  moduleRows,
} from '../../../src/report/document/explain-facts.js';
import { spansText } from '../../../src/report/render/terminal.js';

/** The sentence as the terminal prints it without colour; null stays null. */
const sentenceText = (spans: Parameters<typeof spansText>[0] | null) =>
  spans === null ? null : spansText(spans);

function module(name: string, bytes: number, kind: ModuleShare['kind'] = 'dependency'): ModuleShare {
  const packages =
    kind === 'main'
      ? [
          { package: `${name}/backend`, bytes: (bytes * 2) / 3, codeBytes: bytes / 3, functions: 10 },
          { package: name, bytes: bytes / 3, codeBytes: bytes / 6, functions: 10 },
        ]
      : [{ package: name, bytes, codeBytes: bytes / 2, functions: 10 }];
  return {
    module: name,
    version: kind === 'dependency' ? 'v1.0.0' : null,
    kind,
    bytes,
    codeBytes: bytes / 2,
    packages,
  };
}

function goBinary(main: string, modules: ModuleShare[]): BinaryInspection {
  const fileBytes = modules.reduce((n, m) => n + m.bytes, 0);
  return {
    kind: 'go',
    goVersion: 'go1.26.10',
    version: null,
    buildInfo: {
      path: main,
      main: { path: main, version: '(devel)', sum: '', replace: null },
      deps: modules
        .filter((m) => m.kind === 'dependency')
        .map((m) => ({ path: m.module, version: 'v1.0.0', sum: 'h1:x=', replace: null })),
      settings: [{ key: 'CGO_ENABLED', value: '0' }],
      parseError: null,
    },
    elf: {
      class: 64,
      endian: 'little',
      machine: 62,
      goarch: 'amd64',
      type: 'EXEC',
      fileBytes,
      sections: [],
      segments: [],
    },
    linkage: { kind: 'static', interpreter: null, needed: [], pie: false },
    strip: { stripped: true, hasSymtab: false, hasDwarf: false, savingBytes: 0, bySection: [] },
    attribution: {
      fileBytes,
      attributedBytes: fileBytes,
      modules,
      stdlibBytes: modules.find((m) => m.kind === 'stdlib')?.bytes ?? 0,
      unattributed: [],
      sections: [],
      functions: 1000,
    },
    attributionError: null,
    fileMode: 0o755,
  } satisfies GoBinaryReport & { fileMode: number };
}

const SERVER = goBinary('example.com/server', [
  module('std', 3_000_000, 'stdlib'),
  module('example.com/server', 500_000, 'main'),
  ...Array.from({ length: 60 }, (_, i) => module(`example.com/dep${i}`, 10_000 + i)),
]);
const RCLONE = goBinary('github.com/rclone/rclone', [
  module('github.com/rclone/rclone', 30_000_000, 'main'),
  module('std', 9_000_000, 'stdlib'),
  module('github.com/aws/aws-sdk-go-v2/service/s3', 4_000_000),
  module('golang.org/x/net', 1_000_000),
  module('github.com/minio/minio-go/v7', 600_000, 'inferred'),
]);

function side(binaries: Record<string, BinaryInspection>): {
  measure: PlatformMeasure;
  analysis: LayerAnalysis;
  baseImageLayers: null;
} {
  const records: FileRecord[] = Object.entries(binaries).map(([path, b]) => ({
    path,
    kind: 'file',
    size: b.elf!.fileBytes,
    mode: 0o755,
    linkname: null,
    layerIndex: 0,
  }));
  const filesystem = {
    get: (p: string) => records.find((r) => r.path === p),
    resolve: (p: string) => records.find((r) => r.path === p),
    walk: () => records,
  };
  const analysis = {
    filesystem,
    totals: { bytes: records.reduce((n, r) => n + r.size, 0), files: records.length },
    wasted: { bytes: 0, files: 0, largestFiles: [] },
    duplicates: [],
    efficiency: { score: 1, wastedBytes: 0 },
    captured: Object.entries(binaries).map(([path, value]) => ({
      path,
      layerIndex: 0,
      size: value.elf!.fileBytes,
      value,
    })),
  } as unknown as LayerAnalysis;
  const measure = { platform: 'linux/amd64', layers: [] } as unknown as PlatformMeasure;
  return { measure, analysis, baseImageLayers: null };
}

describe('explainPlatform: Go binaries new in the head', () => {
  const e = explainPlatform(
    side({ '/usr/local/bin/server': SERVER, '/usr/local/bin/rclone': RCLONE }),
    side({ '/usr/local/bin/server': SERVER }),
  );

  it('a new binary gets its modules, largest first, as added', () => {
    const changed = changedGoBinaries(e);
    expect(changed.map((b) => b.facts.path)).toEqual(['/usr/local/bin/rclone']);
    const rows = moduleRows(changed[0]!.modules!);
    expect(rows.map((r) => [r.module, r.change, r.delta])).toEqual([
      ['github.com/rclone/rclone', 'added', 30_000_000],
      ['std', 'added', 9_000_000],
      ['github.com/aws/aws-sdk-go-v2/service/s3', 'added', 4_000_000],
      ['golang.org/x/net', 'added', 1_000_000],
      ['github.com/minio/minio-go/v7', 'added', 600_000],
    ]);
    expect(rows.map((r) => moduleLabel(r.module, r.guessed)).at(-1)).toBe(
      'github.com/minio/minio-go/v7 (guessed)',
    );
  });

  it('lists packages (code as nm sums it, and all bytes) and marks guessed modules, for the JSON', () => {
    const rclone = e.binaries.find((b) => b.path === '/usr/local/bin/rclone')!;
    expect(rclone.modules.filter((m) => m.guessed).map((m) => m.module)).toEqual([
      'github.com/minio/minio-go/v7',
    ]);
    expect(rclone.packages[0]).toEqual({
      package: 'github.com/rclone/rclone/backend',
      module: 'github.com/rclone/rclone',
      codeBytes: 10_000_000,
      bytes: 20_000_000,
    });
    expect(rclone.packages.length + rclone.packagesOmitted).toBe(6);
  });

  it('an unchanged binary adds no rows', () => {
    const server = e.modules.find((m) => m.path === '/usr/local/bin/server')!;
    expect(moduleRows(server.diff)).toEqual([]);
    expect(changedGoBinaries(e).some((b) => b.facts.path === '/usr/local/bin/server')).toBe(false);
  });
});

describe('explainPlatform: the runtime base image', () => {
  const AAA = `sha256:${'a'.repeat(64)}`;
  const BBB = `sha256:${'b'.repeat(64)}`;
  /** Two base layers (diff IDs given) under one layer of the image's own. */
  function withBase(
    diffIds: string[],
    bytes: number[],
    name: string | null,
    digest: string | null,
  ): ExplainSide {
    const s = side({ '/usr/local/bin/server': SERVER });
    const layers = [...diffIds, 'sha256:own'].map((diffId, i) => ({
      diffId,
      digest: diffId,
      sizes: { compressed: 0, uncompressed: bytes[i] ?? 100 },
      instruction: '',
    }));
    return {
      ...s,
      measure: { ...s.measure, layers } as unknown as PlatformMeasure,
      baseImageLayers: diffIds.length,
      baseImageName: name,
      baseImageDigest: digest,
    };
  }

  it('a base tag re-pointed to a new digest leads with both digests and the bytes', () => {
    const e = explainPlatform(
      withBase(['sha256:l1', 'sha256:l3'], [1_000_000, 1_200_000], 'busybox:1', BBB),
      withBase(['sha256:l1', 'sha256:l2'], [1_000_000, 0], 'busybox:1', AAA),
    );
    expect(sentenceText(baseMoveSentence(e))).toBe(
      `runtime base moved: busybox:1 @${AAA} → @${BBB} (+1.20 MB uncompressed)`,
    );
  });

  it('a new base name is named on both sides', () => {
    const e = explainPlatform(
      withBase(['sha256:l9'], [5_000_000], 'debian:12', null),
      withBase(['sha256:l1'], [1_000_000], 'busybox:1', null),
    );
    expect(sentenceText(baseMoveSentence(e))).toBe(
      'runtime base moved: busybox:1 → debian:12 (+4.00 MB uncompressed)',
    );
  });

  it('without digests on either side, changed base layers say so instead of guessing', () => {
    const e = explainPlatform(
      withBase(['sha256:l1', 'sha256:l3'], [1_000_000, 300_000], 'busybox:1', null),
      withBase(['sha256:l1', 'sha256:l2'], [1_000_000, 200_000], 'busybox:1', null),
    );
    expect(e.baseImageMove?.layersOnly).toBe(true);
    expect(sentenceText(baseMoveSentence(e))).toBe('base layers changed: busybox:1 (+100 KB uncompressed)');
  });

  it('the same base says nothing, and nothing is said without a base layer count', () => {
    const same = withBase(['sha256:l1'], [1_000_000], 'busybox:1', AAA);
    expect(sentenceText(baseMoveSentence(explainPlatform(same, same)))).toBeNull();
    const unknown = { ...same, baseImageLayers: null };
    expect(explainPlatform(unknown, withBase(['sha256:x'], [1], 'busybox:1', BBB)).baseImageMove).toBeNull();
  });
});
