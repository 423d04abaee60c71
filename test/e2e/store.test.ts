// End to end with `store: actions`: the bundled dist/index.js run as the runner runs it. A push to main
// uploads its report through @actions/artifact to the artifact-service stand-in; a pull request then finds
// it through the REST stand-in (GitHub's published routes), builds only its head, and decides what a
// `baseline: build` run decides, on the same base figures.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoRepository } from '../../src/demo/demo.js';
import type { Report } from '../../src/report/json.js';
import { type ArtifactServiceStandin, startArtifactService } from '../support/artifact-service-standin.js';
import { CONTAINERD_SOCKET, requireDaemon, requireRegistry } from '../support/docker.js';
import { type GitHubStandin, startGitHubStandin } from '../support/github-standin.js';
import { baselineFigures } from '../unit/store/stored.js';
import {
  ACTION_ENTRY,
  type ActionRun,
  type DockerRecorder,
  describeRun,
  dockerRecorder,
  EVENT_FIXTURES,
  findOnPath,
  pullRequestPayload,
  runAction,
} from './runner.js';

const TOKEN = 'ghs_e2eStoreToken0123456789abcdef';
const REPOSITORY = 'Codertocat/Hello-World';

let root: string;
let workspace: string;
let gh: GitHubStandin;
let service: ArtifactServiceStandin;
let realDocker: string;
let runId = 0;
let push: ActionRun;
let fromStore: { run: ActionRun; recorder: DockerRecorder };
let built: { run: ActionRun; recorder: DockerRecorder };
const git = (...args: string[]) => execFileSync('git', args, { cwd: workspace, encoding: 'utf8' }).trim();

function gate(eventName: string, payload: Record<string, unknown>, inputs: Record<string, string> = {}) {
  const recorder = dockerRecorder(realDocker, mkdtempSync(join(root, 'docker-')));
  return runAction({
    root,
    inputs: {
      'github-token': TOKEN,
      store: 'actions',
      platforms: 'linux/amd64',
      'max-increase': '5MB',
      ...inputs,
    },
    eventName,
    payload,
    workspace,
    apiUrl: gh.baseUrl,
    // Only named, never called: the artifact client checks that it is not talking to GitHub Enterprise Server.
    serverUrl: 'https://github.com',
    repository: REPOSITORY,
    pathPrefix: [recorder.binDir],
    extraEnv: { DOCKER_HOST: `unix://${CONTAINERD_SOCKET}`, ...service.env() },
  }).then((run) => ({ run, recorder }));
}

const reportOf = (run: ActionRun) => JSON.parse(readFileSync(run.outputs['report-path']!, 'utf8')) as Report;

beforeAll(async () => {
  await requireDaemon(CONTAINERD_SOCKET);
  await requireRegistry();
  realDocker = findOnPath('docker');
  if (!existsSync(ACTION_ENTRY))
    throw new Error(`${ACTION_ENTRY} is missing: run \`node scripts/build.mjs\``);
  root = mkdtempSync(join(tmpdir(), 'isg-e2e-store-'));
  workspace = createDemoRepository(join(root, 'workspace'));
  gh = await startGitHubStandin({ token: TOKEN });
  service = await startArtifactService({
    onFinalized: (artifact) => gh.addArtifact(runId, { name: artifact.name, zip: artifact.zip }),
  });
  const main = git('rev-parse', 'main');
  const bloat = git('rev-parse', 'bloat');

  git('checkout', '-q', 'main');
  const pushPayload = JSON.parse(readFileSync(join(EVENT_FIXTURES, 'push.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  Object.assign(pushPayload, { ref: 'refs/heads/main', after: main });
  (pushPayload.repository as Record<string, unknown>).default_branch = 'main';
  runId = gh.addWorkflowRun({ headSha: main, event: 'push' });
  push = (await gate('push', pushPayload)).run;

  git('checkout', '-q', 'bloat');
  const commits = { baseRef: 'main', baseSha: main, headRef: 'bloat', headSha: bloat };
  fromStore = await gate('pull_request', pullRequestPayload('pull_request.opened.json', commits));
  built = await gate('pull_request', pullRequestPayload('pull_request.opened.json', commits), {
    baseline: 'build',
  });
});

afterAll(async () => {
  await gh?.close();
  await service?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('store: actions, end to end', () => {
  it('a push to main publishes its report as an artifact, over the protocol the toolkit speaks', () => {
    expect(push.exitCode, describeRun(push)).toBe(0);
    expect(service.calls).toEqual(['CreateArtifact', 'FinalizeArtifact']);
    expect(service.protocolErrors).toEqual([]);
    expect(service.artifacts).toHaveLength(1);
    expect(reportOf(push).run).toMatchObject({ ref: 'refs/heads/main', event: 'push' });
  });

  it('a pull request takes its baseline from it and builds only its head', () => {
    expect(fromStore.run.exitCode, describeRun(fromStore.run)).toBe(1);
    expect(reportOf(fromStore.run).baseline).toMatchObject({ source: 'store', stored: { distance: 0 } });
    expect(fromStore.recorder.builds()).toHaveLength(1);
    expect(built.recorder.builds()).toHaveLength(2);
    expect(Object.keys(reportOf(fromStore.run).timings).filter((t) => t.startsWith('base '))).toEqual([]);
    expect(fromStore.run.summary).toMatch(
      /base: stored report of [0-9a-f]{7} \(push to main, \d{4}-\d{2}-\d{2}\)/,
    );
    expect(gh.schemaViolations).toEqual([]);
  });

  it('decides what a baseline build decides, on the same base figures', () => {
    expect(baselineFigures(reportOf(fromStore.run))).toBe(baselineFigures(reportOf(built.run)));
    const { 'report-path': _a, ...storeOutputs } = fromStore.run.outputs;
    const { 'report-path': _b, ...buildOutputs } = built.run.outputs;
    expect(storeOutputs).toEqual(buildOutputs);
    // A pull request's report is never stored.
    expect(service.artifacts).toHaveLength(1);
  });
});
