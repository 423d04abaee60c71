// Which Docker daemon to talk to, decided as the docker CLI decides it: DOCKER_HOST, else DOCKER_CONTEXT,
// else the current context of the Docker config (config.json's currentContext), else the default socket.
// buildx and the Engine API client are both given the one answer, so they never reach different daemons.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';

export interface DockerEndpoint {
  /** unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host, npipe://… */
  host: string;
  /** The context it came from; null for DOCKER_HOST and the default. */
  context: string | null;
  /** Where the answer came from, for messages. */
  source: string;
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer; skipVerify: boolean } | null;
}

const DEFAULT_HOST = 'unix:///var/run/docker.sock';

export function resolveDockerEndpoint(env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
  if (env.DOCKER_HOST) return { host: env.DOCKER_HOST, context: null, source: 'DOCKER_HOST', tls: null };
  const configDir = env.DOCKER_CONFIG || join(homedir(), '.docker');
  let name = env.DOCKER_CONTEXT || '';
  let source = 'DOCKER_CONTEXT';
  if (!name) {
    name = readJson<{ currentContext?: string }>(join(configDir, 'config.json'))?.currentContext ?? '';
    source = `the current context in ${join(configDir, 'config.json')}`;
  }
  if (!name || name === 'default') {
    return { host: DEFAULT_HOST, context: null, source: 'the default endpoint', tls: null };
  }
  // The CLI stores a context under the SHA-256 of its name.
  const id = createHash('sha256').update(name).digest('hex');
  const meta = readJson<{ Endpoints?: { docker?: { Host?: string; SkipTLSVerify?: boolean } } }>(
    join(configDir, 'contexts', 'meta', id, 'meta.json'),
  );
  const docker = meta?.Endpoints?.docker;
  if (!docker?.Host) {
    throw new Error(
      `Docker context "${name}" (from ${source}) is not in ${join(configDir, 'contexts')}: create it with \`docker context create\`, or unset it`,
    );
  }
  const tlsDir = join(configDir, 'contexts', 'tls', id, 'docker');
  const ca = readOptional(join(tlsDir, 'ca.pem'));
  const cert = readOptional(join(tlsDir, 'cert.pem'));
  const key = readOptional(join(tlsDir, 'key.pem'));
  const tls =
    ca || cert || key || docker.SkipTLSVerify
      ? {
          ...(ca ? { ca } : {}),
          ...(cert ? { cert } : {}),
          ...(key ? { key } : {}),
          skipVerify: !!docker.SkipTLSVerify,
        }
      : null;
  return { host: docker.Host, context: name, source: `context "${name}" (${source})`, tls };
}

/** dockerode's options for the endpoint. */
export function dockerodeOptions(endpoint: DockerEndpoint): Docker.DockerOptions {
  const url = new URL(endpoint.host);
  if (url.protocol === 'unix:' || url.protocol === 'npipe:') return { socketPath: url.pathname };
  const tls = endpoint.tls;
  return {
    protocol: url.protocol === 'ssh:' ? 'ssh' : tls ? 'https' : 'http',
    host: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(tls?.ca ? { ca: tls.ca } : {}),
    ...(tls?.cert ? { cert: tls.cert } : {}),
    ...(tls?.key ? { key: tls.key } : {}),
  };
}

/** What buildx needs in its environment to reach the same endpoint (a context carries its own TLS files). */
export function buildxEnvironment(endpoint: DockerEndpoint): Record<string, string> {
  return endpoint.context ? { DOCKER_CONTEXT: endpoint.context } : {};
}

function readJson<T>(path: string): T | null {
  const text = readOptional(path);
  if (!text) return null;
  try {
    return JSON.parse(text.toString('utf8')) as T;
  } catch {
    return null;
  }
}

function readOptional(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
