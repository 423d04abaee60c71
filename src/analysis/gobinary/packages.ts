// From a Go symbol name to its package, and from a package to the module that ships it. Works on the raw
// name bytes so that hundreds of thousands of names cost no string allocations.

import { decodeUtf8 } from './elf.js';
import type { GoBuildInfo, ModuleKind } from './types.js';

const SLASH = 0x2f;
const DOT = 0x2e;
const BRACKET = 0x5b;

function startsWith(bytes: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

// Linker-made names that began with "go." before Go 1.20 used "go:"; a real module path such as
// go.uber.org/zap also begins with "go.".
const LEGACY_LINKER_PREFIXES = [
  'go.itab.',
  'go.string.',
  'go.func.',
  'go.shape.',
  'go.importpath.',
  'go.info.',
  'go.builtin.',
  'go.map.',
  'go.interface.',
  'go.track.',
  'go.weak.',
  'go.constinfo.',
  'go.cuinfo.',
  'go.loc.',
  'go.range.',
  'go.debug',
  'go.plugin.',
  'go.link.',
  'go.buildid',
];

function legacyGoPrefixIsPath(bytes: Uint8Array, start: number, limit: number): boolean {
  // A module path: host name characters up to the first slash.
  let i = start;
  for (; i < limit; i++) {
    const b = bytes[i]!;
    if (b === SLASH) break;
    const hostChar = (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) || b === DOT || b === 0x2d;
    if (!hostChar) return false;
  }
  if (i >= limit || i <= start + 3) return false;
  for (const p of LEGACY_LINKER_PREFIXES) if (startsWith(bytes, start, p)) return false;
  return true;
}

/** Where a name's package path lies: [start, end) in the name bytes, or end -1 for no package. */
export interface Span {
  start: number;
  end: number;
}

/** Unnamed types have no package: "struct { ... }", "map[K]V", ... */
const TYPE_LITERALS = ['struct', 'interface', 'func(', 'map[', 'chan ', 'chan<-'];

/** Names that belong to no package: empty, local labels, "$f64.…" constants, "go:…" (and, before Go 1.20,
 * "go.…" unless it is a module path such as go.uber.org/zap). "type…" names are handled by the caller. */
function isLinkerName(bytes: Uint8Array, start: number, limit: number): boolean {
  const first = bytes[start];
  if (first === undefined || first === 0 || first === DOT || first === 0x24 /* $ */) return true;
  if (first === 0x67 /* g */ && bytes[start + 1] === 0x6f) {
    if (bytes[start + 2] === 0x3a) return true;
    if (bytes[start + 2] === DOT) return !legacyGoPrefixIsPath(bytes, start, limit);
  }
  return false;
}

/** "type:…" (Go 1.20+) or "type.…": type descriptors and the functions the compiler makes for types. */
function isTypeName(bytes: Uint8Array, at: number): boolean {
  return startsWith(bytes, at, 'type') && (bytes[at + 4] === 0x3a || bytes[at + 4] === DOT);
}

/** Length of a "type:.eq." / "type:.hash." prefix (or the pre-1.20 "type..eq." spelling) at `at`, else 0. */
function equalityPrefixLength(bytes: Uint8Array, at: number): number {
  // "type:" or "type." is already matched.
  if (bytes[at + 5] !== DOT) return 0;
  if (bytes[at + 6] === 0x65 && bytes[at + 7] === 0x71 && bytes[at + 8] === DOT) return 9; // eq.
  if (startsWith(bytes, at + 6, 'hash.')) return 11;
  return 0;
}

/**
 * Finds the package path in the symbol name at `start`: the text up to the first '.' after the last '/',
 * looking only before any generic brackets. Linker-made names ("go:", "type:") and C symbols belong to no
 * package, except the equality and hash functions the compiler makes for a type, which belong to the
 * type's package ("type:.eq.[2]runtime.Frame" is runtime's).
 */
export function packageSpan(bytes: Uint8Array, start: number, limit: number, out: Span): void {
  out.start = start;
  out.end = -1;
  if (isLinkerName(bytes, start, limit)) return;
  if (isTypeName(bytes, start)) {
    const prefix = equalityPrefixLength(bytes, start);
    if (prefix === 0) return;
    start += prefix;
    // Element types of arrays and pointers: "[7]pkg.T", "*pkg.T".
    for (
      let b = bytes[start];
      b === BRACKET || b === 0x5d || b === 0x2a || (b !== undefined && b >= 0x30 && b <= 0x39);
      b = bytes[++start]
    ) {}
    out.start = start;
    if (start >= limit || isLinkerName(bytes, start, limit) || isTypeName(bytes, start)) return;
    for (const literal of TYPE_LITERALS) if (startsWith(bytes, start, literal)) return;
  }
  let lastSlash = -1;
  let stop = start;
  for (; stop < limit; stop++) {
    const b = bytes[stop]!;
    if (b === 0 || b === BRACKET) break;
    if (b === SLASH) lastSlash = stop;
  }
  for (let i = lastSlash < 0 ? start : lastSlash + 1; i < stop; i++) {
    if (bytes[i] === DOT) {
      if (i > start) out.end = i;
      return;
    }
  }
}

/** True for names that are neither Go-qualified nor linker-made: assembly-local functions such as "aeshashbody". */
export function isBareName(bytes: Uint8Array, start: number, limit: number): boolean {
  for (let i = start; i < limit; i++) {
    const b = bytes[i]!;
    if (b === 0) return i > start;
    if (b === DOT || b === 0x3a || b === SLASH) return false;
  }
  return false;
}

/** Package path as Go writes it in import statements: %xx escapes undone, vendor directories cut away. */
export function packageFromRaw(raw: string): string {
  let pkg = raw.includes('%')
    ? raw.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    : raw;
  const vendor = pkg.lastIndexOf('/vendor/');
  if (vendor >= 0) pkg = pkg.slice(vendor + '/vendor/'.length);
  return pkg;
}

/** The package of one symbol name given as a string (for names that are already decoded, e.g. from tools). */
export function packageOfSymbol(name: string): string | null {
  const bytes = new TextEncoder().encode(name);
  const span: Span = { start: 0, end: -1 };
  packageSpan(bytes, 0, bytes.length, span);
  return span.end < 0 ? null : packageFromRaw(decodeUtf8(bytes.subarray(span.start, span.end)));
}

/**
 * Interns package names. Consecutive names usually share a package, so most lookups are a byte compare with
 * the previous one; the rest go through a hash of the raw bytes, so each package is decoded once. Names
 * come from whichever window the caller reads (function table, string tables), so the raw spellings it
 * confirms hits against are kept as small copies.
 */
export class PackageInterner {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  /** Raw-bytes hash to the first raw spelling seen with it (its bytes and id), to confirm a hit. */
  private readonly byHash = new Map<number, number>();
  private readonly rawBytes: Uint8Array[] = [];
  private readonly rawId: number[] = [];
  private last: Uint8Array = new Uint8Array(0);
  private lastId = -1;
  private readonly span: Span = { start: 0, end: -1 };

  /** Package id of the symbol name at `nameStart` of `bytes` (bounded by `limit`), or -1 for none. */
  idAt(bytes: Uint8Array, nameStart: number, limit: number): number {
    packageSpan(bytes, nameStart, limit, this.span);
    const { start, end } = this.span;
    if (end < 0) return -1;
    const length = end - start;
    if (this.lastId >= 0 && length === this.last.length && sameBytes(bytes, start, this.last))
      return this.lastId;
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
    // 30 bits keep the key a small integer (no boxed number per lookup); hits are confirmed byte by byte.
    hash = (hash ^ length) & 0x3fffffff;
    const raw = this.byHash.get(hash);
    let id: number | undefined;
    if (
      raw !== undefined &&
      this.rawBytes[raw]!.length === length &&
      sameBytes(bytes, start, this.rawBytes[raw]!)
    ) {
      id = this.rawId[raw]!;
    } else {
      const name = packageFromRaw(decodeUtf8(bytes.subarray(start, end)));
      id = this.ids.get(name);
      if (id === undefined) {
        id = this.names.length;
        this.names.push(name);
        this.ids.set(name, id);
      }
      if (raw === undefined) {
        this.byHash.set(hash, this.rawId.length);
        this.rawBytes.push(bytes.slice(start, end));
        this.rawId.push(id);
      }
    }
    if (this.lastId !== id || this.last.length !== length) this.last = bytes.slice(start, end);
    this.lastId = id;
    return id;
  }
}

function sameBytes(bytes: Uint8Array, at: number, other: Uint8Array): boolean {
  for (let i = 0; i < other.length; i++) if (bytes[at + i] !== other[i]) return false;
  return true;
}

export interface ModuleRef {
  module: string;
  version: string | null;
  kind: ModuleKind;
}

const THREE_ELEMENT_HOSTS = new Set([
  'github.com',
  'gitlab.com',
  'bitbucket.org',
  'golang.org',
  'gitee.com',
  'codeberg.org',
]);

/** Maps packages to the modules the build info lists (longest path prefix wins). */
export class ModuleResolver {
  private readonly modules = new Map<string, ModuleRef>();
  readonly mainPackage: string;

  constructor(info: GoBuildInfo | null) {
    for (const dep of info?.deps ?? []) {
      const version = dep.replace
        ? `${dep.version} => ${dep.replace.path} ${dep.replace.version}`.trim()
        : dep.version;
      this.modules.set(dep.path, { module: dep.path, version, kind: 'dependency' });
    }
    if (info?.main && info.main.path !== '') {
      this.modules.set(info.main.path, { module: info.main.path, version: info.main.version, kind: 'main' });
    }
    this.mainPackage = info?.path || 'main';
  }

  /** "main" is the package Go compiles the command as; report it under its import path. */
  displayName(pkg: string): string {
    return pkg === 'main' ? this.mainPackage : pkg;
  }

  resolve(pkg: string): ModuleRef {
    if (pkg === 'main' || pkg === this.mainPackage) {
      const main = [...this.modules.values()].find((m) => m.kind === 'main');
      if (main) return main;
    }
    for (let prefix = pkg; ; ) {
      const m = this.modules.get(prefix);
      if (m) return m;
      const slash = prefix.lastIndexOf('/');
      if (slash < 0) break;
      prefix = prefix.slice(0, slash);
    }
    const elements = pkg.split('/');
    const firstElement = elements[0] ?? '';
    if (pkg === 'main')
      return this.mainPackage === 'main'
        ? { module: 'main', version: null, kind: 'inferred' }
        : this.resolve(this.mainPackage);
    if (!firstElement.includes('.')) return { module: 'std', version: null, kind: 'stdlib' };
    let depth = THREE_ELEMENT_HOSTS.has(firstElement) ? 3 : 2;
    // A major version is part of the module path: github.com/cli/cli/v2, github.com/minio/minio-go/v7.
    if (/^v\d+$/.test(elements[depth] ?? '') && elements[depth] !== 'v0' && elements[depth] !== 'v1') depth++;
    return { module: elements.slice(0, depth).join('/'), version: null, kind: 'inferred' };
  }
}
