// The build information Go embeds (what `go version -m` prints), read the way debug/buildinfo reads it
// and parsed the way runtime/debug parses it, so that rendering it back gives Go's exact text.

import {
  decodeUtf8,
  type Elf,
  PF_W,
  PF_X,
  PT_LOAD,
  readRegion,
  sectionByName,
  vaddrToOffset,
  Window,
} from './elf.js';
import { goQuote, goQuotedPrefixLength, goUnquote } from './goquote.js';
import type { BuildSetting, GoBuildInfo, GoModule, GoVersion } from './types.js';

const MAGIC = [0xff, 0x20, 0x47, 0x6f, 0x20, 0x62, 0x75, 0x69, 0x6c, 0x64, 0x69, 0x6e, 0x66, 0x3a];
const HEADER_SIZE = 32;
const ALIGN = 16;

export interface RawBuildInfo {
  version: string;
  /** The modinfo text with its 16-byte sentinels removed ("" when Go recorded none). */
  modinfo: string;
}

export type BuildInfoRead =
  | { ok: true; raw: RawBuildInfo }
  | { ok: false; reason: string; magicFound: boolean };

function matchesMagic(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < MAGIC.length; i++) if (bytes[at + i] !== MAGIC[i]) return false;
  return true;
}

/** Where debug/buildinfo looks: the .go.buildinfo section, else the first writable, non-executable PT_LOAD. */
function searchRange(elf: Elf): { vaddr: number; size: number } | null {
  const section = sectionByName(elf, '.go.buildinfo');
  if (section) return { vaddr: section.addr, size: section.size };
  const data = elf.segments.find((p) => p.type === PT_LOAD && (p.flags & (PF_X | PF_W)) === PF_W);
  return data ? { vaddr: data.vaddr, size: data.memsz } : null;
}

function readUvarint(bytes: Uint8Array, at: number, end: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = at; i < end && i < at + 10; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return Number.isSafeInteger(value) ? { value, next: i + 1 } : null;
    scale *= 128;
  }
  return null;
}

export function readBuildInfo(elf: Elf): BuildInfoRead {
  const range = searchRange(elf);
  if (!range || range.size === 0)
    return { ok: false, reason: 'no data segment to hold Go build info', magicFound: false };
  // Like debug/buildinfo: search only the PT_LOAD that holds the start, at 16-byte aligned addresses (file
  // offsets and addresses agree modulo the page size, so aligned offsets are aligned addresses).
  const start = Math.ceil(range.vaddr / ALIGN) * ALIGN;
  const mapped = vaddrToOffset(elf, start);
  if (!mapped) return { ok: false, reason: 'Go build info range is not in the file', magicFound: false };
  const stop = mapped.offset + Math.min(mapped.available, range.vaddr + range.size - start);
  // The window never reaches past `stop`, so every read below stays inside the searched range.
  const w = new Window(elf.source, mapped.offset, stop);
  let header = -1;
  for (let at = mapped.offset; at + MAGIC.length <= stop; at += ALIGN) {
    const i = w.at(at, MAGIC.length);
    if (w.bytes[i] === 0xff && matchesMagic(w.bytes, i)) {
      header = at;
      break;
    }
  }
  if (header < 0)
    return { ok: false, reason: 'no Go build info magic ("\\xff Go buildinf:") found', magicFound: false };
  if (stop - header < HEADER_SIZE)
    return { ok: false, reason: 'Go build info header is cut off', magicFound: true };

  const fields = readRegion(elf, header, HEADER_SIZE);
  const flags = fields[15]!;
  let version: Uint8Array;
  let modinfo: Uint8Array;
  if ((flags & 2) === 2) {
    // Go 1.18+: two uvarint-prefixed strings follow the header, inside the same segment.
    const prefixed = (at: number): { bytes: Uint8Array; next: number } | null => {
      const i = w.at(at, 10);
      const length = readUvarint(w.bytes, i, Math.min(w.bytes.length, i + (stop - at)));
      const from = at + (length ? length.next - i : 0);
      if (!length || from + length.value > stop) return null;
      return { bytes: readRegion(elf, from, length.value), next: from + length.value };
    };
    const v = prefixed(header + HEADER_SIZE);
    if (!v) return { ok: false, reason: 'Go version string is cut off', magicFound: true };
    version = v.bytes;
    const m = prefixed(v.next);
    if (!m) return { ok: false, reason: 'Go module info is cut off', magicFound: true };
    modinfo = m.bytes;
  } else {
    // Before Go 1.18: the header holds the addresses of two Go string headers {data, len}.
    const ptrSize = fields[14];
    if (ptrSize !== 4 && ptrSize !== 8)
      return { ok: false, reason: `Go build info pointer size ${ptrSize}`, magicFound: true };
    const little = (flags & 1) === 0;
    const readPtr = (bytes: Uint8Array, off: number): number => {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (ptrSize === 4) return view.getUint32(off, little);
      const a = view.getUint32(off, little);
      const b = view.getUint32(off + 4, little);
      return little ? b * 0x1_0000_0000 + a : a * 0x1_0000_0000 + b;
    };
    const readGoString = (va: number): Uint8Array => {
      const hdr = vaddrToOffset(elf, va);
      if (!hdr || hdr.available < 2 * ptrSize) return new Uint8Array(0);
      const stringHeader = readRegion(elf, hdr.offset, 2 * ptrSize);
      const len = readPtr(stringHeader, ptrSize);
      const data = vaddrToOffset(elf, readPtr(stringHeader, 0));
      if (!data || data.available < len) return new Uint8Array(0);
      return readRegion(elf, data.offset, len);
    };
    version = readGoString(readPtr(fields, 16));
    modinfo = readGoString(readPtr(fields, 16 + ptrSize));
  }
  if (version.length === 0)
    return { ok: false, reason: 'Go build info holds no Go version', magicFound: true };
  // The module text sits between two 16-byte binary sentinels; without them Go treats it as absent.
  const framed = modinfo.length >= 33 && modinfo[modinfo.length - 17] === 0x0a;
  return {
    ok: true,
    raw: {
      version: decodeUtf8(version),
      modinfo: framed ? decodeUtf8(modinfo.subarray(16, modinfo.length - 16)) : '',
    },
  };
}

function quoteKey(key: string): boolean {
  return key.length === 0 || /[= \t\r\n"`]/.test(key);
}

function quoteValue(value: string): boolean {
  return /[ \t\r\n"`]/.test(value);
}

function moduleFromColumns(columns: string[]): GoModule {
  return { path: columns[0] ?? '', version: columns[1] ?? '', sum: columns[2] ?? '', replace: null };
}

/** runtime/debug.ParseBuildInfo: lines it does not know are ignored, malformed known lines stop the parse. */
export function parseModinfo(modinfo: string): GoBuildInfo {
  const info: GoBuildInfo = { path: '', main: null, deps: [], settings: [], parseError: null };
  let last: GoModule | null = null;
  let lineNumber = 1;
  let rest = modinfo;
  const fail = (message: string): GoBuildInfo => {
    info.parseError = `line ${lineNumber}: ${message}`;
    return info;
  };
  while (rest.length > 0) {
    const nl = rest.indexOf('\n');
    if (nl < 0) break;
    const line = rest.slice(0, nl);
    rest = rest.slice(nl + 1);
    if (line.startsWith('path\t')) {
      info.path = line.slice(5);
    } else if (line.startsWith('mod\t') || line.startsWith('dep\t')) {
      const columns = line.slice(4).split('\t');
      if (columns.length !== 2 && columns.length !== 3)
        return fail(`expected 2 or 3 columns; got ${columns.length}`);
      last = moduleFromColumns(columns);
      if (line.startsWith('mod\t')) info.main = last;
      else info.deps.push(last);
    } else if (line.startsWith('=>\t')) {
      const columns = line.slice(3).split('\t');
      if (columns.length !== 3) return fail(`expected 3 columns for replacement; got ${columns.length}`);
      if (!last) return fail('replacement with no module on previous line');
      last.replace = moduleFromColumns(columns);
      last = null;
    } else if (line.startsWith('build\t')) {
      const setting = parseSetting(line.slice(6));
      if (typeof setting === 'string') return fail(setting);
      info.settings.push(setting);
    }
    lineNumber++;
  }
  return info;
}

function parseSetting(kv: string): BuildSetting | string {
  if (kv.length < 1) return "build line missing '='";
  let key: string;
  let rawValue: string;
  if (kv[0] === '=') return 'build line with missing key';
  if (kv[0] === '`' || kv[0] === '"') {
    const n = goQuotedPrefixLength(kv);
    if (n < 0) return 'invalid quoted key in build line';
    if (n === kv.length) return "build line missing '=' after quoted key";
    if (kv[n] !== '=') return `unexpected character after quoted key: ${JSON.stringify(kv[n])}`;
    key = goUnquote(kv.slice(0, n)) ?? '';
    rawValue = kv.slice(n + 1);
  } else {
    const eq = kv.indexOf('=');
    if (eq < 0) return "build line missing '=' after key";
    key = kv.slice(0, eq);
    rawValue = kv.slice(eq + 1);
    if (quoteKey(key)) return `unquoted key ${JSON.stringify(key)} must be quoted`;
  }
  let value = '';
  if (rawValue.length > 0) {
    if (rawValue[0] === '`' || rawValue[0] === '"') {
      const unquoted = goUnquote(rawValue);
      if (unquoted === null) return 'invalid quoted value in build line';
      value = unquoted;
    } else {
      value = rawValue;
      if (quoteValue(value)) return `unquoted value ${JSON.stringify(value)} must be quoted`;
    }
  }
  return { key, value };
}

/** runtime/debug.BuildInfo.String without the go line: the text `go version -m` indents under the file line. */
export function formatModinfo(info: GoBuildInfo): string {
  let out = '';
  if (info.path !== '') out += `path\t${info.path}\n`;
  const formatModule = (word: string, m: GoModule): void => {
    out += `${word}\t${m.path}\t${m.version}`;
    if (m.replace === null) {
      out += `\t${m.sum}`;
    } else {
      out += '\n';
      formatModule('=>', m.replace);
    }
    out += '\n';
  };
  const main = info.main;
  if (main && (main.path !== '' || main.version !== '' || main.sum !== '' || main.replace !== null)) {
    formatModule('mod', main);
  }
  for (const dep of info.deps) formatModule('dep', dep);
  for (const { key, value } of info.settings) {
    out += `build\t${quoteKey(key) ? goQuote(key) : key}=${quoteValue(value) ? goQuote(value) : value}\n`;
  }
  return out;
}

/** Exactly what `go version -m FILE` prints for a readable Go binary. */
export function renderGoVersionM(
  fileName: string,
  report: { goVersion: string; buildInfo: GoBuildInfo },
): string {
  const mod = formatModinfo(report.buildInfo);
  let out = `${fileName}: ${report.goVersion}\n`;
  if (mod.length > 0) out += `\t${mod.slice(0, -1).replaceAll('\n', '\n\t')}\n`;
  return out;
}

const VERSION = /^(devel )?go(\d+)\.(\d+)(?:\.(\d+))?((?:rc|beta|alpha)\d+)?/;

/** Reads "go1.22.3", "go1.21rc2", "go1.22-20231128-RC02 cl/585442134 X:boringcrypto", "devel go1.23-abc Tue ...". */
export function parseGoVersion(raw: string): GoVersion | null {
  const m = VERSION.exec(raw);
  if (!m) return null;
  return {
    raw,
    major: Number(m[2]),
    minor: Number(m[3]),
    patch: m[4] === undefined ? null : Number(m[4]),
    prerelease: m[5] ?? null,
    suffix: raw.slice(m[0].length).trim(),
    devel: m[1] !== undefined,
  };
}
