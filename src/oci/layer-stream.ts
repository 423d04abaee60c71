// Streams the entries of one image layer (a tar, plain, gzip- or zstd-compressed) without holding the
// layer in memory or on disk. Everything that looks inside layers (sizes, file lists, Go binaries)
// stands on this one reader.
//
// The tar headers are parsed here rather than by tar-stream: Go's archive/tar (BuildKit, containerd,
// dockerd) writes a non-ASCII name as a PAX `path` record holding the raw bytes, and tar-stream decodes
// PAX records as UTF-8, so two names that differ only in invalid bytes would collapse into one path
// and look like an overwrite. Parsing the few header fields we need keeps every byte of a name.
import { pipeline, Readable } from 'node:stream';
// A namespace import: a named import of createZstdDecompress would fail to link on Node < 23.8, before
// the CLI could say which Node it needs.
import * as zlib from 'node:zlib';
import { sniff } from './sniff.js';

export type LayerCompression = 'gzip' | 'zstd' | 'none';

const DECOMPRESSED_CHUNK_BYTES = 256 * 1024;

export type EntryKind = 'file' | 'hardlink' | 'symlink' | 'directory' | 'other';

export interface LayerEntry {
  /**
   * Path without a leading "./" or "/"; directories without the trailing slash. Name bytes that are not
   * valid UTF-8, control characters, and a backslash that would read as an escape are written `\xNN`
   * (see decodePathBytes), so distinct names stay distinct and printable.
   */
  path: string;
  kind: EntryKind;
  /** Bytes of content for regular files; 0 for everything else (hard links and symlinks count zero). */
  size: number;
  mode: number;
  /**
   * Target of a hard link (an archive path, normalized like `path`) or of a symlink (verbatim: an
   * absolute target keeps its leading "/", a relative one is relative to the link's directory).
   */
  linkname: string | null;
  /** Bytes of the link target as stored (what lstat reports as a symlink's size); 0 without a target. */
  linknameBytes?: number;
}

/** The content of the entry just yielded; valid until the consumer asks for the next entry. */
export interface EntryBody {
  /** Content bytes not read yet. */
  readonly remaining: number;
  /** Up to `max` bytes (at least one while any remain, possibly fewer than asked); null when all are read. */
  read(max?: number): Promise<Uint8Array | null>;
  /** Everything not read yet, in one array. */
  readAll(): Promise<Uint8Array>;
}

export interface TarItem {
  entry: LayerEntry;
  body: EntryBody;
}

/** Reads the first bytes of a blob to tell its compression, whatever the media type claims. */
export function compressionOf(head: Uint8Array): LayerCompression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd && head[0] === 0x28) return 'zstd';
  // A zstd stream may open with a skippable frame (magic 0x184D2A5?, little-endian).
  if (head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18 && ((head[0] ?? 0) & 0xf0) === 0x50) {
    return 'zstd';
  }
  return 'none';
}

/** The compression a layer media type declares; "none" for plain tars and unknown types. */
export function compressionOfMediaType(mediaType: string): LayerCompression {
  if (mediaType.endsWith('gzip')) return 'gzip';
  if (mediaType.endsWith('zstd')) return 'zstd';
  return 'none';
}

/** Decompresses a blob; an error on the blob reaches the returned stream (plain `pipe` would hang). */
export function decompress(blob: Readable, compression: LayerCompression): Readable {
  if (compression === 'none') return blob;
  // Large output chunks: per-chunk overhead, not inflate, dominates with the default 16 KiB.
  const options = { chunkSize: DECOMPRESSED_CHUNK_BYTES };
  const decompressor =
    compression === 'gzip' ? zlib.createGunzip(options) : zlib.createZstdDecompress(options);
  return pipeline(blob, decompressor, () => {
    // Errors surface on `decompressor`, which pipeline destroys with them; the reader sees them there.
  });
}

export interface OpenedLayer {
  /** The decompressed tar. */
  tar: Readable;
  /** What the first bytes of the blob say, which wins over the media type. */
  compression: LayerCompression;
  /** What the media type claims ("none" when it was not given); differs from `compression` on mislabelled blobs. */
  declared: LayerCompression;
}

/**
 * Sniffs the first bytes of a layer blob (gzip, zstd or a plain tar, whatever `mediaType` claims: some
 * registries and exporters label layers wrongly) and returns the decompressed tar, streamed.
 */
export async function openLayer(blob: Readable, mediaType?: string): Promise<OpenedLayer> {
  const { head, stream: source } = await sniff(blob, 4);
  const compression = compressionOf(head);
  source.once('close', () => {
    // Consumer gave up early: release the underlying blob (a socket or file) too.
    if (!blob.destroyed) blob.destroy();
  });
  const declared = mediaType ? compressionOfMediaType(mediaType) : 'none';
  return { tar: decompress(source, compression), compression, declared };
}

export function normalizeLayerPath(name: string): string {
  let path = name;
  while (path.startsWith('./')) path = path.slice(2);
  while (path.startsWith('/')) path = path.slice(1);
  while (path.endsWith('/')) path = path.slice(0, -1);
  if (path === '.') return '';
  return path;
}

const HEX = '0123456789abcdef';

function escapeByte(byte: number): string {
  return `\\x${HEX[byte >> 4]}${HEX[byte & 15]}`;
}

function isHexDigit(byte: number | undefined): boolean {
  return (
    byte !== undefined &&
    ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66))
  );
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextDecoder('utf-8');

/**
 * Decodes name bytes from a tar header. Valid UTF-8 reads as itself. Bytes that are not valid UTF-8,
 * C0 control characters and DEL are written `\xNN`; a literal backslash is written `\x5c` only where it
 * would otherwise read as such an escape (`\x` followed by two hex digits), so the result is printable
 * and the mapping stays one-to-one: two different byte strings never give the same path.
 */
export function decodePathBytes(bytes: Uint8Array): string {
  let plain = true;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b === 0x7f || b >= 0x80 || b === 0x5c) {
      plain = false;
      break;
    }
  }
  if (plain) return utf8.decode(bytes);
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      if (b < 0x20 || b === 0x7f) out += escapeByte(b);
      else if (b === 0x5c && bytes[i + 1] === 0x78 && isHexDigit(bytes[i + 2]) && isHexDigit(bytes[i + 3])) {
        out += '\\x5c';
      } else out += String.fromCharCode(b);
      i += 1;
      continue;
    }
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) {
      out += escapeByte(b);
      i += 1;
    } else {
      out += strictUtf8.decode(bytes.subarray(i, i + length));
      i += length;
    }
  }
  return out;
}

/** Length of the well-formed UTF-8 sequence starting at `i` (Unicode table 3-7), or 0 if there is none. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  const inRange = (byte: number | undefined, low: number, high: number) =>
    byte !== undefined && byte >= low && byte <= high;
  const b1 = bytes[i + 1];
  if (b0 >= 0xc2 && b0 <= 0xdf) return inRange(b1, 0x80, 0xbf) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const low = b0 === 0xe0 ? 0xa0 : 0x80;
    const high = b0 === 0xed ? 0x9f : 0xbf;
    return inRange(b1, low, high) && inRange(bytes[i + 2], 0x80, 0xbf) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const low = b0 === 0xf0 ? 0x90 : 0x80;
    const high = b0 === 0xf4 ? 0x8f : 0xbf;
    return inRange(b1, low, high) && inRange(bytes[i + 2], 0x80, 0xbf) && inRange(bytes[i + 3], 0x80, 0xbf)
      ? 4
      : 0;
  }
  return 0;
}

/** Pulls chunks from a stream and hands out exact byte counts, copying only when a request spans chunks. */
class ByteSource {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private chunk: Uint8Array = new Uint8Array(0);
  private offset = 0;
  private ended = false;
  /** Bytes handed out or skipped so far: the position in the tar. */
  consumed = 0;

  constructor(stream: AsyncIterable<Uint8Array>) {
    this.iterator = stream[Symbol.asyncIterator]();
  }

  /** Makes at least one byte available; false at the end of the stream. */
  private async fill(): Promise<boolean> {
    while (this.offset >= this.chunk.byteLength) {
      if (this.ended) return false;
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        return false;
      }
      this.chunk = next.value;
      this.offset = 0;
    }
    return true;
  }

  /** Up to `max` bytes without copying; null at the end of the stream. */
  async readSome(max: number): Promise<Uint8Array | null> {
    if (!(await this.fill())) return null;
    const take = Math.min(max, this.chunk.byteLength - this.offset);
    const out = this.chunk.subarray(this.offset, this.offset + take);
    this.offset += take;
    this.consumed += take;
    return out;
  }

  /** Exactly `length` bytes; null when the stream ends before the first byte; throws when it ends inside. */
  async readExact(length: number): Promise<Uint8Array | null> {
    if (length === 0) return new Uint8Array(0);
    const first = await this.readSome(length);
    if (first === null) return null;
    if (first.byteLength === length) return first;
    const out = new Uint8Array(length);
    out.set(first);
    let filled = first.byteLength;
    while (filled < length) {
      const more = await this.readSome(length - filled);
      if (more === null) throw truncated(this.consumed);
      out.set(more, filled);
      filled += more.byteLength;
    }
    return out;
  }

  async skip(length: number): Promise<void> {
    let left = length;
    while (left > 0) {
      const some = await this.readSome(left);
      if (some === null) throw truncated(this.consumed);
      left -= some.byteLength;
    }
  }

  /** Lets go of the stream early (the consumer stopped reading): Node streams destroy themselves. */
  async close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      await this.iterator.return?.();
    }
  }

  /** Reads to the end of the stream, so the decompressor checks its trailer and the source closes. */
  async drain(): Promise<void> {
    while ((await this.readSome(Number.MAX_SAFE_INTEGER)) !== null) {
      // discard
    }
  }
}

function truncated(at: number): Error {
  return new Error(`layer tar ends in the middle of an entry (after ${at} bytes): the blob is truncated`);
}

class TarBody implements EntryBody {
  private left: number;
  stale = false;

  constructor(
    private readonly source: ByteSource,
    size: number,
  ) {
    this.left = size;
  }

  get remaining(): number {
    return this.stale ? 0 : this.left;
  }

  async read(max = 1 << 20): Promise<Uint8Array | null> {
    if (this.stale) throw new Error('entry content read after moving on to the next entry');
    if (this.left === 0) return null;
    const some = await this.source.readSome(Math.min(max, this.left));
    if (some === null) throw truncated(this.source.consumed);
    this.left -= some.byteLength;
    return some;
  }

  async readAll(): Promise<Uint8Array> {
    const out = new Uint8Array(this.left);
    let filled = 0;
    for (let some = await this.read(); some !== null; some = await this.read()) {
      out.set(some, filled);
      filled += some.byteLength;
    }
    return out;
  }

  /** Called by the parser before it reads the next header. */
  async finish(): Promise<void> {
    const left = this.left;
    this.left = 0;
    this.stale = true;
    await this.source.skip(left);
  }
}

const BLOCK = 512;
const MAX_META_BYTES = 16 * 1024 * 1024;

function paddingOf(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

function cString(block: Uint8Array, start: number, length: number): Uint8Array {
  const field = block.subarray(start, start + length);
  const nul = field.indexOf(0);
  return nul === -1 ? field : field.subarray(0, nul);
}

function parseOctal(block: Uint8Array, start: number, length: number): number {
  let value = 0;
  let i = start;
  const end = start + length;
  while (i < end && (block[i] === 0x20 || block[i] === 0)) i++;
  for (; i < end; i++) {
    const b = block[i]!;
    if (b < 0x30 || b > 0x37) break;
    value = value * 8 + (b - 0x30);
  }
  return value;
}

/** Size fields: octal, or GNU base-256 (high bit of the first byte set) for files of 8 GiB and more. */
function parseNumeric(block: Uint8Array, start: number, length: number, at: number): number {
  const first = block[start]!;
  if ((first & 0x80) === 0) return parseOctal(block, start, length);
  if (first === 0xff) throw new Error(`layer tar has a negative size field at byte ${at}`);
  let value = first & 0x7f;
  for (let i = start + 1; i < start + length; i++) value = value * 256 + block[i]!;
  if (!Number.isSafeInteger(value)) throw new Error(`layer tar has a size beyond 2^53 at byte ${at}`);
  return value;
}

/** The checksum field counts as eight spaces; old tars summed signed bytes, so accept that sum too. */
function checksumMatches(block: Uint8Array): boolean {
  const stored = parseOctal(block, 148, 8);
  let unsigned = 8 * 0x20;
  let high = 0;
  for (let i = 0; i < BLOCK; i++) {
    if (i === 148) i = 156;
    const b = block[i]!;
    unsigned += b;
    if (b >= 0x80) high++;
  }
  return stored === unsigned || stored === unsigned - 256 * high;
}

function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

function startsWithAscii(block: Uint8Array, start: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (block[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

interface PaxRecords {
  path?: Uint8Array;
  linkpath?: Uint8Array;
  size?: number;
}

/** "LEN KEY=VALUE\n" records; values stay bytes (Go writes names there raw, valid UTF-8 or not). */
function parsePax(data: Uint8Array, at: number): PaxRecords {
  const records: PaxRecords = {};
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space === -1) break;
    const length = Number(utf8.decode(data.subarray(i, space)));
    if (!Number.isInteger(length) || length <= space - i || i + length > data.length) {
      throw new Error(`layer tar has a malformed PAX header at byte ${at}`);
    }
    const record = data.subarray(space + 1, i + length - 1);
    const equals = record.indexOf(0x3d);
    if (equals !== -1) {
      const key = utf8.decode(record.subarray(0, equals));
      const value = record.subarray(equals + 1);
      if (key === 'path') records.path = value;
      else if (key === 'linkpath') records.linkpath = value;
      else if (key === 'size') {
        const size = Number(utf8.decode(value));
        if (!Number.isSafeInteger(size) || size < 0 || value.length === 0) {
          throw new Error(`layer tar has a PAX size that is not a byte count at byte ${at}`);
        }
        records.size = size;
      }
    }
    i += length;
  }
  return records;
}

function kindOfTypeflag(typeflag: number, nameBytes: Uint8Array): EntryKind {
  switch (typeflag) {
    case 0:
    case 0x30: // '0'
    case 0x37: // '7' contiguous file
      // Pre-POSIX archives mark directories with a trailing slash on a regular-file entry.
      return nameBytes[nameBytes.length - 1] === 0x2f ? 'directory' : 'file';
    case 0x31:
      return 'hardlink';
    case 0x32:
      return 'symlink';
    case 0x35:
      return 'directory';
    default:
      return 'other';
  }
}

/** Types whose size field does not announce content (as Go's archive/tar reads them). */
function isHeaderOnly(typeflag: number): boolean {
  return typeflag >= 0x31 && typeflag <= 0x36;
}

/**
 * Yields each entry of a decompressed layer tar with its content, which the consumer may read (or not)
 * before asking for the next entry; unread content is skipped, never buffered.
 */
export async function* readTarEntries(tar: AsyncIterable<Uint8Array>): AsyncGenerator<TarItem> {
  const source = new ByteSource(tar);
  try {
    yield* parseEntries(source);
  } finally {
    // Runs when the consumer stops early (break, throw) too: release the stream and its decompressor.
    await source.close();
  }
}

async function* parseEntries(source: ByteSource): AsyncGenerator<TarItem> {
  let pax: PaxRecords | null = null;
  let longName: Uint8Array | null = null;
  let longLink: Uint8Array | null = null;
  for (;;) {
    const at = source.consumed;
    const block = await source.readExact(BLOCK);
    if (block === null) return; // no end-of-archive marker: accept a tar cut at an entry boundary
    if (isZeroBlock(block)) {
      await source.drain();
      return;
    }
    if (!checksumMatches(block)) {
      throw new Error(`layer tar header at byte ${at} fails its checksum: the tar is corrupt or not a tar`);
    }
    const typeflag = block[156]!;
    const headerSize = parseNumeric(block, 124, 12, at);
    if (typeflag === 0x78 || typeflag === 0x67 || typeflag === 0x4c || typeflag === 0x4b) {
      // 'x' PAX, 'g' global PAX, 'L' GNU long name, 'K' GNU long link name: metadata for the next entry.
      if (headerSize > MAX_META_BYTES) {
        throw new Error(`layer tar has a ${headerSize}-byte header at byte ${at}`);
      }
      const data = (await source.readExact(headerSize)) ?? new Uint8Array(0);
      if (data.byteLength < headerSize) throw truncated(source.consumed);
      await source.skip(paddingOf(headerSize));
      if (typeflag === 0x78) pax = Object.assign(pax ?? {}, parsePax(data, at));
      else if (typeflag === 0x4c) longName = cString(data, 0, data.length);
      else if (typeflag === 0x4b) longLink = cString(data, 0, data.length);
      // A global header sets defaults for the whole archive; none of its keys matter for sizes or names.
      continue;
    }

    let nameBytes = pax?.path ?? longName ?? cString(block, 0, 100);
    if (!pax?.path && !longName && startsWithAscii(block, 257, 'ustar\u000000')) {
      const prefix = cString(block, 345, 155);
      if (prefix.length > 0) {
        const joined = new Uint8Array(prefix.length + 1 + nameBytes.length);
        joined.set(prefix);
        joined[prefix.length] = 0x2f;
        joined.set(nameBytes, prefix.length + 1);
        nameBytes = joined;
      }
    }
    const linkBytes = pax?.linkpath ?? longLink ?? cString(block, 157, 100);
    const size = pax?.size ?? headerSize;
    pax = null;
    longName = null;
    longLink = null;

    const kind = kindOfTypeflag(typeflag, nameBytes);
    const dataSize = isHeaderOnly(typeflag) ? 0 : size;
    const link = linkBytes.length > 0 ? decodePathBytes(linkBytes) : null;
    const entry: LayerEntry = {
      path: normalizeLayerPath(decodePathBytes(nameBytes)),
      kind,
      size: kind === 'file' ? size : 0,
      mode: parseOctal(block, 100, 8),
      linkname: link === null ? null : kind === 'hardlink' ? normalizeLayerPath(link) : link,
      linknameBytes: linkBytes.length,
    };
    const body = new TarBody(source, dataSize);
    yield { entry, body };
    await body.finish();
    await source.skip(paddingOf(dataSize));
  }
}

async function* bodyChunks(body: EntryBody): AsyncGenerator<Uint8Array> {
  for (let chunk = await body.read(); chunk !== null; chunk = await body.read()) yield chunk;
}

/**
 * Yields each entry of a decompressed layer tar. `onContent`, when given, is called for regular files
 * and receives the content stream; the next entry waits until it settles, and whatever it left unread
 * is skipped. Without it, content is skipped without buffering.
 */
export async function* readLayerEntries(
  tar: Readable,
  onContent?: (entry: LayerEntry, content: Readable) => Promise<void>,
): AsyncGenerator<LayerEntry> {
  for await (const { entry, body } of readTarEntries(tar)) {
    if (onContent && entry.kind === 'file') {
      const content = Readable.from(bodyChunks(body));
      await onContent(entry, content);
      if (!content.closed) {
        // Wait until the stream has let go of the body before the parser moves past it.
        const closed = new Promise<void>((resolve) => content.once('close', () => resolve()));
        content.destroy();
        await closed;
      }
    }
    yield entry;
  }
}
