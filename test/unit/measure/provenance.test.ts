import { describe, expect, it } from 'vitest';
import {
  normalizeRef,
  provenanceMaterials,
  refFromPurl,
  resolvedDigest,
} from '../../../src/measure/provenance.js';
import type { Descriptor } from '../../../src/oci/types.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const MANIFEST = `sha256:${'1'.repeat(64)}`;

describe('provenance materials', () => {
  it('turns BuildKit package URLs into references', () => {
    expect(refFromPurl('pkg:docker/localhost%3A5000/isg/busybox@1?platform=linux%2Famd64')).toBe(
      'localhost:5000/isg/busybox:1',
    );
    expect(refFromPurl(`pkg:docker/busybox@sha256%3A${A}`)).toBe(`busybox@sha256:${A}`);
    expect(refFromPurl('https://example.com/x')).toBeNull();
  });

  it('matches a FROM reference however Docker Hub is spelled, and a pinned digest directly', () => {
    expect(normalizeRef('docker.io/library/busybox')).toBe('busybox:latest');
    expect(normalizeRef('localhost:5000/isg/busybox')).toBe('localhost:5000/isg/busybox:latest');
    const materials = [
      { ref: 'localhost:5000/isg/go-builder:1.24', digest: `sha256:${B}` },
      { ref: 'docker.io/library/busybox:1', digest: `sha256:${A}` },
    ];
    expect(resolvedDigest(materials, 'busybox:1')).toBe(`sha256:${A}`);
    expect(resolvedDigest(materials, `alpine@sha256:${B}`)).toBe(`sha256:${B}`);
    expect(resolvedDigest(materials, 'alpine:3')).toBeNull();
    expect(resolvedDigest(materials, null)).toBeNull();
  });

  it('reads the attestation that points at each platform manifest, and never throws', async () => {
    const blobs = new Map<string, unknown>([
      [
        'index',
        {
          manifests: [
            { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: MANIFEST, size: 1 },
            {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              digest: 'att',
              size: 1,
              annotations: {
                'vnd.docker.reference.type': 'attestation-manifest',
                'vnd.docker.reference.digest': MANIFEST,
              },
            },
          ],
        },
      ],
      [
        'att',
        {
          layers: [
            {
              mediaType: 'application/vnd.in-toto+json',
              digest: 'stmt',
              size: 10,
              annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
            },
          ],
        },
      ],
      [
        'stmt',
        {
          predicateType: 'https://slsa.dev/provenance/v0.2',
          predicate: {
            materials: [
              {
                uri: 'pkg:docker/localhost%3A5000/isg/busybox@1?platform=linux%2Famd64',
                digest: { sha256: A },
              },
              { uri: 'pkg:docker/evil@1', digest: { sha256: 'not-hex' } },
            ],
          },
        },
      ],
    ]);
    const reader = {
      root: async (): Promise<Descriptor> => ({
        mediaType: 'application/vnd.oci.image.index.v1+json',
        digest: 'index',
        size: 1,
      }),
      json: async (d: Descriptor) => {
        const value = blobs.get(d.digest);
        if (value === undefined) throw new Error('no blob');
        return new TextEncoder().encode(JSON.stringify(value));
      },
    };
    const manifests = new Map([['linux/amd64', { mediaType: 'x', digest: MANIFEST, size: 1 }]]);
    expect(await provenanceMaterials(reader, manifests)).toEqual(
      new Map([['linux/amd64', [{ ref: 'localhost:5000/isg/busybox:1', digest: `sha256:${A}` }]]]),
    );
    blobs.set('stmt', 'not a statement');
    expect(await provenanceMaterials(reader, manifests)).toEqual(new Map([['linux/amd64', []]]));
    blobs.delete('att');
    expect(await provenanceMaterials(reader, manifests)).toEqual(new Map());
  });
});
