// The registry store against the test bed's Distribution 2.8: it must take our artifact manifest (no
// referrers API), give the report back by a plain manifest + blob GET, and say why when it cannot.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { MEDIA } from '../../../src/oci/types.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { parseReference } from '../../../src/registry/reference.js';
import { REPORT_ARTIFACT_TYPE, RegistryStore } from '../../../src/store/registry-store.js';
import { MAX_STORED_REPORT_BYTES } from '../../../src/store/validate.js';
import { REGISTRY, requireRegistry } from '../../support/docker.js';
import { leanBase } from '../../unit/core/fixtures.js';
import { FINGERPRINT, sha, storedReport } from '../../unit/store/stored.js';

const unique = () => `${REGISTRY}/isg-store-it/reports-${randomBytes(4).toString('hex')}`;
const key = (commit: string) => ({ commit, fingerprint: FINGERPRINT.id });

beforeAll(async () => {
  await requireRegistry();
});

describe('RegistryStore on Distribution 2.8', () => {
  it('stores a report as an OCI artifact tagged isg-<commit>-<fingerprint 12> and reads it back', async () => {
    const repository = unique();
    const store = new RegistryStore(repository);
    const A = sha('a');
    expect(await store.get(key(A))).toEqual({ kind: 'absent' });
    await store.put(storedReport(A));
    expect(await store.get(key(A))).toEqual({ kind: 'found', report: storedReport(A) });

    // What any OCI client sees: our artifactType, the empty config, one layer.
    const tag = `isg-${A}-${FINGERPRINT.id.slice(0, 12)}`;
    const client = new RegistryClient(parseReference(repository));
    const manifest = JSON.parse(
      Buffer.from((await client.taggedManifest(tag, MEDIA.ociManifest))!.bytes).toString(),
    );
    expect(manifest).toMatchObject({
      mediaType: MEDIA.ociManifest,
      artifactType: REPORT_ARTIFACT_TYPE,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', size: 2 },
      layers: [{ mediaType: REPORT_ARTIFACT_TYPE }],
      annotations: { 'org.image-size-gate.commit': A, 'org.image-size-gate.fingerprint': FINGERPRINT.id },
    });
    expect(await client.tags()).toEqual([tag]);
  });

  it('overwrites a tag for the same commit and fingerprint, and lists newest first', async () => {
    const store = new RegistryStore(unique());
    await store.put({ ...storedReport(sha('b')), generatedAt: '2025-05-01T00:00:00.000Z' });
    await store.put(storedReport(sha('a')));
    const again = { ...storedReport(sha('a')), generatedAt: '2025-07-01T00:00:00.000Z' };
    await store.put(again);
    expect(await store.get(key(sha('a')))).toEqual({ kind: 'found', report: again });
    expect((await store.list()).map((r) => r.run?.commit)).toEqual([sha('a'), sha('b')]);
  });

  it('refuses to overwrite a tag another fingerprint holds', async () => {
    const repository = unique();
    const store = new RegistryStore(repository);
    await store.put(storedReport(sha('a')));
    // Same first 12 digits, another fingerprint: only a collision (or a forger) writes this.
    const twin = { ...FINGERPRINT, id: `${FINGERPRINT.id.slice(0, 12)}${'0'.repeat(52)}` };
    await expect(store.put(storedReport(sha('a'), leanBase(), twin))).rejects.toThrow(
      /another commit or fingerprint/,
    );
  });

  it('answers a tag that is not our artifact, or an oversized report, with the reason', async () => {
    const repository = unique();
    const client = new RegistryClient(parseReference(repository));
    const config = await client.pushBlob(Buffer.from('{}'));
    const pushManifest = async (
      commit: string,
      layer: { digest: string; size: number },
      artifactType: string,
    ) => {
      const manifest = {
        schemaVersion: 2,
        mediaType: MEDIA.ociManifest,
        artifactType,
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: config.digest, size: 2 },
        layers: [{ mediaType: REPORT_ARTIFACT_TYPE, ...layer }],
      };
      await client.pushManifest(
        `isg-${commit}-${FINGERPRINT.id.slice(0, 12)}`,
        Buffer.from(JSON.stringify(manifest)),
        MEDIA.ociManifest,
      );
    };
    const junk = await client.pushBlob(Buffer.from('{"schemaVersion": 2, "tool": '));
    await pushManifest(sha('c'), junk, REPORT_ARTIFACT_TYPE);
    await pushManifest(sha('d'), junk, 'application/vnd.example.other');
    const big = await client.pushBlob(Buffer.alloc(MAX_STORED_REPORT_BYTES + 1, 0x20));
    await pushManifest(sha('e'), big, REPORT_ARTIFACT_TYPE);

    const store = new RegistryStore(repository);
    expect(await store.get(key(sha('c')))).toEqual({ kind: 'invalid', reason: 'it is not JSON' });
    expect(await store.get(key(sha('d')))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/not an image-size-gate report/),
    });
    expect(await store.get(key(sha('e')))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/over the 5 MB/),
    });
    expect(await store.list()).toEqual([]);
  });

  it.each([
    [401, /answered 401 .*docker login/],
    [500, /answered 500/],
    [503, /answered 503/],
  ])(
    'answers a registry that says %i with the cause, not a crash (a 404 on the tag is an absence)',
    async (status, cause) => {
      const server = createServer((_request, response) => {
        response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as AddressInfo).port;
        const read = await new RegistryStore(`127.0.0.1:${port}/isg/reports`).get(key(sha('a')));
        expect(read).toMatchObject({ kind: 'error', cause: expect.stringMatching(cause) });
      } finally {
        server.close();
      }
    },
  );

  it('authenticates with the fallback credentials (the workflow token on ghcr.io), asking for push only to store', async () => {
    const asked: { authorization: string | undefined; scope: string | null }[] = [];
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        asked.push({ authorization: request.headers.authorization, scope: url.searchParams.get('scope') });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"token":"t0k"}');
      } else if (request.headers.authorization !== 'Bearer t0k') {
        const realm = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
        response.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="reg"` }).end();
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const basic = Buffer.from('x-access-token:ghs_workflow').toString('base64');
      const store = new RegistryStore(`127.0.0.1:${port}/acme/api-size`, { fallbackCredentials: basic });
      expect(await store.get(key(sha('a')))).toEqual({ kind: 'absent' });
      expect(asked).toEqual([{ authorization: `Basic ${basic}`, scope: 'repository:acme/api-size:pull' }]);
    } finally {
      server.close();
    }
  });

  it('answers a registry that never answers with a timeout, not a hang', async () => {
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const read = await new RegistryStore(`127.0.0.1:${port}/isg/reports`, { timeoutMs: 500 }).get(
        key(sha('a')),
      );
      expect(read).toMatchObject({
        kind: 'error',
        cause: expect.stringMatching(/no answer from the registry 127\.0\.0\.1:\d+ within 500 ms/),
      });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('answers an unreachable registry with the cause, not a crash', async () => {
    const store = new RegistryStore('127.0.0.1:9/isg/none', { timeoutMs: 2_000 });
    const read = await store.get(key(sha('a')));
    expect(read).toMatchObject({
      kind: 'error',
      cause: expect.stringMatching(/could not reach the registry 127\.0\.0\.1:9/),
    });
  });
});
