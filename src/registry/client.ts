// A read-only client for the OCI distribution API: manifests and blobs, anonymous or with the
// credentials `docker login` stored, over HTTP for loopback registries and HTTPS elsewhere.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Descriptor } from '../oci/types.js';
import { MEDIA } from '../oci/types.js';
import type { ImageReference } from './reference.js';

const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest].join(
  ', ',
);

export class RegistryError extends Error {}

/** How long a registry request may wait for its answer: 30 s, or IMAGE_SIZE_GATE_REQUEST_TIMEOUT_MS (tests). */
function defaultTimeoutMs(): number {
  const fromEnv = Number(process.env.IMAGE_SIZE_GATE_REQUEST_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 30_000;
}

export class RegistryClient {
  private token: string | null = null;
  private readonly base: string;

  constructor(
    readonly ref: ImageReference,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly timeoutMs: number = defaultTimeoutMs(),
  ) {
    const apiHost = ref.host === 'docker.io' ? 'registry-1.docker.io' : ref.host;
    const insecure = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(ref.host);
    this.base = `${insecure ? 'http' : 'https'}://${apiHost}/v2/${ref.repository}`;
  }

  /** The descriptor of the reference's top document (index or manifest). */
  async rootDescriptor(): Promise<Descriptor> {
    const target = this.ref.digest ?? this.ref.tag ?? 'latest';
    const res = await this.get(`/manifests/${target}`, MANIFEST_ACCEPT);
    const body = Buffer.from(await res.arrayBuffer());
    const declared = res.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
    // A manifest type ends in +json; anything else (a proxy's HTML page) is read as JSON or refused.
    const mediaType = declared.endsWith('+json') ? declared : this.mediaTypeOf(target, body);
    const digest =
      res.headers.get('docker-content-digest') ?? `sha256:${createHash('sha256').update(body).digest('hex')}`;
    return { mediaType, digest, size: body.length };
  }

  async manifest(digest: string): Promise<Uint8Array> {
    const res = await this.get(`/manifests/${digest}`, MANIFEST_ACCEPT);
    return verified(digest, Buffer.from(await res.arrayBuffer()));
  }

  async blobBytes(digest: string): Promise<Uint8Array> {
    const res = await this.get(`/blobs/${digest}`);
    return verified(digest, Buffer.from(await res.arrayBuffer()));
  }

  async blobStream(digest: string): Promise<Readable> {
    const res = await this.get(`/blobs/${digest}`);
    if (!res.body) throw new RegistryError(`empty body for blob ${digest}`);
    return Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  }

  private mediaTypeOf(target: string, body: Buffer): string {
    let mediaType: unknown;
    try {
      mediaType = (JSON.parse(body.toString()) as { mediaType?: unknown }).mediaType;
    } catch {
      throw new RegistryError(
        `GET ${this.base}/manifests/${target}: the answer is not JSON, so not a manifest`,
      );
    }
    if (typeof mediaType !== 'string') {
      throw new RegistryError(`GET ${this.base}/manifests/${target}: the manifest names no mediaType`);
    }
    return mediaType;
  }

  /** fetch with a bound on the wait for the answer's headers (a stalled registry would hold for 300 s). */
  private async fetchWithTimeout(url: string | URL, init: RequestInit): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      return await this.fetchImpl(url, { ...init, signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted) {
        const seconds =
          this.timeoutMs < 1000 ? `${this.timeoutMs} ms` : `${Math.round(this.timeoutMs / 1000)} s`;
        throw new RegistryError(`GET ${url}: no answer from the registry ${this.ref.host} within ${seconds}`);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private async get(path: string, accept?: string): Promise<Response> {
    const url = `${this.base}${path}`;
    const headers = (): Record<string, string> => ({
      ...(accept ? { accept } : {}),
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
    });
    const unreachable = (error: Error): never => {
      if (error instanceof RegistryError) throw error;
      const cause = (error.cause as Error | undefined)?.message ?? error.message;
      throw new RegistryError(
        `could not reach the registry ${this.ref.host} (${cause}): check the image reference and that the registry is up`,
      );
    };
    let res = await this.fetchWithTimeout(url, { headers: headers(), redirect: 'follow' }).catch(unreachable);
    if (res.status === 401 && !this.token) {
      const challenge = res.headers.get('www-authenticate');
      await res.body?.cancel();
      if (challenge) {
        this.token = await this.authenticate(challenge);
        res = await this.fetchWithTimeout(url, { headers: headers(), redirect: 'follow' }).catch(unreachable);
      }
    }
    if (!res.ok) {
      await res.body?.cancel();
      const hint =
        res.status === 401 || res.status === 403
          ? ': log in with `docker login` or make the image public'
          : res.status === 404
            ? ': check the repository and tag'
            : '';
      throw new RegistryError(`GET ${url} answered ${res.status} ${res.statusText}${hint}`);
    }
    return res;
  }

  private async authenticate(challenge: string): Promise<string> {
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!] as const),
    );
    if (!/^bearer/i.test(challenge) || !params.realm) {
      throw new RegistryError(`unsupported registry authentication: ${challenge}`);
    }
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? `repository:${this.ref.repository}:pull`);
    const basic = storedCredentials(this.ref.host);
    const res = await this.fetchWithTimeout(
      url,
      basic ? { headers: { authorization: `Basic ${basic}` } } : {},
    );
    if (!res.ok) throw new RegistryError(`token request to ${url.origin} answered ${res.status}`);
    const body = (await res.json().catch(() => {
      throw new RegistryError(`GET ${url.origin}${url.pathname}: the token response is not JSON`);
    })) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`token response from ${url.origin} had no token`);
    return token;
  }
}

function verified(digest: string, bytes: Buffer): Buffer {
  const [algorithm, hex] = digest.split(':');
  if (algorithm === 'sha256' && createHash('sha256').update(bytes).digest('hex') !== hex) {
    throw new RegistryError(`content of ${digest} does not match its digest`);
  }
  return bytes;
}

/** The base64 user:password `docker login` wrote for a host, if any (credential helpers are not consulted). */
function storedCredentials(host: string): string | null {
  try {
    const dir = process.env.DOCKER_CONFIG ?? join(homedir(), '.docker');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as {
      auths?: Record<string, { auth?: string }>;
    };
    const keys =
      host === 'docker.io' ? ['https://index.docker.io/v1/', 'docker.io'] : [host, `https://${host}`];
    for (const key of keys) {
      const auth = config.auths?.[key]?.auth;
      if (auth) return auth;
    }
  } catch {
    // No config file: anonymous.
  }
  return null;
}
