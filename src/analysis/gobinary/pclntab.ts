// Go's function table (pclntab): every Go function's entry address and name, which is all that sizing by
// package needs. Names are not decoded here; callers get file offsets and read only what they use. The
// table is walked through windows, never read whole.

import {
  type Elf,
  PF_X,
  PT_LOAD,
  readerFor,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHT_NOBITS,
  SHT_SYMTAB,
  sectionByName,
  Window,
} from './elf.js';

export type PclntabFormat = 'go1.2' | 'go1.16' | 'go1.18' | 'go1.20';

export interface FuncTable {
  format: PclntabFormat;
  count: number;
  /** Entry address of each function, plus the end of the last one at index `count`. */
  entries: Float64Array;
  /** Where the entry addresses' base (runtime.text) came from: Go 1.26 and later leave the header's field 0. */
  textStartFrom: 'header' | 'symbol' | 'section' | 'none';
  /** File offset of each function's NUL-terminated name (Int32: small integers keep byte indexing fast). */
  names: Int32Array;
  /** Where the table lives and how many file bytes it spans. */
  section: string;
  fileOffset: number;
  bytes: number;
  /** Go 1.18+: bytes of the funcdata area (go:func.*) the functions point into, counted up to the last
   * funcdata's start (its own length is not recorded anywhere). 0 before Go 1.18. */
  funcdataBytes: number;
  /** Smallest instruction size (1 on x86, 4 on arm64). */
  quantum: number;
  /** File offset of each function's _func record. */
  records: Int32Array;
  /** Where source file names live (Go 1.16+), for functions whose names carry no package. */
  files: FileTables | null;
  little: boolean;
}

interface FileTables {
  pctab: number;
  cutab: number;
  filetab: number;
  limit: number;
  /** Offsets of pcfile and cuOffset inside a _func record. */
  pcfileField: number;
  cuField: number;
}

const MAGICS: Record<number, PclntabFormat> = {
  4294967291: 'go1.2',
  4294967290: 'go1.16',
  4294967280: 'go1.18',
  4294967281: 'go1.20',
};

interface Candidate {
  offset: number;
  limit: number;
  section: string;
  wholeSection: boolean;
}

/** Reads the table at `offset` (file bytes up to `limit`), or explains why it is not one. */
function parseAt(elf: Elf, c: Candidate, little: boolean): FuncTable | string {
  const base = c.offset;
  const limit = Math.min(c.limit, elf.size);
  if (base + 16 > limit) return 'function table header is cut off';
  // One window walks the header and the address table, another the _func records they point to.
  const table = new Window(elf.source, base, limit);
  const recordsWindow = new Window(elf.source, base, limit);
  const h = table.at(base, 16);
  const format = MAGICS[table.view.getUint32(h, little)];
  if (!format) return 'no function table magic';
  const quantum = table.bytes[h + 6]!;
  const ptrSize = table.bytes[h + 7]!;
  if (table.bytes[h + 4] !== 0 || table.bytes[h + 5] !== 0)
    return 'function table header padding is not zero';
  if (quantum !== 1 && quantum !== 2 && quantum !== 4) return `function table quantum ${quantum}`;
  if (ptrSize !== 4 && ptrSize !== 8) return `function table pointer size ${ptrSize}`;
  const word = (off: number): number => {
    if (off + ptrSize > limit) return Number.NaN;
    const i = table.at(off, ptrSize);
    if (ptrSize === 4) return table.view.getUint32(i, little);
    const a = table.view.getUint32(i, little);
    const b = table.view.getUint32(i + 4, little);
    return little ? b * 0x1_0000_0000 + a : a * 0x1_0000_0000 + b;
  };
  // The index first: at() may move the window, and with it the view.
  const u32 = (w: Window, off: number): number => {
    const i = w.at(off, 4);
    return w.view.getUint32(i, little);
  };
  const i32 = (w: Window, off: number): number => {
    const i = w.at(off, 4);
    return w.view.getInt32(i, little);
  };
  const nfunc = word(base + 8);
  if (!Number.isSafeInteger(nfunc) || nfunc <= 0 || nfunc > (limit - base) / 8)
    return 'function count out of bounds';

  const entries = new Float64Array(nfunc + 1);
  // readFuncTable refuses files of 2 GiB or more, so offsets fit Int32.
  const names = new Int32Array(nfunc);
  const records = new Int32Array(nfunc);
  let files: FileTables | null = null;
  let end = base;
  let funcdataMax = -1;
  let textStartFrom: FuncTable['textStartFrom'] = 'header';

  if (format === 'go1.18' || format === 'go1.20') {
    const headerTextStart = word(base + 8 + 2 * ptrSize);
    const funcnameOff = word(base + 8 + 3 * ptrSize);
    const pclnOff = word(base + 8 + 7 * ptrSize);
    const funcnametab = base + funcnameOff;
    const pcln = base + pclnOff;
    files = {
      cutab: base + word(base + 8 + 4 * ptrSize),
      filetab: base + word(base + 8 + 5 * ptrSize),
      pctab: base + word(base + 8 + 6 * ptrSize),
      limit,
      pcfileField: 20,
      cuField: 32,
    };
    if (!(funcnametab < limit && pcln + (nfunc * 2 + 1) * 4 <= limit))
      return 'function table offsets out of bounds';
    // _func: {entryOff, nameOff, args, deferreturn, pcsp, pcfile, pcln, npcdata, cuOffset, [startLine,]
    // funcID u8, flag u8, pad u8, nfuncdata u8}, then npcdata + nfuncdata uint32 offsets.
    const fixed = format === 'go1.20' ? 44 : 40;
    for (let i = 0; i < nfunc; i++) {
      const at = pcln + i * 8;
      entries[i] = u32(table, at);
      const fn = pcln + u32(table, at + 4);
      if (fn + fixed > limit) return 'function record out of bounds';
      records[i] = fn;
      const r = recordsWindow.at(fn, fixed);
      names[i] = funcnametab + recordsWindow.view.getInt32(r + 4, little);
      const npcdata = recordsWindow.view.getUint32(r + 28, little);
      const nfuncdata = recordsWindow.bytes[r + fixed - 1]!;
      const funcdata = fn + fixed + npcdata * 4;
      const recordEnd = funcdata + nfuncdata * 4;
      if (recordEnd > limit) return 'function record out of bounds';
      if (recordEnd > end) end = recordEnd;
      for (let k = funcdata; k < recordEnd; k += 4) {
        const off = u32(recordsWindow, k);
        if (off !== 0xffffffff && off > funcdataMax) funcdataMax = off;
      }
    }
    entries[nfunc] = u32(table, pcln + nfunc * 8);
    const found: TextStart =
      headerTextStart !== 0
        ? { address: headerTextStart, from: 'header' }
        : findTextStart(elf, entries, nfunc);
    textStartFrom = found.from;
    for (let i = 0; i <= nfunc; i++) entries[i] = entries[i]! + found.address;
  } else {
    const funcnametab = format === 'go1.16' ? base + word(base + 8 + 2 * ptrSize) : base;
    if (format === 'go1.16') {
      files = {
        cutab: base + word(base + 8 + 3 * ptrSize),
        filetab: base + word(base + 8 + 4 * ptrSize),
        pctab: base + word(base + 8 + 5 * ptrSize),
        limit,
        pcfileField: ptrSize + 16,
        cuField: ptrSize + 28,
      };
    }
    const ftab = format === 'go1.16' ? base + word(base + 8 + 6 * ptrSize) : base + 8 + ptrSize;
    if (!(funcnametab < limit && ftab + (nfunc * 2 + 1) * ptrSize <= limit))
      return 'function table offsets out of bounds';
    // go1.16 _func offsets count from the pcln table; go1.2 ones from the header.
    const funcBase = format === 'go1.16' ? ftab : base;
    for (let i = 0; i < nfunc; i++) {
      const at = ftab + i * 2 * ptrSize;
      entries[i] = word(at);
      const fn = funcBase + word(at + ptrSize);
      if (!(fn + ptrSize + 32 <= limit)) return 'function record out of bounds';
      records[i] = fn;
      names[i] = funcnametab + i32(recordsWindow, fn + ptrSize);
      if (fn + ptrSize + 4 > end) end = fn + ptrSize + 4;
    }
    entries[nfunc] = word(ftab + nfunc * 2 * ptrSize);
  }
  // Code lies in the file, so the functions cannot span more than the file holds.
  if (!(entries[nfunc]! - entries[0]! <= elf.size)) return 'function entries span more than the file';
  for (let i = 0; i < nfunc; i++) {
    if (!(entries[i + 1]! >= entries[i]!)) return 'function entries are not in address order';
    if (!(names[i]! >= base && names[i]! < limit)) return 'function name out of bounds';
  }
  return {
    format,
    count: nfunc,
    entries,
    textStartFrom,
    names,
    section: c.section,
    fileOffset: base,
    bytes: c.wholeSection ? c.limit - base : end - base,
    funcdataBytes: Math.max(funcdataMax, 0),
    quantum,
    records,
    files,
    little,
  };
}

interface TextStart {
  address: number;
  from: FuncTable['textStartFrom'];
}

const RUNTIME_TEXT = new TextEncoder().encode('runtime.text\0');

/** runtime.text's address from .symtab, or null. */
function runtimeTextSymbol(elf: Elf): number | null {
  const symtab = elf.sections.find((s) => s.type === SHT_SYMTAB);
  const strtab = symtab ? elf.sections[symtab.link] : undefined;
  if (!symtab || !strtab || symtab.offset + symtab.size > elf.size) return null;
  const entsize = elf.is64 ? 24 : 16;
  const strEnd = Math.min(strtab.offset + strtab.size, elf.size);
  const symbols = new Window(elf.source, symtab.offset, symtab.offset + symtab.size);
  const strings = new Window(elf.source, strtab.offset, strEnd);
  for (let at = symtab.offset + entsize; at + entsize <= symtab.offset + symtab.size; at += entsize) {
    const s = symbols.at(at, entsize);
    const r = readerFor(elf, symbols.bytes);
    const name = strtab.offset + r.u32(s);
    if (name + RUNTIME_TEXT.length > strEnd) continue;
    const n = strings.at(name, RUNTIME_TEXT.length);
    let match = true;
    for (let k = 0; k < RUNTIME_TEXT.length && match; k++) match = strings.bytes[n + k] === RUNTIME_TEXT[k];
    if (match) return elf.is64 ? r.u64(s + 8) : r.u32(s + 4);
  }
  return null;
}

/** How many sampled functions look like function starts from each candidate base (text.addr + d, d in
 * 0..slack): INT3 padding before them (x86) or the stack-bound check Go puts first (`cmp rsp, [r14+16]`). */
function x86StartScores(elf: Elf, text: { offset: number }, offsets: number[], slack: number): Int32Array {
  const scores = new Int32Array(slack + 1);
  const w = new Window(elf.source);
  for (const off of offsets) {
    // Function start `off` from base text.addr + d lies at file offset text.offset + d + off.
    const i = w.at(text.offset + off - 1, slack + 4);
    const bytes = w.bytes;
    for (let d = 0; d <= slack; d++) {
      const at = i + d + 1;
      if (bytes[at - 1] === 0xcc) scores[d]! += 1;
      if (bytes[at] === 0x49 && bytes[at + 1] === 0x3b && bytes[at + 2] === 0x66) scores[d]! += 1;
    }
  }
  return scores;
}

/**
 * Go 1.26 and later no longer record runtime.text in the table's header. Go's own tools take it from the
 * symbol table, else from the start of .text; but external linking puts the C runtime's start-up code
 * first, so without symbols (x86) the offset is found by where the sampled functions' starts line up.
 */
function findTextStart(elf: Elf, offsets: Float64Array, nfunc: number): TextStart {
  const symbol = runtimeTextSymbol(elf);
  if (symbol !== null) return { address: symbol, from: 'symbol' };
  const text = sectionByName(elf, '.text');
  if (!text) {
    const code = elf.segments.find((p) => p.type === PT_LOAD && (p.flags & PF_X) !== 0);
    return code ? { address: code.vaddr, from: 'section' } : { address: 0, from: 'none' };
  }
  const span = offsets[nfunc]!;
  const slack = Math.min(text.size - span, 1 << 16);
  if (slack <= 0 || (elf.machine !== 62 && elf.machine !== 3) || text.offset + text.size > elf.size)
    return { address: text.addr, from: 'section' };
  const sample: number[] = [];
  const step = Math.max(1, Math.floor(nfunc / 512));
  for (let i = 1; i < nfunc; i += step) sample.push(offsets[i]!);
  const scores = x86StartScores(elf, text, sample, slack);
  let best = 0;
  for (let d = 1; d <= slack; d++) if (scores[d]! > scores[best]!) best = d;
  return { address: text.addr + best, from: 'section' };
}

const SHT_PROGBITS = 1;

/** Places the table may be, best first; scanned regions are searched lazily, so the search stops at the
 * first table that parses. */
function* candidates(elf: Elf): Generator<Candidate> {
  const named = elf.sections.filter(
    (s) => (s.name === '.gopclntab' || s.name === '.data.rel.ro.gopclntab') && s.type !== SHT_NOBITS,
  );
  for (const s of named)
    yield { offset: s.offset, limit: s.offset + s.size, section: s.name, wholeSection: true };
  if (named.length > 0) return;
  // External-link PIE folds the table into .data.rel.ro: look for the magic in allocated, non-executable
  // data sections (or, without section headers, non-executable segments) at 8-byte alignment.
  const rank = (name: string): number => (name === '.data.rel.ro' ? 0 : name === '.rodata' ? 1 : 2);
  const regions =
    elf.sections.length > 0
      ? elf.sections
          .filter(
            (s) => (s.flags & SHF_ALLOC) !== 0 && (s.flags & SHF_EXECINSTR) === 0 && s.type === SHT_PROGBITS,
          )
          .sort((x, y) => rank(x.name) - rank(y.name))
          .map((s) => ({ offset: s.offset, limit: s.offset + s.size, section: s.name }))
      : elf.segments
          .filter((p) => p.type === PT_LOAD && (p.flags & PF_X) === 0)
          .map((p) => ({ offset: p.offset, limit: p.offset + p.filesz, section: '(segment)' }));
  for (const r of regions) {
    const limit = Math.min(r.limit, elf.size);
    const w = new Window(elf.source, r.offset, limit);
    for (let at = r.offset; at + 8 <= limit; at += 8) {
      const i = w.at(at, 8);
      const bytes = w.bytes;
      // Bytes 1 and 2 are 0xff in both byte orders; checking them first rejects almost every position.
      if (bytes[i + 1] !== 0xff || bytes[i + 2] !== 0xff || bytes[i + 4] !== 0 || bytes[i + 5] !== 0)
        continue;
      const b0 = bytes[i]!;
      const b3 = bytes[i + 3]!;
      if ((b3 === 0xff && isMagicByte(b0)) || (b0 === 0xff && isMagicByte(b3))) {
        yield { offset: at, limit, section: r.section, wholeSection: false };
      }
    }
  }
}

function isMagicByte(b: number): boolean {
  return b === 0xfb || b === 0xfa || b === 0xf0 || b === 0xf1;
}

export type FuncTableRead = { ok: true; table: FuncTable } | { ok: false; reason: string };

export function readFuncTable(elf: Elf): FuncTableRead {
  if (elf.size > 0x7fffffff) return { ok: false, reason: 'files of 2 GiB or more are not attributed' };
  let reason = 'no Go function table (pclntab) found';
  for (const c of candidates(elf)) {
    for (const little of elf.little ? [true, false] : [false, true]) {
      const parsed = parseAt(elf, c, little);
      if (typeof parsed !== 'string') return { ok: true, table: parsed };
      if (parsed !== 'no function table magic') reason = `${c.section}: ${parsed}`;
    }
  }
  return { ok: false, reason };
}

/** Reads where functions' source files are named: scattered lookups, so small windows. */
export class SourceFiles {
  private readonly records: Window;
  private readonly pctab: Window;
  private readonly cutab: Window;
  constructor(
    elf: Elf,
    private readonly table: FuncTable,
  ) {
    // Like the table's own reads, these are bounded by the file; offsetOf checks the table's limit.
    this.records = new Window(elf.source, 0, elf.size, 1 << 16);
    this.pctab = new Window(elf.source, 0, elf.size, 1 << 12);
    this.cutab = new Window(elf.source, 0, elf.size, 1 << 12);
  }

  /** File offset of the source file name where function `i` starts (Go 1.16+), or -1 when unknown. */
  offsetOf(i: number): number {
    const { table } = this;
    const f = table.files;
    const record = table.records[i];
    if (!f || record === undefined) return -1;
    const r = this.records.at(record, Math.max(f.pcfileField, f.cuField) + 4);
    const pcfile = this.records.view.getUint32(r + f.pcfileField, table.little);
    const cu = this.records.view.getUint32(r + f.cuField, table.little);
    // The pcfile table starts with a zig-zag uvarint: the file index's change from -1.
    let at = f.pctab + pcfile;
    let v = 0;
    let scale = 1;
    const p = this.pctab.at(at, 5) - at;
    for (let n = 0; n < 5; n++, scale *= 128) {
      const b = this.pctab.bytes[p + at++];
      if (b === undefined || at > f.limit) return -1;
      v += (b & 0x7f) * scale;
      if (b < 0x80) break;
    }
    const file = -1 + (v % 2 === 1 ? -(v + 1) / 2 : v / 2);
    const slot = f.cutab + (cu + file) * 4;
    if (file < 0 || slot + 4 > f.limit) return -1;
    const c = this.cutab.at(slot, 4);
    const name = f.filetab + this.cutab.view.getUint32(c, table.little);
    return name < f.limit ? name : -1;
  }
}
