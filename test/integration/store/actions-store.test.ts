// The actions store against loopback stand-ins: the REST routes as GitHub's OpenAPI description has them,
// and the artifact service as @actions/artifact's client speaks it. Upload goes through the real client.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/github/client.js';
import { renderJson } from '../../../src/report/json.js';
import { ActionsStore, actionsArtifactUploader, artifactName } from '../../../src/store/actions-store.js';
import { MAX_STORED_REPORT_BYTES } from '../../../src/store/validate.js';
import { type ArtifactServiceStandin, startArtifactService } from '../../support/artifact-service-standin.js';
import { type GitHubStandin, githubFaults, startGitHubStandin } from '../../support/github-standin.js';
import { zipOf } from '../../support/zip.js';
import { FINGERPRINT, sha, storedReport } from '../../unit/store/stored.js';

const TOKEN = 'ghs_actionsstoretoken';
const key = (commit: string) => ({ commit, fingerprint: FINGERPRINT.id });
let gh: GitHubStandin;
let service: ArtifactServiceStandin;
/** The run the artifact service's uploads belong to. */
let currentRun = 0;
const saved = { ...process.env };

beforeAll(async () => {
  gh = await startGitHubStandin({ owner: 'acme', repo: 'api', token: TOKEN });
  service = await startArtifactService({
    onFinalized: (artifact) => gh.addArtifact(currentRun, { name: artifact.name, zip: artifact.zip }),
  });
  Object.assign(process.env, service.env());
});
afterAll(async () => {
  process.env = saved;
  await gh.close();
  await service.close();
});
afterEach(() => {
  expect(gh.schemaViolations).toEqual([]);
  expect(service.protocolErrors).toEqual([]);
});

const store = (token: string | null = TOKEN) =>
  new ActionsStore({
    owner: 'acme',
    repo: 'api',
    github: token ? createGitHubClient({ token, baseUrl: gh.baseUrl, retries: 0 }) : null,
    token,
    apiUrl: gh.baseUrl,
    uploader: uploader!,
  });
let uploader: Awaited<ReturnType<typeof actionsArtifactUploader>> | undefined;
beforeAll(async () => {
  uploader = await actionsArtifactUploader();
});

let refused = 0;

describe('ActionsStore', () => {
  it('uploads report.json with @actions/artifact and finds it from a later run through the REST API', async () => {
    const A = sha('a');
    currentRun = gh.addWorkflowRun({ headSha: A, event: 'push' });
    expect(await store().get(key(A))).toEqual({ kind: 'absent' });
    await store().put(storedReport(A));
    expect(service.calls).toEqual(['CreateArtifact', 'FinalizeArtifact']);
    expect(service.artifacts.map((a) => a.name)).toEqual([artifactName(FINGERPRINT.id)]);

    expect(await store().get(key(A))).toEqual({ kind: 'found', report: storedReport(A) });
    expect(await store().list()).toEqual([storedReport(A)]);
    const listed = gh.requestsTo('GET', '/repos/{owner}/{repo}/actions/runs')[0]!;
    expect(listed.query).toMatchObject({ head_sha: A, event: 'push', status: 'success' });
    // The token went to the API, never to blob storage behind the redirect (the stand-in would refuse it).
    expect(
      gh.requestsTo('GET', '/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}')[0]
        ?.authorization,
    ).toBe(`Bearer ${TOKEN}`);
  });

  it('never uses a fork run artifact, even one that claims to be a push', async () => {
    const B = sha('b');
    const fork = { owner: 'mallory', name: 'api', id: 666 };
    const artifactLists = () =>
      gh.requestsTo('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts').length;
    const before = artifactLists();
    for (const event of ['pull_request', 'push']) {
      const run = gh.addWorkflowRun({ headSha: B, event, headRepository: fork });
      gh.addArtifact(run, {
        name: artifactName(FINGERPRINT.id),
        zip: await zipOf({ 'report.json': renderJson(storedReport(B)) }),
      });
    }
    expect(await store().get(key(B))).toEqual({ kind: 'absent' });
    expect(artifactLists()).toBe(before);
  });

  it('skips failed runs and takes the newest successful one', async () => {
    const C = sha('c');
    const older = gh.addWorkflowRun({ headSha: C });
    gh.addArtifact(older, {
      name: artifactName(FINGERPRINT.id),
      zip: await zipOf({
        'report.json': renderJson({ ...storedReport(C), generatedAt: '2025-01-01T00:00:00.000Z' }),
      }),
    });
    const newer = gh.addWorkflowRun({ headSha: C });
    gh.addArtifact(newer, {
      name: artifactName(FINGERPRINT.id),
      zip: await zipOf({ 'report.json': renderJson(storedReport(C)) }),
    });
    const failed = gh.addWorkflowRun({ headSha: C, conclusion: 'failure' });
    gh.addArtifact(failed, {
      name: artifactName(FINGERPRINT.id),
      zip: await zipOf({ 'report.json': 'junk' }),
    });
    expect(await store().get(key(C))).toEqual({ kind: 'found', report: storedReport(C) });
  });

  it.each<[string, Record<string, string | Buffer> | Buffer, RegExp]>([
    ['a zip without report.json', { 'other.txt': 'x' }, /holds no report\.json/],
    ['a corrupted report', { 'report.json': '{"schemaVersion": 2,' }, /not JSON/],
    [
      'an oversized report',
      { 'report.json': Buffer.alloc(MAX_STORED_REPORT_BYTES + 1, 0x20) },
      /over the 5 MB/,
    ],
    ['not a zip', Buffer.from('PK not really'), /not a readable zip/],
  ])('refuses %s, with the reason', async (_, content, reason) => {
    refused += 1;
    const D = sha(`d${refused}`);
    const run = gh.addWorkflowRun({ headSha: D });
    gh.addArtifact(run, {
      name: artifactName(FINGERPRINT.id),
      zip: Buffer.isBuffer(content) ? content : await zipOf(content),
    });
    const read = await store().get(key(D));
    expect(read.kind).toBe('invalid');
    expect(read.kind === 'invalid' && read.reason).toMatch(reason);
  });

  it.each([
    [
      '401',
      githubFaults.error(401, 'Bad credentials'),
      /401.*Bad credentials.*\(the token needs actions: read\)/,
    ],
    ['403', githubFaults.error(403, 'Resource not accessible by integration'), /403.*actions: read/],
    ['502', githubFaults.serverError(502), /502/],
  ])('answers a %s from the API with the cause, never a crash', async (_, fault, cause) => {
    gh.inject('GET', '/repos/{owner}/{repo}/actions/runs', fault);
    const read = await store().get(key(sha('e')));
    expect(read).toMatchObject({ kind: 'error', cause: expect.stringMatching(cause) });
  });

  it('answers a missing token with the cause', async () => {
    expect(await store(null).get(key(sha('e')))).toMatchObject({
      kind: 'error',
      cause: expect.stringMatching(/github-token/),
    });
  });
});
