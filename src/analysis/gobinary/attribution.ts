// Size by package and module. Code is charged by function extent from the function table; the metadata
// Go keeps per function (pclntab, funcdata, DWARF) is shared out in proportion to each package's code;
// with a symbol table, its entries and the data objects it sizes go to the package their names give.
// Whatever is left is reported by section, never guessed.

import {
  cStringLength,
  type Elf,
  type ElfSection,
  readCString,
  readerFor,
  readRegion,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHT_DYNSYM,
  SHT_GNU_VERSYM,
  SHT_NOBITS,
  SHT_SYMTAB,
  Window,
} from './elf.js';
import { isBareName, ModuleResolver, PackageInterner } from './packages.js';
import { type FuncTable, SourceFiles } from './pclntab.js';
import { isDwarfSection } from './strip.js';
import type {
  AttributionMethod,
  GoAttribution,
  GoBuildInfo,
  ModuleShare,
  PackageShare,
  SectionAccount,
  SectionBytes,
} from './types.js';

const STT_OBJECT = 1;
const HEADERS_AND_PADDING = '(headers and padding)';

interface Padding {
  byte: number;
  max: number;
}

/** Filler the linker puts between functions to align the next one: INT3 on x86. Elsewhere the assembler
 * pads each function itself, so the padding is part of the function's own size (as .symtab records it). */
function paddingFor(machine: number): Padding {
  if (machine === 62 || machine === 3) return { byte: 0xcc, max: 31 };
  return { byte: 0, max: 0 };
}

class Ledger {
  code: number[] = [];
  unpadded: number[] = [];
  functions: number[] = [];
  other: number[] = [];
  grow(n: number): void {
    while (this.code.length < n) {
      this.code.push(0);
      this.unpadded.push(0);
      this.functions.push(0);
      this.other.push(0);
    }
  }
}

/**
 * Assembly-local functions ("aeshashbody", "indexbody") carry no package in their names. Their source file
 * does: match its directory against the packages seen, by the longest tail of path elements that names
 * exactly one package. Failing that, the package of the function laid out before them (the linker keeps a
 * package's functions together).
 */
function resolveBareNames(
  elf: Elf,
  table: FuncTable,
  interner: PackageInterner,
  owner: Int32Array,
  bare: number[],
): void {
  if (bare.length === 0) return;
  const sources = new SourceFiles(elf, table);
  const paths = new Window(elf.source, table.fileOffset, table.files?.limit ?? table.fileOffset, 1 << 12);
  const AMBIGUOUS = -2;
  const tails = new Map<string, number>();
  interner.names.forEach((name, id) => {
    const parts = name.split('/');
    for (let k = 1; k <= parts.length; k++) {
      const tail = parts.slice(parts.length - k).join('/');
      const seen = tails.get(tail);
      tails.set(tail, seen === undefined || seen === id ? id : AMBIGUOUS);
    }
  });
  for (const i of bare) {
    let id = -1;
    const fileAt = sources.offsetOf(i);
    if (fileAt >= 0) {
      const { index, limit } = paths.cString(fileAt, table.files!.limit);
      const path = readCString(paths.bytes, index, limit);
      const dirs = path
        .slice(0, path.lastIndexOf('/'))
        .replace(/@[^/]*/g, '')
        .split('/')
        .filter((p) => p !== '');
      for (let k = dirs.length; k >= 1 && id < 0; k--) {
        const match = tails.get(dirs.slice(dirs.length - k).join('/'));
        if (match !== undefined && match >= 0) id = match;
      }
    }
    if (id < 0 && i > 0) id = owner[i - 1]!;
    owner[i] = id;
  }
}

export function attributeModules(elf: Elf, table: FuncTable, info: GoBuildInfo | null): GoAttribution {
  const interner = new PackageInterner();
  const ledger = new Ledger();
  const inFile = elf.sections.filter(
    (s) => s.type !== SHT_NOBITS && s.type !== 0 && s.offset + s.size <= elf.size,
  );
  const attributed = new Map<ElfSection, number>();
  const methods = new Map<ElfSection, Set<AttributionMethod>>();
  const charge = (s: ElfSection, amount: number, method: AttributionMethod): void => {
    attributed.set(s, (attributed.get(s) ?? 0) + amount);
    const set = methods.get(s) ?? new Set<AttributionMethod>();
    set.add(method);
    methods.set(s, set);
  };

  // Code, by function extent.
  const executable = inFile.filter((s) => (s.flags & SHF_EXECINSTR) !== 0).sort((a, b) => a.addr - b.addr);
  const pad = paddingFor(elf.machine);
  const { entries, names, count } = table;
  const owner = new Int32Array(count);
  const padding = new Uint8Array(count);
  const bare: number[] = [];
  let sectionIndex = 0;
  // Names walk the table's name area; padding walks the code, both in function order.
  const nameWindow = new Window(elf.source);
  const codeWindow = new Window(elf.source);
  for (let i = 0; i < count; i++) {
    const start = entries[i]!;
    const size = entries[i + 1]! - start;
    const name = nameWindow.cString(names[i]!, elf.size);
    owner[i] = interner.idAt(nameWindow.bytes, name.index, name.limit);
    if (owner[i]! < 0 && isBareName(nameWindow.bytes, name.index, name.limit)) bare.push(i);
    if (pad.max === 0) continue;
    while (
      sectionIndex < executable.length &&
      start >= executable[sectionIndex]!.addr + executable[sectionIndex]!.size
    ) {
      sectionIndex++;
    }
    const section = executable[sectionIndex];
    if (section && start >= section.addr) {
      const end = section.offset + (start - section.addr) + size;
      const floor = Math.max(end - pad.max, end - size);
      if (floor < end) {
        const f = codeWindow.at(floor, end - floor);
        let n = 0;
        for (let at = f + (end - floor) - 1; at >= f && codeWindow.bytes[at] === pad.byte; at--) n++;
        padding[i] = n;
      }
    }
  }
  const functionPackages = interner.names.length;
  resolveBareNames(elf, table, interner, owner, bare);

  let totalCode = 0;
  let orphanCode = 0;
  let sectionCode = 0;
  sectionIndex = 0;
  const flushSection = (): void => {
    const s = executable[sectionIndex];
    if (s && sectionCode > 0) charge(s, sectionCode, 'functions');
    sectionCode = 0;
  };
  ledger.grow(functionPackages);
  for (let i = 0; i < count; i++) {
    const start = entries[i]!;
    const size = entries[i + 1]! - start;
    totalCode += size;
    const id = owner[i]!;
    if (id < 0) {
      orphanCode += size;
      continue;
    }
    while (
      sectionIndex < executable.length &&
      start >= executable[sectionIndex]!.addr + executable[sectionIndex]!.size
    ) {
      flushSection();
      sectionIndex++;
    }
    const section = executable[sectionIndex];
    if (section && start >= section.addr) sectionCode += size;
    ledger.code[id]! += size;
    ledger.unpadded[id]! += size - padding[i]!;
    ledger.functions[id]!++;
  }
  flushSection();

  // Per-function metadata, shared out by code size; the orphans' share stays unattributed.
  const packagedShare = totalCode > 0 ? (totalCode - orphanCode) / totalCode : 0;
  let spreadTotal = 0;
  const spread = (s: ElfSection | undefined, amount: number): void => {
    if (!s || amount <= 0) return;
    const room = Math.min(amount, s.size - (attributed.get(s) ?? 0));
    if (room <= 0) return;
    spreadTotal += room;
    charge(s, room * packagedShare, 'spread');
  };
  spread(
    inFile.find((s) => s.offset <= table.fileOffset && table.fileOffset < s.offset + s.size),
    table.bytes,
  );
  spread(
    inFile.find((s) => s.name === '.rodata'),
    table.funcdataBytes,
  );
  for (const s of inFile) if (isDwarfSection(s.name)) spread(s, s.size);

  // Symbols: each entry and its name (and version entry), and the data objects they size. Data objects
  // come from .symtab when there is one: .dynsym repeats some of them.
  const symtab = inFile.find((s) => s.type === SHT_SYMTAB);
  const dynsym = inFile.find((s) => s.type === SHT_DYNSYM);
  const versym = inFile.find((s) => s.type === SHT_GNU_VERSYM);
  const dataSections = elf.sections.map(
    (s) => s.type !== SHT_NOBITS && (s.flags & SHF_ALLOC) !== 0 && (s.flags & SHF_EXECINSTR) === 0,
  );
  const dataCharged = new Map<number, number[]>();
  const chargeSymbols = (table: ElfSection, withData: boolean, versions: ElfSection | undefined): void => {
    const strtab = elf.sections[table.link];
    if (!strtab || strtab.type === SHT_NOBITS || strtab.offset + strtab.size > elf.size) return;
    const entsize = elf.is64 ? 24 : 16;
    const strEnd = strtab.offset + strtab.size;
    const versionBytes = versions && versions.size === (table.size / entsize) * 2 ? 2 : 0;
    const symbols = new Window(elf.source, table.offset, table.offset + table.size);
    // Names are looked up in no useful order (.dynstr is hashed), so the string table is read whole: a
    // window would read a MiB per miss.
    const strings = readRegion(elf, strtab.offset, strtab.size);
    let r = readerFor(elf, symbols.bytes);
    let symBytes = 0;
    let strBytes = 0;
    for (let at = table.offset + entsize; at + entsize <= table.offset + table.size; at += entsize) {
      const loaded = symbols.bytes;
      const s = symbols.at(at, entsize);
      if (symbols.bytes !== loaded) r = readerFor(elf, symbols.bytes);
      const nameAt = strtab.offset + r.u32(s);
      if (nameAt >= strEnd) continue;
      const id = interner.idAt(strings, nameAt - strtab.offset, strings.length);
      if (id < 0 || id >= functionPackages) continue;
      const nameBytes = cStringLength(strings, nameAt - strtab.offset, strings.length) + 1;
      ledger.other[id]! += entsize + nameBytes + versionBytes;
      symBytes += entsize;
      strBytes += nameBytes;
      if (!withData) continue;
      const info = symbols.bytes[s + (elf.is64 ? 4 : 12)]!;
      if ((info & 0xf) !== STT_OBJECT) continue;
      const shndx = r.u16(s + (elf.is64 ? 6 : 14));
      if (!dataSections[shndx]) continue;
      const size = elf.is64 ? r.u64(s + 16) : r.u32(s + 8);
      if (size <= 0) continue;
      const perPackage = dataCharged.get(shndx) ?? [];
      perPackage[id] = (perPackage[id] ?? 0) + size;
      dataCharged.set(shndx, perPackage);
    }
    charge(table, symBytes, 'symbols');
    // Linkers may share name tails; never charge more than the string table holds.
    charge(strtab, Math.min(strBytes, strtab.size), 'symbols');
    if (versions && versionBytes > 0) charge(versions, (symBytes / entsize) * versionBytes, 'symbols');
  };
  if (symtab) chargeSymbols(symtab, true, undefined);
  if (dynsym) chargeSymbols(dynsym, !symtab, versym);
  for (const [shndx, perPackage] of dataCharged) {
    const s = elf.sections[shndx]!;
    const total = perPackage.reduce((sum, v) => sum + (v ?? 0), 0);
    // Overlapping symbols must not charge more than the section holds.
    const room = s.size - (attributed.get(s) ?? 0);
    const scale = total > room ? Math.max(0, room) / total : 1;
    perPackage.forEach((v, id) => {
      if (v) ledger.other[id]! += v * scale;
    });
    charge(s, total * scale, 'symbols');
  }

  // Packages, then modules.
  const resolver = new ModuleResolver(info);
  const modules = new Map<string, ModuleShare>();
  const spreadPerCode = totalCode > 0 ? spreadTotal / totalCode : 0;
  for (let id = 0; id < functionPackages; id++) {
    const code = ledger.code[id] ?? 0;
    const total = code + code * spreadPerCode + (ledger.other[id] ?? 0);
    const name = resolver.displayName(interner.names[id]!);
    const ref = resolver.resolve(name);
    let m = modules.get(ref.module);
    if (!m) {
      m = { module: ref.module, version: ref.version, kind: ref.kind, bytes: 0, codeBytes: 0, packages: [] };
      modules.set(ref.module, m);
    }
    const share: PackageShare = {
      package: name,
      bytes: Math.round(total),
      codeBytes: ledger.unpadded[id] ?? 0,
      functions: ledger.functions[id] ?? 0,
    };
    m.packages.push(share);
    m.bytes += share.bytes;
    m.codeBytes += share.codeBytes;
  }
  const moduleList = [...modules.values()].sort(
    (a, b) => b.bytes - a.bytes || a.module.localeCompare(b.module),
  );
  for (const m of moduleList)
    m.packages.sort((a, b) => b.bytes - a.bytes || a.package.localeCompare(b.package));

  const sections: SectionAccount[] = [];
  const unattributed: SectionBytes[] = [];
  let sectionFileBytes = 0;
  for (const s of inFile) {
    const got = Math.min(s.size, Math.round(attributed.get(s) ?? 0));
    sectionFileBytes += s.size;
    sections.push({
      section: s.name,
      bytes: s.size,
      attributedBytes: got,
      methods: [...(methods.get(s) ?? [])],
    });
    if (s.size - got > 0) unattributed.push({ section: s.name, bytes: s.size - got });
  }
  const outside = Math.max(0, elf.size - sectionFileBytes);
  if (outside > 0) unattributed.push({ section: HEADERS_AND_PADDING, bytes: outside });
  unattributed.sort((a, b) => b.bytes - a.bytes);

  return {
    fileBytes: elf.size,
    attributedBytes: moduleList.reduce((sum, m) => sum + m.bytes, 0),
    modules: moduleList,
    stdlibBytes: modules.get('std')?.bytes ?? 0,
    unattributed,
    sections,
    functions: count,
  };
}
