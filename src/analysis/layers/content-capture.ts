// Hands chosen files (by default: ELF files) to an inspector while the layers stream past, one at a time.
// A file is spooled to an unlinked temporary file and read back by position, so the inspector holds only
// the parts it asks for, never the whole file. Only what the final filesystem shows matters to a reader of the image, but a file
// is seen before we know whether a later layer deletes or replaces it; so every candidate is inspected
// and its small result kept per filesystem node, and results of nodes that later entries remove are
// dropped. What is left at the end describes exactly the files of the final filesystem.
import { randomUUID } from 'node:crypto';
import { createWriteStream, readSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { EntryBody, LayerEntry } from '../../oci/layer-stream.js';

/** A captured file's bytes, read by position. Valid only while the inspector runs. */
export interface FileContent {
  readonly size: number;
  /** Up to `length` bytes from `offset` (fewer at the end of the file, none outside it). */
  read(offset: number, length: number): Uint8Array;
  /** Fills `target` from `offset` (as far as the file goes); returns the bytes read. */
  readInto(offset: number, target: Uint8Array): number;
}

export interface CapturedFile {
  /** Absolute path as the layer's tar names it (the result is filed under where it lands). */
  path: string;
  layerIndex: number;
  mode: number;
  /** The file's bytes, by position; closed once the inspector returns, so it must not keep it. */
  content: FileContent;
}

export interface ContentCapture<T> {
  /** Decides from the first bytes (up to HEAD_BYTES) whether to read a regular file whole. Default: isElf. */
  wants?: (entry: LayerEntry, head: Uint8Array) => boolean;
  /** Turns a file into a (small) result. Awaited before the stream moves on; never two at once. */
  inspect: (file: CapturedFile) => Promise<T> | T;
  /** Larger files are not read; they are listed as skipped. Default 512 MiB. */
  maxBytes?: number;
}

export interface CapturedResult<T> {
  /** Where the file is in the final filesystem (symlinks in its parents resolved). */
  path: string;
  layerIndex: number;
  size: number;
  value: T;
}

export interface SkippedCapture {
  path: string;
  layerIndex: number;
  size: number;
  reason: string;
}

/** Bytes read from the start of each regular file for `wants`: the ELF identification is 16. */
export const HEAD_BYTES = 16;

export const DEFAULT_MAX_CAPTURE_BYTES = 512 * 2 ** 20;

/** Bytes a spooled file may have read ahead of its writes to the temporary file. */
const SPOOL_BUFFER_BYTES = 4 * 2 ** 20;

/** ELF magic: 0x7f 'E' 'L' 'F'. */
export function isElf(_entry: LayerEntry, head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** Reads up to `length` bytes from the start of an entry's content. */
export async function readHead(body: EntryBody, length: number): Promise<Uint8Array> {
  const first = await body.read(length);
  if (first === null) return new Uint8Array(0);
  if (first.byteLength === length || body.remaining === 0) return first;
  const head = new Uint8Array(Math.min(length, first.byteLength + body.remaining));
  head.set(first);
  let filled = first.byteLength;
  while (filled < head.length) {
    const more = await body.read(head.length - filled);
    if (more === null) break;
    head.set(more, filled);
    filled += more.byteLength;
  }
  return head;
}

/** The bytes of an open file of `size` bytes, read by position. */
export function fileContent(fd: number, size: number): FileContent {
  const readInto = (offset: number, target: Uint8Array): number => {
    if (offset < 0 || offset >= size) return 0;
    const want = Math.min(target.length, size - offset);
    let filled = 0;
    while (filled < want) {
      const n = readSync(fd, target, filled, want - filled, offset + filled);
      if (n === 0) break;
      filled += n;
    }
    return filled;
  };
  return {
    size,
    readInto,
    read(offset, length) {
      if (offset < 0 || offset >= size || length <= 0) return new Uint8Array(0);
      const out = new Uint8Array(Math.min(length, size - offset));
      return out.subarray(0, readInto(offset, out));
    },
  };
}

/**
 * Writes an already-read head and the rest of the entry to a temporary file, runs `use` on its content,
 * and closes it. The file is unlinked as soon as it is open, so nothing is left behind whatever happens
 * (an error, a crash): the kernel frees it with the last descriptor.
 */
export async function withSpooledFile<R>(
  head: Uint8Array,
  body: EntryBody,
  use: (content: FileContent) => Promise<R> | R,
): Promise<R> {
  const path = join(tmpdir(), `image-size-gate-capture-${randomUUID()}`);
  const handle = await open(path, 'wx+', 0o600);
  try {
    await unlink(path);
    let size = 0;
    async function* chunks(): AsyncGenerator<Uint8Array> {
      for (let chunk: Uint8Array | null = head; chunk !== null; chunk = await body.read()) {
        size += chunk.byteLength;
        yield chunk;
      }
    }
    // Buffered, so that reading the next chunk overlaps writing this one: awaiting each write held the
    // whole export up behind the disk (the benchmark image's classic-store export, 94 MB of it spooled:
    // 3.7 s from its first byte to its last, now 3.3 s). By descriptor: a stream on the FileHandle
    // itself holds a reference to it that only the stream's own close would drop.
    await pipeline(
      chunks(),
      createWriteStream(path, { fd: handle.fd, autoClose: false, highWaterMark: SPOOL_BUFFER_BYTES }),
    );
    return await use(fileContent(handle.fd, size));
  } finally {
    await handle.close();
  }
}
