// End to end: the bundled dist/index.js run as the GitHub runner runs it (INPUT_* variables, a real
// pull_request payload, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files) against the GitHub REST stand-in on
// loopback, building the demo repository's lean base commit and bloated head commit with the real
// Docker daemon. One demo repository serves every case; BuildKit's cache keeps each gate run short.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDemoRepository } from '../../src/demo/demo.js';
import { REPORT_SCHEMA_VERSION } from '../../src/report/json.js';
import {
  CONTAINER_BUILDER,
  CONTAINERD_SOCKET,
  DOCKER28_BIN,
  DOCKER28_SOCKET,
  ENGINES,
  requireDaemon,
  requireRegistry,
} from '../support/docker.js';
import {
  GITHUB_ACTIONS_BOT,
  type GitHubStandin,
  githubFaults,
  startGitHubStandin,
} from '../support/github-standin.js';
import {
  ACTION_ENTRY,
  type ActionRun,
  type DockerRecorder,
  describeRun,
  dockerRecorder,
  findOnPath,
  pullRequestPayload,
  runAction,
} from './runner.js';

const TOKEN = 'ghs_e2eWorkflowToken0123456789abcdef';
// The fixtures' repository, which is also the one the stand-in serves by default.
const REPOSITORY = 'Codertocat/Hello-World';
const PR_NUMBER = 2;
const MARKER = '<!-- image-size-gate:default -->';
const LIST = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
const ONE = '/repos/{owner}/{repo}/issues/comments/{comment_id}';
const PLATFORMS = ['linux/amd64', 'linux/arm64'];

interface Commits {
  baseRef: string;
  baseSha: string;
  headRef: string;
  headSha: string;
}

let root: string;
let workspace: string;
let commits: Commits;
let realDocker: string;
let standin: GitHubStandin;
let docker: DockerRecorder;

beforeAll(async () => {
  // Missing Docker, registry or bundle fails the file here, never skips it.
  await requireDaemon(CONTAINERD_SOCKET);
  await requireRegistry();
  realDocker = findOnPath('docker');
  if (!existsSync(ACTION_ENTRY))
    throw new Error(`${ACTION_ENTRY} is missing: run \`node scripts/build.mjs\``);
  root = mkdtempSync(join(tmpdir(), 'isg-e2e-'));
  workspace = createDemoRepository(join(root, 'workspace'));
  const sha = (ref: string) => git(['rev-parse', ref]);
  commits = { baseRef: 'main', baseSha: sha('main'), headRef: 'bloat', headSha: sha('bloat') };
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

beforeEach(async () => {
  standin = await startGitHubStandin({ token: TOKEN });
  expect(`${standin.repository.owner}/${standin.repository.repo}`).toBe(REPOSITORY);
  docker = dockerRecorder(realDocker, mkdtempSync(join(root, 'docker-')));
});

afterEach(async () => {
  expect(standin.schemaViolations).toEqual([]);
  await standin.close();
  // Nothing half-written: the base build's worktree is gone whatever happened.
  expect(worktrees()).toEqual([realpathSync(workspace)]);
});

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: workspace, encoding: 'utf8' }).trim();
}

function worktrees(): string[] {
  return git(['worktree', 'list', '--porcelain'])
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}

interface GateRunOptions {
  inputs?: Record<string, string>;
  eventName?: 'pull_request' | 'pull_request_target';
  recorder?: DockerRecorder;
  extraEnv?: Record<string, string>;
  /** The label names the event payload's pull_request lists (a hint the gate re-reads through the API). */
  labels?: string[];
}

function gate(options: GateRunOptions = {}): Promise<ActionRun> {
  const eventName = options.eventName ?? 'pull_request';
  const payload = pullRequestPayload(`${eventName}.opened.json`, commits);
  if (options.labels) {
    (payload.pull_request as { labels: unknown }).labels = options.labels.map((name) => ({ name }));
  }
  return runAction({
    root,
    inputs: { 'github-token': TOKEN, ...options.inputs },
    eventName,
    payload,
    workspace,
    apiUrl: standin.baseUrl,
    repository: REPOSITORY,
    pathPrefix: [(options.recorder ?? docker).binDir],
    ...(options.extraEnv ? { extraEnv: options.extraEnv } : {}),
  });
}

function errors(run: ActionRun): string[] {
  return run.commands.filter((c) => c.command === 'error').map((c) => c.message);
}

function warnings(run: ActionRun): string[] {
  return run.commands.filter((c) => c.command === 'warning').map((c) => c.message);
}

/** The markdown a comment carries, without the marker line. */
function markdownOf(commentBody: string): string {
  expect(commentBody.startsWith(`${MARKER}\n`), commentBody.slice(0, 200)).toBe(true);
  return commentBody.slice(MARKER.length + 1);
}

interface ReportFile {
  schemaVersion: number;
  verdict: string;
  thresholds: { maxIncrease: number | null; basis: string };
  platforms: {
    platform: string;
    head: { sizes: { uncompressed: number } } | null;
    base: { sizes: { uncompressed: number } } | null;
    delta: { uncompressed: number } | null;
  }[];
}

/**
 * The outputs a run set, checked against its own JSON report: numbers, delta = head - base, and the
 * platform with the largest uncompressed growth (the default basis).
 */
function expectConsistentOutputs(run: ActionRun, verdict: string): ReportFile {
  const { outputs } = run;
  expect(outputs.verdict, describeRun(run)).toBe(verdict);
  for (const name of ['head-size', 'base-size', 'delta']) expect(outputs[name], name).toMatch(/^-?\d+$/);
  const head = Number(outputs['head-size']);
  const base = Number(outputs['base-size']);
  const delta = Number(outputs.delta);
  expect(delta).toBe(head - base);

  const reportPath = outputs['report-path'] ?? '';
  expect(relative(run.runnerTemp, reportPath).startsWith('..'), `${reportPath} is in RUNNER_TEMP`).toBe(
    false,
  );
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as ReportFile;
  expect(report.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
  expect(report.verdict).toBe(verdict);
  expect(report.platforms.map((p) => p.platform).sort()).toEqual(PLATFORMS);
  const largest = [...report.platforms].sort(
    (a, b) => (b.delta?.uncompressed ?? 0) - (a.delta?.uncompressed ?? 0),
  )[0];
  expect({ head, base, delta }).toEqual({
    head: largest?.head?.sizes.uncompressed,
    base: largest?.base?.sizes.uncompressed,
    delta: largest?.delta?.uncompressed,
  });
  // Only the report is left in RUNNER_TEMP: build directories and the base worktree are removed.
  expect(run.runnerTempEntries).toEqual(['image-size-gate', 'image-size-gate/report.json']);
  return report;
}

/** The step summary holds the comment's markdown, and the log prints it. */
function expectSummaryAndLog(run: ActionRun, markdown: string) {
  expect(run.summary.trimEnd()).toBe(markdown.trimEnd());
  expect(run.stdout).toContain(markdown.trimEnd());
}

/** The step failed through setFailed: exit 1 and one error line naming each failing platform and the threshold. */
function expectFailedOverThreshold(run: ActionRun) {
  expect(run.exitCode, describeRun(run)).toBe(1);
  const [error, ...more] = errors(run);
  expect(more).toEqual([]);
  for (const platform of PLATFORMS) expect(error).toContain(platform);
  expect(error).toMatch(/over max-increase 5\.00 MB \(5,000,000 B\)/);
}

describe('the bundled action on a pull_request event', () => {
  it('creates one sticky comment, then updates it in place past 150 other comments; fails over 5MB', async () => {
    const others = standin.seedComments(PR_NUMBER, 150);

    const first = await gate({ inputs: { 'max-increase': '5MB' } });
    expectFailedOverThreshold(first);
    expectConsistentOutputs(first, 'fail');
    expect(Number(first.outputs.delta)).toBeGreaterThan(5_000_000);
    // Both commits were built: the head and the base, each once for both platforms.
    expect(docker.builds()).toHaveLength(2);

    const posts = standin.requestsTo('POST', LIST);
    expect(posts.map((r) => r.status)).toEqual([201]);
    const stored = standin.comments(PR_NUMBER);
    expect(stored).toHaveLength(151);
    const sticky = stored.filter((c) => c.body.includes(MARKER));
    expect(sticky).toHaveLength(1);
    const [comment] = sticky as [(typeof sticky)[number]];
    expect(comment.user).toEqual(GITHUB_ACTIONS_BOT);
    const firstMarkdown = markdownOf(comment.body);
    expect(firstMarkdown.startsWith('### ❌ Image size: fail\n')).toBe(true);
    expectSummaryAndLog(first, firstMarkdown);
    // The new comment sits after the 150 others: on page 2 at 100 a page.
    expect(stored.indexOf(comment)).toBeGreaterThanOrEqual(100);
    expect(others.every((c) => !c.body.includes(MARKER))).toBe(true);

    const listedBefore = standin.requestsTo('GET', LIST).length;
    const second = await gate({ inputs: { 'max-increase': '5MB' } });
    expectFailedOverThreshold(second);
    expectConsistentOutputs(second, 'fail');

    // Found by its marker on the second page and patched, not posted again.
    const secondListing = standin.requestsTo('GET', LIST).slice(listedBefore);
    expect(secondListing.map((r) => r.query.page ?? '1')).toContain('2');
    expect(standin.requestsTo('POST', LIST)).toHaveLength(1);
    const patches = standin.requestsTo('PATCH', ONE);
    expect(patches.map((r) => [r.path, r.status])).toEqual([
      [`/repos/${REPOSITORY}/issues/comments/${comment.id}`, 200],
    ]);
    const after = standin.comments(PR_NUMBER);
    expect(after).toHaveLength(151);
    const updated = after.filter((c) => c.body.includes(MARKER));
    expect(updated.map((c) => c.id)).toEqual([comment.id]);
    expect(updated[0]?.body).toBe((patches[0]?.body as { body?: string } | undefined)?.body);
    expectSummaryAndLog(second, markdownOf(updated[0]?.body ?? ''));
  });

  it('passes under max-increase 100MB: exit 0, verdict pass', async () => {
    const run = await gate({ inputs: { 'max-increase': '100MB' } });
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(errors(run)).toEqual([]);
    const report = expectConsistentOutputs(run, 'pass');
    expect(report.thresholds.maxIncrease).toBe(100_000_000);
    expect(Number(run.outputs.delta)).toBeGreaterThan(5_000_000);

    const [comment, ...more] = standin.comments(PR_NUMBER);
    expect(more).toEqual([]);
    const markdown = markdownOf(comment?.body ?? '');
    expect(markdown.startsWith('### ✅ Image size: pass\n')).toBe(true);
    expectSummaryAndLog(run, markdown);
  });

  it.each([
    {
      name: 'a read-only token (a fork pull request)',
      arrange: (s: GitHubStandin) => {
        s.readOnly = true;
      },
    },
    {
      name: 'a 403 on creating the comment',
      arrange: (s: GitHubStandin) => s.inject('POST', LIST, githubFaults.forbiddenByIntegration()),
    },
  ])(
    'with $name: warns once naming pull-requests: write, keeps summary, outputs and verdict',
    async ({ arrange }) => {
      arrange(standin);
      const run = await gate({ inputs: { 'max-increase': '5MB' } });

      expectFailedOverThreshold(run);
      expectConsistentOutputs(run, 'fail');
      expect(standin.requestsTo('POST', LIST).map((r) => r.status)).toEqual([403]);
      expect(standin.comments(PR_NUMBER)).toEqual([]);

      const aboutCommenting = warnings(run).filter((w) => /comment/i.test(w));
      expect(aboutCommenting, describeRun(run)).toHaveLength(1);
      expect(aboutCommenting[0]).toContain('pull-requests: write');
      expect(aboutCommenting[0]).toContain('403');

      expect(run.summary.startsWith('### ❌ Image size: fail\n')).toBe(true);
      expect(run.summary).toContain('| linux/amd64 |');
      expect(run.summary).toContain('| linux/arm64 |');
      expect(run.stdout).toContain(run.summary.trimEnd());
    },
  );

  it('retries a 502 on creating the comment and succeeds with the 201 that follows', async () => {
    standin.inject('POST', LIST, githubFaults.serverError(502));
    const run = await gate({ inputs: { 'max-increase': '100MB' } });

    expect(run.exitCode, describeRun(run)).toBe(0);
    expectConsistentOutputs(run, 'pass');
    const posts = standin.requestsTo('POST', LIST);
    expect(posts.map((r) => [r.status, r.injected])).toEqual([
      [502, true],
      [201, false],
    ]);
    expect(posts[1]?.body).toEqual(posts[0]?.body);
    const stored = standin.comments(PR_NUMBER);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.body.startsWith(MARKER)).toBe(true);
    expect(warnings(run).filter((w) => /comment/i.test(w))).toEqual([]);
  });
});

describe('the bundled action with override-label', () => {
  const LABEL = 'size-increase-approved';
  const MAINTAINER = { login: 'maint-ainer', id: 7001, type: 'User' as const };
  const TRIAGER = { login: 'triager', id: 7002, type: 'User' as const };
  const READER = { login: 'reader', id: 7003, type: 'User' as const };
  const inputs = { 'max-increase': '5MB', 'override-label': LABEL };
  // escapeMarkdown puts a zero-width joiner after @, so naming the login never mentions anyone.
  const named = (login: string) => `@\u200d${login}`;
  const stickyMarkdown = () => {
    const sticky = standin.comments(PR_NUMBER).filter((c) => c.body.includes(MARKER));
    expect(sticky).toHaveLength(1);
    return markdownOf(sticky[0]?.body ?? '');
  };

  it('passes as overridden when a collaborator with write applied it, and fails again once it is removed', async () => {
    standin.setPermission(MAINTAINER, 'write');
    const at = '2026-12-01T10:00:00Z';
    standin.addLabel(PR_NUMBER, LABEL, MAINTAINER, at);

    const run = await gate({ inputs, labels: [LABEL] });
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(errors(run)).toEqual([]);
    const report = expectConsistentOutputs(run, 'overridden') as ReportFile & { override?: unknown };
    expect(report.override).toEqual({
      label: LABEL,
      status: 'accepted',
      by: MAINTAINER.login,
      at,
      reason: null,
    });
    const markdown = stickyMarkdown();
    expect(markdown.startsWith('### ☑️ Image size: overridden\n')).toBe(true);
    const accepted = `size increase accepted by ${named(MAINTAINER.login)} at 2026-12-01 10:00:00 UTC`;
    expect(markdown).toContain(accepted);
    // Above the numbers: before the table and the violations it accepted.
    expect(markdown.indexOf(accepted)).toBeLessThan(markdown.indexOf('| Platform'));
    expect(markdown.indexOf(accepted)).toBeLessThan(markdown.indexOf('Over the threshold'));
    expectSummaryAndLog(run, markdown);
    // Read through the API, not taken from the payload.
    expect(standin.requestsTo('GET', '/repos/{owner}/{repo}/issues/{issue_number}/events')).not.toEqual([]);
    expect(
      standin
        .requestsTo('GET', '/repos/{owner}/{repo}/collaborators/{username}/permission')
        .map((r) => r.path),
    ).toEqual([`/repos/${REPOSITORY}/collaborators/${MAINTAINER.login}/permission`]);

    standin.removeLabel(PR_NUMBER, LABEL, MAINTAINER);
    const again = await gate({ inputs, labels: [] });
    expectFailedOverThreshold(again);
    const failed = expectConsistentOutputs(again, 'fail') as ReportFile & { override?: unknown };
    expect(failed.override).toBeUndefined();
    expect(stickyMarkdown()).not.toContain('size increase accepted');
  });

  it.each([
    ['triage', TRIAGER],
    ['read', READER],
  ] as const)('keeps the failure when a user with %s applied it, and says why', async (role, user) => {
    standin.setPermission(MAINTAINER, 'admin');
    standin.setPermission(user, role);
    // A maintainer's earlier labeling does not count: the last application does.
    standin.addLabel(PR_NUMBER, LABEL, MAINTAINER);
    standin.removeLabel(PR_NUMBER, LABEL, MAINTAINER);
    standin.addLabel(PR_NUMBER, LABEL, user);

    const run = await gate({ inputs, labels: [LABEL] });
    expectFailedOverThreshold(run);
    const report = expectConsistentOutputs(run, 'fail') as ReportFile & { override?: { status: string } };
    expect(report.override?.status).toBe('refused');
    const markdown = stickyMarkdown();
    expect(markdown).not.toContain('size increase accepted');
    expect(markdown).toContain(
      `**Not overridden:** the size-increase-approved label does not override the failure: ${named(user.login)} applied it at`,
    );
    expect(markdown).toContain(
      `with ${role} permission; only write, maintain or admin may accept an increase`,
    );
  });

  it('keeps the failure when the API cannot tell who applied it (HTTP 403 on the events), and says why', async () => {
    standin.setPermission(MAINTAINER, 'write');
    standin.addLabel(PR_NUMBER, LABEL, MAINTAINER);
    const events = '/repos/{owner}/{repo}/issues/{issue_number}/events';
    standin.inject('GET', events, githubFaults.forbiddenByIntegration());

    const run = await gate({ inputs, labels: [LABEL] });
    expectFailedOverThreshold(run);
    expectConsistentOutputs(run, 'fail');
    expect(stickyMarkdown()).toContain(
      'the GitHub API could not tell who applied it (GET /repos/Codertocat/Hello-World/issues/2/events&#58; HTTP 403 Forbidden',
    );
  });
});

describe('the bundled action on Docker 28 with a docker-container builder as the current one', () => {
  it('builds with the current builder, fails over 5MB, and names the engine and the builder', async () => {
    const engine = ENGINES.find((e) => e.driver === 'docker-container')!;
    await requireDaemon(DOCKER28_SOCKET);
    // As after docker/setup-buildx-action: DOCKER_CONFIG holds the builder and marks it current.
    const recorder = dockerRecorder(join(DOCKER28_BIN, 'docker'), mkdtempSync(join(root, 'docker28-')));
    const run = await gate({
      inputs: { 'max-increase': '5MB' },
      recorder,
      extraEnv: { DOCKER_HOST: engine.env.DOCKER_HOST!, DOCKER_CONFIG: engine.env.DOCKER_CONFIG! },
    });

    expectFailedOverThreshold(run);
    const report = expectConsistentOutputs(run, 'fail') as ReportFile & { engine: Record<string, string> };
    const builds = recorder.builds();
    expect(builds).toHaveLength(2);
    for (const args of builds) expect(args).not.toContain('--builder');
    expect(report.engine).toMatchObject({
      name: 'Docker Engine',
      imageStore: 'containerd',
      builder: CONTAINER_BUILDER,
      driver: 'docker-container',
    });
    expect(report.engine.version?.startsWith(`${engine.engine}.`), report.engine.version).toBe(true);
    expect(report.engine.buildx?.startsWith(`${engine.buildx}.`), report.engine.buildx).toBe(true);
    expect(run.stdout).toContain(`builder ${CONTAINER_BUILDER} (driver docker-container)`);
    const [comment] = standin.comments(PR_NUMBER);
    const markdown = markdownOf(comment?.body ?? '');
    expect(markdown).toContain(
      `buildx ${report.engine.buildx}, builder ${CONTAINER_BUILDER} (docker-container driver).`,
    );
    expectSummaryAndLog(run, markdown);
  });
});

describe('the bundled action on a pull_request_target event', () => {
  it('refuses to build the pull request without allow-untrusted-build, and says why', async () => {
    const run = await gate({ eventName: 'pull_request_target', inputs: { 'max-increase': '5MB' } });

    expect(run.exitCode, describeRun(run)).toBe(1);
    const [error, ...more] = errors(run);
    expect(more).toEqual([]);
    expect(error).toContain('pull_request_target');
    expect(error).toContain('allow-untrusted-build: true');
    expect(error).toMatch(/write token/);
    // Nothing built, nothing measured, nothing posted.
    expect(docker.builds()).toEqual([]);
    expect(run.stdout).not.toContain('[phase]');
    expect(standin.requests).toEqual([]);
    expect(run.runnerTempEntries).toEqual([]);
  });

  it('builds when allow-untrusted-build is true (the refusal above is that input, nothing else)', async () => {
    const run = await gate({
      eventName: 'pull_request_target',
      inputs: { 'max-increase': '100MB', 'allow-untrusted-build': 'true' },
    });

    expect(run.exitCode, describeRun(run)).toBe(0);
    expectConsistentOutputs(run, 'pass');
    expect(docker.builds()).toHaveLength(2);
    expect(standin.comments(PR_NUMBER)).toHaveLength(1);
  });
});

describe('bad input and a broken machine: exit 1 with one error line naming the input and the fix', () => {
  const cases: {
    name: string;
    inputs?: Record<string, string>;
    machine?: 'docker-unreachable' | 'no-buildx';
    expected: RegExp[];
  }[] = [
    {
      name: 'max-increase: 5XB',
      inputs: { 'max-increase': '5XB' },
      expected: [/^input `max-increase`: /, /"5XB"/, /use B, KB, MB/, /KiB, MiB/],
    },
    {
      name: 'max-increase: -1MB',
      inputs: { 'max-increase': '-1MB' },
      expected: [/^input `max-increase`: /, /"-1MB" is negative/, /e\.g\. 5MB/],
    },
    {
      name: 'platforms: linux/arm',
      inputs: { platforms: 'linux/arm' },
      expected: [/^input `platforms`: /, /linux\/arm\/v7/],
    },
    {
      name: 'a missing Dockerfile',
      inputs: { file: 'deploy/Dockerfile' },
      expected: [/^input `file`: /, /deploy\/Dockerfile/, /set `file`/],
    },
    {
      name: 'a context outside the workspace',
      inputs: { context: '..' },
      expected: [/^input `context`: /, /outside the workspace/, /inside the repository/],
    },
    {
      name: 'Docker not reachable',
      machine: 'docker-unreachable',
      expected: [/Docker is not reachable/, /DOCKER_HOST/, /start the daemon/],
    },
    {
      name: 'buildx missing',
      machine: 'no-buildx',
      expected: [/buildx/, /install the buildx plugin/],
    },
  ];

  it.each(cases)('$name', async ({ inputs, machine, expected }) => {
    const recorder =
      machine === 'no-buildx'
        ? dockerRecorder(realDocker, mkdtempSync(join(root, 'docker-')), { withoutBuildx: true })
        : docker;
    const run = await gate({
      inputs: { 'max-increase': '5MB', ...inputs },
      recorder,
      ...(machine === 'docker-unreachable'
        ? { extraEnv: { DOCKER_HOST: `unix://${join(root, 'no-daemon.sock')}` } }
        : {}),
    });

    expect(run.exitCode, describeRun(run)).toBe(1);
    const lines = errors(run);
    expect(lines, describeRun(run)).toHaveLength(1);
    const [error = ''] = lines;
    expect(error).not.toContain('\n');
    for (const pattern of expected) expect(error).toMatch(pattern);
    if (machine === 'no-buildx') expect(recorder.invocations()[0]?.[0]).toBe('buildx');

    expect(recorder.builds()).toEqual([]);
    expect(standin.requests).toEqual([]);
    expect(run.runnerTempEntries).toEqual([]);
  });
});
