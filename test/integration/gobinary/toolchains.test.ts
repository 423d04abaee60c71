// The fixture module built by each Go release the doctor supports, for amd64 and arm64, in every link mode
// people ship (internal static, internal PIE, external dynamic, external static-pie; arm64 cgo links with the
// test bed's cross gcc), with and without symbols, and read against the toolchain's own answers. Go 1.26 and
// later write 0 into the function table's text-start field, which is what this guards.

import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderGoVersionM } from '../../../src/analysis/gobinary/index.js';
import type { GoBinaryReport } from '../../../src/analysis/gobinary/types.js';
import { GOROOTS, type GoRelease, requireArm64Cc, requireGo } from '../../support/toolchains.js';
import {
  analyse,
  copyFixture,
  goBuild,
  goToolNm,
  goVersionM,
  nmCodeByPackage,
  packageOf,
} from './reference-tools.js';

interface Mode {
  name: string;
  arch: 'amd64' | 'arm64';
  args: string[];
  env: Record<string, string>;
  linkage: GoBinaryReport['linkage']['kind'];
}

const EXTERNAL = '-linkmode=external';
const LINK_MODES: Omit<Mode, 'arch'>[] = [
  { name: 'internal static', args: [], env: { CGO_ENABLED: '0' }, linkage: 'static' },
  { name: 'internal PIE', args: ['-buildmode=pie'], env: { CGO_ENABLED: '0' }, linkage: 'dynamic' },
  { name: 'external dynamic', args: [`-ldflags=${EXTERNAL}`], env: { CGO_ENABLED: '1' }, linkage: 'dynamic' },
  {
    name: 'external static-pie',
    args: ['-buildmode=pie', `-ldflags=${EXTERNAL} -extldflags=-static-pie`],
    env: { CGO_ENABLED: '1' },
    linkage: 'static-pie',
  },
];
// cgo for arm64 links with the test bed's cross gcc (CC is filled in when the case runs).
const MODES: Mode[] = (['amd64', 'arm64'] as const).flatMap((arch) =>
  LINK_MODES.map((m) => ({ ...m, arch })),
);

const workDirs: string[] = [];
afterAll(async () => {
  await Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function codeByPackage(report: GoBinaryReport): Map<string, number> {
  return new Map(
    report.attribution!.modules.flatMap((m) => m.packages.map((p) => [p.package, p.codeBytes] as const)),
  );
}

const cases = (Object.keys(GOROOTS) as GoRelease[]).flatMap((release) =>
  MODES.map((mode) => ({ release, ...mode, label: `Go ${release} ${mode.arch} ${mode.name}` })),
);

describe.each(cases)('$label', ({ release, arch, args, env, linkage }) => {
  let go: string;
  let full: string;
  let stripped: string;

  beforeAll(async () => {
    go = requireGo(release);
    const dir = await copyFixture('modules');
    workDirs.push(dir);
    const buildEnv: Record<string, string> = { ...env, GOARCH: arch, GOOS: 'linux' };
    if (arch === 'arm64' && env.CGO_ENABLED === '1') buildEnv.CC = requireArm64Cc();
    full = await goBuild(dir, 'app', args, buildEnv, go);
    const ldflags = args.find((a) => a.startsWith('-ldflags='));
    const strippedArgs = [
      ...args.filter((a) => a !== ldflags),
      `${ldflags ?? '-ldflags='} -s -w`.replace('= ', '='),
    ];
    stripped = await goBuild(dir, 'app-sw', strippedArgs, buildEnv, go);
  });

  it('renders the build info byte-identical to `go version -m`', async () => {
    expect(renderGoVersionM(full, analyse(full))).toBe(await goVersionM(full, go));
    expect(renderGoVersionM(stripped, analyse(stripped))).toBe(await goVersionM(stripped, go));
  });

  it('reads the linkage and the stripping', () => {
    const report = analyse(full);
    expect(report.goVersion).toMatch(new RegExp(`^go${release.replace('.', '\\.')}`));
    expect(report.elf.goarch).toBe(arch);
    expect(report.linkage.kind).toBe(linkage);
    expect(report.strip.stripped).toBe(false);
    expect(analyse(stripped).strip.stripped).toBe(true);
  });

  it('gives per-package code within 5% of `go tool nm -size` for every package over 10 KB, stripped too', async () => {
    const report = analyse(full);
    const reference = await nmCodeByPackage(full, report.buildInfo.path, go);
    const big = [...reference].filter(([, bytes]) => bytes > 10_000);
    expect(big.map(([pkg]) => pkg)).toEqual(expect.arrayContaining(['runtime', 'fmt']));
    for (const ours of [codeByPackage(report), codeByPackage(analyse(stripped))]) {
      const off = big
        .map(([pkg, want]) => ({ pkg, want, got: ours.get(pkg) ?? 0 }))
        .filter(({ want, got }) => Math.abs(got - want) > want * 0.05);
      expect(off).toEqual([]);
    }
  });

  it('attributes all of .text but the functions that name no package and the C code', async () => {
    // Functions the compiler makes for no package ("type:.eq.M8K8", Go 1.27's layout-shared equality) and
    // linker markers, padded to 32 bytes each at most.
    const orphans = (await goToolNm(full, go)).filter(
      (s) =>
        (s.type === 'T' || s.type === 't') && packageOf(s.name) === null && !/^[A-Za-z0-9_]+$/.test(s.name),
    );
    const orphanBytes = orphans.reduce((n, s) => n + s.size + 32, 0);
    // External linking adds the C start-up code (and, static, all of libc).
    const cCode = linkage === 'static-pie' ? 1_000_000 : args.some((a) => a.includes(EXTERNAL)) ? 20_000 : 0;
    for (const file of [full, stripped]) {
      const report = analyse(file);
      const text = report.attribution!.sections.find((s) => s.section === '.text')!;
      expect(text.methods).toContain('functions');
      expect(text.bytes - text.attributedBytes).toBeLessThanOrEqual(orphanBytes + cCode);
      expect(text.attributedBytes).toBeGreaterThan(text.bytes * 0.5);
    }
  });
});
