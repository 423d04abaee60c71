// The gate with a report store: a push to main publishes its report; a pull request takes its baseline
// from it instead of building the base, with the same verdict and base figures as a build; every way the
// store can fail costs the store only.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GateContext, runGate } from '../../../src/gate/run-gate.js';
import type { PullRequestContext } from '../../../src/github/event.js';
import { type InputName, parseInputs } from '../../../src/inputs/inputs.js';
import { DirStore } from '../../../src/store/dir-store.js';
import type { StoreHistory } from '../../../src/store/lookup.js';
import type { ReportStore } from '../../../src/store/store.js';
import { baselineFigures as figures } from '../store/stored.js';
import {
  type BuildPlan,
  emptyRegistry,
  FakeBuildx,
  FakeComments,
  FakeDocker,
  FakeGit,
  FakeSummary,
  RecordingLog,
} from './fakes.js';
import type { PlatformImage } from './oci-layout.js';

const BASE_SHA = 'b'.repeat(40);
const PARENT_SHA = 'c'.repeat(40);
const HEAD_SHA = 'a'.repeat(40);
const PULL_REQUEST: PullRequestContext = {
  owner: 'acme',
  repo: 'api',
  number: 7,
  baseRef: 'main',
  baseSha: BASE_SHA,
  headRef: 'feature',
  headSha: HEAD_SHA,
  headRepoFullName: 'acme/api',
  isFork: false,
};

let root: string;
let workspace: string;
let worktreeRoot: string;
beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'isg-gate-store-')));
  workspace = join(root, 'repo');
  worktreeRoot = join(root, 'worktrees');
  await mkdir(join(workspace, 'svc'), { recursive: true });
  await mkdir(worktreeRoot);
  await writeFile(join(workspace, 'svc', 'Dockerfile'), 'FROM scratch\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function image(platform: string, serverBytes: number): PlatformImage {
  return {
    platform,
    layers: [
      { createdBy: 'ADD rootfs.tar / # buildkit', files: [{ path: 'bin/busybox', size: 40_000 }] },
      {
        createdBy: 'COPY /out/server /app/server # buildkit',
        files: [{ path: 'app/server', size: serverBytes }],
      },
    ],
  };
}
const LEAN = [image('linux/amd64', 1_000_000), image('linux/arm64', 900_000)];
const GROWN = [image('linux/amd64', 7_000_000), image('linux/arm64', 901_500)];

/** History where `changedSince` lists the ancestors since which the context changed. */
function history(changedSince: string[] = []): StoreHistory {
  return {
    async firstParentAncestors(sha) {
      return sha === BASE_SHA ? [PARENT_SHA] : [];
    },
    async changed(ancestor) {
      return changedSince.includes(ancestor);
    },
    async commitsTouching() {
      return 1;
    },
  };
}

interface Run {
  raw?: Partial<Record<InputName, string>>;
  push?: { sha: string };
  head?: BuildPlan;
  base?: BuildPlan;
  store?: ReportStore | null;
  history?: StoreHistory;
  /** Uncommitted changes in the checkout (a local run). */
  dirty?: boolean;
}

async function gate(run: Run) {
  const inputs = parseInputs((name) => ({ context: 'svc', 'max-increase': '5MB', ...run.raw })[name] ?? '', {
    workspace,
    eventBaseRef: run.push ? null : 'main',
    publishByDefault: run.push !== undefined,
  });
  const buildx = new FakeBuildx({ head: run.head ?? GROWN, base: run.base ?? LEAN }, (spec) =>
    spec.context.startsWith(worktreeRoot) ? 'base' : 'head',
  );
  const git = new FakeGit({
    baseSha: BASE_SHA,
    dockerfileAtBase: 'svc/Dockerfile',
    worktreeRoot,
    repositoryRoot: workspace,
  });
  const log = new RecordingLog();
  const context: GateContext = {
    eventName: run.push ? 'push' : 'pull_request',
    workspace,
    pullRequest: run.push ? null : PULL_REQUEST,
    defaultReportFile: null,
    headSha: run.push?.sha ?? null,
    ref: run.push ? 'refs/heads/main' : 'refs/pull/7/merge',
    ...(run.dirty ? { dirty: true } : {}),
  };
  const result = await runGate(inputs, context, {
    buildx,
    docker: new FakeDocker(),
    registry: emptyRegistry(),
    git,
    comments: new FakeComments({ kind: 'created', id: 1, htmlUrl: 'https://github.com/acme/api/pull/7#c1' }),
    summary: new FakeSummary(),
    log,
    reportStore: run.store ?? null,
    storeHistory: run.history ?? history(),
  });
  return { result, buildx, git, log };
}

describe('runGate on the base commit itself', () => {
  const onMain = { 'base-ref': 'main', baseline: 'build' };

  it("takes the head's build for the base when the head is a clean build of the base commit", async () => {
    const { result, buildx, git, log } = await gate({ push: { sha: BASE_SHA }, head: LEAN, raw: onMain });
    expect(buildx.builds.map((b) => b.role)).toEqual(['head']);
    expect(git.worktrees).toEqual([]);
    expect(log.infos).toContain(
      "the base commit bbbbbbb is the commit the head was built from (a clean checkout): the head's build stands for it",
    );
    expect(result.report.baseline).toEqual({ source: 'build', commit: BASE_SHA, reason: null, stored: null });
    expect(result.report.platforms.map((p) => p.delta)).toEqual([
      { uncompressed: 0, compressed: 0 },
      { uncompressed: 0, compressed: 0 },
    ]);
    expect(result.markdown).toContain('base: base (bbbbbbb)');
  });

  it('builds the base when the head is another commit, or has uncommitted changes', async () => {
    const other = await gate({ push: { sha: HEAD_SHA }, raw: onMain });
    expect(other.buildx.builds.map((b) => b.role)).toEqual(['head', 'base']);
    const dirty = await gate({ push: { sha: BASE_SHA }, raw: onMain, dirty: true });
    expect(dirty.buildx.builds.map((b) => b.role)).toEqual(['head', 'base']);
    expect(dirty.result.report.platforms[0]!.delta!.uncompressed).toBe(6_000_000);
  });
});

describe('runGate with a report store', () => {
  it('publishes a push to main, then a pull request takes its baseline from it: no base build, the same figures as a build', async () => {
    const store = new DirStore(join(root, 'store-flow'));
    const push = await gate({ push: { sha: BASE_SHA }, head: LEAN, store, raw: { store: 'dir://unused' } });
    expect(push.result.report.run).toMatchObject({ commit: BASE_SHA, ref: 'refs/heads/main', event: 'push' });
    expect((await store.list()).map((r) => r.run?.commit)).toEqual([BASE_SHA]);
    expect(push.log.infos).toContain(`stored the report of ${BASE_SHA.slice(0, 12)} in ${store.name}`);

    const fromStore = await gate({ store, raw: { store: 'dir://unused' } });
    const built = await gate({ store, raw: { store: 'dir://unused', baseline: 'build' } });

    expect(fromStore.buildx.builds.map((b) => b.role)).toEqual(['head']);
    expect(fromStore.git.worktrees).toEqual([]);
    expect(Object.keys(fromStore.result.report.timings).filter((t) => t.startsWith('base '))).toEqual([]);
    expect(fromStore.result.report.timings).toHaveProperty(['store lookup']);
    expect(built.buildx.builds.map((b) => b.role)).toEqual(['head', 'base']);

    expect(fromStore.result.decision.verdict).toBe('fail');
    expect(figures(fromStore.result.report)).toBe(figures(built.result.report));
    expect(fromStore.result.outputs).toEqual(built.result.outputs);
    expect(fromStore.result.report.baseline).toEqual({
      source: 'store',
      commit: BASE_SHA,
      reason: null,
      stored: {
        commit: BASE_SHA,
        ref: 'refs/heads/main',
        event: 'push',
        generatedAt: push.result.report.generatedAt,
        distance: 0,
      },
    });
    expect(built.result.report.baseline).toEqual({
      source: 'build',
      commit: BASE_SHA,
      reason: null,
      stored: null,
    });
    const day = push.result.report.generatedAt.slice(0, 10);
    expect(fromStore.result.markdown).toContain(`base: stored report of bbbbbbb (push to main, ${day})`);
    // A pull request's report is never a baseline for anyone.
    expect((await store.list()).map((r) => r.run?.commit)).toEqual([BASE_SHA]);
  });

  it("uses an ancestor's report when nothing under the context changed since (near hit), and says so", async () => {
    const store = new DirStore(join(root, 'store-near'));
    await gate({ push: { sha: PARENT_SHA }, head: LEAN, store, raw: { store: 'dir://unused' } });
    const { result, buildx } = await gate({ store, raw: { store: 'dir://unused' } });
    expect(buildx.builds.map((b) => b.role)).toEqual(['head']);
    expect(result.report.baseline).toMatchObject({
      source: 'store',
      commit: BASE_SHA,
      reason: 'stored report of ccccccc, 1 commit before the base; no change under the build context since',
      stored: { commit: PARENT_SHA, distance: 1 },
    });
    expect(result.markdown).toContain(
      'base: stored report of ccccccc, 1 commit before the base; no change under the build context since (push to main,',
    );
  });

  it('builds the base when the stored report is stale, and says why', async () => {
    const store = new DirStore(join(root, 'store-stale'));
    await gate({ push: { sha: PARENT_SHA }, head: LEAN, store, raw: { store: 'dir://unused' } });
    const { result, buildx } = await gate({
      store,
      history: history([PARENT_SHA]),
      raw: { store: 'dir://unused' },
    });
    expect(buildx.builds.map((b) => b.role)).toEqual(['head', 'base']);
    expect(result.report.baseline).toEqual({
      source: 'build',
      commit: BASE_SHA,
      reason: 'the stored report of ccccccc is stale: context changed in 1 commit since ccccccc',
      stored: null,
    });
    // Colons are escaped like all text from a stored report or an image.
    expect(result.markdown).toContain(
      'The report store did not serve&#58; the stored report of ccccccc is stale&#58; context changed in 1 commit since ccccccc; built the base instead.',
    );
  });

  it('misses on a changed build-arg (another fingerprint) and builds', async () => {
    const store = new DirStore(join(root, 'store-args'));
    await gate({
      push: { sha: BASE_SHA },
      head: LEAN,
      store,
      raw: { store: 'dir://unused', 'build-args': 'GO=1.24' },
    });
    const { result, buildx } = await gate({ store, raw: { store: 'dir://unused', 'build-args': 'GO=1.26' } });
    expect(buildx.builds.map((b) => b.role)).toEqual(['head', 'base']);
    expect(result.report.baseline.reason).toMatch(
      /^no stored report with this fingerprint for the base commit bbbbbbb/,
    );
  });

  it('turns a store error into a miss with the cause, never a crash; `baseline: store` then has no baseline', async () => {
    const broken: ReportStore = {
      name: 'registry://localhost:5000/acme/sizes',
      put: async () => {
        throw new Error('PUT answered 401 Unauthorized');
      },
      get: async () => ({ kind: 'error', cause: 'GET answered 503 Service Unavailable' }),
      list: async () => [],
    };
    const auto = await gate({ store: broken, raw: { store: 'dir://unused' } });
    expect(auto.buildx.builds.map((b) => b.role)).toEqual(['head', 'base']);
    expect(auto.result.report.baseline.reason).toBe(
      'the store registry://localhost:5000/acme/sizes could not be read: GET answered 503 Service Unavailable',
    );
    expect(auto.log.warnings.some((w) => w.includes('503 Service Unavailable'))).toBe(true);

    const forced = await gate({ store: broken, raw: { store: 'dir://unused', baseline: 'store' } });
    expect(forced.buildx.builds.map((b) => b.role)).toEqual(['head']);
    expect(forced.result.decision.verdict).toBe('no-baseline');
    expect(forced.result.report.baseMissingReason).toContain('503 Service Unavailable');
    expect(forced.result.report.baseline.source).toBe('none');
    expect(forced.result.report.baseMissingCause).toBe('stored-report-unavailable');

    // A store that cannot take the report costs the store only: the verdict stands.
    const push = await gate({
      push: { sha: BASE_SHA },
      head: LEAN,
      store: broken,
      raw: { store: 'dir://unused' },
    });
    expect(push.result.decision.verdict).toBe('no-baseline');
    expect(push.log.warnings).toContain(
      'could not store the report in registry://localhost:5000/acme/sizes: PUT answered 401 Unauthorized (the verdict stands)',
    );
  });

  it('escapes what a stored report says about itself like image data', async () => {
    const store = new DirStore(join(root, 'store-hostile'));
    await gate({ push: { sha: BASE_SHA }, head: LEAN, store, raw: { store: 'dir://unused' } });
    const [stored] = await store.list();
    await store.put({
      ...stored!,
      run: {
        ...stored!.run!,
        ref: 'refs/heads/x @admin <img src=x onerror=alert(1)> ::set-output name=v::1',
        event: '@team <b>',
      },
    });
    const { result } = await gate({ store, raw: { store: 'dir://unused' } });
    expect(result.report.baseline.source).toBe('store');
    for (const raw of ['@admin', '@team', '<img', '<b>', '::set-output'])
      expect(result.markdown).not.toContain(raw);
  });

  it('never publishes a pull request, even when asked', async () => {
    const store = new DirStore(join(root, 'store-pr'));
    const { log } = await gate({ store, raw: { store: 'dir://unused', publish: 'true' } });
    expect(existsSync(join(root, 'store-pr'))).toBe(false);
    expect(log.infos).toContain("not publishing: a pull request's report is never a baseline for anyone");
  });
});
