// Reads an image archive stream (the Engine API's `GET /images/{name}/get`, an OCI layout in a tar) in
// one pass. Entries come in digest order, not layer order, so small JSON blobs are kept, every layer
// is scanned as it streams by (its file list and inspected binaries kept, never its bytes), and the
// scans are applied in layer order afterwards.
import { PassThrough, type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { constants, deflateRaw, type ZlibOptions } from 'node:zlib';
import { extract } from 'tar-stream';
import type { BinaryInspection } from '../analysis/gobinary/binary-capture.js';
import {
  applyScannedLayers,
  type ContentCapture,
  type ScannedLayer,
  scanLayerBlob,
} from '../analysis/layers/index.js';
import { compressionOf } from '../oci/layer-stream.js';
import { sniff } from '../oci/sniff.js';
import type { Descriptor, ImageIndex } from '../oci/types.js';
import type { ImageReader, LayerAnalysis } from './image-reader.js';

const MAX_JSON_BYTES = 8 * 1024 * 1024;
const deflateRawAsync = promisify(deflateRaw) as (buffer: Buffer, options: ZlibOptions) => Promise<Buffer>;

export class ArchiveReader implements ImageReader {
  private constructor(
    private readonly index: ImageIndex,
    private readonly jsonBlobs: Map<string, Uint8Array>,
    private readonly scans: Map<string, ScannedLayer<BinaryInspection>>,
    private readonly gzipSizes: Map<string, number>,
  ) {}

  static async read(archive: Readable, capture?: ContentCapture<BinaryInspection>): Promise<ArchiveReader> {
    const jsonBlobs = new Map<string, Uint8Array>();
    const scans = new Map<string, ScannedLayer<BinaryInspection>>();
    const gzipSizes = new Map<string, number>();
    let index: ImageIndex | null = null;
    const extractor = extract();
    archive.on('error', (error) => extractor.destroy(error));
    archive.pipe(extractor);
    for await (const entry of extractor) {
      const name = entry.header.name.replace(/^\.\//, '');
      const blob = /^blobs\/([a-z0-9]+)\/([a-f0-9]+)$/.exec(name);
      const stream = entry as unknown as Readable;
      if (name === 'index.json') {
        index = JSON.parse((await collect(stream, MAX_JSON_BYTES)).toString('utf8')) as ImageIndex;
      } else if (blob && entry.header.type === 'file') {
        const digest = `${blob[1]}:${blob[2]}`;
        const sniffed = await sniff(stream, 4);
        if (sniffed.head[0] === 0x7b /* { */) {
          jsonBlobs.set(digest, await collect(sniffed.stream, MAX_JSON_BYTES));
          continue;
        }
        let layer: Readable = sniffed.stream;
        let gzipped: Promise<number> | null = null;
        if (compressionOf(sniffed.head) === 'none') {
          // Stored uncompressed (classic store): measure what gzip makes of it while it streams by.
          layer = new PassThrough();
          const toGzip = new PassThrough();
          sniffed.stream.pipe(layer as PassThrough);
          sniffed.stream.pipe(toGzip);
          gzipped = countGzipBytes(toGzip);
        }
        const source = { digest, open: async () => layer };
        scans.set(digest, await scanLayerBlob(source, 0, capture));
        if (gzipped) gzipSizes.set(digest, await gzipped);
      } else {
        entry.resume();
      }
    }
    if (!index) throw new Error('the image archive has no index.json (is the daemon older than Docker 25?)');
    return new ArchiveReader(index, jsonBlobs, scans, gzipSizes);
  }

  async root(): Promise<Descriptor> {
    const first = this.index.manifests[0];
    if (!first) throw new Error('the image archive lists no image');
    return first;
  }

  async json(desc: Descriptor): Promise<Uint8Array> {
    const bytes = this.jsonBlobs.get(desc.digest);
    if (!bytes) throw new Error(`the image archive lacks blob ${desc.digest}`);
    return bytes;
  }

  analyze(layers: readonly Descriptor[]): Promise<LayerAnalysis> {
    return applyScannedLayers(layers.length, async (i) => {
      const scan = this.scans.get(layers[i]!.digest);
      if (!scan) throw new Error(`the image archive lacks layer ${layers[i]!.digest}`);
      return scan;
    });
  }

  compressedEstimate(layer: Descriptor): number | null {
    return this.gzipSizes.get(layer.digest) ?? null;
  }
}

async function collect(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > limit) throw new Error(`a JSON blob in the image archive is over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Input bytes per independently compressed block of the gzip estimate. */
const GZIP_BLOCK_BYTES = 1 << 20;
/** The deflate window: each block is primed with the 32 KiB before it, as one stream would see them. */
const DEFLATE_WINDOW_BYTES = 32 * 1024;
/** Blocks compressed at once on libuv's thread pool (4 threads by default). */
const GZIP_BLOCKS_IN_FLIGHT = 4;
/** Blocks (MiB) of a layer that are always deflated; small layers are estimated from every block. */
const GZIP_EXACT_BLOCKS = 16;
/** Past those, one block in this many is deflated and the rest counted at the sampled ratio. */
const GZIP_SAMPLE_EVERY = 2;
/** gzip's 10-byte header and 8-byte trailer (CRC-32 and length) around the deflate stream. */
const GZIP_FRAMING_BYTES = 18;

/**
 * What a classic daemon's push would roughly store: the tar gzip-compressed at the default level.
 * One gzip stream runs on one core at about 15-20 MB/s here, far slower than the export; so the tar is
 * cut into 1 MiB blocks deflated in parallel, each primed with the 32 KiB before it (pigz's method),
 * whose sizes add up to within a few bytes per block of the single stream's. Past the first
 * GZIP_EXACT_BLOCKS blocks only every GZIP_SAMPLE_EVERY-th block is deflated and the others are
 * counted at the ratio the deflated ones got: a large layer costs half the CPU, and the figure
 * (an estimate anyway) moves by a percent or two at most.
 */
export function countGzipBytes(blob: Readable): Promise<number> {
  let total = GZIP_FRAMING_BYTES;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let previous: Buffer | null = null;
  let blocks = 0;
  let sampledIn = 0;
  let sampledOut = 0;
  let skippedIn = 0;
  const inFlight = new Set<Promise<void>>();
  const deflateBlock = (block: Buffer, last: boolean): Promise<void> => {
    const index = blocks++;
    const dictionary = previous?.subarray(Math.max(0, previous.length - DEFLATE_WINDOW_BYTES));
    previous = block;
    if (!last && index >= GZIP_EXACT_BLOCKS && index % GZIP_SAMPLE_EVERY !== 0) {
      skippedIn += block.length;
      return Promise.resolve();
    }
    const options: ZlibOptions = { finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH };
    if (dictionary) options.dictionary = dictionary;
    const done = deflateRawAsync(block, options).then((out) => {
      total += out.length;
      if (!last) {
        sampledIn += block.length;
        sampledOut += out.length;
      }
      inFlight.delete(done);
    });
    inFlight.add(done);
    return done;
  };
  const takeBlock = (size: number): Buffer => {
    const whole = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = whole.length > size ? [whole.subarray(size)] : [];
    pendingBytes = whole.length - size;
    return whole.subarray(0, size);
  };
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      (async () => {
        // Strictly more than a block: the last block, the one with the final bit, holds at least a byte.
        while (pendingBytes > GZIP_BLOCK_BYTES) {
          // A failure surfaces through inFlight (race below, or the final wait); this only keeps it handled.
          deflateBlock(takeBlock(GZIP_BLOCK_BYTES), false).catch(() => undefined);
          if (inFlight.size >= GZIP_BLOCKS_IN_FLIGHT) await Promise.race(inFlight);
        }
      })().then(() => callback(), callback);
    },
    final(callback) {
      deflateBlock(takeBlock(pendingBytes), true)
        .then(() => Promise.all(inFlight))
        .then(() => callback(), callback);
    },
  });
  return pipeline(blob, sink).then(() =>
    Math.round(total + (sampledIn > 0 ? (skippedIn * sampledOut) / sampledIn : 0)),
  );
}
