import type { Descriptor } from '../oci/types.js';
import { isIndex, isManifest } from '../oci/types.js';
import type { RegistryClient } from '../registry/client.js';
import type { ImageReader } from './image-reader.js';
import { type LayerScan, scanLayerSizes } from './layer-sizes.js';

/** Measures an image straight from a registry: manifests and configs fetched, layers streamed. */
export class RegistryReader implements ImageReader {
  private rootCache: Promise<Descriptor> | null = null;

  constructor(private readonly client: RegistryClient) {}

  root(): Promise<Descriptor> {
    this.rootCache ??= this.client.rootDescriptor();
    return this.rootCache;
  }

  json(desc: Descriptor): Promise<Uint8Array> {
    return isIndex(desc.mediaType) || isManifest(desc.mediaType)
      ? this.client.manifest(desc.digest)
      : this.client.blobBytes(desc.digest);
  }

  async layer(desc: Descriptor): Promise<LayerScan> {
    return scanLayerSizes(await this.client.blobStream(desc.digest), desc.mediaType);
  }
}
