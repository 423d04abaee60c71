// Reads an image archive stream (the Engine API's `GET /images/{name}/get`, an OCI layout in a tar) in
// one pass. Entries come in digest order, not layer order, so small JSON blobs are kept, every layer
// is scanned as it streams by (its file list and inspected binaries kept, never its bytes), and the
// scans are applied in layer order afterwards.
import type { Readable } from 'node:stream';
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
import { DeflateQueue, gzipEstimateTap } from './gzip-estimate.js';
import type { ImageReader, LayerAnalysis } from './image-reader.js';

const MAX_JSON_BYTES = 8 * 1024 * 1024;

/**
 * Gzip estimates this run knows, by the digest of the uncompressed layer (what a classic-store export
 * names it by): those of the stored baseline, and those the run made. The estimate depends on the
 * layer's bytes alone, so a figure found here is the one the layer would get again, and a layer the
 * head shares with the base is estimated once. Only finished figures go in, so an export that failed
 * halfway leaves nothing behind to wait on.
 */
export type GzipEstimates = Map<string, number>;

export class ArchiveReader implements ImageReader {
  private constructor(
    private readonly index: ImageIndex,
    private readonly jsonBlobs: Map<string, Uint8Array>,
    private readonly scans: Map<string, ScannedLayer<BinaryInspection>>,
    private readonly gzipSizes: Map<string, number>,
    /** Layers whose estimate came from `known` instead of being made. */
    readonly reusedEstimates: number,
  ) {}

  static async read(
    archive: Readable,
    capture?: ContentCapture<BinaryInspection>,
    known: GzipEstimates = new Map(),
  ): Promise<ArchiveReader> {
    const jsonBlobs = new Map<string, Uint8Array>();
    const scans = new Map<string, ScannedLayer<BinaryInspection>>();
    // Layers are deflated while later ones stream by; the figures are awaited once the archive is read.
    const deflates = new DeflateQueue();
    const figures = new Map<string, Promise<number>>();
    let reused = 0;
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
        if (compressionOf(sniffed.head) === 'none') {
          // Stored uncompressed (classic store): what gzip makes of it, unless this run already knows.
          const knownFigure = known.get(digest);
          if (knownFigure !== undefined) {
            figures.set(digest, Promise.resolve(knownFigure));
            reused++;
          } else {
            // Estimated as it streams by to the scan, in the same pass (a second consumer of the stream
            // costs the read more than the estimate).
            const { tap, figure } = gzipEstimateTap(entry.header.size ?? 0, deflates);
            layer = sniffed.stream.pipe(tap);
            figures.set(digest, figure);
          }
        }
        const source = { digest, open: async () => layer };
        scans.set(digest, await scanLayerBlob(source, 0, capture));
      } else {
        entry.resume();
      }
    }
    const gzipSizes = new Map(
      await Promise.all([...figures].map(async ([digest, figure]) => [digest, await figure] as const)),
    );
    if (!index) throw new Error('the image archive has no index.json (is the daemon older than Docker 25?)');
    for (const [digest, figure] of gzipSizes) known.set(digest, figure);
    return new ArchiveReader(index, jsonBlobs, scans, gzipSizes, reused);
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
