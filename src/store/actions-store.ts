// `actions`: each report is a GitHub Actions artifact named image-size-gate-<fingerprint 12> holding
// report.json, uploaded with @actions/artifact (the client actions/upload-artifact uses). A lookup trusts
// only successful push runs of this repository for the commit (never a fork's run), downloads that run's
// artifact zip through the REST API (following the redirect to blob storage, without our token) and reads
// report.json with yauzl.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import type { GitHubClient } from '../github/client.js';
import { type Report, renderJson } from '../report/json.js';
import { keyOf, newestFirst } from './dir-store.js';
import { shortFingerprint } from './fingerprint.js';
import { type ReportStore, StoreError, type StoreKey, type StoreRead } from './store.js';
import { MAX_STORED_REPORT_BYTES, readStoredReport } from './validate.js';

export const REPORT_FILE = 'report.json';

/** Uploads one file as a workflow artifact (the @actions/artifact client; a fake in unit tests). */
export interface ArtifactUploader {
  upload(name: string, file: string, rootDirectory: string): Promise<void>;
}

export interface ActionsStoreOptions {
  owner: string;
  repo: string;
  /** null without a `github-token`: lookups then fail with that cause. */
  github: GitHubClient | null;
  /** The token for the REST download (the redirect to blob storage is followed without it). */
  token: string | null;
  uploader: ArtifactUploader;
  /** REST API root for the download. Default: GITHUB_API_URL, else https://api.github.com. */
  apiUrl?: string;
  /** Where report.json is written before the upload. */
  tempRoot?: string;
  fetch?: typeof fetch;
}

interface Run {
  id: number;
  event: string;
  conclusion: string | null;
  head_sha: string;
  head_repository?: { id: number; full_name: string } | null;
  repository?: { id: number; full_name: string };
  created_at: string;
}

interface Artifact {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
  workflow_run?: { repository_id?: number; head_repository_id?: number; head_sha?: string } | null;
}

export function artifactName(fingerprint: string): string {
  return `image-size-gate-${shortFingerprint(fingerprint)}`;
}

export class ActionsStore implements ReportStore {
  readonly name = 'actions';

  constructor(private readonly options: ActionsStoreOptions) {}

  async put(report: Report): Promise<void> {
    const key = keyOf(report);
    const dir = await mkdtemp(join(this.options.tempRoot ?? tmpdir(), 'image-size-gate-store-'));
    try {
      const file = join(dir, REPORT_FILE);
      await writeFile(file, renderJson(report));
      await this.options.uploader.upload(artifactName(key.fingerprint), file, dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async get(key: StoreKey): Promise<StoreRead> {
    const { github } = this.options;
    if (!github)
      return {
        kind: 'error',
        cause: 'no `github-token` to list workflow runs with (it needs actions: read)',
      };
    try {
      const runs = (await this.trustedRuns(github, key.commit)).sort((a, b) => b.id - a.id);
      for (const run of runs) {
        const artifact = await this.artifactOf(github, run, artifactName(key.fingerprint));
        if (artifact) return this.readArtifact(artifact, key);
      }
      return { kind: 'absent' };
    } catch (error) {
      return { kind: 'error', cause: describe(error) };
    }
  }

  async list(): Promise<Report[]> {
    const { github, owner, repo } = this.options;
    if (!github) throw new StoreError('no `github-token` to list artifacts with (it needs actions: read)');
    const { data } = await github.rest.actions.listArtifactsForRepo({ owner, repo, per_page: 100 });
    const ours = (data.artifacts as Artifact[]).filter(
      (a) =>
        a.name.startsWith('image-size-gate-') &&
        !a.expired &&
        a.workflow_run?.head_repository_id !== undefined &&
        a.workflow_run.head_repository_id === a.workflow_run.repository_id,
    );
    const reads = await Promise.all(ours.map((a) => this.readArtifact(a, null).catch(() => null)));
    return newestFirst(reads.flatMap((r) => (r?.kind === 'found' ? [r.report] : [])));
  }

  /** Successful push runs of this repository for the commit: a fork's runs (pull requests) never count. */
  private async trustedRuns(github: GitHubClient, commit: string): Promise<Run[]> {
    const { owner, repo } = this.options;
    const { data } = await github.rest.actions.listWorkflowRunsForRepo({
      owner,
      repo,
      head_sha: commit,
      event: 'push',
      status: 'success',
      per_page: 100,
    });
    const self = `${owner}/${repo}`.toLowerCase();
    // The filters are asked of the API and checked again here: what comes back is not taken on trust.
    return (data.workflow_runs as Run[]).filter(
      (run) =>
        run.event === 'push' &&
        run.conclusion === 'success' &&
        run.head_sha === commit &&
        run.head_repository?.full_name.toLowerCase() === self &&
        run.repository?.full_name.toLowerCase() === self &&
        run.head_repository.id === run.repository.id,
    );
  }

  private async artifactOf(github: GitHubClient, run: Run, name: string): Promise<Artifact | null> {
    const { owner, repo } = this.options;
    const { data } = await github.rest.actions.listWorkflowRunArtifacts({
      owner,
      repo,
      run_id: run.id,
      name,
      per_page: 100,
    });
    const found = (data.artifacts as Artifact[]).find(
      (a) =>
        a.name === name &&
        !a.expired &&
        (a.workflow_run?.head_repository_id === undefined ||
          a.workflow_run.head_repository_id === run.head_repository?.id),
    );
    return found ?? null;
  }

  private async readArtifact(artifact: Artifact, key: StoreKey | null): Promise<StoreRead> {
    // The zip holds one small JSON file; the zip is at most that plus its headers.
    if (artifact.size_in_bytes > MAX_STORED_REPORT_BYTES + 64 * 1024) {
      return {
        kind: 'invalid',
        reason: `artifact ${artifact.name} is ${artifact.size_in_bytes} bytes, over the ${MAX_STORED_REPORT_BYTES / 1_000_000} MB (10^6 bytes) a stored report may be`,
      };
    }
    let zip: Buffer;
    try {
      zip = await this.download(artifact.id);
    } catch (error) {
      return { kind: 'error', cause: describe(error) };
    }
    const entry = await readZipEntry(zip, REPORT_FILE, MAX_STORED_REPORT_BYTES);
    if (typeof entry === 'string') return { kind: 'invalid', reason: `artifact ${artifact.name}: ${entry}` };
    return readStoredReport(entry, key);
  }

  private download(artifactId: number): Promise<Buffer> {
    return downloadArtifactZip(this.options, artifactId, MAX_STORED_REPORT_BYTES + 64 * 1024);
  }
}

export interface ArtifactDownload {
  owner: string;
  repo: string;
  token: string | null;
  apiUrl?: string;
  fetch?: typeof fetch;
}

/**
 * An artifact's zip through the REST API: GitHub answers with a redirect to a signed blob URL, which is
 * followed without our token. At most `cap` bytes are read.
 */
export async function downloadArtifactZip(
  options: ArtifactDownload,
  artifactId: number,
  cap: number,
): Promise<Buffer> {
  const { owner, repo, token } = options;
  const fetchImpl = options.fetch ?? fetch;
  const api = (options.apiUrl || process.env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const url = `${api}/repos/${owner}/${repo}/actions/artifacts/${artifactId}/zip`;
  const signal = AbortSignal.timeout(30_000);
  const first = await fetchImpl(url, {
    headers: {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    redirect: 'manual',
    signal,
  });
  const location = first.headers.get('location');
  await first.body?.cancel();
  if (first.status < 300 || first.status >= 400 || !location) {
    throw new StoreError(
      `GET ${url} answered ${first.status} ${first.statusText}${first.status === 410 ? ' (the artifact expired)' : ''}`,
    );
  }
  // The signed URL carries its own authorization; our token stays with the API.
  const blob = await fetchImpl(new URL(location, url), { redirect: 'follow', signal });
  if (!blob.ok) {
    await blob.body?.cancel();
    throw new StoreError(`the artifact download answered ${blob.status} ${blob.statusText}`);
  }
  return readCapped(blob, cap);
}

async function readCapped(res: Response, cap: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body ?? []) {
    total += (chunk as Uint8Array).byteLength;
    if (total > cap) throw new StoreError(`the artifact download is larger than ${cap} bytes`);
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

/** The bytes of one file in a zip, or why not (missing, too big, corrupt). */
export function readZipEntry(zip: Buffer, name: string, cap: number): Promise<Buffer | string> {
  return new Promise((resolve) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true }, (error, archive) => {
      if (error || !archive) return resolve(`it is not a readable zip (${error?.message ?? 'empty'})`);
      const done = (value: Buffer | string) => {
        archive.close();
        resolve(value);
      };
      archive.on('error', (e: Error) => done(`it is not a readable zip (${e.message})`));
      archive.on('end', () => resolve(`it holds no ${name}`));
      archive.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return archive.readEntry();
        if (entry.uncompressedSize > cap) {
          return done(
            `its ${name} is ${entry.uncompressedSize} bytes, over the ${cap / 1_000_000} MB (10^6 bytes) a stored report may be`,
          );
        }
        archive.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return done(`its ${name} cannot be read (${streamError?.message})`);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', (e: Error) => done(`its ${name} cannot be read (${e.message})`));
          stream.on('end', () => done(Buffer.concat(chunks)));
        });
      });
      archive.readEntry();
    });
  });
}

/** What went wrong with a REST call, with the HTTP status when there was one. */
function describe(error: unknown): string {
  const status = (error as { status?: unknown }).status;
  const message = (error as Error).message ?? String(error);
  if (typeof status === 'number') {
    const hint = status === 401 || status === 403 ? ' (the token needs actions: read)' : '';
    const first = (message.split('\n')[0] ?? '').replace(/ - https?:\/\/\S+$/, '');
    // The client's errors name the call and the status; older ones gave only GitHub's message.
    return `${first.includes(String(status)) ? first : `GitHub answered ${status}: ${first}`}${hint}`;
  }
  return message;
}

/** The real uploader: @actions/artifact, as actions/upload-artifact runs it. */
export async function actionsArtifactUploader(): Promise<ArtifactUploader> {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  return {
    async upload(name, file, rootDirectory) {
      if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
        throw new StoreError(
          '`store: actions` uploads only inside a GitHub Actions job (no ACTIONS_RUNTIME_TOKEN)',
        );
      }
      await new DefaultArtifactClient().uploadArtifact(name, [file], rootDirectory);
    },
  };
}
