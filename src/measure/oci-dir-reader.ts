// Reads an OCI image layout directory, as `buildx build --output type=oci,dest=DIR,tar=false` writes it.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BinaryInspection } from '../analysis/gobinary/binary-capture.js';
import { analyzeLayers, type ContentCapture } from '../analysis/layers/index.js';
import type { Descriptor, ImageIndex } from '../oci/types.js';
import type { ImageReader, LayerAnalysis } from './image-reader.js';

const LAYOUT_INDEX = 'index.json';

export class OciDirReader implements ImageReader {
  constructor(
    readonly dir: string,
    private readonly capture?: ContentCapture<BinaryInspection>,
  ) {}

  private blobPath(digest: string): string {
    const [algorithm, hex] = digest.split(':');
    if (!algorithm || !hex || !/^[a-f0-9]+$/.test(hex)) throw new Error(`bad digest ${digest}`);
    return join(this.dir, 'blobs', algorithm, hex);
  }

  async root(): Promise<Descriptor> {
    const bytes = await readFile(join(this.dir, LAYOUT_INDEX));
    const index = JSON.parse(bytes.toString('utf8')) as ImageIndex;
    if (index.manifests.length === 1) return index.manifests[0]!;
    // Several top-level entries: the layout's own index is the image index.
    return { mediaType: 'application/vnd.oci.image.index.v1+json', digest: LAYOUT_INDEX, size: bytes.length };
  }

  async json(desc: Descriptor): Promise<Uint8Array> {
    if (desc.digest === LAYOUT_INDEX) return readFile(join(this.dir, LAYOUT_INDEX));
    return readFile(this.blobPath(desc.digest));
  }

  analyze(layers: readonly Descriptor[]): Promise<LayerAnalysis> {
    return analyzeLayers(
      layers.map((d) => ({
        digest: d.digest,
        mediaType: d.mediaType,
        open: async () => createReadStream(this.blobPath(d.digest)),
      })),
      this.capture ? { capture: this.capture } : {},
    );
  }

  compressedEstimate(): null {
    return null;
  }
}
