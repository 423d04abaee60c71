// Explanations written out by hand, shaped like explainPlatform's results for the project's fixture: the lean
// base (busybox, static stripped Go binary) against the bloated head (glibc base, CGO, dynamic, unstripped).
// Figures agree with test/unit/core/fixtures.ts: file bytes equal the layers' uncompressed bytes.
import type { GoModuleDiff, PackageGrowth } from '../../../src/analysis/gobinary/index.js';
import type { DirectoryChange, FileChange } from '../../../src/analysis/layers/index.js';
import { formatBytes } from '../../../src/core/bytes.js';
import { compareImages } from '../../../src/core/compare.js';
import type { ImageMeasure, Thresholds } from '../../../src/core/model.js';
import { DEFAULT_THRESHOLDS } from '../../../src/core/thresholds.js';
import { decide } from '../../../src/core/verdict.js';
import type { BinaryFacts, PlatformExplanation } from '../../../src/explain/explain.js';
import type { Finding } from '../../../src/explain/findings.js';
import { buildReport, type Report } from '../../../src/report/json.js';
import { bloatedHead, layer, leanBase, platformMeasure } from '../core/fixtures.js';
import { GENERATED_AT, TIMINGS, TOOL } from './reports.js';

interface Arch {
  arch: 'amd64' | 'arm64';
  libdir: string;
  loader: string;
  /** Uncompressed bytes of the layers, as in the measure fixture. */
  glibc: number;
  busybox: number;
  sqlite: number;
  staticServer: number;
  cgoServer: number;
  certs: number;
}

const AMD64: Arch = {
  arch: 'amd64',
  libdir: 'x86_64-linux-gnu',
  loader: '/lib64/ld-linux-x86-64.so.2',
  glibc: 74_783_642,
  busybox: 1_985_432,
  sqlite: 1_447_376,
  staticServer: 5_509_304,
  cgoServer: 14_926_712,
  certs: 213_777,
};

const ARM64: Arch = {
  arch: 'arm64',
  libdir: 'aarch64-linux-gnu',
  loader: '/lib/ld-linux-aarch64.so.1',
  glibc: 71_233_900,
  busybox: 1_772_120,
  sqlite: 1_380_544,
  staticServer: 5_308_600,
  cgoServer: 14_102_336,
  certs: 213_777,
};

const CONFIG = 1_234;
const VERSION = 6;

export function goVersionM(path: string, a: Arch, cgo: boolean): string {
  const deps = cgo
    ? [
        'dep\tgithub.com/mattn/go-sqlite3\tv1.14.22\th1:2gZY6PC6kBnID23Tichd1K+Z0oS6nE/XwU+Vz/5o4kU=',
        'dep\tgolang.org/x/sys\tv0.25.0\th1:r+8e+loiHxRqhXVl6ML1nO3l1+oFoWbnlu2Ba9Wv6/w=',
      ]
    : [
        'dep\tgithub.com/pkg/errors\tv0.9.1\th1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=',
        'dep\tgolang.org/x/sys\tv0.20.0\th1:Od9JTbYCk261bKm4M/mw7AklTlFYIa0bIp9BgSm1S8Y=',
      ];
  return [
    `${path}: go1.24.4`,
    ...[
      'path\texample.com/go-service',
      'mod\texample.com/go-service\t(devel)\t',
      ...deps,
      'build\t-buildmode=exe',
      'build\t-compiler=gc',
      ...(cgo ? [] : ['build\t-ldflags="-s -w"']),
      `build\tCGO_ENABLED=${cgo ? 1 : 0}`,
      ...(cgo
        ? ['build\tCGO_CFLAGS=', 'build\tCGO_CPPFLAGS=', 'build\tCGO_CXXFLAGS=', 'build\tCGO_LDFLAGS=']
        : []),
      `build\tGOARCH=${a.arch}`,
      'build\tGOOS=linux',
      a.arch === 'amd64' ? 'build\tGOAMD64=v1' : 'build\tGOARM64=v8.0',
    ].map((line) => `\t${line}`),
    '',
  ].join('\n');
}

function cgoServer(a: Arch): BinaryFacts {
  return {
    path: '/app/server',
    bytes: a.cgoServer,
    layerIndex: 3,
    kind: 'go',
    goVersion: 'go1.24.4',
    mainModule: 'example.com/go-service',
    goVersionM: goVersionM('/app/server', a, true),
    settings: {
      '-buildmode': 'exe',
      '-compiler': 'gc',
      CGO_ENABLED: '1',
      GOARCH: a.arch,
      GOOS: 'linux',
      ...(a.arch === 'amd64' ? { GOAMD64: 'v1' } : { GOARM64: 'v8.0' }),
    },
    linkage: {
      kind: 'dynamic',
      interpreter: a.loader,
      needed: ['libsqlite3.so.0', 'libc.so.6'],
      missing: [],
      libraryBytes: 3_412_660,
    },
    strip: { stripped: false, hasDwarf: true, savingBytes: Math.round(a.cgoServer * 0.2942) },
    modules: [
      { module: 'std', version: null, bytes: Math.round(a.cgoServer * 0.2914), guessed: false },
      {
        module: 'github.com/mattn/go-sqlite3',
        version: 'v1.14.22',
        bytes: Math.round(a.cgoServer * 0.0807),
        guessed: false,
      },
      { module: 'example.com/go-service', version: '(devel)', bytes: 231_004, guessed: false },
      { module: 'golang.org/x/sys', version: 'v0.25.0', bytes: 96_512, guessed: false },
    ],
    modulesOmitted: 0,
    packages: [
      {
        package: 'github.com/mattn/go-sqlite3',
        module: 'github.com/mattn/go-sqlite3',
        codeBytes: 402_112,
        bytes: 1_204_553,
      },
      { package: 'runtime', module: 'std', codeBytes: 380_224, bytes: 1_050_118 },
      {
        package: 'example.com/go-service',
        module: 'example.com/go-service',
        codeBytes: 88_410,
        bytes: 231_004,
      },
    ],
    packagesOmitted: 212,
    attributedFraction: 0.3941,
  };
}

function moduleDiff(a: Arch): GoModuleDiff {
  const std = Math.round(a.cgoServer * 0.2914);
  const sqlite = Math.round(a.cgoServer * 0.0807);
  const growth = [
    { module: 'github.com/mattn/go-sqlite3', kind: 'dependency' as const, baseBytes: 0, headBytes: sqlite },
    { module: 'std', kind: 'stdlib' as const, baseBytes: std - 437_788, headBytes: std },
    { module: 'example.com/go-service', kind: 'main' as const, baseBytes: 210_220, headBytes: 231_004 },
    { module: 'golang.org/x/sys', kind: 'dependency' as const, baseBytes: 88_100, headBytes: 96_512 },
    { module: 'github.com/pkg/errors', kind: 'dependency' as const, baseBytes: 21_304, headBytes: 0 },
  ].map((g) => ({ ...g, delta: g.headBytes - g.baseBytes, packages: [] as PackageGrowth[] }));
  // What grew inside the standard library: the cgo runtime and the packages it drags in.
  growth[1]!.packages = [
    { package: 'runtime/cgo', baseBytes: 0, headBytes: 201_334, delta: 201_334 },
    { package: 'runtime', baseBytes: 1_009_113, headBytes: 1_050_118, delta: 41_005 },
    { package: 'os/user', baseBytes: 0, headBytes: 30_712, delta: 30_712 },
  ];
  return {
    goVersion: null,
    added: [{ module: 'github.com/mattn/go-sqlite3', version: 'v1.14.22' }],
    removed: [{ module: 'github.com/pkg/errors', version: 'v0.9.1' }],
    upgraded: [{ module: 'golang.org/x/sys', from: 'v0.20.0', to: 'v0.25.0' }],
    growth: growth.sort((x, y) => y.delta - x.delta),
  };
}

function fileChange(path: string, baseBytes: number | null, headBytes: number | null): FileChange {
  const delta = (headBytes ?? 0) - (baseBytes ?? 0);
  return {
    path,
    change: baseBytes === null ? 'added' : headBytes === null ? 'removed' : delta > 0 ? 'grown' : 'shrunk',
    kind: 'file',
    baseBytes,
    headBytes,
    delta,
  };
}

function rollUp(path: string, delta: number, files: number, largest: FileChange[]): DirectoryChange {
  return {
    path,
    delta,
    addedBytes: Math.max(0, delta - (path === '/app' ? delta : 0)),
    removedBytes: delta < 0 ? -delta : 0,
    grownBytes: path === '/app' ? delta : 0,
    shrunkBytes: 0,
    files,
    largest: largest.slice(0, 3).map((f) => ({ path: f.path, delta: f.delta })),
  };
}

function bloatedFindings(a: Arch, head: number): Finding[] {
  const saving = Math.round(a.cgoServer * 0.2942);
  return [
    {
      id: 'cgo-dynamic-libc',
      severity: 'warning',
      bytes: a.glibc,
      title: `/app/server is dynamically linked (CGO_ENABLED=1) and needs ${a.loader}, libsqlite3.so.0, libc.so.6, which ties the image to a libc base (${formatBytes(a.glibc)} here)`,
      fix: 'build with CGO_ENABLED=0 (add -tags netgo,osusergo if it uses net or os/user) and use FROM scratch or a distroless static base',
      paths: ['/app/server'],
    },
    {
      id: 'unstripped-binary',
      severity: 'warning',
      bytes: saving,
      title: `/app/server keeps its symbol table and DWARF debug info (${formatBytes(saving)} of ${formatBytes(a.cgoServer)})`,
      fix: 'go build -ldflags="-s -w" -trimpath',
      paths: ['/app/server'],
    },
    {
      id: 'base-image-dominates',
      severity: 'info',
      bytes: a.glibc,
      title: `the base image is ${Math.round((a.glibc / head) * 100)}% of the image (${formatBytes(a.glibc)} of ${formatBytes(head)})`,
      fix: 'build the binary static (CGO_ENABLED=0) so it can run FROM scratch or a distroless static base',
      paths: [],
    },
  ];
}

/** The bloated head explained against the lean base. */
export function bloatedExplanation(a: Arch, withBase = true): PlatformExplanation {
  const head = a.glibc + a.sqlite + a.cgoServer + CONFIG + VERSION;
  const base = a.busybox + a.certs + a.staticServer + CONFIG + VERSION;
  const delta = head - base;
  const lib = `/usr/lib/${a.libdir}`;
  const libs = [
    fileChange(`${lib}/libcrypto.so.3`, null, 4_709_608),
    fileChange(`${lib}/libc.so.6`, null, 2_125_328),
    fileChange(`${lib}/libsqlite3.so.0`, null, a.sqlite),
  ];
  const share = [
    fileChange('/usr/share/misc/magic.mgc', null, 5_191_256),
    fileChange('/usr/share/perl/5.36.0/Unicode/Collate/allkeys.txt', null, 1_940_302),
    fileChange('/usr/share/i18n/charmaps/GB18030.gz', null, 224_170),
  ];
  const bins = [
    fileChange('/usr/bin/perl5.36.0', null, 3_934_736),
    fileChange('/usr/bin/bash', null, 1_265_648),
    fileChange('/usr/bin/apt', null, 18_664),
  ];
  const server = fileChange('/app/server', a.staticServer, a.cgoServer);
  const busybox = fileChange('/bin/busybox', 1_131_168, null);
  // The roll-ups add up to the whole change, as diffFilesystems' do.
  const fixed = [
    19_350_286,
    14_208_712,
    a.cgoServer - a.staticServer,
    3_112_909,
    2_044_608,
    1_400_000,
    -1_131_168,
  ];
  const libDelta = delta - fixed.reduce((x, y) => x + y, 0);
  const directories = [
    rollUp(lib, libDelta, 412, libs),
    rollUp('/usr/share', 19_350_286, 2_904, share),
    rollUp('/usr/bin', 14_208_712, 431, bins),
    rollUp('/app', a.cgoServer - a.staticServer, 1, [server]),
    rollUp('/var/lib/dpkg', 3_112_909, 1_203, [fileChange('/var/lib/dpkg/status', null, 480_112)]),
    rollUp('/usr/sbin', 2_044_608, 88, [fileChange('/usr/sbin/ldconfig', null, 1_012_432)]),
    rollUp('/etc', 1_400_000, 402, [fileChange('/etc/ld.so.cache', null, 18_220)]),
    rollUp('/bin', -1_131_168, 399, [busybox]),
  ].sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta));
  const files = [server, ...libs, ...share, ...bins, busybox].sort(
    (x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.path < y.path ? -1 : 1),
  );
  const counts = { added: 5_842, removed: 399, grown: 1, shrunk: 0 };
  return {
    platform: `linux/${a.arch}`,
    files: 5_930,
    fileBytes: head,
    baseImage: { layers: 1, bytes: a.glibc },
    wasted: { bytes: 0, files: 0, largest: [] },
    baseWastedBytes: 0,
    efficiency: { score: 1, wastedBytes: 0 },
    duplicates: [],
    binaries: [
      cgoServer(a),
      {
        path: '/usr/bin/bash',
        bytes: 1_265_648,
        layerIndex: 0,
        kind: 'not-go',
        goVersion: null,
        mainModule: null,
        goVersionM: null,
        settings: {},
        linkage: {
          kind: 'dynamic',
          interpreter: a.loader,
          needed: ['libtinfo.so.6', 'libc.so.6'],
          missing: [],
          libraryBytes: 2_310_112,
        },
        strip: { stripped: true, hasDwarf: false, savingBytes: 0 },
        modules: [],
        modulesOmitted: 0,
        packages: [],
        packagesOmitted: 0,
        attributedFraction: null,
      },
    ],
    diff: withBase
      ? {
          baseBytes: base,
          headBytes: head,
          delta,
          counts,
          bytes: {
            added: delta + 1_131_168 - (a.cgoServer - a.staticServer),
            removed: 1_131_168,
            grown: a.cgoServer - a.staticServer,
            shrunk: 0,
          },
          files,
          filesOmitted: counts.added + counts.removed + counts.grown - files.length,
          directories,
        }
      : null,
    modules: withBase ? [{ path: '/app/server', diff: moduleDiff(a) }] : [],
    findings: bloatedFindings(a, head),
  };
}

export const ARCHES = { amd64: AMD64, arm64: ARM64 };

/** The fixture's failing comparison (max-increase 5MB) with both platforms explained. */
export function explainedReport(
  thresholds: Partial<Thresholds> = { maxIncrease: 5_000_000 },
  explanations: PlatformExplanation[] = [bloatedExplanation(AMD64), bloatedExplanation(ARM64)],
  head: ImageMeasure = bloatedHead(),
  base: ImageMeasure | null = leanBase(),
  baseMissingReason?: string,
): Report {
  const comparison = compareImages(head, base, baseMissingReason);
  const decision = decide(comparison, { ...DEFAULT_THRESHOLDS, ...thresholds });
  return buildReport({
    comparison,
    decision,
    tool: TOOL,
    timings: TIMINGS,
    generatedAt: GENERATED_AT,
    explanations,
  });
}

/** The bloated head without any base: composition instead of growth. */
export function noBaseReport(): Report {
  return explainedReport(
    { maxSize: 100_000_000 },
    [bloatedExplanation(AMD64, false), bloatedExplanation(ARM64, false)],
    bloatedHead(),
    null,
    'baseline: none was asked for',
  );
}

/**
 * The head kept the lean busybox base but built the binary with CGO: it needs a loader and libc that the
 * image does not have. arm64 still builds static.
 */
export function cannotStartReport(): Report {
  const a = AMD64;
  const dynamicServer = 5_712_008;
  const base = a.busybox + a.certs + a.staticServer + CONFIG + VERSION;
  const head = base - a.staticServer + dynamicServer;
  const server = fileChange('/app/server', a.staticServer, dynamicServer);
  const explanation: PlatformExplanation = {
    platform: 'linux/amd64',
    files: 412,
    fileBytes: head,
    baseImage: { layers: 1, bytes: a.busybox },
    wasted: { bytes: 0, files: 0, largest: [] },
    baseWastedBytes: 0,
    efficiency: { score: 1, wastedBytes: 0 },
    duplicates: [],
    binaries: [
      {
        ...cgoServer(a),
        bytes: dynamicServer,
        linkage: {
          kind: 'dynamic',
          interpreter: a.loader,
          needed: ['libc.so.6'],
          missing: [a.loader, 'libc.so.6'],
          libraryBytes: 0,
        },
        strip: { stripped: true, hasDwarf: false, savingBytes: 0 },
        modules: [{ module: 'std', version: null, bytes: 3_120_440, guessed: false }],
      },
    ],
    diff: {
      baseBytes: base,
      headBytes: head,
      delta: head - base,
      counts: { added: 0, removed: 0, grown: 1, shrunk: 0 },
      bytes: { added: 0, removed: 0, grown: server.delta, shrunk: 0 },
      files: [server],
      filesOmitted: 0,
      directories: [rollUp('/app', server.delta, 1, [server])],
    },
    modules: [
      {
        path: '/app/server',
        diff: {
          goVersion: { from: 'go1.23.6', to: 'go1.24.4' },
          added: [],
          removed: [],
          upgraded: [],
          growth: [],
        },
      },
    ],
    findings: [
      {
        id: 'cannot-start',
        severity: 'error',
        bytes: null,
        title: `/app/server cannot start: it needs ${a.loader}, libc.so.6, which the image does not have`,
        fix: `build it static (CGO_ENABLED=0), or use a base image that provides ${a.loader}`,
        paths: ['/app/server'],
      },
      {
        id: 'cgo-dynamic-libc',
        severity: 'warning',
        bytes: a.busybox,
        title: `/app/server is dynamically linked (CGO_ENABLED=1) and needs ${a.loader}, libc.so.6, which ties the image to a libc base (${formatBytes(a.busybox)} here)`,
        fix: 'build with CGO_ENABLED=0 (add -tags netgo,osusergo if it uses net or os/user) and use FROM scratch or a distroless static base',
        paths: ['/app/server'],
      },
    ],
  };
  const lean = leanBase();
  const [amd64, arm64] = lean.platforms;
  const layers = amd64!.layers.map((l, i) =>
    i === 3
      ? layer('COPY /out/server /app/server # buildkit', 'dynamic-server:amd64', dynamicServer, 2_301_877)
      : l,
  );
  const headImage: ImageMeasure = {
    ...lean,
    ref: 'localhost:5000/isg/demo:pr-43',
    platforms: [platformMeasure('linux/amd64', layers), arm64!],
  };
  return explainedReport({ maxIncrease: 5_000_000 }, [explanation], headImage, lean);
}

/** A platform name, a path or a module name that tries to break out of a mermaid label. */
export const MERMAID_BREAKER = 'x"; click A call alert(1) %%{init}%% ```\n#59; <b>';

/** Text from the image in every place the renderers print it. */
export function hostileExplanation(platform: string, texts: readonly string[]): PlatformExplanation {
  const e = bloatedExplanation(AMD64);
  const paths = [MERMAID_BREAKER, ...texts].map((t, i) => `/srv/${i}/${t}`);
  const changes = paths.map((p, i) =>
    fileChange(`${p}/${texts[i % texts.length]}`, null, 2_000_000 - i * 1_000),
  );
  const directories = paths.map((p, i) => rollUp(p, changes[i]!.delta, 1, [changes[i]!]));
  const diff = e.diff!;
  const delta = directories.reduce((n, d) => n + d.delta, 0);
  const modulePath = (i: number) => texts[i % texts.length]!;
  const server = cgoServer(AMD64);
  return {
    ...e,
    platform,
    diff: {
      ...diff,
      headBytes: diff.baseBytes + delta,
      delta,
      files: changes,
      directories,
    },
    wasted: {
      bytes: 20_000_000,
      files: texts.length,
      largest: paths.map((p, i) => ({
        path: p,
        bytes: 1_000_000 + i,
        writtenBy: 1,
        removedBy: 2,
        reason: 'deleted' as const,
      })),
    },
    efficiency: { score: 0.8123, wastedBytes: 21_000_000 },
    duplicates: paths.map((p, i) => ({ path: p, layers: [1, 3], redundantBytes: 500_000 + i })),
    binaries: paths.map((p, i) => ({
      ...server,
      path: p,
      mainModule: modulePath(i),
      goVersion: `go1.24.4 ${texts[i % texts.length]}`,
      goVersionM: `${p}: go1.24.4\n\tpath\t${modulePath(i)}\n\tdep\t${texts.join('\t')}\tv1.0.0\n\tbuild\t-ldflags="${'`'.repeat(7)} </details> <img src=x onerror=alert(1)>"\n`,
      linkage: {
        kind: 'dynamic' as const,
        interpreter: p,
        needed: [...texts],
        missing: i === 0 ? [p] : [],
        libraryBytes: 1_000,
      },
      modules: texts.map((t, k) => ({ module: t, version: t, bytes: 10_000, guessed: k % 2 === 0 })),
      packages: texts.map((t) => ({ package: `${t}/pkg`, module: t, codeBytes: 4_000, bytes: 9_000 })),
    })),
    modules: paths.map((p) => ({
      path: p,
      diff: {
        goVersion: { from: texts[0]!, to: texts[1]! },
        added: texts.map((t) => ({ module: `a/${t}`, version: t })),
        removed: texts.map((t) => ({ module: `r/${t}`, version: t })),
        upgraded: texts.map((t) => ({ module: `u/${t}`, from: t, to: `${t}2` })),
        growth: texts.map((t, i) => ({
          module: `a/${t}`,
          kind: 'dependency' as const,
          baseBytes: 0,
          headBytes: 1_000 * (i + 1),
          delta: 1_000 * (i + 1),
          packages: [
            { package: `a/${t}/${t}`, baseBytes: 0, headBytes: 1_000 * (i + 1), delta: 1_000 * (i + 1) },
          ],
        })),
      },
    })),
    findings: [MERMAID_BREAKER, ...texts].map((t, i) => ({
      id: i % 2 === 0 ? ('cannot-start' as const) : ('unstripped-binary' as const),
      severity: i % 2 === 0 ? ('error' as const) : ('warning' as const),
      bytes: i % 2 === 0 ? null : 1_000 * i,
      title: `${paths[i]} ${t}`,
      fix: `use a base image that provides ${t} \`rm -rf /\``,
      paths: [paths[i]!],
    })),
  };
}

/** A head that changed everywhere: thousands of files, hundreds of modules, long hostile paths. */
export function hugeExplanation(platform: string, texts: readonly string[]): PlatformExplanation {
  const e = bloatedExplanation(AMD64);
  const long = (i: number) =>
    `/very/${texts[i % texts.length]}/${'deep-directory-name/'.repeat(40)}file-${i}`;
  const files = Array.from({ length: 5_000 }, (_, i) => fileChange(long(i), null, 10_000_000 - i));
  const directories = files
    .slice(0, 2_000)
    .map((f) => rollUp(f.path.replace(/\/[^/]*$/, ''), f.delta, 3, [f, f, f]));
  const modules = Array.from(
    { length: 300 },
    (_, i) => `example.com/${texts[i % texts.length]}/module-${i}-${'x'.repeat(80)}`,
  );
  const goText = (p: string) =>
    [
      `${p}: go1.24.4`,
      `\tpath\t${modules[0]}`,
      ...modules.map((m) => `\tdep\t${m}\tv1.${modules.length}.0\th1:${'A'.repeat(43)}=`),
    ].join('\n');
  const server = cgoServer(AMD64);
  const binaries = Array.from({ length: 40 }, (_, i) => ({
    ...server,
    path: long(i),
    goVersionM: goText(long(i)),
    modules: modules
      .slice(0, 12)
      .map((m) => ({ module: m, version: 'v1.0.0', bytes: 100_000, guessed: false })),
    modulesOmitted: 288,
  }));
  const delta = files.reduce((n, f) => n + f.delta, 0);
  return {
    ...e,
    platform,
    files: 250_000,
    diff: {
      ...e.diff!,
      headBytes: e.diff!.baseBytes + delta,
      delta,
      counts: { added: 5_000, removed: 0, grown: 0, shrunk: 0 },
      files,
      filesOmitted: 0,
      directories,
    },
    wasted: {
      bytes: 500_000_000,
      files: 500,
      largest: files.slice(0, 500).map((f) => ({
        path: f.path,
        bytes: 1_000_000,
        writtenBy: 1,
        removedBy: 2,
        reason: 'overwritten' as const,
      })),
    },
    duplicates: files
      .slice(0, 500)
      .map((f) => ({ path: f.path, layers: [1, 2, 3], redundantBytes: 2_000_000 })),
    binaries,
    modules: binaries.map((b) => ({
      path: b.path,
      diff: {
        goVersion: null,
        added: modules.map((m) => ({ module: m, version: 'v1.0.0' })),
        removed: [],
        upgraded: [],
        growth: modules.map((m, i) => ({
          module: m,
          kind: 'dependency' as const,
          baseBytes: 0,
          headBytes: 1_000 + i,
          delta: 1_000 + i,
          packages: [],
        })),
      },
    })),
    findings: Array.from({ length: 60 }, (_, i) => ({
      id: 'unstripped-binary' as const,
      severity: 'warning' as const,
      bytes: 4_000_000 - i,
      title: `${long(i)} keeps its symbol table ${texts[i % texts.length]}`,
      fix: 'go build -ldflags="-s -w" -trimpath',
      paths: [long(i)],
    })),
  };
}
