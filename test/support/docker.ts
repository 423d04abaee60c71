// Where the test bed's daemons and registry are, and the rule that integration tests fail (never
// skip) when they are missing: REQUIRE_DOCKER=1 in CI makes a missing daemon an error with the fix.
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';

export const CONTAINERD_SOCKET = '/var/run/docker.sock';
export const CLASSIC_SOCKET = '/var/run/docker-classic.sock';
export const REGISTRY = 'localhost:5000';
export const GO_BUILDER = `${REGISTRY}/isg/go-builder:1.24`;
export const BUSYBOX_BASE = `${REGISTRY}/isg/busybox:1`;
export const GLIBC_BASE = `${REGISTRY}/isg/glibc:bookworm`;

// Docker 28 from Debian's unstable suite, extracted by scripts/testbed/docker28.sh (keep these equal).
export const TESTBED_STATE = '/var/lib/image-size-gate-testbed';
export const DOCKER28_SOCKET = '/var/run/docker28.sock';
/** Docker 28's own DOCKER_CONFIG: the buildx 0.29 plugin, and the docker-container builder as the current one. */
export const DOCKER28_CONFIG = `${TESTBED_STATE}/docker28/docker-config`;
/** Holds only `docker`, sid's 28.5 CLI: put it first on PATH. */
export const DOCKER28_BIN = `${TESTBED_STATE}/docker28/bin`;
export const CONTAINER_BUILDER = 'isg-container';
export const BUILDKIT_IMAGE = `${REGISTRY}/isg/buildkit:v0.32.2`;

/** One engine the bed runs, as the README's "Tested with" table lists it. */
export interface TestEngine {
  /** Short and unique: used in registry repositories and temporary names. */
  id: string;
  title: string;
  socket: string;
  /** Docker Engine major.minor. */
  engine: string;
  store: 'containerd' | 'classic';
  driver: 'docker' | 'docker-container';
  /** buildx major.minor. */
  buildx: string;
  /** The builder the gate is told to use; null: the current one (as setup-buildx-action leaves it). */
  builder: string | null;
  /** The builder that does the work (what the report must name). */
  builderName: string;
  /** Variables for the docker CLI and the gate's buildx on this engine. */
  env: Record<string, string>;
}

const docker28Env = {
  DOCKER_HOST: `unix://${DOCKER28_SOCKET}`,
  DOCKER_CONFIG: DOCKER28_CONFIG,
  PATH: `${DOCKER28_BIN}:${process.env.PATH ?? ''}`,
};

export const ENGINES: readonly TestEngine[] = [
  {
    id: 'd26-containerd',
    title: 'Docker 26, containerd store',
    socket: CONTAINERD_SOCKET,
    engine: '26.1',
    store: 'containerd',
    driver: 'docker',
    buildx: '0.13',
    builder: null,
    builderName: 'default',
    env: { DOCKER_HOST: `unix://${CONTAINERD_SOCKET}` },
  },
  {
    id: 'd26-classic',
    title: 'Docker 26, classic store',
    socket: CLASSIC_SOCKET,
    engine: '26.1',
    store: 'classic',
    driver: 'docker',
    buildx: '0.13',
    builder: null,
    builderName: 'default',
    env: { DOCKER_HOST: `unix://${CLASSIC_SOCKET}` },
  },
  {
    id: 'd28-containerd',
    title: 'Docker 28, containerd store',
    socket: DOCKER28_SOCKET,
    engine: '28.5',
    store: 'containerd',
    driver: 'docker',
    buildx: '0.29',
    // The current builder there is the docker-container one: name the daemon's own.
    builder: 'default',
    builderName: 'default',
    env: docker28Env,
  },
  {
    id: 'd28-container',
    title: 'Docker 28, docker-container builder (current)',
    socket: DOCKER28_SOCKET,
    engine: '28.5',
    store: 'containerd',
    driver: 'docker-container',
    buildx: '0.29',
    builder: null,
    builderName: CONTAINER_BUILDER,
    env: docker28Env,
  },
];

const SETUP_HINT = 'run `sudo bash scripts/setup-test-env.sh` first';

/** Throws, with the fix, when the daemon on `socket` does not answer. */
export async function requireDaemon(socket: string): Promise<Docker> {
  const docker = new Docker({ socketPath: socket });
  try {
    await docker.ping();
  } catch (error) {
    throw new Error(
      `Docker daemon at ${socket} is not answering (${(error as Error).message}): ${SETUP_HINT}`,
    );
  }
  return docker;
}

export async function requireRegistry(): Promise<void> {
  try {
    const res = await fetch(`http://${REGISTRY.replace('localhost', '127.0.0.1')}/v2/`);
    if (!res.ok) throw new Error(`status ${res.status}`);
  } catch (error) {
    throw new Error(`registry at ${REGISTRY} is not answering (${(error as Error).message}): ${SETUP_HINT}`);
  }
}

/** Environment for a docker CLI talking to one of the test bed's daemons. */
export function dockerEnv(socket: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...(ENGINES.find((e) => e.socket === socket)?.env ?? {}),
    DOCKER_HOST: `unix://${socket}`,
  };
}

export function docker(socket: string, args: string[], input?: string): string {
  return execFileSync('docker', args, {
    env: dockerEnv(socket),
    encoding: 'utf8',
    input,
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}
