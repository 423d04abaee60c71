// Fixture programs built here with the host Go (offline, into a temporary directory) and checked against
// what the toolchain itself says: -s -w savings, per-package code from .symtab, cgo linkage.

import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGoBinary, renderGoVersionM } from '../../../src/analysis/gobinary/index.js';
import type { GoBinaryReport } from '../../../src/analysis/gobinary/types.js';
import { copyFixture, goBuild, goVersionM, nmCodeByPackage, readelf } from './reference-tools.js';

const workDirs: string[] = [];

async function fixtureDir(name: string): Promise<string> {
  const dir = await copyFixture(name);
  workDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function analyse(file: string): GoBinaryReport {
  const report = analyzeGoBinary(readFileSync(file), { attributeModules: true });
  if (report.kind !== 'go') throw new Error(`${file}: ${report.kind}: ${report.reason}`);
  return report;
}

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
