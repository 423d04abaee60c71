import type { BinaryInspection } from '../analysis/gobinary/binary-capture.js';
import { analyzeLayers, type ContentCapture } from '../analysis/layers/index.js';
import type { Descriptor } from '../oci/types.js';
import { isIndex, isManifest } from '../oci/types.js';
import { RegistryClient, type RegistryClientOptions } from '../registry/client.js';
import { parseReference } from '../registry/reference.js';
import type { ImageReader, LayerAnalysis } from './image-reader.js';

/** Measures an image straight from a registry: manifests and configs fetched, layers streamed. */
export class RegistryReader implements ImageReader {
  private rootCache: Promise<Descriptor> | null = null;

  constructor(
    private readonly client: RegistryClient,
    private readonly capture?: ContentCapture<BinaryInspection>,
  ) {}

  root(): Promise<Descriptor> {
    this.rootCache ??= this.client.rootDescriptor();
    return this.rootCache;
  }

  json(desc: Descriptor): Promise<Uint8Array> {
    return isIndex(desc.mediaType) || isManifest(desc.mediaType)
      ? this.client.manifest(desc.digest)
      : this.client.blobBytes(desc.digest);
  }

  analyze(layers: readonly Descriptor[]): Promise<LayerAnalysis> {
    return analyzeLayers(
      layers.map((d) => ({
        digest: d.digest,
        mediaType: d.mediaType,
        open: () => this.client.blobStream(d.digest),
      })),
      this.capture ? { capture: this.capture } : {},
    );
  }

  compressedEstimate(): null {
    return null;
  }
}

/** Opens an image a registry holds for measuring: the gate's port to the registry adapter. */
export type RegistryImages = (ref: string, capture?: ContentCapture<BinaryInspection>) => ImageReader;

/** The real registry port: one RegistryClient (credentials as `docker login` stored them) per image. */
export function registryImages(options: RegistryClientOptions = {}): RegistryImages {
  return (ref, capture) =>
    new RegistryReader(new RegistryClient(parseReference(ref), fetch, options), capture);
}
