// Fixture programs built here with the host Go (offline, into a temporary directory) and checked against
// what the toolchain itself says: -s -w savings, per-package code from .symtab, cgo linkage.

import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderGoVersionM } from '../../../src/analysis/gobinary/index.js';
import type { FileRecord, FilesystemView } from '../../../src/analysis/layers/index.js';
import type { PlatformMeasure } from '../../../src/core/model.js';
import { binaryFacts, type PlatformExplanation } from '../../../src/explain/explain.js';
import { type Finding, findingsFor } from '../../../src/explain/findings.js';
import { analyse, copyFixture, goBuild, goVersionM, nmCodeByPackage, readelf } from './reference-tools.js';

const workDirs: string[] = [];

async function fixtureDir(name: string): Promise<string> {
  const dir = await copyFixture(name);
  workDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('fixture with a local dependency module, built with and without -s -w', () => {
  let full: string;
  let stripped: string;

  beforeAll(async () => {
    const dir = await fixtureDir('modules');
    // The unstripped build fills the build cache first; the stripped one then only links.
    full = await goBuild(dir, 'app', [], { CGO_ENABLED: '0' });
    stripped = await goBuild(dir, 'app-sw', ['-ldflags=-s -w'], { CGO_ENABLED: '0' });
  });

  it('renders both build infos as `go version -m` does (a quoted -ldflags included)', async () => {
    const [fullText, strippedText] = await Promise.all([goVersionM(full), goVersionM(stripped)]);
    expect(renderGoVersionM(full, analyse(full))).toBe(fullText);
    expect(renderGoVersionM(stripped, analyse(stripped))).toBe(strippedText);
    expect(strippedText).toContain('\tbuild\t-ldflags="-s -w"\n');
  });

  it('predicts what -s -w saves within 1% of the measured difference', () => {
    const report = analyse(full);
    const measured = statSync(full).size - statSync(stripped).size;
    expect(report.strip.stripped).toBe(false);
    expect(report.strip.hasDwarf).toBe(true);
    expect(measured).toBeGreaterThan(100_000);
    expect(Math.abs(report.strip.savingBytes - measured)).toBeLessThanOrEqual(measured * 0.01);
    expect(analyse(stripped).strip).toMatchObject({ stripped: true, hasDwarf: false, savingBytes: 0 });
  });

  it('gives per-package code within 5% of `go tool nm -size` text symbols, for every package', async () => {
    const report = analyse(full);
    const reference = await nmCodeByPackage(full, report.buildInfo.path);
    const ours = new Map(
      report.attribution!.modules.flatMap((m) => m.packages.map((p) => [p.package, p.codeBytes] as const)),
    );
    expect([...ours.keys()].sort()).toEqual([...reference.keys()].sort());
    expect(reference.get('example.com/app')).toBeGreaterThan(0);
    expect(reference.get('example.com/dep')).toBeGreaterThan(0);
    const off = [...reference]
      .map(([pkg, want]) => ({ pkg, want, got: ours.get(pkg) ?? 0 }))
      .filter(({ want, got }) => Math.abs(got - want) > want * 0.05);
    expect(off).toEqual([]);
  });

  it('charges at least 90% of the file to modules and names the rest by section', async () => {
    const report = analyse(full);
    const a = report.attribution!;
    const size = statSync(full).size;
    expect(a.fileBytes).toBe(size);
    expect(a.attributedBytes).toBeGreaterThanOrEqual(size * 0.9);
    const named = a.unattributed.reduce((n, u) => n + u.bytes, 0);
    expect(Math.abs(a.attributedBytes + named - size)).toBeLessThanOrEqual(
      a.modules.reduce((n, m) => n + m.packages.length, 0),
    );
    const sections = new Set((await readelf(full)).sections.map((s) => s.name));
    for (const u of a.unattributed)
      expect(u.section === '(headers and padding)' || sections.has(u.section)).toBe(true);

    const modules = Object.fromEntries(a.modules.map((m) => [m.module, m]));
    expect(modules['example.com/app']).toMatchObject({ kind: 'main', version: '(devel)' });
    expect(modules['example.com/dep']).toMatchObject({
      kind: 'dependency',
      version: 'v0.0.0 => ./dep (devel)',
    });
    expect(modules['example.com/dep']!.packages.map((p) => p.package)).toEqual(['example.com/dep']);
    expect(modules.std).toMatchObject({ kind: 'stdlib' });
    expect(a.stdlibBytes).toBe(modules.std!.bytes);
  });
});

describe('cgo fixture linked against the host libc', () => {
  let binary: string;

  beforeAll(async () => {
    // The test needs a C compiler: without one this fails rather than skips.
    await promisify(execFile)('sh', ['-c', 'command -v gcc']);
    const dir = await fixtureDir('cgo');
    binary = await goBuild(dir, 'cgoapp', [], { CGO_ENABLED: '1' });
  });

  it('is dynamic, needs libc.so.6 and names the loader readelf names', async () => {
    const report = analyse(binary);
    const reference = await readelf(binary);
    expect(report.linkage.kind).toBe('dynamic');
    expect(report.linkage.needed).toContain('libc.so.6');
    expect(report.linkage.needed).toEqual(reference.needed);
    expect(report.linkage.interpreter).toBe(reference.interpreter);
    expect(report.linkage.interpreter).toBe('/lib64/ld-linux-x86-64.so.2');
    expect(report.buildInfo.settings).toContainEqual({ key: 'CGO_ENABLED', value: '1' });
    expect(renderGoVersionM(binary, report)).toBe(await goVersionM(binary));
  });
});

/** The findings for one binary in an image whose filesystem holds `present` (loader and libraries). */
function findingsForBinary(file: string, present: string[]): Finding[] {
  const report = analyse(file);
  const records = present.map(
    (path) =>
      ({ path, kind: 'file', size: 1_000_000, mode: 0o755, linkname: null, layerIndex: 0 }) as FileRecord,
  );
  const fs: FilesystemView = {
    get: (p) => records.find((r) => r.path === p),
    resolve: (p) => records.find((r) => r.path === p),
    walk: () => records,
  };
  const facts = binaryFacts(fs, '/app', 1, statSync(file).size, { ...report, fileMode: 0o755 });
  const explanation = {
    platform: 'linux/amd64',
    files: 1,
    fileBytes: facts.bytes,
    baseImage: null,
    wasted: { bytes: 0, files: 0, largest: [] },
    baseWastedBytes: null,
    efficiency: { score: 1, wastedBytes: 0 },
    duplicates: [],
    binaries: [facts],
    diff: null,
    modules: [],
    findings: [],
  } satisfies PlatformExplanation;
  // The fixtures keep their symbols; that finding is not what these tests are about.
  return findingsFor(explanation, fs, {
    platform: 'linux/amd64',
    layers: [],
  } as unknown as PlatformMeasure).filter((f) => f.id !== 'unstripped-binary');
}

describe('a CGO_ENABLED=0 -buildmode=pie binary', () => {
  let binary: string;

  beforeAll(async () => {
    const dir = await fixtureDir('modules');
    binary = await goBuild(dir, 'app-pie', ['-buildmode=pie'], { CGO_ENABLED: '0' });
  });

  it('needs the loader and no library, and is blamed on -buildmode=pie, not on cgo', async () => {
    const report = analyse(binary);
    const reference = await readelf(binary);
    expect(report.linkage).toMatchObject({ kind: 'dynamic', needed: [], interpreter: reference.interpreter });
    expect(report.buildInfo.settings).toContainEqual({ key: '-buildmode', value: 'pie' });
    const found = findingsForBinary(binary, ['/lib64/ld-linux-x86-64.so.2']);
    expect(found.map((f) => f.id)).toEqual(['pie-needs-loader']);
    expect(found[0]!.title).toContain('-buildmode=pie');
    expect(found[0]!.fix).toContain('drop -buildmode=pie');
    expect(found[0]!.fix).not.toContain('CGO_ENABLED=0');
    // On scratch it cannot start; the fix is still about PIE.
    const scratch = findingsForBinary(binary, []);
    expect(scratch.map((f) => [f.id, f.fix.startsWith('drop -buildmode=pie')])).toEqual([
      ['cannot-start', true],
    ]);
  });
});

describe('a cgo binary that needs a C library of its own (as hugo needs libsass)', () => {
  let binary: string;

  beforeAll(async () => {
    await promisify(execFile)('sh', ['-c', 'command -v gcc']);
    const dir = await fixtureDir('clib');
    const lib = join(dir, 'csrc');
    await promisify(execFile)(
      'gcc',
      ['-shared', '-fPIC', '-Wl,-soname,libisgsass.so.1', '-o', 'libisgsass.so.1', 'isgsass.c'],
      { cwd: lib },
    );
    await symlink('libisgsass.so.1', join(lib, 'libisgsass.so'));
    binary = await goBuild(dir, 'clibapp', [], { CGO_ENABLED: '1' });
  });

  it('names the library and advises a static link or a base that ships it, not CGO_ENABLED=0', async () => {
    const report = analyse(binary);
    expect(report.linkage.needed).toEqual((await readelf(binary)).needed);
    expect(report.linkage.needed).toEqual(['libisgsass.so.1', 'libc.so.6']);
    const found = findingsForBinary(binary, [
      '/lib64/ld-linux-x86-64.so.2',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/usr/lib/x86_64-linux-gnu/libisgsass.so.1',
    ]);
    expect(found.map((f) => f.id)).toEqual(['needs-c-library']);
    expect(found[0]!.title).toContain('depends on the C library libisgsass.so.1 beyond libc');
    expect(found[0]!.fix).toMatch(
      /^link libisgsass\.so\.1 statically .* or use a base image that ships libisgsass\.so\.1/,
    );
    expect(found[0]!.fix).not.toMatch(/build with CGO_ENABLED=0/);
    const withoutLib = findingsForBinary(binary, [
      '/lib64/ld-linux-x86-64.so.2',
      '/lib/x86_64-linux-gnu/libc.so.6',
    ]);
    expect(withoutLib.map((f) => f.id)).toEqual(['cannot-start']);
    expect(withoutLib[0]!.fix).toContain('use a base image that ships libisgsass.so.1');
  });
});
