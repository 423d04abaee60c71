// End to end, the bundles as the runner runs them: three legs of a fork's pull request (dist/index.js,
// `pull_request` from a fork, a read-only token, each in its own checkout) build two images with buildx
// (one of them as two single-platform legs, linux/amd64 and linux/arm64), measure them against the base
// image their Dockerfiles start from, are refused the comment (403), and upload their reports through
// @actions/artifact to the artifact-service stand-in. Then the aggregator (dist/aggregate.js) runs on `workflow_run` with empty
// `pull_requests`: it downloads that run's artifacts through the REST stand-in, finds the pull request by
// head repository, branch and commit, and posts one comment. A re-run updates it; two aggregators racing
// leave one; a head with no open pull request gets nothing, and says why; hostile reports never show raw.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregateReport } from '../../src/aggregate/json.js';
import { commentMarker } from '../../src/github/comments.js';
import type { Report } from '../../src/report/json.js';
import { type ArtifactServiceStandin, startArtifactService } from '../support/artifact-service-standin.js';
import { BUSYBOX_BASE, CONTAINERD_SOCKET, requireDaemon, requireRegistry } from '../support/docker.js';
import { type GitHubStandin, startGitHubStandin } from '../support/github-standin.js';
import { zipOf } from '../support/zip.js';
import {
  type ActionRun,
  AGGREGATE_ENTRY,
  describeRun,
  EVENT_FIXTURES,
  obeyedCommands,
  pullRequestPayload,
  runAction,
} from './runner.js';

const TOKEN = 'ghs_e2eAggregateToken0123456789abc';
const REPOSITORY = 'Codertocat/Hello-World';
const FORK = { owner: 'forker', name: 'Hello-World', id: 987_654 };
const HEAD = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const BASE = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
const COMMENTS = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
const API = 'services/api';
const WORKER = 'services/worker';
const EXPECT = `${API} linux/amd64,linux/arm64\n${WORKER} linux/amd64`;
// One limit for every leg; only the api image's arm64 payload grows past it.
const MAX_INCREASE = '100KB';

let root: string;
let gh: GitHubStandin;
let service: ArtifactServiceStandin;
let runId = 0;
let legs: ActionRun[] = [];
let first: ActionRun;
let commentsAfterLegs = -1;
let legCommentPosts: number[] = [];

/** The fixture's pull request, its head in a fork. */
function forkPullRequest(): Record<string, unknown> {
  const payload = pullRequestPayload('pull_request.opened.json', {
    baseRef: 'master',
    baseSha: BASE,
    headRef: 'changes',
    headSha: HEAD,
  }) as { pull_request: { head: Record<string, unknown> & { repo: Record<string, unknown> } } };
  const head = payload.pull_request.head;
  head.label = `${FORK.owner}:changes`;
  head.repo = {
    ...head.repo,
    id: FORK.id,
    name: FORK.name,
    full_name: `${FORK.owner}/${FORK.name}`,
    fork: true,
    owner: { ...(head.repo.owner as Record<string, unknown>), login: FORK.owner, id: FORK.id + 1 },
  };
  return payload as unknown as Record<string, unknown>;
}

/** The fixture's workflow_run (completed, pull_requests empty), pointed at the fork's run. */
function workflowRunPayload(branch = 'changes'): Record<string, unknown> {
  const payload = JSON.parse(readFileSync(join(EVENT_FIXTURES, 'workflow_run.completed.json'), 'utf8'));
  const run = payload.workflow_run;
  Object.assign(run, {
    id: runId,
    event: 'pull_request',
    head_sha: HEAD,
    head_branch: branch,
    pull_requests: [],
  });
  run.head_repository = {
    ...run.head_repository,
    id: FORK.id,
    name: FORK.name,
    full_name: `${FORK.owner}/${FORK.name}`,
  };
  run.repository = { ...run.repository, name: 'Hello-World', full_name: REPOSITORY };
  payload.repository = { ...payload.repository, name: 'Hello-World', full_name: REPOSITORY };
  return payload;
}

const PAYLOADS = {
  amd64: randomBytes(20_000),
  arm64: randomBytes(400_000),
  worker: randomBytes(10_000),
};

/**
 * The fork's monorepo as each leg's runner checks it out: two services whose Dockerfiles COPY a file onto
 * the busybox base (no RUN: arm64 needs no emulation). Random payloads make every test run's layers its
 * own, whoever else builds on this BuildKit at the same time; the builds go to OCI layouts, never to tags.
 */
function checkout(): string {
  const workspace = mkdtempSync(join(root, 'workspace-'));
  const write = (path: string, content: string | Buffer) => {
    mkdirSync(join(workspace, path, '..'), { recursive: true });
    writeFileSync(join(workspace, path), content);
  };
  write(
    `${API}/Dockerfile`,
    `FROM ${BUSYBOX_BASE}\nARG TARGETARCH\nCOPY payload-\${TARGETARCH}.bin /srv/payload.bin\n`,
  );
  write(`${API}/payload-amd64.bin`, PAYLOADS.amd64);
  write(`${API}/payload-arm64.bin`, PAYLOADS.arm64);
  write(`${WORKER}/Dockerfile`, `FROM ${BUSYBOX_BASE}\nCOPY worker.bin /srv/worker.bin\n`);
  write(`${WORKER}/worker.bin`, PAYLOADS.worker);
  return workspace;
}

function leg(context: string, platform: string, comment = 'false') {
  return runAction({
    root,
    inputs: {
      'github-token': TOKEN,
      context,
      'base-image': BUSYBOX_BASE,
      baseline: 'image',
      platforms: platform,
      'max-increase': MAX_INCREASE,
      comment,
      'upload-report': 'true',
    },
    eventName: 'pull_request',
    payload: forkPullRequest(),
    workspace: checkout(),
    apiUrl: gh.baseUrl,
    // Only named, never called: the artifact client checks that it is not talking to GitHub Enterprise Server.
    serverUrl: 'https://github.com',
    repository: REPOSITORY,
    extraEnv: { DOCKER_HOST: `unix://${CONTAINERD_SOCKET}`, ...service.env() },
  });
}

function aggregator(
  payload: Record<string, unknown>,
  inputs: Record<string, string> = {},
  eventName = 'workflow_run',
) {
  return runAction({
    root,
    action: { manifest: 'aggregate/action.yml', entry: AGGREGATE_ENTRY },
    inputs: { 'github-token': TOKEN, expect: EXPECT, ...inputs },
    eventName,
    payload,
    workspace: mkdtempSync(join(root, 'workspace-')),
    apiUrl: gh.baseUrl,
    repository: REPOSITORY,
  });
}

const ours = (key = 'default') => gh.comments(2).filter((c) => c.body.startsWith(commentMarker(key)));
const reportOf = (run: ActionRun) => JSON.parse(readFileSync(run.outputs['report-path']!, 'utf8')) as Report;
const merged = (run: ActionRun) =>
  JSON.parse(readFileSync(run.outputs['report-path']!, 'utf8')) as AggregateReport;

beforeAll(async () => {
  await requireDaemon(CONTAINERD_SOCKET);
  await requireRegistry();
  root = mkdtempSync(join(tmpdir(), 'isg-e2e-aggregate-'));
  gh = await startGitHubStandin({ token: TOKEN, readOnly: true });
  gh.setPullRequest((forkPullRequest() as { pull_request: Record<string, unknown> }).pull_request);
  runId = gh.addWorkflowRun({
    headSha: HEAD,
    event: 'pull_request',
    conclusion: 'failure',
    headBranch: 'changes',
    headRepository: FORK,
  });
  service = await startArtifactService({
    onFinalized: (artifact) => gh.addArtifact(runId, { name: artifact.name, zip: artifact.zip }),
  });
  // Three legs: one image as two single-platform legs (arm64 grows past the limit), and a second image
  // whose workflow forgot `comment: false`, so the read-only token is refused the comment.
  legs = await Promise.all([
    leg(API, 'linux/amd64'),
    leg(API, 'linux/arm64'),
    leg(WORKER, 'linux/amd64', 'true'),
  ]);
  commentsAfterLegs = gh.comments(2).length;
  legCommentPosts = gh.requestsTo('POST', COMMENTS).map((r) => r.status);
  // The comment workflow's token may write.
  gh.readOnly = false;
  first = await aggregator(workflowRunPayload());
});

afterAll(async () => {
  await gh?.close();
  await service?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('a fork pull request with three legs, one comment', () => {
  it('each leg builds its image for its one platform, decides with the read-only token and uploads its report', () => {
    expect(legs.map((run) => run.exitCode)).toEqual([0, 1, 0]);
    const reports = legs.map(reportOf);
    expect(
      reports.map((r) => [
        r.run!.fingerprint.parts.context,
        r.platforms.map((p) => p.platform),
        r.images.map((i) => `${i.role} ${i.source}`),
        r.baseline.source,
      ]),
    ).toEqual([
      [API, ['linux/amd64'], ['head build', 'base docker'], 'image'],
      [API, ['linux/arm64'], ['head build', 'base docker'], 'image'],
      [WORKER, ['linux/amd64'], ['head build', 'base docker'], 'image'],
    ]);
    // Each build is the leg's checkout on its platform: it adds exactly the file its Dockerfile copies.
    expect(reports.map((r) => r.platforms[0]!.delta!.uncompressed)).toEqual([
      PAYLOADS.amd64.length,
      PAYLOADS.arm64.length,
      PAYLOADS.worker.length,
    ]);
    for (const run of legs) {
      expect(run.outputs['report-artifact'], describeRun(run)).toMatch(
        /^image-size-gate-report-default-services-(api|worker)-linux-(amd64|arm64)-[0-9a-f]{12}$/,
      );
    }
    // `comment: false` legs never ask; the one that asks is refused, and decides and uploads all the same.
    expect(
      legs.map((run) => /could not comment on pull request #2: GitHub refused .*HTTP 403/.test(run.stdout)),
    ).toEqual([false, false, true]);
    expect(legCommentPosts).toEqual([403]);
    expect(new Set(legs.map((run) => run.outputs['report-artifact'])).size).toBe(3);
    expect(service.artifacts.map((a) => a.name).sort()).toEqual(
      legs.map((run) => run.outputs['report-artifact']).sort(),
    );
    expect(service.protocolErrors).toEqual([]);
    expect(commentsAfterLegs).toBe(0);
  });

  it('the workflow_run aggregator finds the pull request by head and posts one comment with both images', () => {
    expect(first.exitCode, describeRun(first)).toBe(1);
    expect(first.outputs).toMatchObject({ verdict: 'fail', 'pull-request': '2' });
    const pulls = gh.requestsTo('GET', '/repos/{owner}/{repo}/pulls');
    expect(pulls[0]!.query).toMatchObject({ head: 'forker:changes', state: 'open' });
    expect(gh.requestsTo('GET', '/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts')[0]!.path).toContain(
      `/runs/${runId}/`,
    );
    expect(ours()).toHaveLength(1);
    const body = ours()[0]!.body;
    expect(body).toContain('(2 images, 3 platforms, head ec26c3e)');
    expect(body).toMatch(/<details><summary><code>services\/api<\/code>/);
    expect(body).toMatch(/<details><summary><code>services\/worker<\/code>/);
    const report = merged(first);
    expect(
      report.images.map((i) => [i.label, i.platforms.map((p) => [p.platform, p.delta?.uncompressed])]),
    ).toEqual([
      [
        API,
        [
          ['linux/amd64', PAYLOADS.amd64.length],
          ['linux/arm64', PAYLOADS.arm64.length],
        ],
      ],
      [WORKER, [['linux/amd64', PAYLOADS.worker.length]]],
    ]);
    expect(report.headline).toMatchObject({ image: API, platform: 'linux/arm64' });
    expect(report.violations).toEqual([expect.objectContaining({ image: API, platform: 'linux/arm64' })]);
    expect(report.missing).toEqual([]);
    expect(gh.schemaViolations).toEqual([]);
  });

  it('a re-run updates the same comment', async () => {
    const id = ours()[0]!.id;
    const again = await aggregator(workflowRunPayload());
    expect(again.outputs['pull-request'], describeRun(again)).toBe('2');
    expect(ours().map((c) => c.id)).toEqual([id]);
  });

  it('two aggregators racing on the pull request end with exactly one comment', async () => {
    gh.holdUntil('GET', COMMENTS, 2);
    const racing = await Promise.all([
      aggregator(workflowRunPayload(), { 'comment-key': 'race' }),
      aggregator(workflowRunPayload(), { 'comment-key': 'race' }),
    ]);
    expect(racing.map((run) => run.outputs['pull-request'])).toEqual(['2', '2']);
    expect(ours('race')).toHaveLength(1);
  });

  it('a workflow_run for a head with no open pull request posts nothing and says why', async () => {
    const before = gh.comments(2).length;
    const run = await aggregator(workflowRunPayload('not-a-pull-request'), { 'comment-key': 'nowhere' });
    expect(run.outputs['pull-request'], describeRun(run)).toBe('');
    expect(run.stdout).toContain(
      'no comment: no open pull request has the head forker/Hello-World branch not-a-pull-request at ec26c3e',
    );
    expect(gh.comments(2)).toHaveLength(before);
  });

  it('the same reports as files, on the pull_request event of the same workflow, give the same verdict', async () => {
    const dir = mkdtempSync(join(root, 'reports-'));
    const reports = legs.map((run) => run.outputs['report-path']!);
    const run = await aggregator(
      forkPullRequest(),
      { reports: reports.join('\n'), comment: 'false', expect: EXPECT },
      'pull_request',
    );
    expect(run.outputs.verdict, describeRun(run)).toBe('fail');
    expect(merged(run).legs).toHaveLength(3);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a missing leg is listed as missing, and hostile reports are refused or escaped, never posted raw', async () => {
    const good = reportOf(legs[2]!);
    const forged = structuredClone(good);
    const hostile = `<!-- image-size-gate:default --> @octocat <img src=x onerror=alert(1)> ::error::x ${'A'.repeat(20_000)}`;
    forged.run!.fingerprint.parts.image = hostile;
    const lying = structuredClone(good);
    lying.platforms[0]!.delta!.uncompressed = -1;
    const hostileRun = gh.addWorkflowRun({
      headSha: HEAD,
      event: 'pull_request',
      headBranch: 'changes',
      headRepository: FORK,
    });
    gh.addArtifact(hostileRun, {
      name: 'image-size-gate-report-forged',
      zip: await zipOf({ 'report.json': JSON.stringify(forged) }),
    });
    gh.addArtifact(hostileRun, {
      name: 'image-size-gate-report-lying',
      zip: await zipOf({ 'report.json': JSON.stringify(lying) }),
    });
    const payload = workflowRunPayload();
    (payload.workflow_run as { id: number }).id = hostileRun;
    const run = await aggregator(payload, { 'comment-key': 'hostile' });
    expect(run.outputs['pull-request'], describeRun(run)).toBe('2');
    const report = merged(run);
    expect(
      report.missing.map((m) => [m.image, m.platform]),
      JSON.stringify(report.missing, null, 1).slice(0, 3000),
    ).toEqual([
      ['artifact image-size-gate-report-lying', null],
      [API, 'linux/amd64'],
      [API, 'linux/arm64'],
      // The forged report names another image: the worker's leg is not in this run.
      [WORKER, 'linux/amd64'],
    ]);
    expect(report.missing[0]!.reason).toBe(
      'report refused: its figures do not add up: linux/amd64 uncompressed delta is not head minus base',
    );
    const body = ours('hostile')[0]!.body;
    expect(body.match(/<!--/g)).toHaveLength(2); // our marker and our head line, nothing else
    expect(body).not.toMatch(/<img|@octocat/);
    expect(body.length).toBeLessThan(20_000);
    expect(obeyedCommands(run.stdout).filter((c) => c.includes('error::x'))).toEqual([]);
  });
});
