// A small ELF reader over positioned reads of the file: the headers are read once, and every other part
// only when asked for, through bounded windows, so a large binary never sits in memory whole. Every
// offset is bounds-checked against the file, so a truncated or hostile file yields fewer facts, never an
// exception past parseElf's own error result.

import type { ElfFacts, ElfSectionFacts, ElfSegmentFacts } from './types.js';

export const SHT_NOBITS = 8;
export const SHT_SYMTAB = 2;
export const SHT_DYNSYM = 11;
export const SHT_GNU_VERSYM = 0x6fffffff;
export const SHT_DYNAMIC = 6;
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHF_COMPRESSED = 0x800;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PF_X = 1;
export const PF_W = 2;
export const ET_DYN = 3;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
  /** Bytes of .shstrtab its name takes, terminator included (0 when the name could not be read). */
  nameBytes: number;
}

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

/** Where the doctor reads a file from. */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `offset` (fewer at the end of the file, none outside it). */
  read(offset: number, length: number): Uint8Array;
  /** Fills `target` from `offset` and says how many bytes it got: lets a window reuse its buffer. */
  readInto?(offset: number, target: Uint8Array): number;
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) =>
      offset < 0 || offset >= bytes.length
        ? new Uint8Array(0)
        : bytes.subarray(offset, Math.min(bytes.length, offset + Math.max(0, length))),
  };
}

/** Bytes a window reads at least, so that walking a table costs one read per MiB, not one per entry. */
export const WINDOW_BYTES = 1 << 20;

/**
 * A movable view of the file bytes [start, end): `at(offset, length)` makes those bytes resident (as far
 * as the region holds them) and says where `offset` is in `bytes`. Forward walks reuse one read per
 * WINDOW_BYTES; anything else reads again. Memory: one window, never the region.
 */
export class Window {
  bytes: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(this.bytes.buffer);
  /** File offset of bytes[0]. */
  base = 0;
  private buffer = new Uint8Array(0);
  constructor(
    private readonly source: ByteSource,
    private readonly start = 0,
    private readonly end = source.size,
    /** Bytes read per miss: a MiB for walks, a page or so for scattered lookups. */
    private readonly readAhead = WINDOW_BYTES,
  ) {}

  at(offset: number, length: number): number {
    const i = offset - this.base;
    if (i >= 0 && i + length <= this.bytes.length) return i;
    const from = Math.max(offset, this.start);
    const stop = Math.min(this.end, this.source.size, offset + Math.max(length, this.readAhead));
    if (from >= stop) this.bytes = new Uint8Array(0);
    else if (this.source.readInto) {
      // One buffer per window, reused: re-reading must not leave a MiB of garbage per miss.
      if (this.buffer.length < stop - from)
        this.buffer = new Uint8Array(Math.max(stop - from, this.readAhead));
      this.bytes = this.buffer.subarray(0, this.source.readInto(from, this.buffer.subarray(0, stop - from)));
    } else this.bytes = this.source.read(from, stop - from);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    this.base = from;
    return offset - from;
  }

  /**
   * Makes the NUL-terminated string at `offset` resident, terminator included, never past `end` (a file
   * offset): returns its index in `bytes` and the index just past the terminator (or the limit).
   */
  cString(offset: number, end: number): { index: number; limit: number } {
    const region = Math.min(end, this.end, this.source.size) - offset;
    for (let want = 256; ; want *= 4) {
      const index = this.at(offset, Math.min(want, Math.max(region, 0)));
      const available = Math.max(0, Math.min(this.bytes.length - index, region));
      const nul = this.bytes.subarray(index, index + available).indexOf(0);
      if (nul >= 0) return { index, limit: index + nul + 1 };
      if (available >= region || available < Math.min(want, region))
        return { index, limit: index + available };
    }
  }
}

/** Reads the file bytes [offset, offset + length) in one array (clamped to the file). */
export function readRegion(elf: Elf, offset: number, length: number): Uint8Array {
  if (offset < 0 || length <= 0 || offset >= elf.size) return new Uint8Array(0);
  return elf.source.read(offset, Math.min(length, elf.size - offset));
}

export interface Elf {
  source: ByteSource;
  /** The file's length in bytes. */
  size: number;
  is64: boolean;
  little: boolean;
  type: number;
  machine: number;
  shoff: number;
  shentsize: number;
  sections: ElfSection[];
  segments: ElfSegment[];
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

export function isElf(head: Uint8Array): boolean {
  return head.length >= 4 && ELF_MAGIC.every((b, i) => head[i] === b);
}

const utf8 = new TextDecoder('utf-8');

/** The NUL-terminated string at `offset`, never reading past `end` (exclusive) or the file. */
export function readCString(bytes: Uint8Array, offset: number, end = bytes.length): string {
  const limit = Math.min(end, bytes.length);
  if (offset < 0 || offset >= limit) return '';
  let stop = bytes.indexOf(0, offset);
  if (stop < 0 || stop > limit) stop = limit;
  return utf8.decode(bytes.subarray(offset, stop));
}

/** Bytes before the terminating NUL (or before `end`). */
export function cStringLength(bytes: Uint8Array, offset: number, end = bytes.length): number {
  const limit = Math.min(end, bytes.length);
  if (offset < 0 || offset >= limit) return 0;
  const stop = bytes.indexOf(0, offset);
  return (stop < 0 || stop > limit ? limit : stop) - offset;
}

export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

export class ElfReader {
  readonly view: DataView;
  readonly little: boolean;
  readonly is64: boolean;
  constructor(view: DataView, little: boolean, is64: boolean) {
    this.view = view;
    this.little = little;
    this.is64 = is64;
  }
  u16(off: number): number {
    return this.view.getUint16(off, this.little);
  }
  u32(off: number): number {
    return this.view.getUint32(off, this.little);
  }
  /** 64-bit field as a number: exact below 2^53, which covers every file offset and address we meet. */
  u64(off: number): number {
    const a = this.view.getUint32(off, this.little);
    const b = this.view.getUint32(off + 4, this.little);
    return this.little ? b * 0x1_0000_0000 + a : a * 0x1_0000_0000 + b;
  }
  word(off: number): number {
    return this.is64 ? this.u64(off) : this.u32(off);
  }
}

export type ElfParse = { ok: true; elf: Elf } | { ok: false; reason: string };

export function parseElf(source: ByteSource): ElfParse {
  const size = source.size;
  const ident = source.read(0, 64);
  if (!isElf(ident)) return { ok: false, reason: 'not an ELF file (no \\x7fELF magic)' };
  if (size < 52) return { ok: false, reason: `truncated ELF: ${size} bytes, shorter than an ELF header` };
  const cls = ident[4];
  const data = ident[5];
  if (cls !== 1 && cls !== 2)
    return { ok: false, reason: `ELF class byte ${cls} is neither 32-bit (1) nor 64-bit (2)` };
  if (data !== 1 && data !== 2)
    return { ok: false, reason: `ELF data byte ${data} is neither little (1) nor big endian (2)` };
  const is64 = cls === 2;
  if (is64 && size < 64)
    return { ok: false, reason: `truncated ELF: ${size} bytes, shorter than a 64-bit ELF header` };
  const little = data === 1;
  const r = new ElfReader(new DataView(ident.buffer, ident.byteOffset, ident.byteLength), little, is64);
  const type = r.u16(16);
  const machine = r.u16(18);
  const phoff = is64 ? r.u64(32) : r.u32(28);
  const shoff = is64 ? r.u64(40) : r.u32(32);
  const phentsize = r.u16(is64 ? 54 : 42);
  let phnum = r.u16(is64 ? 56 : 44);
  const shentsize = r.u16(is64 ? 58 : 46);
  let shnum = r.u16(is64 ? 60 : 48);
  let shstrndx = r.u16(is64 ? 62 : 50);
  const shMin = is64 ? 64 : 40;
  const phMin = is64 ? 56 : 32;

  const sectionHeaderAt = (i: number): number => shoff + i * shentsize;
  const sectionHeaderFits = (i: number): boolean =>
    shoff > 0 && shentsize >= shMin && sectionHeaderAt(i) + shMin <= size;
  const w = new Window(source);
  const headers = (at: number, length: number): ElfReader => {
    const i = w.at(at, length);
    return new ElfReader(new DataView(w.bytes.buffer, w.bytes.byteOffset + i), little, is64);
  };

  // Extended numbering: counts too large for the header live in section 0.
  if (shoff > 0 && sectionHeaderFits(0)) {
    const h = headers(sectionHeaderAt(0), shMin);
    if (shnum === 0) shnum = is64 ? h.u64(32) : h.u32(20);
    if (shstrndx === 0xffff) shstrndx = h.u32(is64 ? 40 : 24);
    if (phnum === 0xffff) phnum = h.u32(is64 ? 44 : 28);
  }

  const segments: ElfSegment[] = [];
  if (phoff > 0 && phentsize >= phMin) {
    for (let i = 0; i < phnum; i++) {
      const at = phoff + i * phentsize;
      if (at + phMin > size) break;
      const p = headers(at, phMin);
      segments.push(
        is64
          ? {
              type: p.u32(0),
              flags: p.u32(4),
              offset: p.u64(8),
              vaddr: p.u64(16),
              filesz: p.u64(32),
              memsz: p.u64(40),
            }
          : {
              type: p.u32(0),
              offset: p.u32(4),
              vaddr: p.u32(8),
              filesz: p.u32(16),
              memsz: p.u32(20),
              flags: p.u32(24),
            },
      );
    }
  }

  const sections: ElfSection[] = [];
  const nameOffsets: number[] = [];
  for (let i = 0; i < shnum && sectionHeaderFits(i); i++) {
    const h = headers(sectionHeaderAt(i), shMin);
    nameOffsets.push(h.u32(0));
    sections.push({
      index: i,
      name: '',
      nameBytes: 0,
      type: h.u32(4),
      flags: is64 ? h.u64(8) : h.u32(8),
      addr: is64 ? h.u64(16) : h.u32(12),
      offset: is64 ? h.u64(24) : h.u32(16),
      size: is64 ? h.u64(32) : h.u32(20),
      link: h.u32(is64 ? 40 : 24),
      info: h.u32(is64 ? 44 : 28),
      entsize: is64 ? h.u64(56) : h.u32(36),
    });
  }
  const names = sections[shstrndx];
  if (names && names.type !== SHT_NOBITS) {
    const end = Math.min(names.offset + names.size, size);
    sections.forEach((s, i) => {
      const nameOff = nameOffsets[i] ?? 0;
      if (names.offset + nameOff < end) {
        const { index, limit } = w.cString(names.offset + nameOff, end);
        s.name = readCString(w.bytes, index, limit);
        s.nameBytes = nameOff === 0 ? 0 : cStringLength(w.bytes, index, limit) + 1;
      }
    });
  }

  return {
    ok: true,
    elf: { source, size, is64, little, type, machine, shoff, shentsize, sections, segments },
  };
}

/** A reader of the fields of `bytes` (a region or window read from `elf`), at offsets within it. */
export function readerFor(elf: Elf, bytes: Uint8Array): ElfReader {
  return new ElfReader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), elf.little, elf.is64);
}

export function sectionByName(elf: Elf, name: string): ElfSection | undefined {
  return elf.sections.find((s) => s.name === name);
}

/** File offset of virtual address `va` and how many file bytes of its PT_LOAD follow it; null when unmapped. */
export function vaddrToOffset(elf: Elf, va: number): { offset: number; available: number } | null {
  for (const p of elf.segments) {
    if (p.type === PT_LOAD && p.vaddr <= va && va < p.vaddr + p.filesz) {
      const offset = p.offset + (va - p.vaddr);
      const available = Math.min(p.vaddr + p.filesz - va, elf.size - offset);
      return available > 0 ? { offset, available } : null;
    }
  }
  return null;
}

const SECTION_TYPES: Record<number, string> = {
  0: 'NULL',
  1: 'PROGBITS',
  2: 'SYMTAB',
  3: 'STRTAB',
  4: 'RELA',
  5: 'HASH',
  6: 'DYNAMIC',
  7: 'NOTE',
  8: 'NOBITS',
  9: 'REL',
  10: 'SHLIB',
  11: 'DYNSYM',
  14: 'INIT_ARRAY',
  15: 'FINI_ARRAY',
  16: 'PREINIT_ARRAY',
  17: 'GROUP',
  18: 'SYMTAB SECTION INDICES',
  19: 'RELR',
  1879048181: 'GNU_ATTRIBUTES',
  1879048182: 'GNU_HASH',
  1879048183: 'GNU_LIBLIST',
  1879048189: 'VERDEF',
  1879048190: 'VERNEED',
  1879048191: 'VERSYM',
};

const SEGMENT_TYPES: Record<number, string> = {
  0: 'NULL',
  1: 'LOAD',
  2: 'DYNAMIC',
  3: 'INTERP',
  4: 'NOTE',
  5: 'SHLIB',
  6: 'PHDR',
  7: 'TLS',
  1685382480: 'GNU_EH_FRAME',
  1685382481: 'GNU_STACK',
  1685382482: 'GNU_RELRO',
  1685382483: 'GNU_PROPERTY',
};

const FILE_TYPES: Record<number, string> = { 0: 'NONE', 1: 'REL', 2: 'EXEC', 3: 'DYN', 4: 'CORE' };

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Go's GOARCH for an ELF machine, class and byte order. */
export function goarchOf(machine: number, is64: boolean, little: boolean): string | null {
  switch (machine) {
    case 3:
      return '386';
    case 62:
      return 'amd64';
    case 40:
      return 'arm';
    case 183:
      return 'arm64';
    case 8:
      return is64 ? (little ? 'mips64le' : 'mips64') : little ? 'mipsle' : 'mips';
    case 21:
      return little ? 'ppc64le' : 'ppc64';
    case 22:
      return 's390x';
    case 243:
      return 'riscv64';
    case 258:
      return 'loong64';
    default:
      return null;
  }
}

/** Processor-specific section types readelf names (0x70000000 and up mean something per machine). */
const MACHINE_SECTION_TYPES: Record<number, Record<number, string>> = {
  // biome-ignore lint/complexity/useSimpleNumberKeys: the ELF specification gives these values in hex
  62: { 0x70000001: 'X86_64_UNWIND' },
  // biome-ignore lint/complexity/useSimpleNumberKeys: the ELF specification gives these values in hex
  183: { 0x70000003: 'AARCH64_ATTRIBUTES' },
};

export function elfFacts(elf: Elf): ElfFacts {
  const machineTypes = MACHINE_SECTION_TYPES[elf.machine] ?? {};
  const sections: ElfSectionFacts[] = elf.sections.map((s) => ({
    index: s.index,
    name: s.name,
    type: SECTION_TYPES[s.type] ?? machineTypes[s.type] ?? hex(s.type),
    flags: s.flags,
    addr: s.addr,
    offset: s.offset,
    size: s.size,
  }));
  const segments: ElfSegmentFacts[] = elf.segments.map((p) => ({
    type: SEGMENT_TYPES[p.type] ?? hex(p.type),
    flags: p.flags,
    offset: p.offset,
    vaddr: p.vaddr,
    filesz: p.filesz,
    memsz: p.memsz,
  }));
  return {
    class: elf.is64 ? 64 : 32,
    endian: elf.little ? 'little' : 'big',
    machine: elf.machine,
    goarch: goarchOf(elf.machine, elf.is64, elf.little),
    type: FILE_TYPES[elf.type] ?? hex(elf.type),
    fileBytes: elf.size,
    sections,
    segments,
  };
}
