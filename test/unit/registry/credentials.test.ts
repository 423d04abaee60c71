// The Docker config's credential helpers, run for real: a small `docker-credential-fake` script in a temp
// directory that is put on the child's PATH (through the lookup's env, never process.env), answering as
// docker-credential-helpers' protocol says, or misbehaving in the ways real helpers do.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../src/registry/client.js';
import { maskRegistrySecretsWith, registryCredential } from '../../../src/registry/credentials.js';
import { parseReference } from '../../../src/registry/reference.js';

let dir: string;
const masked: string[] = [];

// The helper's behaviour comes from FAKE_MODE; it records the server URL it was asked about.
const HELPER = `#!/bin/sh
read -r server
printf '%s' "$server" > "$FAKE_DIR/asked"
case "$FAKE_MODE" in
  basic) printf '{"ServerURL":"%s","Username":"alice","Secret":"s3cret-from-helper"}' "$server" ;;
  token) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-xyz"}' "$server" ;;
  missing) echo "credentials not found in native keychain"; exit 1 ;;
  broken) echo "error getting credentials - keychain locked" >&2; exit 3 ;;
  hang) exec sleep 30 ;;
  hang-child) sleep "$FAKE_SLEEP"; echo late ;;
  huge) head -c 200000 /dev/zero | tr '\\0' 'x' ;;
  notjson) printf 'Secret=s3cret-not-json' ;;
esac
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'isg-credhelper-'));
  writeFileSync(join(dir, 'docker-credential-fake'), HELPER);
  chmodSync(join(dir, 'docker-credential-fake'), 0o755);
  maskRegistrySecretsWith((secret) => masked.push(secret));
});
afterAll(() => {
  maskRegistrySecretsWith(() => {});
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  masked.length = 0;
});

function lookup(config: object, mode: string, helperTimeoutMs?: number) {
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return {
    env: { PATH: `${dir}:/usr/bin:/bin`, DOCKER_CONFIG: dir, FAKE_DIR: dir, FAKE_MODE: mode },
    ...(helperTimeoutMs ? { helperTimeoutMs } : {}),
  };
}
/** Starts a stand-in on a free loopback port; its host:port. */
async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const inline = { auths: { 'reg.example:5000': { auth: Buffer.from('bob:inline-pw').toString('base64') } } };

describe('registryCredential', () => {
  it('asks credHelpers[host] first, with the host on stdin, and masks what it answers', async () => {
    const found = await registryCredential(
      'reg.example:5000',
      lookup({ ...inline, credsStore: 'nonexistent', credHelpers: { 'reg.example:5000': 'fake' } }, 'basic'),
    );
    expect(found).toEqual({
      kind: 'basic',
      basic: Buffer.from('alice:s3cret-from-helper').toString('base64'),
    });
    expect(readFileSync(join(dir, 'asked'), 'utf8')).toBe('reg.example:5000');
    expect(masked).toContain('s3cret-from-helper');
    expect(masked).toContain(found?.kind === 'basic' ? found.basic : '');
  });

  it('uses credsStore when no helper is named for the host, and asks about Docker Hub by its index URL', async () => {
    const found = await registryCredential('docker.io', lookup({ credsStore: 'fake' }, 'basic'));
    expect(found?.kind).toBe('basic');
    expect(readFileSync(join(dir, 'asked'), 'utf8')).toBe('https://index.docker.io/v1/');
  });

  it('reads Username <token> as an identity token', async () => {
    const found = await registryCredential('reg.example:5000', lookup({ credsStore: 'fake' }, 'token'));
    expect(found).toEqual({ kind: 'identity-token', token: 'refresh-xyz' });
    expect(masked).toContain('refresh-xyz');
  });

  it('treats "credentials not found" as nothing stored, then falls back to the inline auth', async () => {
    const found = await registryCredential(
      'reg.example:5000',
      lookup({ ...inline, credsStore: 'fake' }, 'missing'),
    );
    expect(found).toEqual({ kind: 'basic', basic: inline.auths['reg.example:5000'].auth });
    expect(masked).toContain('inline-pw');
    expect(await registryCredential('other.example', lookup({ credsStore: 'fake' }, 'missing'))).toBeNull();
  });

  it('uses the inline auth alone when the config names no helper, and is anonymous without a config', async () => {
    expect((await registryCredential('reg.example:5000', lookup(inline, 'basic')))?.kind).toBe('basic');
    rmSync(join(dir, 'config.json'));
    expect(await registryCredential('reg.example:5000', { env: { DOCKER_CONFIG: dir } })).toBeNull();
  });

  it.each([
    [
      'missing from PATH',
      { credsStore: 'absent' },
      'basic',
      /docker-credential-absent \(credsStore in .*\) is not on PATH: install it/,
    ],
    [
      'failing',
      { credsStore: 'fake' },
      'broken',
      /docker-credential-fake .* failed with exit code 3: error getting credentials - keychain locked/,
    ],
    [
      'hanging',
      { credsStore: 'fake' },
      'hang',
      /docker-credential-fake .* gave no answer within 0.3 s and was stopped/,
    ],
    [
      'flooding',
      { credsStore: 'fake' },
      'huge',
      /docker-credential-fake .* answered more than 65536 bytes and was stopped/,
    ],
    [
      'answering not JSON',
      { credsStore: 'fake' },
      'notjson',
      /docker-credential-fake .* answered 22 bytes that are not JSON: check it by hand with `echo reg.example:5000 \| docker-credential-fake get`/,
    ],
  ])(
    'refuses a helper %s with an error naming it and the fix, never the secret',
    async (_, config, mode, message) => {
      const error = await registryCredential('reg.example:5000', lookup(config, mode, 300)).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(message);
      expect(error?.message).not.toContain('s3cret');
    },
  );
});

describe('a credential helper that hangs in a child of its own', () => {
  it('is stopped at its time limit with the whole process group, so nothing it started outlives it', async () => {
    // A shell helper that runs sleep as a child: killing the shell alone would leave sleep holding its
    // stdout, and the lookup waiting for sleep.
    const marker = `${30 + Math.random()}`.slice(0, 9);
    const options = lookup({ credsStore: 'fake' }, 'hang-child', 300);
    const started = Date.now();
    const error = await registryCredential('reg.example:5000', {
      ...options,
      env: { ...options.env, FAKE_SLEEP: marker },
    }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/docker-credential-fake .* gave no answer within 0.3 s and was stopped/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await sleepersOf(marker)).toEqual([]);
  });
});

/** The pids of the `sleep MARKER` processes still running (a killed one can take a moment to be reaped). */
async function sleepersOf(marker: string): Promise<string[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const pids = readdirSync('/proc').filter((pid) => {
      if (!/^\d+$/.test(pid)) return false;
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
        return cmdline === `sleep\0${marker}\0` && state !== 'Z';
      } catch {
        return false;
      }
    });
    if (pids.length === 0 || Date.now() > deadline) return pids;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('RegistryClient with a credential helper', () => {
  let server: Server;
  let host: string;
  const seen: Array<string | undefined> = [];
  beforeAll(async () => {
    // A loopback stand-in for a registry behind Basic auth (registry:2 with htpasswd answers this way).
    const expected = `Basic ${Buffer.from('alice:s3cret-from-helper').toString('base64')}`;
    server = createServer((request, response) => {
      seen.push(request.headers.authorization);
      if (request.headers.authorization !== expected) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="Registry Realm"' }).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"svc","tags":["v1"]}');
    });
    host = await listenOnLoopback(server);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers a Basic challenge with what the helper gave', async () => {
    seen.length = 0;
    const client = new RegistryClient(parseReference(`${host}/svc`), fetch, {
      credentials: lookup({ credHelpers: { [host]: 'fake' } }, 'basic'),
    });
    expect(await client.tags()).toEqual(['v1']);
    expect(seen).toEqual([undefined, `Basic ${Buffer.from('alice:s3cret-from-helper').toString('base64')}`]);
  });

  it('says to log in when the helper holds nothing for the registry', async () => {
    const client = new RegistryClient(parseReference(`${host}/svc`), fetch, {
      credentials: lookup({ credHelpers: { [host]: 'fake' } }, 'missing'),
    });
    await expect(client.tags()).rejects.toThrow(
      `asks for a user and password: log in with \`docker login ${host}\``,
    );
  });
});

describe('RegistryClient with an identity token', () => {
  let server: Server;
  let host: string;
  const forms: string[] = [];
  beforeAll(async () => {
    // A registry with a token server on one loopback port: the refresh token is exchanged by POST.
    server = createServer((request, response) => {
      if (request.url?.startsWith('/token')) {
        let body = '';
        request.on('data', (chunk) => {
          body += chunk;
        });
        request.on('end', () => {
          forms.push(`${request.method} ${body}`);
          const ok = new URLSearchParams(body).get('refresh_token') === 'refresh-xyz';
          response.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
          response.end(ok ? '{"access_token":"access-1"}' : '{}');
        });
        return;
      }
      if (request.headers.authorization !== 'Bearer access-1') {
        response
          .writeHead(401, {
            'www-authenticate': `Bearer realm="http://${host}/token",service="loopback",scope="repository:svc:pull"`,
          })
          .end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"svc","tags":["v2"]}');
    });
    host = await listenOnLoopback(server);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("exchanges the helper's <token> secret as an OAuth2 refresh token", async () => {
    const client = new RegistryClient(parseReference(`${host}/svc`), fetch, {
      credentials: lookup({ credsStore: 'fake' }, 'token'),
    });
    expect(await client.tags()).toEqual(['v2']);
    const form = new URLSearchParams(forms[0]!.replace(/^POST /, ''));
    expect(forms[0]).toMatch(/^POST /);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-xyz',
      client_id: 'image-size-gate',
      scope: 'repository:svc:pull',
      service: 'loopback',
    });
  });
});
