// The images a build resolved, from BuildKit's provenance attestation (SLSA materials) in the image index:
// how "the base image moved" is told by digest rather than guessed from layers.
import type { Platform } from '../core/model.js';
import { type Descriptor, type ImageIndex, type ImageManifest, isIndex } from '../oci/types.js';

/** What provenance needs of an image reader (measure/image-reader.ts), declared here so neither imports the other. */
export interface ImageDocuments {
  root(): Promise<Descriptor>;
  json(desc: Descriptor): Promise<Uint8Array>;
}

export interface ResolvedImage {
  /** As a Dockerfile would write it: "localhost:5000/isg/busybox:1". */
  ref: string;
  digest: string;
}

interface Statement {
  predicateType?: string;
  predicate?: {
    materials?: { uri?: string; digest?: Record<string, string> }[];
    buildDefinition?: { resolvedDependencies?: { uri?: string; digest?: Record<string, string> }[] };
  };
}

const PROVENANCE = /^https:\/\/slsa\.dev\/provenance\//;
/** Attestations are small; anything larger is not one we read. */
const MAX_STATEMENT = 4 * 1024 * 1024;

/** "pkg:docker/localhost%3A5000/isg/busybox@1?platform=…" → "localhost:5000/isg/busybox:1". */
export function refFromPurl(uri: string): string | null {
  const m = /^pkg:docker\/([^@?#]+)@([^?#]+)/.exec(uri);
  if (!m) return null;
  try {
    const name = decodeURIComponent(m[1]!);
    const version = decodeURIComponent(m[2]!);
    return version.includes(':') ? `${name}@${version}` : `${name}:${version}`;
  } catch {
    return null;
  }
}

/** The same image however it is spelled: Docker Hub's implied host and library/, the implied :latest. */
export function normalizeRef(ref: string): string {
  let r = ref.trim();
  r = r.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
  const lastSlash = r.lastIndexOf('/');
  if (!r.includes('@') && !r.slice(lastSlash + 1).includes(':')) r += ':latest';
  return r;
}

/** The digest the build resolved `name` (a FROM reference) to, when the provenance records it. */
export function resolvedDigest(materials: readonly ResolvedImage[], name: string | null): string | null {
  if (name === null) return null;
  const pinned = /@(sha256:[0-9a-f]{64})$/.exec(name);
  if (pinned) return pinned[1]!;
  const wanted = normalizeRef(name);
  return materials.find((m) => normalizeRef(m.ref) === wanted)?.digest ?? null;
}

/** The resolved images of each platform's build; a platform without a readable attestation has none.
 * Never throws: provenance only adds a digest to a sentence. */
export async function provenanceMaterials(
  reader: ImageDocuments,
  manifests: ReadonlyMap<Platform, Descriptor>,
): Promise<Map<Platform, ResolvedImage[]>> {
  const out = new Map<Platform, ResolvedImage[]>();
  try {
    const root = await reader.root();
    if (!isIndex(root.mediaType)) return out;
    const index = JSON.parse(Buffer.from(await reader.json(root)).toString('utf8')) as ImageIndex;
    for (const [platform, manifest] of manifests) {
      const attestation = index.manifests.find(
        (d) =>
          d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' &&
          d.annotations['vnd.docker.reference.digest'] === manifest.digest,
      );
      if (!attestation) continue;
      const layers = (
        JSON.parse(Buffer.from(await reader.json(attestation)).toString('utf8')) as ImageManifest
      ).layers.filter(
        (l) => PROVENANCE.test(l.annotations?.['in-toto.io/predicate-type'] ?? '') && l.size <= MAX_STATEMENT,
      );
      const found: ResolvedImage[] = [];
      for (const layer of layers) {
        const statement = JSON.parse(Buffer.from(await reader.json(layer)).toString('utf8')) as Statement;
        const materials = [
          ...(statement.predicate?.materials ?? []),
          ...(statement.predicate?.buildDefinition?.resolvedDependencies ?? []),
        ];
        for (const m of materials) {
          const ref = typeof m.uri === 'string' ? refFromPurl(m.uri) : null;
          const sha = m.digest?.sha256;
          if (ref && typeof sha === 'string' && /^[0-9a-f]{64}$/.test(sha))
            found.push({ ref, digest: `sha256:${sha}` });
        }
      }
      out.set(platform, found);
    }
  } catch {
    // An unreadable attestation leaves the digests unknown; the layers still tell whether the base moved.
  }
  return out;
}
