// Hands chosen files (by default: ELF files) to an inspector while the layers stream past, one at a time.
// A file is spooled to an unlinked temporary file and read back by position, so the inspector holds only
// the parts it asks for, never the whole file. Only what the final filesystem shows matters to a reader of the image, but a file
// is seen before we know whether a later layer deletes or replaces it; so every candidate is inspected
// and its small result kept per filesystem node, and results of nodes that later entries remove are
// dropped. What is left at the end describes exactly the files of the final filesystem.
import { randomUUID } from 'node:crypto';
import { readSync } from 'node:fs';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
/** Chunks are written together once they add up to this (one system call for many). */
const SPOOL_BATCH_BYTES = 2 ** 20;

/** ELF magic: 0x7f 'E' 'L' 'F'. */
export function isElf(_entry: LayerEntry, head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/**
 * Writes the head and the rest of the body to `handle` from position 0; the size written. Writes overlap
 * the reads, a batch of chunks at a time, each at its own position, up to SPOOL_BUFFER_BYTES in flight:
 * awaiting each write held the whole export up behind the disk (the benchmark image's classic-store
 * export, 94 MB of it spooled: 3.6-3.9 s from its first byte to its last, now 3.3-3.5 s). Every write has
 * settled when this returns or throws, so the descriptor can be closed. (Not an fs stream handed the
 * descriptor: a pipeline that fails destroys it, and it closes the descriptor under the caller's feet.)
 */
async function writeBehind(handle: FileHandle, head: Uint8Array, body: EntryBody): Promise<number> {
  const inFlight: { done: Promise<void>; bytes: number }[] = [];
  let inFlightBytes = 0;
  let size = 0;
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  const flush = async () => {
    const done = writeAll(handle, batch, size - batchBytes);
    done.catch(() => undefined); // awaited below, in order; handled now so that it never goes unhandled
    inFlight.push({ done, bytes: batchBytes });
    inFlightBytes += batchBytes;
    batch = [];
    batchBytes = 0;
    while (inFlightBytes > SPOOL_BUFFER_BYTES) {
      const oldest = inFlight.shift()!;
      await oldest.done;
      inFlightBytes -= oldest.bytes;
    }
  };
  try {
    for (let chunk: Uint8Array | null = head; chunk !== null; chunk = await body.read()) {
      batch.push(chunk);
      batchBytes += chunk.byteLength;
      size += chunk.byteLength;
      if (batchBytes >= SPOOL_BATCH_BYTES) await flush();
    }
    if (batchBytes > 0) await flush();
    for (const write of inFlight) await write.done;
    return size;
  } catch (error) {
    await Promise.allSettled(inFlight.map((write) => write.done));
    throw error;
  }
}

async function writeAll(handle: FileHandle, chunks: Uint8Array[], position: number): Promise<void> {
  let at = position;
  for (let left = chunks; left.length > 0; ) {
    const { bytesWritten } = await handle.writev(left, at);
    at += bytesWritten;
    // A short write: go on from where it stopped.
    let skip = bytesWritten;
    while (left.length > 0 && skip >= left[0]!.byteLength) {
      skip -= left[0]!.byteLength;
      left = left.slice(1);
    }
    if (skip > 0) left = [left[0]!.subarray(skip), ...left.slice(1)];
  }
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
    const size = await writeBehind(handle, head, body);
    return await use(fileContent(handle.fd, size));
  } finally {
    await handle.close();
  }
}
