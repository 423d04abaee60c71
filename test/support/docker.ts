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

export const STORES = [
  { store: 'containerd', socket: CONTAINERD_SOCKET },
  { store: 'classic', socket: CLASSIC_SOCKET },
] as const;

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
  return { ...process.env, DOCKER_HOST: `unix://${socket}` };
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
