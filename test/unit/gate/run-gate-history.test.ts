// The size history through the whole gate: pushes to main publish their reports in a dir:// store, in a
// real git repository; a pull request then reads them back along the base branch's first-parent history
// and shows them as a mermaid chart and a folded table. Two stored reports make no chart.
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GateContext, runGate } from '../../../src/gate/run-gate.js';
import { storeHistory } from '../../../src/git/history.js';
import type { PullRequestContext } from '../../../src/github/event.js';
import { type InputName, parseInputs } from '../../../src/inputs/inputs.js';
import { DirStore } from '../../../src/store/dir-store.js';
import type { ReportStore } from '../../../src/store/store.js';
import { git } from '../../integration/git/git-fixture.js';
import {
  emptyRegistry,
  FakeBuildx,
  FakeComments,
  FakeDocker,
  FakeGit,
  FakeSummary,
  RecordingLog,
} from './fakes.js';
import type { PlatformImage } from './oci-layout.js';

let root: string;
let workspace: string;
let worktreeRoot: string;
let repo: string;
beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'isg-gate-history-')));
  workspace = join(root, 'workspace');
  worktreeRoot = join(root, 'worktrees');
  repo = join(root, 'repo');
  await mkdir(join(workspace, 'svc'), { recursive: true });
  await mkdir(worktreeRoot);
  await mkdir(repo);
  await writeFile(join(workspace, 'svc', 'Dockerfile'), 'FROM scratch\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh repository on main with `n` commits; their SHAs oldest first. */
function mainHistory(dir: string, n: number): string[] {
  git(dir, 'init', '-q', '-b', 'main');
  return Array.from({ length: n }, (_, i) => {
    git(dir, 'commit', '-q', '--allow-empty', '-m', `commit ${i + 1}`);
    return git(dir, 'rev-parse', 'HEAD');
  });
}

const image = (platform: string, serverBytes: number): PlatformImage => ({
  platform,
  layers: [
    {
      createdBy: 'COPY /out/server /app/server # buildkit',
      files: [{ path: 'app/server', size: serverBytes }],
    },
  ],
});
// Tens of kilobytes keep the fake builds fast; the chart still tells them apart (MB with two decimals).
const sized = (n: number) => [image('linux/amd64', n * 10_000), image('linux/arm64', n * 9_000)];

const RAW: Partial<Record<InputName, string>> = { context: 'svc', store: 'dir://unused' };

async function gate(store: ReportStore, repoDir: string, tip: string, run: { push?: string; mb: number }) {
  const inputs = parseInputs((name) => RAW[name] ?? '', {
    workspace,
    eventBaseRef: run.push ? null : 'main',
    publishByDefault: run.push !== undefined,
  });
  const pullRequest: PullRequestContext = {
    owner: 'acme',
    repo: 'api',
    number: 7,
    baseRef: 'main',
    baseSha: tip,
    headRef: 'feature',
    headSha: 'f'.repeat(40),
    headRepoFullName: 'acme/api',
    isFork: false,
  };
  const context: GateContext = {
    eventName: run.push ? 'push' : 'pull_request',
    workspace,
    pullRequest: run.push ? null : pullRequest,
    defaultReportFile: null,
    headSha: run.push ?? null,
    ref: run.push ? 'refs/heads/main' : 'refs/pull/7/merge',
  };
  const comments = new FakeComments({
    kind: 'created',
    id: 1,
    htmlUrl: 'https://github.com/acme/api/pull/7#c1',
  });
  const log = new RecordingLog();
  const result = await runGate(inputs, context, {
    buildx: new FakeBuildx({ head: sized(run.mb), base: sized(run.mb) }, () => 'head'),
    docker: new FakeDocker(),
    registry: emptyRegistry(),
    git: new FakeGit({
      baseSha: tip,
      dockerfileAtBase: 'svc/Dockerfile',
      worktreeRoot,
      repositoryRoot: workspace,
    }),
    comments,
    summary: new FakeSummary(),
    log,
    reportStore: store,
    storeHistory: storeHistory(repoDir),
  });
  return { result, comments, log };
}

/** Publishes one report per commit, as pushes to main do, then gates a pull request on the tip. */
async function publishedThenPullRequest(name: string, commits: number) {
  const dir = join(repo, name);
  await mkdir(dir);
  const shas = mainHistory(dir, commits);
  const store = new DirStore(join(root, `store-${name}`));
  for (const [i, sha] of shas.entries()) await gate(store, dir, sha, { push: sha, mb: 10 + i });
  return { shas, ...(await gate(store, dir, shas.at(-1)!, { mb: 20 })) };
}

describe('runGate with history', () => {
  it('charts 6 published main commits and the pull request head: 7 points per platform, and the table', {
    timeout: 60_000,
  }, async () => {
    const { shas, result, comments, log } = await publishedThenPullRequest('six', 6);
    const body = comments.calls[0]!.body;
    expect(body).toBe(result.markdown);
    const charts = body.split('```mermaid').slice(1);
    expect(charts).toHaveLength(2);
    for (const [i, platform] of ['linux/amd64', 'linux/arm64'].entries()) {
      const chart = charts[i]!;
      expect(chart).toContain('xychart-beta');
      expect(chart).toContain(`title "${platform} uncompressed size, MB (10^6 bytes)"`);
      expect(chart).toContain('y-axis "uncompressed MB (10^6 bytes)"');
      const labels = /x-axis \[(.*)\]/.exec(chart)![1]!.split(', ');
      expect(labels).toEqual([...shas.map((s) => `"${s.slice(0, 7)}"`), '"head fffffff"']);
      const values = /line \[(.*)\]/.exec(chart)![1]!.split(', ').map(Number);
      expect(values).toHaveLength(7);
      expect(values.at(-1)).toBeGreaterThan(values[0]!);
    }
    expect(body).toContain('<details><summary>The history as a table</summary>');
    const rows = body.split('\n').filter((l) => /^\| `(head )?[0-9a-f]{7}` \|/.test(l));
    expect(rows).toHaveLength(7);
    expect(rows.at(-1)).toContain('this pull request');
    const history = result.report.history!;
    expect(history.platforms.map((p) => p.points.length)).toEqual([7, 7]);
    expect(history.platforms[0]!.points.map((p) => p.commit)).toEqual([...shas, 'f'.repeat(40)]);
    expect(log.infos).toContainEqual(expect.stringMatching(/^\[phase\] history: \d+\.\d\d s$/));
    expect(log.infos.find((l) => l.startsWith('history: '))).toMatch(
      /^history: 6 stored reports in 6 reads from /,
    );
  });

  it('shows no chart and no table with only 2 published commits', { timeout: 60_000 }, async () => {
    const { result } = await publishedThenPullRequest('two', 2);
    expect(result.report.history?.platforms.map((p) => p.points.length)).toEqual([3, 3]);
    expect(result.markdown).not.toContain('xychart-beta');
    expect(result.markdown).not.toContain('The history as a table');
  });
});
