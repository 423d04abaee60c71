// `registry://HOST/REPOSITORY`: each report is an OCI artifact (an image manifest with our artifactType, the
// empty config and the report as its one layer) tagged isg-<commit>-<fingerprint 12>. Read back with a plain
// manifest + blob GET, so registries without the referrers API (Distribution 2.8) serve it too.
import { MEDIA } from '../oci/types.js';
import { RegistryClient, type RegistryClientOptions } from '../registry/client.js';
import { parseReference } from '../registry/reference.js';
import { type Report, renderJson } from '../report/json.js';
import { keyOf, newestFirst } from './dir-store.js';
import { shortFingerprint } from './fingerprint.js';
import { type ReportStore, StoreError, type StoreKey, type StoreRead } from './store.js';
import { MAX_STORED_REPORT_BYTES, readStoredReport } from './validate.js';

export const REPORT_ARTIFACT_TYPE = 'application/vnd.image-size-gate.report.v1+json';
const EMPTY_CONFIG = { mediaType: 'application/vnd.oci.empty.v1+json', bytes: Buffer.from('{}') };
const ANNOTATION = {
  commit: 'org.image-size-gate.commit',
  fingerprint: 'org.image-size-gate.fingerprint',
  ref: 'org.image-size-gate.ref',
  event: 'org.image-size-gate.event',
  created: 'org.opencontainers.image.created',
} as const;
const TAG = /^isg-([0-9a-f]{40}|[0-9a-f]{64})-([0-9a-f]{12})$/;
/** Our manifests are a few hundred bytes. */
const MAX_MANIFEST_BYTES = 64 * 1024;

interface ArtifactManifest {
  artifactType?: string;
  config?: { mediaType?: string };
  layers?: { mediaType?: string; digest?: string; size?: number }[];
  annotations?: Record<string, string>;
}

export class RegistryStore implements ReportStore {
  readonly name: string;
  private readonly client: RegistryClient;

  constructor(hostAndRepository: string, options: RegistryClientOptions & { fetch?: typeof fetch } = {}) {
    this.name = `registry://${hostAndRepository}`;
    const { fetch: fetchImpl, ...clientOptions } = options;
    this.client = new RegistryClient(parseReference(hostAndRepository), fetchImpl ?? fetch, {
      ...clientOptions,
    });
  }

  static tagOf(key: StoreKey): string {
    return `isg-${key.commit}-${shortFingerprint(key.fingerprint)}`;
  }

  async put(report: Report): Promise<void> {
    const key = keyOf(report);
    const tag = RegistryStore.tagOf(key);
    const existing = await this.client.taggedManifest(tag, MEDIA.ociManifest);
    if (existing) {
      const annotations = parseManifest(existing.bytes)?.annotations ?? {};
      if (
        annotations[ANNOTATION.commit] !== key.commit ||
        annotations[ANNOTATION.fingerprint] !== key.fingerprint
      ) {
        throw new StoreError(
          `${this.name} already has ${tag} for another commit or fingerprint; it is left as it is`,
        );
      }
    }
    const config = await this.client.pushBlob(EMPTY_CONFIG.bytes);
    const layer = await this.client.pushBlob(Buffer.from(renderJson(report)));
    const manifest = {
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      artifactType: REPORT_ARTIFACT_TYPE,
      config: { mediaType: EMPTY_CONFIG.mediaType, digest: config.digest, size: config.size },
      layers: [{ mediaType: REPORT_ARTIFACT_TYPE, digest: layer.digest, size: layer.size }],
      annotations: {
        [ANNOTATION.commit]: key.commit,
        [ANNOTATION.fingerprint]: key.fingerprint,
        ...(report.run?.ref ? { [ANNOTATION.ref]: report.run.ref } : {}),
        [ANNOTATION.event]: report.run?.event ?? '',
        [ANNOTATION.created]: report.generatedAt,
      },
    };
    await this.client.pushManifest(tag, Buffer.from(JSON.stringify(manifest)), MEDIA.ociManifest);
  }

  async get(key: StoreKey): Promise<StoreRead> {
    return this.read(RegistryStore.tagOf(key), key);
  }

  async list(): Promise<Report[]> {
    const tags = (await this.client.tags()).filter((t) => TAG.test(t));
    const reads = await Promise.all(tags.map((tag) => this.read(tag, null)));
    return newestFirst(reads.flatMap((r) => (r.kind === 'found' ? [r.report] : [])));
  }

  private async read(tag: string, key: StoreKey | null): Promise<StoreRead> {
    try {
      const found = await this.client.taggedManifest(tag, MEDIA.ociManifest);
      if (!found) return { kind: 'absent' };
      if (found.bytes.byteLength > MAX_MANIFEST_BYTES) {
        return {
          kind: 'invalid',
          reason: `its manifest is ${found.bytes.byteLength} bytes, not a report artifact`,
        };
      }
      const manifest = parseManifest(found.bytes);
      const layer = manifest?.layers?.length === 1 ? manifest.layers[0] : undefined;
      if (!manifest || manifest.artifactType !== REPORT_ARTIFACT_TYPE || !layer?.digest) {
        return { kind: 'invalid', reason: `${tag} is not an image-size-gate report artifact` };
      }
      if (typeof layer.size !== 'number' || layer.size > MAX_STORED_REPORT_BYTES) {
        return {
          kind: 'invalid',
          reason: `its report layer is ${layer.size} bytes, over the ${MAX_STORED_REPORT_BYTES / 1_000_000} MB (10^6 bytes) a stored report may be`,
        };
      }
      return readStoredReport(await this.client.blobBytes(layer.digest), key);
    } catch (error) {
      return { kind: 'error', cause: (error as Error).message };
    }
  }
}

function parseManifest(bytes: Uint8Array): ArtifactManifest | null {
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    return value && typeof value === 'object' ? (value as ArtifactManifest) : null;
  } catch {
    return null;
  }
}
