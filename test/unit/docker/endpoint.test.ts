import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildxEnvironment, dockerodeOptions, resolveDockerEndpoint } from '../../../src/docker/endpoint.js';

let config: string;

/** A context as `docker context create` stores it. */
function context(name: string, host: string, tls = false) {
  const id = createHash('sha256').update(name).digest('hex');
  mkdirSync(join(config, 'contexts', 'meta', id), { recursive: true });
  writeFileSync(
    join(config, 'contexts', 'meta', id, 'meta.json'),
    JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }),
  );
  if (tls) {
    const dir = join(config, 'contexts', 'tls', id, 'docker');
    mkdirSync(dir, { recursive: true });
    for (const file of ['ca.pem', 'cert.pem', 'key.pem'])
      writeFileSync(join(dir, file), `${file} of ${name}`);
  }
}

beforeAll(() => {
  config = mkdtempSync(join(tmpdir(), 'isg-docker-config-'));
  context('classic', 'unix:///var/run/docker-classic.sock');
  context('remote', 'tcp://127.0.0.1:2376', true);
  writeFileSync(join(config, 'config.json'), JSON.stringify({ currentContext: 'classic' }));
});
afterAll(() => rmSync(config, { recursive: true, force: true }));

describe('resolveDockerEndpoint, in the docker CLI order', () => {
  it('takes DOCKER_HOST first, over DOCKER_CONTEXT and the current context', () => {
    const e = resolveDockerEndpoint({
      DOCKER_HOST: 'unix:///x.sock',
      DOCKER_CONTEXT: 'remote',
      DOCKER_CONFIG: config,
    });
    expect(e).toMatchObject({ host: 'unix:///x.sock', context: null, source: 'DOCKER_HOST' });
    expect(buildxEnvironment(e)).toEqual({});
  });

  it('then DOCKER_CONTEXT, with its TLS material', () => {
    const e = resolveDockerEndpoint({ DOCKER_CONTEXT: 'remote', DOCKER_CONFIG: config });
    expect(e).toMatchObject({ host: 'tcp://127.0.0.1:2376', context: 'remote' });
    expect(dockerodeOptions(e)).toMatchObject({ protocol: 'https', host: '127.0.0.1', port: 2376 });
    expect(String(dockerodeOptions(e).ca)).toBe('ca.pem of remote');
    expect(String(dockerodeOptions(e).key)).toBe('key.pem of remote');
    expect(buildxEnvironment(e)).toEqual({ DOCKER_CONTEXT: 'remote' });
  });

  it("then the config's current context", () => {
    const e = resolveDockerEndpoint({ DOCKER_CONFIG: config });
    expect(e.context).toBe('classic');
    expect(e.source).toContain('current context');
    expect(dockerodeOptions(e)).toEqual({ socketPath: '/var/run/docker-classic.sock' });
  });

  it('else the default socket (also for the context named default)', () => {
    expect(resolveDockerEndpoint({ DOCKER_CONFIG: join(config, 'none') }).host).toBe(
      'unix:///var/run/docker.sock',
    );
    expect(resolveDockerEndpoint({ DOCKER_CONTEXT: 'default', DOCKER_CONFIG: config }).context).toBeNull();
  });

  it('names a context that does not exist and where it came from', () => {
    expect(() => resolveDockerEndpoint({ DOCKER_CONTEXT: 'gone', DOCKER_CONFIG: config })).toThrow(
      /Docker context "gone" \(from DOCKER_CONTEXT\) is not in .*contexts/,
    );
  });
});
