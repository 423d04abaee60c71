// The Go binaries Debian ships on this machine, read by the doctor and by the reference tools. A missing
// binary fails the test: the setup script installs all of them.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGoBinary, renderGoVersionM } from '../../../src/analysis/gobinary/index.js';
import type { GoBinaryReport } from '../../../src/analysis/gobinary/types.js';
import { DEBIAN_GO_PROGRAMS, requireDebianGoBinary } from '../../support/toolchains.js';
import { GO, goVersionM, readelf } from './reference-tools.js';

const BINARIES = [
  // Debian's docker.io installs the daemon in /usr/sbin.
  '/usr/sbin/dockerd',
  '/usr/bin/containerd',
  '/usr/sbin/runc',
  '/usr/libexec/docker/cli-plugins/docker-buildx',
  '/usr/local/bin/docker',
  GO,
  // Built by Debian with Go 1.26 and later (text start 0 in the function table), for both platforms.
  ...(['amd64', 'arm64'] as const).flatMap((arch) =>
    DEBIAN_GO_PROGRAMS.map((program) => requireDebianGoBinary(arch, program)),
  ),
];

const reports = new Map<string, GoBinaryReport>();

/** Each binary is read and analysed once; a missing file throws here and fails the test. */
function analyse(file: string): GoBinaryReport {
  let report = reports.get(file);
  if (!report) {
    const result = analyzeGoBinary(readFileSync(file), { attributeModules: true });
    if (result.kind !== 'go') throw new Error(`${file}: ${result.kind}: ${result.reason}`);
    report = result;
    reports.set(file, report);
  }
  return report;
}

describe.each(BINARIES)('%s', (file) => {
  it('renders its build info byte-identical to `go version -m`', async () => {
    const report = analyse(file);
    expect(renderGoVersionM(file, report)).toBe(await goVersionM(file));
  });

  it('has the sections, segments, interpreter and NEEDED libraries readelf lists', async () => {
    const report = analyse(file);
    const reference = await readelf(file);
    expect(
      report.elf.sections.map((s) => ({
        index: s.index,
        name: s.name,
        type: s.type,
        offset: s.offset,
        size: s.size,
      })),
    ).toEqual(reference.sections);
    expect(
      report.elf.segments.map((p) => ({ type: p.type, offset: p.offset, filesz: p.filesz, memsz: p.memsz })),
    ).toEqual(reference.segments);
    expect(report.linkage.interpreter).toBe(reference.interpreter);
    expect(report.linkage.needed).toEqual(reference.needed);
    expect(report.linkage.kind).toBe(
      reference.interpreter === null && reference.needed.length === 0
        ? report.elf.type === 'DYN'
          ? 'static-pie'
          : 'static'
        : 'dynamic',
    );
    expect(report.strip.stripped).toBe(!reference.sections.some((s) => s.name === '.symtab'));
  });

  it('attributes its bytes by module without counting any twice', () => {
    const { attribution, buildInfo } = analyse(file);
    expect(attribution).not.toBeNull();
    const a = attribution!;
    expect(a.functions).toBeGreaterThan(1000);
    for (const m of a.modules) {
      expect(m.packages.reduce((n, p) => n + p.bytes, 0)).toBe(m.bytes);
    }
    const named = a.unattributed.reduce((n, u) => n + u.bytes, 0);
    // Package shares are rounded one by one: allow a byte each.
    const packages = a.modules.reduce((n, m) => n + m.packages.length, 0);
    expect(Math.abs(a.attributedBytes + named - a.fileBytes)).toBeLessThanOrEqual(packages);
    // Code and its metadata alone are well over half of any Go binary.
    expect(a.attributedBytes / a.fileBytes).toBeGreaterThan(0.6);
    expect(a.modules.find((m) => m.module === 'std')!.packages.map((p) => p.package)).toContain('runtime');
    const main = a.modules.flatMap((m) => m.packages).find((p) => p.package === buildInfo.path);
    expect(main?.codeBytes).toBeGreaterThan(0);
  });
});

describe('truncated copies of a real Go binary', () => {
  it('give a clean result at every cut, never a throw', () => {
    const whole = readFileSync(GO);
    const cuts = [
      0,
      3,
      16,
      63,
      64,
      200,
      4096,
      65536,
      whole.length >> 2,
      whole.length >> 1,
      whole.length - 4096,
      whole.length - 1,
    ];
    const kinds = cuts.map(
      (length) => analyzeGoBinary(whole.subarray(0, length), { attributeModules: true }).kind,
    );
    expect(kinds.slice(0, 2)).toEqual(['not-go', 'not-go']);
    // Go's own linker puts the section headers first: once they are in, the build info's absence shows.
    expect(new Set(kinds)).toEqual(new Set(['not-go', 'go-unreadable', 'go']));
    expect(kinds.at(-1)).toBe('go');
  });
});
