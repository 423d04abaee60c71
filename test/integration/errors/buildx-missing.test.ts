// A Docker CLI without the buildx plugin, or no Docker CLI at all: the real buildx adapter runs a real
// program and must turn its failure into the install hint.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DockerBuildx } from '../../../src/buildx/buildx.js';

let dir: string;
let withoutBuildx: string;
let empty: string;
let calls: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'isg-no-buildx-'));
  withoutBuildx = join(dir, 'bin');
  empty = join(dir, 'empty');
  calls = join(dir, 'calls.log');
  await mkdir(withoutBuildx);
  await mkdir(empty);
  // What a Docker CLI without the plugin prints for `docker buildx ...`.
  const docker = join(withoutBuildx, 'docker');
  await writeFile(
    docker,
    [
      '#!/bin/sh',
      `echo "$*" >> '${calls}'`,
      `echo "docker: 'buildx' is not a docker command." >&2`,
      `echo "See 'docker --help'" >&2`,
      'exit 1',
      '',
    ].join('\n'),
  );
  await chmod(docker, 0o755);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
});

async function versionError(buildx: DockerBuildx): Promise<Error> {
  try {
    await buildx.version();
  } catch (error) {
    return error as Error;
  }
  throw new Error('docker buildx version succeeded without the buildx plugin');
}

describe('buildx missing', () => {
  it('a docker CLI without the plugin gives the install hint on one line', async () => {
    vi.stubEnv('PATH', withoutBuildx);
    const error = await versionError(new DockerBuildx({ PATH: withoutBuildx }));
    expect(error.message).toBe(
      'docker buildx is not installed: install the buildx plugin (Debian: docker-buildx; GitHub: docker/setup-buildx-action)',
    );
    // It was the fake CLI that answered, asked for the version.
    expect((await readFile(calls, 'utf8')).trim().split('\n')).toEqual(['buildx version']);
  });

  it('no docker CLI at all says to install it', async () => {
    vi.stubEnv('PATH', empty);
    const error = await versionError(new DockerBuildx({ PATH: empty }));
    expect(error.message).toMatch(/^could not run docker \(.*\): install the Docker CLI and put it on PATH$/);
    expect(error.message).not.toContain('\n');
  });
});
