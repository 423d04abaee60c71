// Reads an image archive stream (the Engine API's `GET /images/{name}/get`, an OCI layout in a tar) in
// one pass: entries come in no useful order, so small JSON blobs are kept and every layer is scanned
// as it streams by. Nothing of a layer is held in memory or written to disk.
import type { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { compressionOf } from '../oci/layer-stream.js';
import { sniff } from '../oci/sniff.js';
import type { Descriptor, ImageIndex } from '../oci/types.js';
import type { ImageReader } from './image-reader.js';
import { type LayerScan, scanLayerSizes } from './layer-sizes.js';

const MAX_JSON_BYTES = 8 * 1024 * 1024;

export class ArchiveReader implements ImageReader {
  private constructor(
    private readonly index: ImageIndex,
    private readonly jsonBlobs: Map<string, Uint8Array>,
    private readonly scans: Map<string, LayerScan>,
  ) {}

  static async read(archive: Readable): Promise<ArchiveReader> {
    const jsonBlobs = new Map<string, Uint8Array>();
    const scans = new Map<string, LayerScan>();
    let index: ImageIndex | null = null;
    const extractor = extract();
    archive.on('error', (error) => extractor.destroy(error));
    archive.pipe(extractor);
    for await (const entry of extractor) {
      const name = entry.header.name.replace(/^\.\//, '');
      const blob = /^blobs\/([a-z0-9]+)\/([a-f0-9]+)$/.exec(name);
      if (name === 'index.json') {
        index = JSON.parse(
          (await collect(entry as unknown as Readable, MAX_JSON_BYTES)).toString('utf8'),
        ) as ImageIndex;
      } else if (blob && entry.header.type === 'file') {
        const digest = `${blob[1]}:${blob[2]}`;
        const { head, stream } = await sniff(entry as unknown as Readable, 4);
        if (head[0] === 0x7b /* { */) {
          jsonBlobs.set(digest, await collect(stream, MAX_JSON_BYTES));
        } else {
          const compression = compressionOf(head);
          const mediaType = compression === 'none' ? 'tar' : `tar+${compression}`;
          scans.set(digest, await scanLayerSizes(stream, mediaType));
        }
      } else {
        entry.resume();
      }
    }
    if (!index) throw new Error('the image archive has no index.json (is the daemon older than Docker 25?)');
    return new ArchiveReader(index, jsonBlobs, scans);
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

  async layer(desc: Descriptor): Promise<LayerScan> {
    const scan = this.scans.get(desc.digest);
    if (!scan) throw new Error(`the image archive lacks layer ${desc.digest}`);
    return scan;
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
