// A registry on loopback that accepts the connection and never answers: the client gives up after its
// request timeout and says what it called, rather than hanging for undici's 300 s.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../src/registry/client.js';
import { parseReference } from '../../../src/registry/reference.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

async function registry(
  answer: (url: string, respond: (status: number, body: string, type: string) => void) => void,
) {
  server = createServer((request, response) =>
    answer(request.url ?? '', (status, body, type) => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    }),
  );
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('RegistryClient', () => {
  it('gives up on a registry that never answers, naming the call', async () => {
    const host = await registry(() => {});
    const client = new RegistryClient(parseReference(`${host}/app:1`), fetch, { timeoutMs: 200 });
    await expect(client.rootDescriptor()).rejects.toThrow(
      `GET http://${host}/v2/app/manifests/1: no answer from the registry ${host} within 200 ms`,
    );
  });

  it('gives up on a registry that sends its headers and then stalls mid-body, naming the call', async () => {
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      response.write('{"schemaVersion":');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new RegistryClient(parseReference(`${host}/app:1`), fetch, { timeoutMs: 200 });
    await expect(client.rootDescriptor()).rejects.toThrow(
      `GET http://${host}/v2/app/manifests/1: the answer stopped arriving from the registry ${host} within 200 ms`,
    );
  });

  it('reports a manifest that is not JSON as such', async () => {
    for (const type of ['text/html', '']) {
      const host = await registry((_url, respond) => respond(200, '<html>proxy</html>', type));
      const client = new RegistryClient(parseReference(`${host}/app:1`), fetch, { timeoutMs: 2000 });
      await expect(client.rootDescriptor()).rejects.toThrow(
        `GET http://${host}/v2/app/manifests/1: the answer is not JSON, so not a manifest`,
      );
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    }
  });
});
