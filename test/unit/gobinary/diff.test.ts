import { describe, expect, it } from 'vitest';
import { parseModinfo } from '../../../src/analysis/gobinary/buildinfo.js';
import { diffGoModules } from '../../../src/analysis/gobinary/index.js';
import type { GoBinaryReport, ModuleShare } from '../../../src/analysis/gobinary/types.js';

function report(
  goVersion: string,
  deps: string[],
  modules: [string, ModuleShare['kind'], number][] | null,
): GoBinaryReport {
  const modinfo = `path\tx\nmod\tx\t(devel)\t\n${deps.map((d) => `${d}\n`).join('')}`;
  return {
    kind: 'go',
    goVersion,
    version: null,
    buildInfo: parseModinfo(modinfo),
    elf: {
      class: 64,
      endian: 'little',
      machine: 62,
      goarch: 'amd64',
      type: 'EXEC',
      fileBytes: 0,
      sections: [],
      segments: [],
    },
    linkage: { kind: 'static', interpreter: null, needed: [], pie: false },
    strip: { stripped: true, hasSymtab: false, hasDwarf: false, savingBytes: 0, bySection: [] },
    attribution:
      modules === null
        ? null
        : {
            fileBytes: 0,
            attributedBytes: 0,
            modules: modules.map(([module, kind, bytes]) => ({
              module,
              kind,
              version: null,
              bytes,
              codeBytes: 0,
              // Two packages: one holding all but 1,000 bytes, which never changes size.
              packages: [
                { package: `${module}/big`, bytes: bytes - 1_000, codeBytes: 0, functions: 1 },
                { package: `${module}/small`, bytes: 1_000, codeBytes: 0, functions: 1 },
              ],
            })),
            stdlibBytes: 0,
            unattributed: [],
            sections: [],
            functions: 0,
          },
    attributionError: null,
  };
}

describe('diffGoModules', () => {
  const base = report(
    'go1.23.4',
    [
      'dep\tgithub.com/a/kept\tv1.0.0\th1:a=',
      'dep\tgithub.com/a/old\tv0.1.0\th1:b=',
      'dep\tgithub.com/a/up\tv1.2.0\th1:c=',
    ],
    [
      ['std', 'stdlib', 4_000_000],
      ['x', 'main', 300_000],
      ['github.com/a/kept', 'dependency', 100_000],
      ['github.com/a/old', 'dependency', 50_000],
      ['github.com/a/up', 'dependency', 200_000],
    ],
  );
  const head = report(
    'go1.24.4',
    [
      'dep\tgithub.com/a/kept\tv1.0.0\th1:a=',
      'dep\tgithub.com/a/up\tv1.3.0\th1:d=',
      'dep\tgithub.com/b/new\tv2.0.0\th1:e=',
      'dep\tgithub.com/c/local\tv0.0.0',
      '=>\t../local\t(devel)\t',
    ],
    [
      ['std', 'stdlib', 4_100_000],
      ['x', 'main', 290_000],
      ['github.com/a/kept', 'dependency', 100_000],
      ['github.com/a/up', 'dependency', 900_000],
      ['github.com/b/new', 'dependency', 2_000_000],
      ['github.com/c/local', 'dependency', 10_000],
    ],
  );

  it('lists modules added, removed and upgraded, with replacements spelled out', () => {
    const diff = diffGoModules(base, head);
    expect(diff.goVersion).toEqual({ from: 'go1.23.4', to: 'go1.24.4' });
    expect(diff.added).toEqual([
      { module: 'github.com/b/new', version: 'v2.0.0' },
      { module: 'github.com/c/local', version: 'v0.0.0 => ../local (devel)' },
    ]);
    expect(diff.removed).toEqual([{ module: 'github.com/a/old', version: 'v0.1.0' }]);
    expect(diff.upgraded).toEqual([{ module: 'github.com/a/up', from: 'v1.2.0', to: 'v1.3.0' }]);
  });

  it('names the packages that grew inside a grown module, none for the others', () => {
    const growth = diffGoModules(base, head).growth;
    const up = growth.find((g) => g.module === 'github.com/a/up')!;
    expect(up.packages).toEqual([
      { package: 'github.com/a/up/big', baseBytes: 199_000, headBytes: 899_000, delta: 700_000 },
    ]);
    expect(growth.find((g) => g.module === 'github.com/b/new')!.packages).toEqual([
      { package: 'github.com/b/new/big', baseBytes: 0, headBytes: 1_999_000, delta: 1_999_000 },
      { package: 'github.com/b/new/small', baseBytes: 0, headBytes: 1_000, delta: 1_000 },
    ]);
    expect(growth.filter((g) => g.delta <= 0).every((g) => g.packages.length === 0)).toBe(true);
  });

  it('ranks byte growth per module, largest first, removed modules as shrinkage', () => {
    expect(diffGoModules(base, head).growth.map(({ packages: _, ...g }) => g)).toEqual([
      {
        module: 'github.com/b/new',
        kind: 'dependency',
        baseBytes: 0,
        headBytes: 2_000_000,
        delta: 2_000_000,
      },
      {
        module: 'github.com/a/up',
        kind: 'dependency',
        baseBytes: 200_000,
        headBytes: 900_000,
        delta: 700_000,
      },
      { module: 'std', kind: 'stdlib', baseBytes: 4_000_000, headBytes: 4_100_000, delta: 100_000 },
      { module: 'github.com/c/local', kind: 'dependency', baseBytes: 0, headBytes: 10_000, delta: 10_000 },
      { module: 'github.com/a/kept', kind: 'dependency', baseBytes: 100_000, headBytes: 100_000, delta: 0 },
      { module: 'x', kind: 'main', baseBytes: 300_000, headBytes: 290_000, delta: -10_000 },
      { module: 'github.com/a/old', kind: 'dependency', baseBytes: 50_000, headBytes: 0, delta: -50_000 },
    ]);
  });

  it('gives no growth figures when either side was not attributed, and no Go change when equal', () => {
    const unattributed = report('go1.23.4', [], null);
    const diff = diffGoModules(unattributed, base);
    expect(diff.growth).toEqual([]);
    expect(diff.goVersion).toBeNull();
    expect(diff.added.map((a) => a.module)).toEqual([
      'github.com/a/kept',
      'github.com/a/old',
      'github.com/a/up',
    ]);
  });
});
