// The gate on real Docker with each report store: a push to main publishes its report; a pull request with
// `baseline: auto` takes its baseline from the store and builds only its head, with the verdict and base
// figures of a `baseline: build` run to the byte. Near hit, stale and fingerprint miss on a real git history.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildSpec } from '../../../src/buildx/argv.js';
import { DockerBuildx } from '../../../src/buildx/buildx.js';
import { bloatDockerfile, exampleDir } from '../../../src/demo/demo.js';
import { type GateResult, runGate } from '../../../src/gate/run-gate.js';
import { storeHistory } from '../../../src/git/history.js';
import { createGitHubClient } from '../../../src/github/client.js';
import { parseInputs } from '../../../src/inputs/inputs.js';
import { ActionsStore, actionsArtifactUploader } from '../../../src/store/actions-store.js';
import { DirStore } from '../../../src/store/dir-store.js';
import { RegistryStore } from '../../../src/store/registry-store.js';
import type { ReportStore } from '../../../src/store/store.js';
import { type ArtifactServiceStandin, startArtifactService } from '../../support/artifact-service-standin.js';
import { CONTAINERD_SOCKET, REGISTRY, requireDaemon, requireRegistry } from '../../support/docker.js';
import { pushOrPullRequest, realGateServices } from '../../support/gate-services.js';
import { type GitHubStandin, startGitHubStandin } from '../../support/github-standin.js';
import { baselineFigures as figures } from '../../unit/store/stored.js';
import { git } from '../git/git-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'isg-gate-store-it-'));
const repo = join(root, 'repo');
const runnerTemp = join(root, 'temp');
const TOKEN = 'ghs_gate_store_token';

/** Every buildx build, with the context it built: the head's is the repository, a base's a worktree. */
class CountingBuildx extends DockerBuildx {
  readonly contexts: string[] = [];
  override build(spec: BuildSpec, log: (line: string) => void) {
    this.contexts.push(spec.context);
    return super.build(spec, log);
  }
}

interface Run {
  store: ReportStore;
  raw?: Record<string, string>;
  push?: string;
  base?: string;
}

async function gate(run: Run) {
  const inputs = parseInputs(
    (name) =>
      ({
        context: 'svc',
        platforms: 'linux/amd64',
        'max-increase': '5MB',
        store: 'dir://unused',
        ...run.raw,
      })[name as string] ?? '',
    { workspace: repo, eventBaseRef: run.push ? null : 'main', publishByDefault: run.push !== undefined },
  );
  const buildx = new CountingBuildx({ DOCKER_HOST: `unix://${CONTAINERD_SOCKET}`, RUNNER_TEMP: runnerTemp });
  const logs: string[] = [];
  const head = git(repo, 'rev-parse', 'HEAD');
  const result = await runGate(inputs, pushOrPullRequest(repo, run, 'bloat', head), {
    ...realGateServices({ buildx, socket: CONTAINERD_SOCKET, runnerTemp, logs }),
    reportStore: run.store,
    storeHistory: storeHistory(repo),
  });
  return { result, buildx, logs };
}

let lean: string;
let gh: GitHubStandin;
let service: ArtifactServiceStandin;
let currentRun = 0;
const savedEnv = { ...process.env };

beforeAll(async () => {
  await requireDaemon(CONTAINERD_SOCKET);
  await requireRegistry();
  mkdirSync(runnerTemp);
  // The service under svc/ (the build context) and docs/ outside it.
  cpSync(exampleDir(), join(repo, 'svc'), { recursive: true });
  mkdirSync(join(repo, 'docs'));
  writeFileSync(join(repo, 'docs', 'README.md'), 'docs\n');
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'lean');
  lean = git(repo, 'rev-parse', 'HEAD');
  process.env.RUNNER_TEMP = runnerTemp;

  gh = await startGitHubStandin({ owner: 'acme', repo: 'api', token: TOKEN });
  service = await startArtifactService({
    onFinalized: (artifact) => gh.addArtifact(currentRun, { name: artifact.name, zip: artifact.zip }),
  });
  Object.assign(process.env, service.env());
});

afterAll(async () => {
  process.env = savedEnv;
  await gh?.close();
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

const checkout = (branch: string) => git(repo, 'checkout', '-q', branch);
const bloat = () => {
  git(repo, 'checkout', '-q', '-B', 'bloat', lean);
  const dockerfile = join(repo, 'svc', 'Dockerfile');
  writeFileSync(dockerfile, bloatDockerfile(readFileSync(dockerfile, 'utf8')));
  git(repo, 'commit', '-q', '-am', 'bloat');
};

const stores: [string, () => Promise<ReportStore>][] = [
  ['dir://', async () => new DirStore(join(root, `dir-store-${randomBytes(3).toString('hex')}`))],
  [
    'registry://',
    async () => new RegistryStore(`${REGISTRY}/isg-store-it/gate-${randomBytes(4).toString('hex')}`),
  ],
  [
    'actions',
    async () =>
      new ActionsStore({
        owner: 'acme',
        repo: 'api',
        github: createGitHubClient({ token: TOKEN, baseUrl: gh.baseUrl, retries: 0 }),
        token: TOKEN,
        apiUrl: gh.baseUrl,
        uploader: await actionsArtifactUploader(),
        tempRoot: runnerTemp,
      }),
  ],
];

describe.each(stores)('the %s store', (kind, open) => {
  let store: ReportStore;
  let fromStore: { result: GateResult; buildx: CountingBuildx };
  let built: { result: GateResult; buildx: CountingBuildx };

  beforeAll(async () => {
    store = await open();
    checkout('main');
    currentRun = gh.addWorkflowRun({ headSha: lean, event: 'push' });
    const push = await gate({ store, push: lean });
    expect(push.result.report.run?.commit).toBe(lean);
    bloat();
    fromStore = await gate({ store, base: lean });
    built = await gate({ store, base: lean, raw: { baseline: 'build' } });
  });

  it('a push run on main publishes its report', async () => {
    const read = await store.get({ commit: lean, fingerprint: fromStore.result.report.run!.fingerprint.id });
    expect(read.kind).toBe('found');
    if (kind === 'actions') expect(service.calls).toContain('FinalizeArtifact');
  });

  it('a pull request takes its baseline from the store and builds only its head', () => {
    expect(fromStore.result.report.baseline).toMatchObject({
      source: 'store',
      commit: lean,
      stored: { commit: lean, distance: 0 },
    });
    expect(fromStore.buildx.contexts).toEqual([join(repo, 'svc')]);
    expect(Object.keys(fromStore.result.report.timings).filter((t) => t.startsWith('base '))).toEqual([]);
    expect(built.buildx.contexts).toHaveLength(2);
    expect(Object.keys(built.result.report.timings)).toContain('base build');
  });

  it('decides the same verdict on the same base figures, to the byte, as a baseline build', () => {
    expect(fromStore.result.decision.verdict).toBe('fail');
    expect(figures(fromStore.result.report)).toBe(figures(built.result.report));
    expect(fromStore.result.outputs).toEqual(built.result.outputs);
  });
});

describe('the stale guard on a real history (dir:// store)', () => {
  let store: DirStore;
  beforeAll(async () => {
    store = new DirStore(join(root, 'stale-store'));
    checkout('main');
    git(repo, 'reset', '-q', '--hard', lean);
    await gate({ store, push: lean });
  });

  it('uses the report of an ancestor when only files outside the context changed (near hit)', async () => {
    checkout('main');
    writeFileSync(join(repo, 'docs', 'README.md'), 'more docs\n');
    git(repo, 'commit', '-q', '-am', 'docs only');
    const docs = git(repo, 'rev-parse', 'HEAD');
    bloat();
    const { result, buildx } = await gate({ store, base: docs });
    expect(result.report.baseline).toMatchObject({
      source: 'store',
      commit: docs,
      reason: `stored report of ${lean.slice(0, 7)}, 1 commit before the base; no change under the build context since`,
      stored: { commit: lean, distance: 1 },
    });
    expect(buildx.contexts).toEqual([join(repo, 'svc')]);
  });

  it('builds the base when a file under the context changed since the stored report (stale)', async () => {
    checkout('main');
    writeFileSync(join(repo, 'svc', 'NOTES.txt'), 'a file in the build context\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'context change');
    const changed = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'checkout', '-q', '-B', 'feature', changed);
    writeFileSync(join(repo, 'docs', 'README.md'), 'feature docs\n');
    git(repo, 'commit', '-q', '-am', 'feature');
    const { result, buildx } = await gate({ store, base: changed });
    expect(result.report.baseline).toEqual({
      source: 'build',
      commit: changed,
      reason: `the stored report of ${lean.slice(0, 7)} is stale: context changed in 1 commit since ${lean.slice(0, 7)}`,
      stored: null,
    });
    expect(buildx.contexts).toHaveLength(2);
  });

  it('misses on a changed build-arg: another fingerprint', async () => {
    bloat();
    const { result, buildx } = await gate({ store, base: lean, raw: { 'build-args': 'UNUSED_ARG=1' } });
    expect(result.report.baseline.source).toBe('build');
    expect(result.report.baseline.reason).toMatch(
      /^no stored report with this fingerprint for the base commit/,
    );
    expect(buildx.contexts).toHaveLength(2);
  });
});
