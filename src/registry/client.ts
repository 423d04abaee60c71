// A client for the OCI distribution API: manifests and blobs (read, and the few pushes the report store
// makes), anonymous or with the credentials the docker CLI would use (credHelpers, credsStore, auths), over HTTP for loopback registries and
// HTTPS elsewhere.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Descriptor } from '../oci/types.js';
import { MEDIA } from '../oci/types.js';
import { type CredentialLookup, type RegistryCredential, registryCredential } from './credentials.js';
import type { ImageReference } from './reference.js';

const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest].join(
  ', ',
);

export class RegistryError extends Error {}

export interface RegistryClientOptions {
  /** base64 user:password to use when `docker login` stored none for the host (the workflow token for ghcr.io). */
  fallbackCredentials?: string | null;
  /** How long a request may wait for its answer. Default 30 s, or IMAGE_SIZE_GATE_REQUEST_TIMEOUT_MS (tests). */
  timeoutMs?: number;
  /** Where the Docker config and credential helpers are looked up (tests); default process.env. */
  credentials?: CredentialLookup;
}

type Access = 'pull' | 'pull,push';

/** How long a registry request may wait for its answer: 30 s, or IMAGE_SIZE_GATE_REQUEST_TIMEOUT_MS (tests). */
function defaultTimeoutMs(): number {
  const fromEnv = Number(process.env.IMAGE_SIZE_GATE_REQUEST_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 30_000;
}

export class RegistryClient {
  /** The Authorization header a challenge earned (Bearer token, or Basic for registries that ask for it). */
  private token: string | null = null;
  private tokenAccess: Access | null = null;
  private readonly base: string;
  private readonly timeoutMs: number;

  constructor(
    readonly ref: ImageReference,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly options: RegistryClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? defaultTimeoutMs();
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

  /** The manifest a tag points at, with its media type and digest; null when the tag does not exist. */
  async taggedManifest(
    tag: string,
    accept: string = MANIFEST_ACCEPT,
  ): Promise<{ bytes: Uint8Array; mediaType: string; digest: string } | null> {
    const res = await this.request('GET', `/manifests/${tag}`, { accept, absentOk: true });
    if (res === null) return null;
    const bytes = Buffer.from(await res.arrayBuffer());
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    return { bytes, mediaType: res.headers.get('content-type')?.split(';')[0] ?? '', digest };
  }

  /** The repository's tags (the registry's paginated tags list, followed to the end). */
  async tags(): Promise<string[]> {
    const tags: string[] = [];
    let path: string | null = '/tags/list?n=1000';
    while (path) {
      const res: Response | null = await this.request('GET', path, { absentOk: true });
      if (res === null) return tags;
      const body = (await res.json()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
      path = next ? next.replace(/^.*\/v2\/[^?]*\/tags\/list/, '/tags/list') : null;
    }
    return tags;
  }

  /** Uploads a blob in one request (POST, then PUT with the digest), unless the registry has it. */
  async pushBlob(bytes: Uint8Array): Promise<Descriptor & { digest: string }> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const descriptor = { mediaType: '', digest, size: bytes.byteLength };
    if (await this.request('HEAD', `/blobs/${digest}`, { absentOk: true, access: 'pull,push' }))
      return descriptor;
    const started = await this.request('POST', '/blobs/uploads/', { access: 'pull,push' });
    const location = started!.headers.get('location');
    await started!.body?.cancel();
    if (!location) throw new RegistryError(`the registry ${this.ref.host} gave no upload location`);
    const url = new URL(location, `${this.base}/`);
    url.searchParams.set('digest', digest);
    const done = await this.request('PUT', url.toString(), {
      access: 'pull,push',
      body: bytes,
      contentType: 'application/octet-stream',
    });
    await done?.body?.cancel();
    return descriptor;
  }

  async pushManifest(tag: string, bytes: Uint8Array, mediaType: string): Promise<void> {
    const res = await this.request('PUT', `/manifests/${tag}`, {
      access: 'pull,push',
      body: bytes,
      contentType: mediaType,
    });
    await res?.body?.cancel();
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

  /**
   * fetch with a bound on every wait: for the answer's headers, and then for each chunk of its body (a
   * registry that stalls, before or mid-answer, would otherwise hold the step for undici's 300 s). The body
   * bound is on silence, not on the whole transfer, so a large layer that keeps arriving is never cut off.
   */
  private async fetchWithTimeout(url: string | URL, init: RequestInit): Promise<Response> {
    const controller = new AbortController();
    const seconds = this.timeoutMs < 1000 ? `${this.timeoutMs} ms` : `${Math.round(this.timeoutMs / 1000)} s`;
    const what = `${init.method ?? 'GET'} ${url}`;
    let timer: NodeJS.Timeout | undefined;
    const arm = (stall: string) => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          controller.abort(
            new RegistryError(`${what}: ${stall} from the registry ${this.ref.host} within ${seconds}`),
          ),
        this.timeoutMs,
      );
      // A body nobody reads to the end must not keep the process alive.
      timer.unref();
    };
    arm('no answer');
    let res: Response;
    try {
      res = await this.fetchImpl(url, { ...init, signal: controller.signal });
    } catch (error) {
      clearTimeout(timer);
      if (controller.signal.aborted) throw controller.signal.reason;
      throw error;
    }
    if (!res.body) {
      clearTimeout(timer);
      return res;
    }
    arm('the answer stopped arriving');
    const watched = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, stream) {
          arm('the answer stopped arriving');
          stream.enqueue(chunk);
        },
        flush() {
          clearTimeout(timer);
        },
      }),
    );
    return new Response(watched, { status: res.status, statusText: res.statusText, headers: res.headers });
  }

  private get(path: string, accept?: string): Promise<Response> {
    return this.request('GET', path, accept ? { accept } : {}) as Promise<Response>;
  }

  /** One API call, authenticating on a 401 challenge. `absentOk`: a 404 answers null instead of throwing. */
  private async request(
    method: string,
    pathOrUrl: string,
    options: {
      accept?: string;
      body?: Uint8Array;
      contentType?: string;
      access?: Access;
      absentOk?: boolean;
    } = {},
  ): Promise<Response | null> {
    const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${this.base}${pathOrUrl}`;
    const access = options.access ?? 'pull';
    const send = () =>
      this.fetchWithTimeout(url, {
        method,
        headers: {
          ...(options.accept ? { accept: options.accept } : {}),
          ...(options.contentType ? { 'content-type': options.contentType } : {}),
          ...(this.token ? { authorization: this.token } : {}),
        },
        ...(options.body ? { body: options.body } : {}),
        redirect: 'follow',
      }).catch((error: Error) => {
        if (error instanceof RegistryError) throw error;
        const cause = (error.cause as Error | undefined)?.message ?? error.message;
        throw new RegistryError(
          `could not reach the registry ${this.ref.host} (${cause}): check the image reference and that the registry is up`,
        );
      });
    let res = await send();
    // A pull token does not cover a push: ask again with the wider scope.
    if (res.status === 401 && (!this.token || (access === 'pull,push' && this.tokenAccess === 'pull'))) {
      const challenge = res.headers.get('www-authenticate');
      await res.body?.cancel();
      if (challenge) {
        this.token = await this.authenticate(challenge, access);
        this.tokenAccess = access;
        res = await send();
      }
    }
    if (res.status === 404 && options.absentOk) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel();
      const hint =
        res.status === 401 || res.status === 403
          ? access === 'pull'
            ? ': log in with `docker login` or make the image public'
            : ': log in with `docker login` with a user that may push to this repository'
          : res.status === 404
            ? ': check the repository and tag'
            : '';
      throw new RegistryError(`${method} ${url} answered ${res.status} ${res.statusText}${hint}`);
    }
    return res;
  }

  private async authenticate(challenge: string, access: Access = 'pull'): Promise<string> {
    const params = Object.fromEntries(
      [...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!.toLowerCase(), m[2]!] as const),
    );
    const credential = await this.credential();
    if (/^basic/i.test(challenge)) {
      if (credential?.kind === 'basic') return `Basic ${credential.basic}`;
      throw new RegistryError(
        `the registry ${this.ref.host} asks for a user and password: log in with \`docker login ${this.ref.host}\``,
      );
    }
    if (!/^bearer/i.test(challenge) || !params.realm) {
      throw new RegistryError(`unsupported registry authentication: ${challenge}`);
    }
    const url = new URL(params.realm);
    const scope =
      access === 'pull' && params.scope ? params.scope : `repository:${this.ref.repository}:${access}`;
    let res: Response;
    if (credential?.kind === 'identity-token') {
      // An identity token is an OAuth2 refresh token: exchanged by POST, as the docker CLI does.
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credential.token,
        client_id: 'image-size-gate',
        scope,
        ...(params.service ? { service: params.service } : {}),
      });
      res = await this.fetchWithTimeout(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    } else {
      if (params.service) url.searchParams.set('service', params.service);
      url.searchParams.set('scope', scope);
      res = await this.fetchWithTimeout(
        url,
        credential ? { headers: { authorization: `Basic ${credential.basic}` } } : {},
      );
    }
    if (!res.ok) throw new RegistryError(`token request to ${url.origin} answered ${res.status}`);
    const body = (await res.json().catch(() => {
      throw new RegistryError(`GET ${url.origin}${url.pathname}: the token response is not JSON`);
    })) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`token response from ${url.origin} had no token`);
    return `Bearer ${token}`;
  }

  /** What the Docker config holds for the host, else the fallback (the workflow token for ghcr.io). */
  private async credential(): Promise<RegistryCredential | null> {
    const stored = await registryCredential(this.ref.host, this.options.credentials).catch((error: Error) => {
      throw new RegistryError(error.message);
    });
    if (stored) return stored;
    const fallback = this.options.fallbackCredentials;
    return fallback ? { kind: 'basic', basic: fallback } : null;
  }
}

function verified(digest: string, bytes: Buffer): Buffer {
  const [algorithm, hex] = digest.split(':');
  if (algorithm === 'sha256' && createHash('sha256').update(bytes).digest('hex') !== hex) {
    throw new RegistryError(`content of ${digest} does not match its digest`);
  }
  return bytes;
}
