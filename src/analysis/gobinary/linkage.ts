// Static or dynamic, and what the loader must find: decides whether a binary can start on a given base image.

import {
  type Elf,
  ET_DYN,
  PT_DYNAMIC,
  PT_INTERP,
  readCString,
  readerFor,
  readRegion,
  SHT_DYNAMIC,
  vaddrToOffset,
  Window,
} from './elf.js';
import type { Linkage } from './types.js';

const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_SONAME = 14;
const DT_FLAGS_1 = 0x6ffffffb;
const DF_1_PIE = 0x08000000;

function interpreterOf(elf: Elf): string | null {
  const p = elf.segments.find((s) => s.type === PT_INTERP);
  if (!p || p.offset >= elf.size) return null;
  const w = new Window(elf.source);
  const { index, limit } = w.cString(p.offset, p.offset + p.filesz);
  return readCString(w.bytes, index, limit);
}

function dynamicTable(elf: Elf): { offset: number; size: number } | null {
  const p = elf.segments.find((s) => s.type === PT_DYNAMIC);
  if (p) return { offset: p.offset, size: p.filesz };
  const s = elf.sections.find((x) => x.type === SHT_DYNAMIC);
  return s ? { offset: s.offset, size: s.size } : null;
}

export function readLinkage(elf: Elf): Linkage {
  const interpreter = interpreterOf(elf);
  const needed: string[] = [];
  let flags1 = 0;
  let hasSoname = false;
  const table = dynamicTable(elf);
  if (table) {
    const entry = elf.is64 ? 16 : 8;
    const bytes = readRegion(elf, table.offset, table.size);
    const r = readerFor(elf, bytes);
    const neededOffsets: number[] = [];
    let strtabVa = -1;
    for (let at = 0; at + entry <= bytes.length; at += entry) {
      const tag = r.word(at);
      const value = r.word(at + entry / 2);
      if (tag === DT_NULL) break;
      if (tag === DT_NEEDED) neededOffsets.push(value);
      else if (tag === DT_STRTAB) strtabVa = value;
      else if (tag === DT_FLAGS_1) flags1 = value;
      else if (tag === DT_SONAME) hasSoname = true;
    }
    const strtab = strtabVa >= 0 ? vaddrToOffset(elf, strtabVa) : null;
    if (strtab) {
      const w = new Window(elf.source);
      for (const off of neededOffsets) {
        if (off >= strtab.available) continue;
        const { index, limit } = w.cString(strtab.offset + off, strtab.offset + strtab.available);
        needed.push(readCString(w.bytes, index, limit));
      }
    }
  }
  // ET_DYN is a PIE unless it is a shared library (which names itself with DT_SONAME and is not flagged PIE).
  const pie = elf.type === ET_DYN && ((flags1 & DF_1_PIE) !== 0 || !hasSoname);
  const kind =
    interpreter === null && needed.length === 0 ? (elf.type === ET_DYN ? 'static-pie' : 'static') : 'dynamic';
  return { kind, interpreter, needed, pie };
}
