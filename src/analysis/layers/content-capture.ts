// Hands chosen files (by default: ELF files) to an inspector while the layers stream past, one file in
// memory at a time. Only what the final filesystem shows matters to a reader of the image, but a file
// is seen before we know whether a later layer deletes or replaces it; so every candidate is inspected
// and its small result kept per filesystem node, and results of nodes that later entries remove are
// dropped. What is left at the end describes exactly the files of the final filesystem.
import type { EntryBody, LayerEntry } from '../../oci/layer-stream.js';

export interface CapturedFile {
  /** Absolute path as the layer's tar names it (the result is filed under where it lands). */
  path: string;
  layerIndex: number;
  mode: number;
  /** The whole file. The inspector may keep it, but then it stays in memory. */
  bytes: Uint8Array;
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

/** Reads the rest of an entry behind an already-read head into one array of the entry's size. */
export async function readWhole(head: Uint8Array, body: EntryBody): Promise<Uint8Array> {
  const bytes = new Uint8Array(head.byteLength + body.remaining);
  bytes.set(head);
  let filled = head.byteLength;
  for (let chunk = await body.read(); chunk !== null; chunk = await body.read()) {
    bytes.set(chunk, filled);
    filled += chunk.byteLength;
  }
  return bytes;
}
