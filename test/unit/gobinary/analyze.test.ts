import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeGoBinary, isElf, renderGoVersionM } from '../../../src/analysis/gobinary/index.js';
import type { GoBinaryAnalysis, GoBinaryReport } from '../../../src/analysis/gobinary/types.js';
import {
  buildElf,
  concat,
  type ElfSpec,
  inlineBuildInfo,
  PF,
  PT,
  pointerBuildInfo,
  type SectionSpec,
  SHF,
  SHT,
  stringTable,
  text,
  words,
} from '../../fixtures/gobinary/synthetic-elf.js';

const MODINFO = 'path\texample.com/app\nmod\texample.com/app\t(devel)\t\nbuild\tGOARCH=amd64\n';

function goReport(analysis: GoBinaryAnalysis): GoBinaryReport {
  if (analysis.kind !== 'go')
    throw new Error(`expected a Go binary, got ${analysis.kind}: ${analysis.reason}`);
  return analysis;
}

const textSection: SectionSpec = {
  name: '.text',
  type: SHT.PROGBITS,
  flags: SHF.ALLOC | SHF.EXECINSTR,
  data: new Uint8Array(64).fill(0xcc),
};

function goElf(extra: Partial<ElfSpec> = {}, buildinfo = inlineBuildInfo('go1.24.4', MODINFO)): Uint8Array {
  return buildElf({
    sections: [
      textSection,
      { name: '.go.buildinfo', type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data: buildinfo },
    ],
    segments: [
      { type: PT.LOAD, flags: PF.R | PF.X, sections: ['.text'] },
      { type: PT.LOAD, flags: PF.R | PF.W, sections: ['.go.buildinfo'] },
    ],
    ...extra,
  });
}

describe('isElf', () => {
  it('recognises the ELF magic and nothing else', () => {
    expect(isElf(goElf().subarray(0, 4))).toBe(true);
    expect(isElf(text('\x7fEL'))).toBe(false);
    expect(isElf(text('#!/bin/sh\n'))).toBe(false);
    expect(isElf(new Uint8Array(0))).toBe(false);
  });
});

describe('build info in every layout Go has used', () => {
  it('reads the Go 1.18+ inline format from .go.buildinfo', () => {
    const report = goReport(analyzeGoBinary(goElf()));
    expect(report.goVersion).toBe('go1.24.4');
    expect(report.version).toMatchObject({ major: 1, minor: 24, patch: 4 });
    expect(report.buildInfo.path).toBe('example.com/app');
    expect(renderGoVersionM('app', report)).toBe(
      'app: go1.24.4\n\tpath\texample.com/app\n\tmod\texample.com/app\t(devel)\t\n\tbuild\tGOARCH=amd64\n',
    );
    expect(report.elf).toMatchObject({ class: 64, endian: 'little', goarch: 'amd64', type: 'EXEC' });
  });

  it('finds it without section headers by scanning the first writable segment', () => {
    const report = goReport(analyzeGoBinary(goElf({ noSectionHeaders: true })));
    expect(report.goVersion).toBe('go1.24.4');
    expect(report.elf.sections).toEqual([]);
  });

  it.each([
    { is64: false, little: false, machine: 8, goarch: 'mips' },
    { is64: true, little: false, machine: 22, goarch: 's390x' },
    { is64: false, little: true, machine: 40, goarch: 'arm' },
    { is64: true, little: true, machine: 183, goarch: 'arm64' },
  ])('reads $goarch ELF ($is64-bit words, little=$little)', ({ is64, little, machine, goarch }) => {
    const ptrSize = is64 ? 8 : 4;
    const report = goReport(
      analyzeGoBinary(
        goElf({ is64, little, machine }, inlineBuildInfo('go1.21.0', MODINFO, ptrSize, !little)),
      ),
    );
    expect(report.goVersion).toBe('go1.21.0');
    expect(report.buildInfo.path).toBe('example.com/app');
    expect(report.elf).toMatchObject({ class: is64 ? 64 : 32, endian: little ? 'little' : 'big', goarch });
  });

  it.each([
    { ptrSize: 8 as const, little: true },
    { ptrSize: 4 as const, little: false },
  ])('reads the pre-1.18 pointer format ($ptrSize-byte pointers, little=$little)', ({ ptrSize, little }) => {
    const blob = pointerBuildInfo('go1.16.15', MODINFO, ptrSize, little);
    const elf = buildElf({
      is64: ptrSize === 8,
      little,
      sections: [
        textSection,
        { name: '.go.buildinfo', type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, ...blob },
      ],
      segments: [
        { type: PT.LOAD, flags: PF.R | PF.X, sections: ['.text'] },
        { type: PT.LOAD, flags: PF.R | PF.W, sections: ['.go.buildinfo'] },
      ],
    });
    const report = goReport(analyzeGoBinary(elf));
    expect(report.goVersion).toBe('go1.16.15');
    expect(report.buildInfo.main?.path).toBe('example.com/app');
  });

  it('treats module text without its sentinels as absent, as Go does', () => {
    const blob = inlineBuildInfo('go1.24.4', '');
    const report = goReport(analyzeGoBinary(goElf({}, blob)));
    expect(renderGoVersionM('x', report)).toBe('x: go1.24.4\n');
  });
});

function dynamicElf(opts: {
  type: number;
  interp: string | null;
  needed: string[];
  flags1?: number;
}): Uint8Array {
  const dynstr = stringTable(opts.needed);
  const entries = (strtab: number): number[] => [
    ...opts.needed.flatMap((n) => [1, dynstr.offsets.get(n)!]),
    5,
    strtab,
    ...(opts.flags1 === undefined ? [] : [0x6ffffffb, opts.flags1]),
    0,
    0,
  ];
  const dynSize = entries(0).length * 8;
  const sections: SectionSpec[] = [
    ...(opts.interp === null
      ? []
      : [{ name: '.interp', type: SHT.PROGBITS, flags: SHF.ALLOC, data: text(`${opts.interp}\0`) }]),
    textSection,
    { name: '.dynstr', type: SHT.STRTAB, flags: SHF.ALLOC, data: dynstr.bytes },
    {
      name: '.dynamic',
      type: SHT.DYNAMIC,
      flags: SHF.ALLOC | SHF.WRITE,
      size: dynSize,
      data: (layout) => words(true, 8, entries(layout.addr('.dynstr'))),
      link: '.dynstr',
    },
    {
      name: '.go.buildinfo',
      type: SHT.PROGBITS,
      flags: SHF.ALLOC | SHF.WRITE,
      data: inlineBuildInfo('go1.24.4', MODINFO),
    },
  ];
  return buildElf({
    type: opts.type,
    sections,
    segments: [
      ...(opts.interp === null ? [] : [{ type: PT.INTERP, flags: PF.R, sections: ['.interp'] }]),
      {
        type: PT.LOAD,
        flags: PF.R | PF.X,
        sections: [...(opts.interp === null ? [] : ['.interp']), '.text', '.dynstr'],
      },
      { type: PT.LOAD, flags: PF.R | PF.W, sections: ['.dynamic', '.go.buildinfo'] },
      { type: PT.DYNAMIC, flags: PF.R | PF.W, sections: ['.dynamic'] },
    ],
  });
}

describe('linkage', () => {
  it('static: no interpreter, no NEEDED, ET_EXEC', () => {
    expect(goReport(analyzeGoBinary(goElf())).linkage).toEqual({
      kind: 'static',
      interpreter: null,
      needed: [],
      pie: false,
    });
  });

  it('dynamic: interpreter and NEEDED libraries in order', () => {
    const elf = dynamicElf({
      type: 2,
      interp: '/lib64/ld-linux-x86-64.so.2',
      needed: ['libseccomp.so.2', 'libc.so.6'],
    });
    expect(goReport(analyzeGoBinary(elf)).linkage).toEqual({
      kind: 'dynamic',
      interpreter: '/lib64/ld-linux-x86-64.so.2',
      needed: ['libseccomp.so.2', 'libc.so.6'],
      pie: false,
    });
  });

  it('static-pie: ET_DYN without interpreter', () => {
    const elf = dynamicElf({ type: 3, interp: null, needed: [], flags1: 0x08000000 });
    expect(goReport(analyzeGoBinary(elf)).linkage).toEqual({
      kind: 'static-pie',
      interpreter: null,
      needed: [],
      pie: true,
    });
  });

  it('an internal-link PIE with an interpreter and no NEEDED is still dynamic: it needs the loader', () => {
    const elf = dynamicElf({ type: 3, interp: '/lib/ld-musl-x86_64.so.1', needed: [], flags1: 0x08000000 });
    expect(goReport(analyzeGoBinary(elf)).linkage).toEqual({
      kind: 'dynamic',
      interpreter: '/lib/ld-musl-x86_64.so.1',
      needed: [],
      pie: true,
    });
  });
});

describe('strip facts', () => {
  const section = (name: string, size: number, type: number = SHT.PROGBITS, flags = 0): SectionSpec => ({
    name,
    type,
    flags,
    data: new Uint8Array(size),
  });

  it('counts .symtab, .strtab, DWARF (plain, SHF_COMPRESSED, .zdebug), their names and trailing headers', () => {
    const elf = buildElf({
      sections: [
        textSection,
        {
          name: '.go.buildinfo',
          type: SHT.PROGBITS,
          flags: SHF.ALLOC | SHF.WRITE,
          data: inlineBuildInfo('go1.24.4', MODINFO),
        },
        section('.debug_info', 500, SHT.PROGBITS, SHF.COMPRESSED),
        section('.zdebug_line', 300),
        section('.debug_gdb_scripts', 45),
        section('.symtab', 240, SHT.SYMTAB),
        section('.strtab', 100, SHT.STRTAB),
      ],
      segments: [
        { type: PT.LOAD, flags: PF.R | PF.X, sections: ['.text'] },
        { type: PT.LOAD, flags: PF.R | PF.W, sections: ['.go.buildinfo'] },
      ],
    });
    const { strip } = goReport(analyzeGoBinary(elf));
    const names = '.debug_info\0.zdebug_line\0.debug_gdb_scripts\0.symtab\0.strtab\0'.length;
    expect(strip).toEqual({
      stripped: false,
      hasSymtab: true,
      hasDwarf: true,
      savingBytes: 500 + 300 + 45 + 240 + 100 + names + 5 * 64,
      bySection: [
        { section: '.debug_info', bytes: 500 },
        { section: '.zdebug_line', bytes: 300 },
        { section: '.debug_gdb_scripts', bytes: 45 },
        { section: '.symtab', bytes: 240 },
        { section: '.strtab', bytes: 100 },
        { section: '.shstrtab', bytes: names },
        { section: '(section headers)', bytes: 5 * 64 },
      ],
    });
  });

  it('a -s -w binary has nothing left to save', () => {
    expect(goReport(analyzeGoBinary(goElf())).strip).toEqual({
      stripped: true,
      hasSymtab: false,
      hasDwarf: false,
      savingBytes: 0,
      bySection: [],
    });
  });
});

describe('input that is not a readable Go binary', () => {
  it.each([
    ['empty', new Uint8Array(0)],
    ['a shell script', text('#!/bin/sh\necho hi\n')],
    ['the ELF magic alone', Uint8Array.of(0x7f, 0x45, 0x4c, 0x46)],
    [
      'an ELF header with a bad class',
      concat(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 9, 1, 1), new Uint8Array(80)),
    ],
    ['random bytes', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)],
  ])('%s: not-go with a reason, no ELF facts', (_, bytes) => {
    const result = analyzeGoBinary(bytes, { attributeModules: true });
    expect(result.kind).toBe('not-go');
    if (result.kind === 'go') return;
    expect(result.reason).not.toBe('');
    expect(result.elf).toBeNull();
  });

  it('a non-Go ELF (/bin/ls) is not-go, with its ELF facts and linkage', () => {
    const result = analyzeGoBinary(readFileSync('/bin/ls'), { attributeModules: true });
    expect(result.kind).toBe('not-go');
    if (result.kind === 'go') return;
    expect(result.elf?.sections.some((s) => s.name === '.text')).toBe(true);
    expect(result.linkage?.kind).toBe('dynamic');
    expect(result.linkage?.needed).toContain('libc.so.6');
  });

  it('every truncation of a Go ELF gives a clean result, never a throw', () => {
    const whole = dynamicElf({ type: 2, interp: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'] });
    const kinds = new Set<string>();
    for (let length = 0; length < whole.length; length++) {
      const result = analyzeGoBinary(whole.subarray(0, length), { attributeModules: true });
      kinds.add(result.kind);
      if (result.kind !== 'go') expect(result.reason).not.toBe('');
    }
    // Cut inside the build info it is unreadable; cut after it (in the section headers) it still reads.
    expect(kinds).toEqual(new Set(['not-go', 'go-unreadable', 'go']));
  });

  it('corrupted header and table bytes give a clean result, never a throw', () => {
    const whole = goElf();
    let seed = 12345;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let round = 0; round < 2000; round++) {
      const copy = whole.slice();
      for (let flips = 0; flips < 4; flips++) {
        const at = next() % 160 < 120 ? next() % 64 : next() % copy.length;
        copy[at] = next() & 0xff;
      }
      const result = analyzeGoBinary(copy, { attributeModules: true });
      expect(['go', 'go-unreadable', 'not-go']).toContain(result.kind);
    }
  });

  it('damaged build info (magic present, strings cut) is go-unreadable', () => {
    const blob = inlineBuildInfo('go1.24.4', MODINFO).subarray(0, 40);
    const result = analyzeGoBinary(goElf({}, blob));
    expect(result).toMatchObject({ kind: 'go-unreadable' });
  });

  it('a Go build ID note without build info is go-unreadable', () => {
    const desc = text('abc/def/ghi/jkl\0');
    const note = concat(words(true, 4, [4, desc.length, 4]), text('Go\0\0'), desc);
    const elf = buildElf({
      sections: [
        textSection,
        { name: '.note.go.buildid', type: SHT.NOTE, flags: SHF.ALLOC, data: note, align: 4 },
      ],
      segments: [{ type: PT.LOAD, flags: PF.R | PF.X, sections: ['.text', '.note.go.buildid'] }],
    });
    expect(analyzeGoBinary(elf)).toMatchObject({
      kind: 'go-unreadable',
      reason: expect.stringContaining('build ID note'),
    });
  });

  it('gccgo (runtime.main but no Go build info) is go-unreadable', () => {
    const strtab = stringTable(['main', 'runtime.main', '__go_init_main']);
    const elf = buildElf({
      sections: [textSection, { name: '.strtab', type: SHT.STRTAB, flags: 0, data: strtab.bytes }],
      segments: [{ type: PT.LOAD, flags: PF.R | PF.X, sections: ['.text'] }],
    });
    expect(analyzeGoBinary(elf)).toMatchObject({
      kind: 'go-unreadable',
      reason: expect.stringContaining('gccgo'),
    });
  });

  it('a UPX-packed file says it cannot tell', () => {
    const packed = buildElf({
      noSectionHeaders: true,
      sections: [
        {
          name: 'packed',
          type: SHT.PROGBITS,
          flags: SHF.ALLOC | SHF.EXECINSTR,
          data: concat(text('UPX!'), new Uint8Array(200)),
        },
      ],
      segments: [{ type: PT.LOAD, flags: PF.R | PF.X, sections: ['packed'] }],
    });
    expect(analyzeGoBinary(packed)).toMatchObject({ kind: 'not-go', reason: expect.stringContaining('UPX') });
  });
});
