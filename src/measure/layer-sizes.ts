// Sizes of one layer, read from its tar stream. The uncompressed figure is what the classic store's
// `docker history` reports, to the byte: the sizes of regular files in the tar headers plus, for each
// symlink, the length of its target (the size lstat gives it); hard links count zero. Never the tar
// length, and never the containerd store's block-rounded disk usage.
import type { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { compressionOfMediaType, decompress, readLayerEntries } from '../oci/layer-stream.js';

export interface LayerScan {
  uncompressedBytes: number;
  files: number;
  /** gzip size of the blob, measured only for uncompressed blobs (classic-store exports). */
  gzipEstimate: number | null;
}

export async function scanLayerSizes(blob: Readable, mediaType: string): Promise<LayerScan> {
  const compression = compressionOfMediaType(mediaType);
  const estimate = compression === 'none' ? countGzipBytes(blob) : null;
  let uncompressedBytes = 0;
  let files = 0;
  for await (const entry of readLayerEntries(decompress(blob, compression))) {
    if (entry.kind === 'file') {
      uncompressedBytes += entry.size;
      files += 1;
    } else if (entry.kind === 'symlink') {
      uncompressedBytes += entry.linknameBytes ?? 0;
    }
  }
  return { uncompressedBytes, files, gzipEstimate: estimate ? await estimate : null };
}

/** What a classic daemon's push would roughly store: the tar gzip-compressed at the default level. */
function countGzipBytes(blob: Readable): Promise<number> {
  const gzip = createGzip();
  let bytes = 0;
  gzip.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  blob.pipe(gzip);
  return new Promise((resolve, reject) => {
    gzip.on('end', () => resolve(bytes));
    gzip.on('error', reject);
  });
}
