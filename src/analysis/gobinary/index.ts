// The Go binary doctor: everything worth knowing about a Go executable, read from its bytes alone.
// Pure: no file system, no processes (the bytes come through positioned reads of a ByteSource, so only
// the parts it needs are ever in memory). Never throws on odd input; says what it could not read instead.

import { attributeModules } from './attribution.js';
import { parseGoVersion, parseModinfo, readBuildInfo } from './buildinfo.js';
import {
  type ByteSource,
  type Elf,
  elfFacts,
  isElf,
  memorySource,
  PT_NOTE,
  parseElf,
  readerFor,
  readRegion,
  Window,
} from './elf.js';
import { readLinkage } from './linkage.js';
import { readFuncTable } from './pclntab.js';
import { readStrip } from './strip.js';
import type { GoBinaryAnalysis, GoBinaryReport, NonGoElfReport } from './types.js';

export { parseGoVersion, renderGoVersionM } from './buildinfo.js';
export { diffGoModules, effectiveVersion } from './diff.js';
export { goQuote, goUnquote } from './goquote.js';
export { packageOfSymbol } from './packages.js';
export type * from './types.js';
export { type ByteSource, isElf, memorySource };

export interface AnalyzeOptions {
  /** Size by module and package (costs a pass over the function table and symbols). */
  attributeModules?: boolean;
}

const SHT_NOTE = 7;
const NT_GO_BUILD_ID = 4;

/** A `.note.go.buildid` note: owner "Go\0\0", type 4. */
function hasGoBuildIdNote(elf: Elf): boolean {
  const regions = [
    ...elf.sections.filter((s) => s.type === SHT_NOTE).map((s) => ({ offset: s.offset, size: s.size })),
    ...elf.segments.filter((p) => p.type === PT_NOTE).map((p) => ({ offset: p.offset, size: p.filesz })),
  ];
  const w = new Window(elf.source);
  for (const { offset, size } of regions) {
    const end = Math.min(offset + size, elf.size);
    for (let at = offset; at + 12 <= end; ) {
      const i = w.at(at, 16);
      const r = readerFor(elf, w.bytes);
      const namesz = r.u32(i);
      const descsz = r.u32(i + 4);
      const type = r.u32(i + 8);
      const name = i + 12;
      if (
        type === NT_GO_BUILD_ID &&
        namesz === 4 &&
        w.bytes[name] === 0x47 &&
        w.bytes[name + 1] === 0x6f &&
        w.bytes[name + 2] === 0 &&
        w.bytes[name + 3] === 0
      ) {
        return true;
      }
      const next = at + 12;
      at = next + Math.ceil(namesz / 4) * 4 + Math.ceil(descsz / 4) * 4;
    }
  }
  return false;
}

const RUNTIME_MAIN = new TextEncoder().encode('\0runtime.main\0');

function hasRuntimeMainSymbol(elf: Elf): boolean {
  for (const s of elf.sections) {
    if (s.name !== '.strtab' && s.name !== '.dynstr') continue;
    const end = Math.min(s.offset + s.size, elf.size);
    // Chunks overlap by the pattern's length, so a match across a chunk boundary is still seen.
    const step = 1 << 20;
    for (let from = s.offset; from < end; from += step) {
      const chunkStart = Math.max(0, from - 1);
      const chunk = readRegion(
        elf,
        chunkStart,
        Math.min(end, from + step) - chunkStart + RUNTIME_MAIN.length,
      );
      const stop = Math.min(end, from + step) - chunkStart;
      for (
        let at = chunk.indexOf(0x72, from - chunkStart);
        at >= 0 && at < stop;
        at = chunk.indexOf(0x72, at + 1)
      ) {
        let match = at >= 1;
        for (let i = 0; i < RUNTIME_MAIN.length && match; i++) match = chunk[at - 1 + i] === RUNTIME_MAIN[i];
        if (match) return true;
      }
    }
  }
  return false;
}

const UPX = [0x55, 0x50, 0x58, 0x21];

function isUpxPacked(elf: Elf): boolean {
  const bytes = readRegion(elf, 0, 4096);
  const end = bytes.length;
  for (let at = bytes.indexOf(0x55); at >= 0 && at + 4 <= end; at = bytes.indexOf(0x55, at + 1)) {
    if (UPX.every((b, i) => bytes[at + i] === b)) return true;
  }
  return false;
}

function analyze(file: ByteSource, options: AnalyzeOptions): GoBinaryAnalysis {
  const parsed = parseElf(file);
  if (!parsed.ok) return { kind: 'not-go', reason: parsed.reason, elf: null, linkage: null, strip: null };
  const elf = parsed.elf;
  const facts = elfFacts(elf);
  const linkage = readLinkage(elf);
  const strip = readStrip(elf);
  const build = readBuildInfo(elf);
  if (!build.ok) {
    const notGo = (kind: NonGoElfReport['kind'], reason: string): NonGoElfReport => ({
      kind,
      reason,
      elf: facts,
      linkage,
      strip,
    });
    if (build.magicFound) return notGo('go-unreadable', `Go build info is damaged: ${build.reason}`);
    if (hasGoBuildIdNote(elf))
      return notGo('go-unreadable', 'Go build ID note present but no readable build info');
    if (readFuncTable(elf).ok)
      return notGo('go-unreadable', 'Go function table present but no readable build info');
    if (hasRuntimeMainSymbol(elf)) {
      return notGo(
        'go-unreadable',
        'runtime.main symbol present but no Go build info (gccgo or a very old Go)',
      );
    }
    if (isUpxPacked(elf)) {
      return notGo(
        'not-go',
        'UPX-packed executable: its contents are compressed, so whether it is Go is unknown',
      );
    }
    return notGo('not-go', 'no Go markers (build info, Go build ID note, function table, runtime.main)');
  }
  const buildInfo = parseModinfo(build.raw.modinfo);
  const report: GoBinaryReport = {
    kind: 'go',
    goVersion: build.raw.version,
    version: parseGoVersion(build.raw.version),
    buildInfo,
    elf: facts,
    linkage,
    strip,
    attribution: null,
    attributionError: null,
  };
  if (options.attributeModules) {
    try {
      const table = readFuncTable(elf);
      if (table.ok) report.attribution = attributeModules(elf, table.table, buildInfo);
      else report.attributionError = table.reason;
    } catch (error) {
      report.attributionError = `function table unreadable: ${(error as Error).message}`;
    }
  }
  return report;
}

/** Reads a Go executable from its bytes. Non-ELF, non-Go, packed or damaged input yields a reason, never a throw. */
export function analyzeGoBinary(
  file: Uint8Array | ByteSource,
  options: AnalyzeOptions = {},
): GoBinaryAnalysis {
  try {
    return analyze(file instanceof Uint8Array ? memorySource(file) : file, options);
  } catch (error) {
    // Every read is bounds-checked; this is the last line against a header combination nobody foresaw.
    return {
      kind: 'not-go',
      reason: `unreadable ELF: ${(error as Error).message}`,
      elf: null,
      linkage: null,
      strip: null,
    };
  }
}
