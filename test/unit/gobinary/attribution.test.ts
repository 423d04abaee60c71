import { describe, expect, it } from 'vitest';
import { analyzeGoBinary } from '../../../src/analysis/gobinary/index.js';
import type { GoAttribution, GoBinaryReport } from '../../../src/analysis/gobinary/types.js';
import {
  buildElf,
  concat,
  inlineBuildInfo,
  PF,
  PT,
  pclntab12,
  pclntab118,
  type SectionSpec,
  SHF,
  SHT,
  type SyntheticFunc,
  stringTable,
} from '../../fixtures/gobinary/synthetic-elf.js';

const MODINFO = [
  'path\texample.com/app',
  'mod\texample.com/app\t(devel)\t',
  'dep\texample.com/dep\tv1.2.0\th1:abc=',
  'dep\texample.com/dep/v2\tv2.0.1\th1:def=',
  '',
].join('\n');

// Function bodies: `code` bytes of instructions (0x90) then INT3 padding up to `size`.
const FUNCS: (SyntheticFunc & { size: number; code: number })[] = [
  { name: 'runtime.main', entry: 0, size: 64, code: 50 },
  { name: 'example.com/dep.Digest', entry: 64, size: 96, code: 90, file: '/src/dep/dep.go' },
  // Laid out after another package's function: only its source file says it is the runtime's.
  { name: 'aeshashbody', entry: 160, size: 32, code: 32, file: '/go/src/runtime/asm_amd64.s' },
  { name: 'example.com/dep/v2/inner.(*T).M', entry: 192, size: 32, code: 20, file: '/src/dep2/inner/t.go' },
  {
    name: 'example.com/dep/v2/inner.Map[go.shape.string,example.com/dep.T].Get',
    entry: 224,
    size: 32,
    code: 32,
  },
  { name: 'type:.eq.[2]example.com/dep.Record', entry: 256, size: 32, code: 30 },
  { name: 'main.main', entry: 288, size: 64, code: 40, file: '/src/app/main.go' },
  { name: 'go:buildid', entry: 352, size: 32, code: 32 },
];
const TEXT_SIZE = 384;

function textBytes(): Uint8Array {
  const bytes = new Uint8Array(TEXT_SIZE).fill(0xcc);
  for (const f of FUNCS) bytes.fill(0x90, f.entry, f.entry + f.code);
  return bytes;
}

function syntheticGo(
  table: (textStart: number) => Uint8Array,
  opts: { tableSection?: string; symbols?: boolean } = {},
): Uint8Array {
  const tableSize = table(0).length;
  const tableSection = opts.tableSection ?? '.gopclntab';
  const symbols = stringTable(['example.com/dep.table', 'runtime.buf', 'go:string.*']);
  const sections: SectionSpec[] = [
    { name: '.text', type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXECINSTR, data: textBytes(), align: 32 },
    { name: '.rodata', type: SHT.PROGBITS, flags: SHF.ALLOC, data: new Uint8Array(1000) },
    {
      name: tableSection,
      type: SHT.PROGBITS,
      flags: SHF.ALLOC,
      size: tableSize + (opts.tableSection ? 24 : 0),
      // Inside another section the table sits after some unrelated bytes, found by scanning.
      data: (layout) => concat(new Uint8Array(opts.tableSection ? 24 : 0), table(layout.addr('.text'))),
    },
    { name: '.noptrdata', type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data: new Uint8Array(256) },
    {
      name: '.go.buildinfo',
      type: SHT.PROGBITS,
      flags: SHF.ALLOC | SHF.WRITE,
      data: inlineBuildInfo('go1.24.4', MODINFO),
    },
  ];
  if (opts.symbols) {
    sections.push(
      {
        name: '.symtab',
        type: SHT.SYMTAB,
        flags: 0,
        link: '.strtab',
        size: 4 * 24,
        // Null symbol, two data objects in .noptrdata (section index 4), one linker-made name.
        data: (layout) =>
          concat(
            new Uint8Array(24),
            symbol(symbols.offsets.get('example.com/dep.table')!, 1, 4, layout.addr('.noptrdata'), 200),
            symbol(symbols.offsets.get('runtime.buf')!, 1, 4, layout.addr('.noptrdata') + 200, 40),
            symbol(symbols.offsets.get('go:string.*')!, 1, 2, layout.addr('.rodata'), 0),
          ),
      },
      { name: '.strtab', type: SHT.STRTAB, flags: 0, data: symbols.bytes },
    );
  }
  return buildElf({
    sections,
    segments: [
      { type: PT.LOAD, flags: PF.R | PF.X, sections: ['.text'] },
      { type: PT.LOAD, flags: PF.R, sections: ['.rodata', tableSection] },
      { type: PT.LOAD, flags: PF.R | PF.W, sections: ['.noptrdata', '.go.buildinfo'] },
    ],
  });
}

function symbol(name: number, type: number, shndx: number, value: number, size: number): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setUint32(0, name, true);
  b[4] = (1 << 4) | type;
  v.setUint16(6, shndx, true);
  v.setBigUint64(8, BigInt(value), true);
  v.setBigUint64(16, BigInt(size), true);
  return b;
}

function attribution(file: Uint8Array): { report: GoBinaryReport; a: GoAttribution } {
  const report = analyzeGoBinary(file, { attributeModules: true });
  if (report.kind !== 'go') throw new Error(report.reason);
  if (!report.attribution) throw new Error(report.attributionError ?? 'no attribution');
  return { report, a: report.attribution };
}

const codeOf = (a: GoAttribution): Record<string, number> =>
  Object.fromEntries(a.modules.flatMap((m) => m.packages.map((p) => [p.package, p.codeBytes])));

describe('attribution from the function table', () => {
  it.each([
    ['Go 1.20+ table in .gopclntab', (t: number) => pclntab118(FUNCS, TEXT_SIZE, t), {}],
    ['Go 1.18 table', (t: number) => pclntab118(FUNCS, TEXT_SIZE, t, { go120: false }), {}],
    [
      'Go 1.20+ table inside .data.rel.ro (external-link PIE)',
      (t: number) => pclntab118(FUNCS, TEXT_SIZE, t),
      { tableSection: '.data.rel.ro' },
    ],
  ])('%s: code per package without INT3 padding, bare asm names by source file', (_, table, opts) => {
    const { a } = attribution(syntheticGo(table, opts));
    expect(a.functions).toBe(FUNCS.length);
    expect(codeOf(a)).toEqual({
      runtime: 50 + 32,
      'example.com/dep': 90 + 30,
      'example.com/dep/v2/inner': 20 + 32,
      'example.com/app': 40,
    });
  });

  it('reads the Go 1.2-1.15 table (no source files there: bare names go to the function before)', () => {
    const { a } = attribution(syntheticGo((t) => pclntab12(FUNCS, TEXT_SIZE, t)));
    expect(codeOf(a)).toEqual({
      runtime: 50,
      'example.com/dep': 90 + 32 + 30,
      'example.com/dep/v2/inner': 20 + 32,
      'example.com/app': 40,
    });
  });

  it('maps packages to the longest module path, the main package to the main module, the rest to std', () => {
    const { a } = attribution(syntheticGo((t) => pclntab118(FUNCS, TEXT_SIZE, t)));
    const modules = Object.fromEntries(
      a.modules.map((m) => [m.module, { kind: m.kind, version: m.version }]),
    );
    expect(modules).toEqual({
      std: { kind: 'stdlib', version: null },
      'example.com/dep': { kind: 'dependency', version: 'v1.2.0' },
      'example.com/dep/v2': { kind: 'dependency', version: 'v2.0.1' },
      'example.com/app': { kind: 'main', version: '(devel)' },
    });
    expect(a.stdlibBytes).toBe(a.modules.find((m) => m.module === 'std')!.bytes);
  });

  it('charges .text by extent, spreads the function table and funcdata by code, names the rest by section', () => {
    const file = syntheticGo((t) => pclntab118(FUNCS, TEXT_SIZE, t));
    const { a } = attribution(file);
    const packaged = TEXT_SIZE - 32; // go:buildid belongs to no package
    const byName = Object.fromEntries(a.sections.map((s) => [s.section, s]));
    expect(byName['.text']).toMatchObject({
      bytes: TEXT_SIZE,
      attributedBytes: packaged,
      methods: ['functions'],
    });
    const tableBytes = byName['.gopclntab']!.bytes;
    expect(byName['.gopclntab']!.attributedBytes).toBe(Math.round((tableBytes * packaged) / TEXT_SIZE));
    // funcdata offsets run 0..700: the last one's length is unknown, so 700 bytes of .rodata are spread.
    expect(byName['.rodata']).toMatchObject({
      attributedBytes: Math.round((700 * packaged) / TEXT_SIZE),
      methods: ['spread'],
    });
    expect(byName['.noptrdata']).toMatchObject({ attributedBytes: 0, methods: [] });
    // Everything adds up to the file: module shares plus what is named by section.
    const unattributed = a.unattributed.reduce((n, u) => n + u.bytes, 0);
    expect(Math.abs(a.attributedBytes + unattributed - file.length)).toBeLessThanOrEqual(
      a.modules.length * 2,
    );
    expect(a.unattributed.map((u) => u.section)).toContain('(headers and padding)');
  });

  it('with a symbol table, charges symbol entries, names and sized data objects to their packages', () => {
    const without = attribution(syntheticGo((t) => pclntab118(FUNCS, TEXT_SIZE, t))).a;
    const { a } = attribution(syntheticGo((t) => pclntab118(FUNCS, TEXT_SIZE, t), { symbols: true }));
    const bytesOf = (x: GoAttribution, pkg: string): number =>
      x.modules.flatMap((m) => m.packages).find((p) => p.package === pkg)!.bytes;
    // .symtab and .strtab are also spread-free here: only symbols with a package count.
    expect(bytesOf(a, 'example.com/dep') - bytesOf(without, 'example.com/dep')).toBe(
      24 + 'example.com/dep.table\0'.length + 200,
    );
    expect(bytesOf(a, 'runtime') - bytesOf(without, 'runtime')).toBe(24 + 'runtime.buf\0'.length + 40);
    const noptr = a.sections.find((s) => s.section === '.noptrdata')!;
    expect(noptr).toMatchObject({ attributedBytes: 240, methods: ['symbols'] });
  });

  it('reports why there is no attribution when the function table is missing', () => {
    const file = buildElf({
      sections: [
        { name: '.text', type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXECINSTR, data: textBytes() },
        {
          name: '.go.buildinfo',
          type: SHT.PROGBITS,
          flags: SHF.ALLOC | SHF.WRITE,
          data: inlineBuildInfo('go1.24.4', MODINFO),
        },
      ],
      segments: [
        { type: PT.LOAD, flags: PF.R | PF.X, sections: ['.text'] },
        { type: PT.LOAD, flags: PF.R | PF.W, sections: ['.go.buildinfo'] },
      ],
    });
    const report = analyzeGoBinary(file, { attributeModules: true });
    expect(report).toMatchObject({
      kind: 'go',
      attribution: null,
      attributionError: expect.stringContaining('pclntab'),
    });
  });

  it('does not attribute unless asked', () => {
    const report = analyzeGoBinary(syntheticGo((t) => pclntab118(FUNCS, TEXT_SIZE, t)));
    expect(report).toMatchObject({ kind: 'go', attribution: null, attributionError: null });
  });

  it('survives every truncation of a file with a function table', () => {
    const whole = syntheticGo((t) => pclntab118(FUNCS, TEXT_SIZE, t), { symbols: true });
    for (let length = 0; length <= whole.length; length += 7) {
      const result = analyzeGoBinary(whole.subarray(0, length), { attributeModules: true });
      expect(['go', 'go-unreadable', 'not-go']).toContain(result.kind);
    }
  });
});
