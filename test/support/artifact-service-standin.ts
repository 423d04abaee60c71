// A stand-in of the Actions artifact service on loopback, speaking what @actions/artifact's client speaks
// (read from its source): Twirp JSON calls to ACTIONS_RESULTS_URL
// (/twirp/github.actions.results.api.v1.ArtifactService/{CreateArtifact,FinalizeArtifact,ListArtifacts,
// GetSignedArtifactURL}) with proto field names, authorized by ACTIONS_RUNTIME_TOKEN (a JWT whose scp claim
// names the run and job), and the zip uploaded to the signed URL with Azure Blob Storage's block protocol
// (Put Block, then Put Block List). Finalized artifacts are handed to a callback, e.g. the REST stand-in's
// addArtifact, so a later run can find and download them.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';

export interface FinalizedArtifact {
  id: number;
  name: string;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
  zip: Buffer;
  mimeType: string | null;
}

export interface ArtifactServiceStandin {
  /** ACTIONS_RESULTS_URL. */
  readonly resultsUrl: string;
  /** ACTIONS_RUNTIME_TOKEN: a JWT with the Actions.Results scope for this run and job. */
  readonly runtimeToken: string;
  /** The environment an action step gets from the runner for artifacts. */
  env(): Record<string, string>;
  readonly artifacts: FinalizedArtifact[];
  /** Every Twirp method called, in order ("CreateArtifact", "FinalizeArtifact", ...). */
  readonly calls: string[];
  /** Twirp calls or blob requests that broke the protocol; a test expects []. */
  readonly protocolErrors: string[];
  close(): Promise<void>;
}

export interface ArtifactServiceOptions {
  workflowRunBackendId?: string;
  workflowJobRunBackendId?: string;
  onFinalized?: (artifact: FinalizedArtifact) => void;
}

interface Pending {
  name: string;
  runId: string;
  jobId: string;
  mimeType: string | null;
  blocks: Map<string, Buffer>;
  committed: Buffer | null;
}

export async function startArtifactService(
  options: ArtifactServiceOptions = {},
): Promise<ArtifactServiceStandin> {
  const runId = options.workflowRunBackendId ?? randomUUID();
  const jobId = options.workflowJobRunBackendId ?? randomUUID();
  const runtimeToken = jwt({ scp: `Actions.GenericRead:${randomUUID()} Actions.Results:${runId}:${jobId}` });
  const pending = new Map<string, Pending>();
  const byUploadPath = new Map<string, Pending>();
  const artifacts: FinalizedArtifact[] = [];
  const calls: string[] = [];
  const protocolErrors: string[] = [];
  let nextId = 5_000_001;
  let base = '';

  const twirp = (method: string, body: Record<string, unknown>): { status: number; body: unknown } => {
    calls.push(method);
    const runIdOf = body.workflow_run_backend_id;
    const jobIdOf = body.workflow_job_run_backend_id;
    if (
      method !== 'ListArtifacts' &&
      method !== 'GetSignedArtifactURL' &&
      (runIdOf !== runId || jobIdOf !== jobId)
    ) {
      return twirpError(403, 'permission_denied', 'backend ids do not match the token');
    }
    const name = typeof body.name === 'string' ? body.name : '';
    switch (method) {
      case 'CreateArtifact': {
        if (!name || body.version === undefined)
          return twirpError(400, 'invalid_argument', 'name and version are required');
        if (pending.has(name) || artifacts.some((a) => a.name === name)) {
          return twirpError(
            409,
            'already_exists',
            `an artifact with this name already exists on the workflow run`,
          );
        }
        const uploadPath = `/blob/${randomUUID()}/${encodeURIComponent(name)}.zip`;
        const entry: Pending = {
          name,
          runId,
          jobId,
          mimeType: (body.mime_type as string | undefined) ?? null,
          blocks: new Map(),
          committed: null,
        };
        pending.set(name, entry);
        byUploadPath.set(uploadPath, entry);
        return {
          status: 200,
          body: { ok: true, signed_upload_url: `${base}${uploadPath}?sv=2024-01-01&sig=${randomUUID()}` },
        };
      }
      case 'FinalizeArtifact': {
        const entry = pending.get(name);
        if (!entry?.committed) return twirpError(404, 'not_found', 'no uploaded artifact of that name');
        if (String(body.size) !== String(entry.committed.length)) {
          protocolErrors.push(
            `FinalizeArtifact size ${String(body.size)} is not the ${entry.committed.length} bytes uploaded`,
          );
        }
        const hash = `sha256:${createHash('sha256').update(entry.committed).digest('hex')}`;
        if (body.hash !== undefined && body.hash !== hash)
          protocolErrors.push(`FinalizeArtifact hash ${String(body.hash)} is not ${hash}`);
        pending.delete(name);
        const artifact: FinalizedArtifact = {
          id: nextId++,
          name,
          workflowRunBackendId: runId,
          workflowJobRunBackendId: jobId,
          zip: entry.committed,
          mimeType: entry.mimeType,
        };
        artifacts.push(artifact);
        options.onFinalized?.(artifact);
        return { status: 200, body: { ok: true, artifact_id: String(artifact.id) } };
      }
      case 'ListArtifacts': {
        const nameFilter = body.name_filter as string | undefined;
        const idFilter = body.id_filter as string | undefined;
        const listed = artifacts
          .filter((a) => a.workflowRunBackendId === runIdOf)
          .filter((a) => nameFilter === undefined || a.name === nameFilter)
          .filter((a) => idFilter === undefined || String(a.id) === String(idFilter));
        return {
          status: 200,
          body: {
            artifacts: listed.map((a) => ({
              workflow_run_backend_id: a.workflowRunBackendId,
              workflow_job_run_backend_id: a.workflowJobRunBackendId,
              database_id: String(a.id),
              name: a.name,
              size: String(a.zip.length),
              created_at: new Date().toISOString(),
              digest: `sha256:${createHash('sha256').update(a.zip).digest('hex')}`,
            })),
          },
        };
      }
      default:
        return twirpError(404, 'bad_route', `no method ${method}`);
    }
  };

  const blob = (
    method: string,
    url: URL,
    request: IncomingMessage,
    body: Buffer,
  ): { status: number; text?: string } => {
    const entry = byUploadPath.get(url.pathname);
    if (!entry || !url.searchParams.get('sig')) return { status: 403, text: 'AuthenticationFailed' };
    if (method !== 'PUT') return { status: 405 };
    const comp = url.searchParams.get('comp');
    if (comp === 'block') {
      const blockId = url.searchParams.get('blockid');
      if (!blockId) return { status: 400, text: 'InvalidQueryParameterValue' };
      entry.blocks.set(blockId, body);
      return { status: 201 };
    }
    if (comp === 'blocklist') {
      const ids = [
        ...body
          .toString('utf8')
          .matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\/(?:Latest|Uncommitted|Committed)>/g),
      ].map((m) => m[1]!);
      const parts = ids.map((id) => entry.blocks.get(id));
      if (parts.some((p) => p === undefined)) return { status: 400, text: 'InvalidBlockList' };
      entry.committed = Buffer.concat(parts as Buffer[]);
      return { status: 201 };
    }
    if (request.headers['x-ms-blob-type'] === 'BlockBlob') {
      entry.committed = body;
      return { status: 201 };
    }
    protocolErrors.push(`blob PUT without comp or x-ms-blob-type: ${url.search}`);
    return { status: 400, text: 'MissingRequiredHeader' };
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      protocolErrors.push(`stand-in failure: ${String(error)}`);
      response.writeHead(500).end();
    });
  });
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const method = (request.method ?? 'GET').toUpperCase();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (url.pathname.startsWith(SERVICE)) {
      const reply = (() => {
        if (method !== 'POST') return twirpError(404, 'bad_route', 'Twirp calls are POST');
        if (request.headers.authorization !== `Bearer ${runtimeToken}`) {
          return twirpError(401, 'unauthenticated', 'invalid runtime token');
        }
        if (!String(request.headers['content-type']).startsWith('application/json')) {
          protocolErrors.push(`Twirp call with content-type ${request.headers['content-type']}`);
          return twirpError(400, 'malformed', 'the JSON client sends application/json');
        }
        let parsed: Record<string, unknown>;
        try {
          parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        } catch {
          return twirpError(400, 'malformed', 'body is not JSON');
        }
        return twirp(url.pathname.slice(SERVICE.length), parsed);
      })();
      const payload = JSON.stringify(reply.body);
      response.writeHead(reply.status, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(payload)),
      });
      response.end(payload);
      return;
    }
    if (url.pathname.startsWith('/blob/')) {
      const reply = blob(method, url, request, body);
      response.writeHead(reply.status, {
        'x-ms-request-id': randomUUID(),
        'x-ms-version': '2025-01-05',
        etag: `"0x${randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase()}"`,
        'last-modified': new Date().toUTCString(),
        'content-length': String(Buffer.byteLength(reply.text ?? '')),
        ...(reply.status === 201 ? { 'x-ms-request-server-encrypted': 'true' } : {}),
      });
      response.end(reply.text ?? '');
      return;
    }
    response.writeHead(404).end();
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    resultsUrl: `${base}/`,
    runtimeToken,
    env: () => ({ ACTIONS_RESULTS_URL: `${base}/`, ACTIONS_RUNTIME_TOKEN: runtimeToken }),
    artifacts,
    calls,
    protocolErrors,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function twirpError(status: number, code: string, msg: string) {
  return { status, body: { code, msg } };
}

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ ...claims, exp: Math.floor(Date.now() / 1000) + 3600 })}.c3RhbmQtaW4`;
}
