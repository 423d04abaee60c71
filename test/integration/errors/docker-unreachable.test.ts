// A daemon that is not there: the real Engine API adapter must say where it looked and what to do.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DockerodeEngine } from '../../../src/docker/engine.js';

let dir: string;
let socket: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'isg-no-docker-'));
  socket = join(dir, 'docker.sock');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function pingError(engine: DockerodeEngine): Promise<Error> {
  try {
    await engine.ping();
  } catch (error) {
    return error as Error;
  }
  throw new Error(`a daemon answered on ${socket}, which should not exist`);
}

describe('Docker not reachable', () => {
  it('DOCKER_HOST names a socket that does not exist: one line naming the socket and the fix', async () => {
    vi.stubEnv('DOCKER_HOST', `unix://${socket}`);
    const error = await pingError(new DockerodeEngine());
    expect(error.message).toMatch(
      new RegExp(
        `^Docker is not reachable at unix://${socket.replaceAll('/', '\\/')} \\(.*\\): start the daemon or set DOCKER_HOST$`,
      ),
    );
    expect(error.message).toContain(`ENOENT ${socket}`);
    expect(error.message).not.toContain('\n');
  });

  it('a client made for a missing socket names that socket and the fix', async () => {
    const error = await pingError(new DockerodeEngine(new Docker({ socketPath: socket })));
    expect(error.message).toContain(socket);
    expect(error.message).toContain('start the daemon or set DOCKER_HOST');
    expect(error.message).not.toContain('\n');
  });
});
