// Layer tars made in the test: tar-stream's pack for ordinary entries, a few hand-written header bytes
// for what pack cannot write (names that are not UTF-8, as Go's archive/tar writes them).
import { Readable } from 'node:stream';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { pack } from 'tar-stream';
import type { LayerBlobSource } from '../../../src/analysis/layers/index.js';
import type { LayerEntry } from '../../../src/oci/layer-stream.js';

export interface FileSpec {
  path: string;
  type?: 'file';
  content?: string | Uint8Array;
  size?: number;
  mode?: number;
}
export interface DirectorySpec {
  path: string;
  type: 'directory';
  mode?: number;
}
export interface LinkSpec {
  path: string;
  type: 'symlink' | 'link';
  linkname: string;
}
export type Spec = FileSpec | DirectorySpec | LinkSpec;

function isFile(s: Spec): s is FileSpec {
  return s.type === undefined || s.type === 'file';
}

/** Shorthands: "dir/" is a directory, "a -> b" a symlink, "a => b" a hard link, "name:123" a file of 123 bytes. */
export function spec(text: string): Spec {
  if (text.includes(' -> ')) {
    const [path, linkname] = text.split(' -> ') as [string, string];
    return { path, type: 'symlink', linkname };
  }
  if (text.includes(' => ')) {
    const [path, linkname] = text.split(' => ') as [string, string];
    return { path, type: 'link', linkname };
  }
  if (text.endsWith('/')) return { path: text, type: 'directory' };
  const colon = text.lastIndexOf(':');
  if (colon > 0) return { path: text.slice(0, colon), size: Number(text.slice(colon + 1)) };
  return { path: text, size: 0 };
}

export async function tarOf(specs: readonly (Spec | string)[]): Promise<Buffer> {
  const packer = pack();
  const collected = (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of packer) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  })();
  for (const item of specs) {
    const s = typeof item === 'string' ? spec(item) : item;
    const mtime = new Date(0);
    if (s.type === 'directory') {
      packer.entry({ name: s.path, type: 'directory', mode: s.mode ?? 0o755, mtime });
    } else if (!isFile(s)) {
      packer.entry({ name: s.path, type: s.type, linkname: s.linkname, mtime });
    } else {
      const content =
        s.content === undefined
          ? Buffer.alloc(s.size ?? 0, 0x61)
          : typeof s.content === 'string'
            ? Buffer.from(s.content)
            : Buffer.from(s.content);
      packer.entry({ name: s.path, type: 'file', mode: s.mode ?? 0o644, mtime }, content);
    }
  }
  packer.finalize();
  return collected;
}

export const gzip = (tar: Uint8Array): Buffer => gzipSync(tar);
export const zstd = (tar: Uint8Array): Buffer => zstdCompressSync(tar);

/** Hands a blob out in pieces of `chunkSize` bytes, so parsers meet every boundary. */
export function streamOf(blob: Uint8Array, chunkSize = 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < blob.length; offset += chunkSize) {
        yield Buffer.from(blob.subarray(offset, offset + chunkSize));
      }
    })(),
  );
}

export function layerOf(blob: Uint8Array, digest: string, chunkSize?: number): LayerBlobSource {
  return { digest, open: async () => streamOf(blob, chunkSize) };
}

/** Plain layers from shorthand specs, as LayerBlobSources with digests "layer0", "layer1"... */
export async function layersOf(...layers: (readonly (Spec | string)[])[]): Promise<LayerBlobSource[]> {
  return Promise.all(layers.map(async (specs, index) => layerOf(await tarOf(specs), `layer${index}`)));
}

/** An in-memory entry for filesystem tests that do not need a tar. */
export function entryOf(text: string): LayerEntry {
  const s = spec(text);
  const path = s.path.replace(/\/$/, '');
  if (s.type === 'directory') return { path, kind: 'directory', size: 0, mode: 0o755, linkname: null };
  if (s.type === 'symlink') return { path, kind: 'symlink', size: 0, mode: 0o777, linkname: s.linkname };
  if (s.type === 'link') return { path, kind: 'hardlink', size: 0, mode: 0o644, linkname: s.linkname };
  return { path, kind: 'file', size: isFile(s) ? (s.size ?? 0) : 0, mode: 0o644, linkname: null };
}

// --- raw tar headers, for names pack cannot write -------------------------------------------------

function octal(value: number, width: number): Uint8Array {
  return new TextEncoder().encode(`${value.toString(8).padStart(width - 1, '0')}\0`);
}

/** A POSIX ustar header; `name` and `linkname` are raw bytes, written as they are. */
export function ustarHeader(options: {
  name: Uint8Array;
  size?: number;
  typeflag?: string;
  linkname?: Uint8Array;
  mode?: number;
}): Uint8Array {
  const block = new Uint8Array(512);
  block.set(options.name.subarray(0, 100), 0);
  block.set(octal(options.mode ?? 0o644, 8), 100);
  block.set(octal(0, 8), 108);
  block.set(octal(0, 8), 116);
  block.set(octal(options.size ?? 0, 12), 124);
  block.set(octal(0, 12), 136);
  block[156] = (options.typeflag ?? '0').charCodeAt(0);
  if (options.linkname) block.set(options.linkname.subarray(0, 100), 157);
  block.set(new TextEncoder().encode('ustar\u000000'), 257);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
  return block;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

/** A PAX extended header ('x') carrying `path` as raw bytes, the way Go's archive/tar writes it. */
export function paxPathHeader(path: Uint8Array): Uint8Array {
  const body = (length: number) => {
    const prefix = new TextEncoder().encode(`${length} path=`);
    const record = new Uint8Array(prefix.length + path.length + 1);
    record.set(prefix);
    record.set(path, prefix.length);
    record[record.length - 1] = 0x0a;
    return record;
  };
  let length = body(0).length;
  while (body(length).length !== length) length = body(length).length;
  const record = body(length);
  return concat([
    ustarHeader({ name: new TextEncoder().encode('PaxHeader'), size: record.length, typeflag: 'x' }),
    padded(record),
  ]);
}

/** A regular file entry with raw name bytes, in the ustar name field or (viaPax) in a PAX record. */
export function rawFile(name: Uint8Array, content: Uint8Array, viaPax = false): Uint8Array {
  const header = ustarHeader({
    name: viaPax ? new TextEncoder().encode('placeholder') : name,
    size: content.length,
  });
  return concat([...(viaPax ? [paxPathHeader(name)] : []), header, padded(content)]);
}

export function rawTar(...parts: Uint8Array[]): Buffer {
  return Buffer.from(concat([...parts, new Uint8Array(1024)]));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function bytes(...values: (number | string | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const value of values) {
    if (typeof value === 'number') out.push(value);
    else if (typeof value === 'string') out.push(...new TextEncoder().encode(value));
    else out.push(...value);
  }
  return new Uint8Array(out);
}
