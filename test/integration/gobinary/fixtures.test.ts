// Fixture programs built here with the host Go (offline, into a temporary directory) and checked against
// what the toolchain itself says: -s -w savings, per-package code from .symtab, cgo linkage.

import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeGoBinary, renderGoVersionM } from '../../../src/analysis/gobinary/index.js';
import type { GoBinaryReport } from '../../../src/analysis/gobinary/types.js';
import { copyFixture, goBuild, goToolAddr2line, goToolNm, goVersionM, readelf } from './reference-tools.js';

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

/** The package of a text symbol, by the rule Go's linker names follow (written apart from the code under test). */
function packageOf(name: string): string | null {
  let rest = name;
  if (rest.startsWith('go:') || rest.startsWith('$')) return null;
  if (rest.startsWith('type:')) {
    const m = /^type:\.(?:eq|hash)\.[[\]\d*]*(.*)$/.exec(rest);
    if (!m || /^(go[:.]|struct|interface|func\(|map\[|chan )/.test(m[1]!)) return null;
    rest = m[1]!;
  }
  const head = rest.split('[')[0]!;
  const dot = head.indexOf('.', head.lastIndexOf('/') + 1);
  if (dot <= 0) return null;
  const pkg = head
    .slice(0, dot)
    .replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  const vendor = pkg.lastIndexOf('/vendor/');
  return vendor >= 0 ? pkg.slice(vendor + 8) : pkg;
}

/** Sums `go tool nm -size` text symbols per package; assembly-local names are placed by their source file. */
async function nmCodeByPackage(file: string, mainPath: string): Promise<Map<string, number>> {
  const text = (await goToolNm(file)).filter((s) => s.type === 'T' || s.type === 't');
  const bare = text.filter((s) => packageOf(s.name) === null && /^[A-Za-z0-9_]+$/.test(s.name));
  const sources = await goToolAddr2line(
    file,
    bare.map((s) => s.address),
  );
  const bareOwner = new Map(
    bare.map((s, i) => {
      const dir = sources[i]!.slice(0, sources[i]!.lastIndexOf('/'));
      const src = dir.lastIndexOf('/src/');
      return [s.name, src >= 0 ? dir.slice(src + 5) : null];
    }),
  );
  const totals = new Map<string, number>();
  for (const s of text) {
    let pkg = packageOf(s.name) ?? bareOwner.get(s.name) ?? null;
    if (pkg === null) continue;
    if (pkg === 'main') pkg = mainPath;
    totals.set(pkg, (totals.get(pkg) ?? 0) + s.size);
  }
  return totals;
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
