import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BuildError } from '../../../src/buildx/buildx.js';
import { type GateContext, GateRefusedError, type GateResult, runGate } from '../../../src/gate/run-gate.js';
import { BaselineGitError } from '../../../src/git/baseline.js';
import type { RepositoryTags } from '../../../src/git/tags.js';
import type { GitHubClient } from '../../../src/github/client.js';
import {
  type CommentResult,
  createPullRequestComments,
  type PullRequestComments,
} from '../../../src/github/comments.js';
import type { PullRequestContext } from '../../../src/github/event.js';
import { type InputName, type Inputs, parseInputs } from '../../../src/inputs/inputs.js';
import { readActionFile } from '../project/action-yml.js';
import {
  type BuildPlan,
  emptyRegistry,
  FakeBuildx,
  FakeComments,
  FakeDocker,
  FakeGit,
  FakeOverrideEvidence,
  FakeSummary,
  RecordingLog,
  type Role,
} from './fakes.js';
import type { PlatformImage } from './oci-layout.js';

const BASE_SHA = 'b'.repeat(40);
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

const CREATED: CommentResult = {
  kind: 'created',
  id: 1,
  htmlUrl: 'https://github.com/acme/api/pull/7#issuecomment-1',
};

let root: string;
let workspace: string;
let worktreeRoot: string;

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'isg-gate-')));
  workspace = join(root, 'repo');
  worktreeRoot = join(root, 'worktrees');
  await mkdir(join(workspace, 'svc'), { recursive: true });
  await mkdir(worktreeRoot);
  await writeFile(join(workspace, 'svc', 'Dockerfile'), 'FROM scratch\n');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

afterEach(() => {
  vi.useRealTimers();
});

/** A Go service image: a base image layer (the same in head and base) and the service binary on top. */
function serviceImage(platform: string, serverBytes: number): PlatformImage {
  const busybox = platform === 'linux/amd64' ? 40_000 : 38_000;
  return {
    platform,
    layers: [
      {
        createdBy: 'ADD rootfs.tar / # buildkit',
        files: [
          { path: 'bin/', directory: true },
          { path: 'bin/busybox', size: busybox },
          { path: 'bin/sh', symlink: 'busybox' },
          { path: 'bin/ls', hardlink: 'bin/busybox' },
        ],
      },
      {
        createdBy: 'COPY /out/server /app/server # buildkit',
        files: [
          { path: 'app/', directory: true },
          { path: 'app/server', size: serverBytes },
        ],
      },
    ],
  };
}

const service = (amd64: number, arm64: number): PlatformImage[] => [
  serviceImage('linux/amd64', amd64),
  serviceImage('linux/arm64', arm64),
];

const LEAN = service(1_000_000, 900_000);

interface Setup {
  raw?: Partial<Record<InputName, string>>;
  head?: BuildPlan;
  base?: BuildPlan;
  eventName?: string;
  dockerfileAtBase?: string | null;
  comment?: CommentResult | PullRequestComments;
  onBuild?: (role: Role) => void;
  onPing?: () => void;
  /** The event's pull request; null: a pull-request event without its payload. */
  pullRequest?: PullRequestContext | null;
  /** null: the context is not in a git repository. */
  repositoryRoot?: string | null;
  resolveError?: BaselineGitError;
  overrideEvidence?: FakeOverrideEvidence;
  tags?: RepositoryTags;
  /** GITHUB_REF. */
  ref?: string;
}

async function gate(setup: Setup = {}) {
  const reportDir = await mkdtemp(join(root, 'report-'));
  const inputs: Inputs = parseInputs((name) => ({ context: 'svc', ...setup.raw })[name] ?? '', {
    workspace,
    eventBaseRef: setup.pullRequest === null ? null : PULL_REQUEST.baseRef,
  });
  const buildx = new FakeBuildx(
    { head: setup.head ?? service(1_001_000, 901_500), base: setup.base ?? LEAN },
    (spec) => (spec.context.startsWith(worktreeRoot) ? 'base' : 'head'),
    setup.onBuild,
  );
  const docker = new FakeDocker(setup.onPing);
  const git = new FakeGit({
    baseSha: BASE_SHA,
    dockerfileAtBase: setup.dockerfileAtBase === undefined ? 'svc/Dockerfile' : setup.dockerfileAtBase,
    worktreeRoot,
    repositoryRoot: setup.repositoryRoot === undefined ? workspace : setup.repositoryRoot,
    ...(setup.resolveError ? { resolveError: setup.resolveError } : {}),
    ...(setup.tags ? { tags: setup.tags } : {}),
  });
  const comments = new FakeComments(setup.comment ?? CREATED);
  const summary = new FakeSummary();
  const log = new RecordingLog();
  const context: GateContext = {
    eventName: setup.eventName ?? 'pull_request',
    workspace,
    pullRequest: setup.pullRequest === undefined ? PULL_REQUEST : setup.pullRequest,
    defaultReportFile: join(reportDir, 'report.json'),
    ...(setup.ref ? { ref: setup.ref } : {}),
  };
  const overrideEvidence = setup.overrideEvidence ?? null;
  const run = () =>
    runGate(inputs, context, {
      buildx,
      docker,
      registry: emptyRegistry(),
      git,
      comments,
      summary,
      log,
      overrideEvidence,
    });
  return { inputs, context, buildx, docker, git, comments, summary, log, run };
}

function platformOf(result: GateResult, platform: string) {
  const found = result.report.platforms.find((p) => p.platform === platform);
  if (!found) throw new Error(`no ${platform} in the report`);
  return found;
}

describe('runGate', () => {
  it('passes under the limit, measuring both platforms to the byte from the layouts the builds wrote', async () => {
    const g = await gate({ raw: { 'max-increase': '5MB' } });
    const result = await g.run();

    expect(result.decision.verdict).toBe('pass');
    expect(result.failure).toBeNull();
    expect(result.decision.violations).toEqual([]);

    // One build per side, every platform at once, into an OCI layout.
    expect(g.buildx.builds.map((b) => b.role)).toEqual(['head', 'base']);
    for (const { spec } of g.buildx.builds) {
      expect(spec.platforms).toEqual(['linux/amd64', 'linux/arm64']);
      expect(spec.output.kind).toBe('oci-dir');
    }
    // The head builds from the workspace; the base from the same paths inside its worktree.
    const [head, base] = g.buildx.builds;
    expect(head!.spec.context).toBe(join(workspace, 'svc'));
    expect(head!.spec.file).toBe(join(workspace, 'svc', 'Dockerfile'));
    expect(g.git.asked).toEqual(['svc/Dockerfile']);
    expect(g.git.worktrees).toHaveLength(1);
    expect(base!.spec.context).toBe(join(g.git.worktrees[0]!, 'svc'));
    expect(base!.spec.file).toBe(join(g.git.worktrees[0]!, 'svc', 'Dockerfile'));
    expect(g.git.removed).toEqual(g.git.worktrees);
    expect(existsSync(g.git.worktrees[0]!)).toBe(false);
    expect(g.git.resolved).toEqual([{ baseSha: BASE_SHA }]);
    expect(g.log.infos).toContain(
      `base commit ${BASE_SHA.slice(0, 12)}: base commit from the event (fake git); used because it is the pull request's base (main); set base-ref to compare with another branch`,
    );

    // Exact figures on both bases; the attestation manifests are not platforms.
    expect(result.report.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    for (const role of ['head', 'base'] as const) {
      for (const written of g.buildx.written[role]!) {
        const measured = platformOf(result, written.platform)[role]!;
        expect(measured.sizes, `${role} ${written.platform}`).toEqual({
          compressed: written.compressed,
          uncompressed: written.uncompressed,
        });
        expect(measured.manifestDigest).toBe(written.manifestDigest);
        expect(measured.layerCount).toBe(2);
      }
    }
    // The base image layer is the same blob on both sides; the service layer is the one that grew.
    const arm = platformOf(result, 'linux/arm64');
    expect(arm.delta!.uncompressed).toBe(1_500);
    expect(arm.layers.map((l) => [l.status, l.matchedBy])).toEqual([
      ['unchanged', 'digest'],
      ['changed', 'instruction'],
    ]);

    // Outputs: the platform with the largest growth (arm64: +1,500 B against +1,000 B), uncompressed.
    const headArm = g.buildx.written.head!.find((p) => p.platform === 'linux/arm64')!;
    const baseArm = g.buildx.written.base!.find((p) => p.platform === 'linux/arm64')!;
    expect(result.outputs).toEqual({
      verdict: 'pass',
      'report-path': g.context.defaultReportFile,
      'head-size': String(headArm.uncompressed),
      'base-size': String(baseArm.uncompressed),
      delta: '1500',
      'report-artifact': '',
    });
    expect(Object.keys(result.outputs).sort()).toEqual(
      readActionFile()
        .outputs.map((o) => o.name)
        .sort(),
    );

    // The JSON report on disk, the summary and the comment all carry the same result.
    const written = JSON.parse(await readFile(result.reportPath!, 'utf8'));
    expect(written).toMatchObject({ schemaVersion: 3, verdict: 'pass' });
    expect(g.summary.written).toEqual([result.markdown]);
    expect(g.comments.calls).toEqual([
      { target: { owner: 'acme', repo: 'api', issueNumber: 7 }, key: 'default', body: result.markdown },
    ]);
    expect(g.log.groups.map((group) => group.body)).toEqual([result.markdown]);
    expect(g.log.warnings).toEqual([]);
  });

  it('names the engine, its version, the image store, the builder and its driver in the report, comment and log', async () => {
    const result = await (await gate({ raw: { builder: 'ci-builder' } })).run();
    expect(result.report.engine).toEqual({
      name: 'Docker Engine',
      version: '0.0.0-fake',
      imageStore: 'containerd',
      buildx: '0.0.0-fake',
      builder: 'ci-builder',
      driver: 'docker-container',
    });
    const sentence =
      'Built with Docker Engine 0.0.0-fake (containerd image store), buildx 0.0.0-fake, builder ci-builder (docker-container driver).';
    expect(result.markdown).toContain(`\n\n${sentence}\n\n`);
    const g = await gate();
    await g.run();
    expect(g.log.infos).toContain(
      'Docker Engine 0.0.0-fake, containerd image store; github.com/docker/buildx v0.0.0-fake; builder fake-builder (driver docker-container): building every platform into one OCI layout',
    );
  });

  it('reports compressed figures when size-basis is compressed', async () => {
    const g = await gate({ raw: { 'size-basis': 'compressed' } });
    const result = await g.run();
    const growth = (role: Role, platform: string) =>
      g.buildx.written[role]!.find((p) => p.platform === platform)!.compressed;
    const largest = ['linux/amd64', 'linux/arm64'].sort(
      (a, b) => growth('head', b) - growth('base', b) - (growth('head', a) - growth('base', a)),
    )[0]!;
    expect(result.decision.headline?.platform).toBe(largest);
    expect(result.outputs['head-size']).toBe(String(growth('head', largest)));
    expect(result.outputs['base-size']).toBe(String(growth('base', largest)));
    expect(result.outputs.delta).toBe(String(growth('head', largest) - growth('base', largest)));
  });

  it.each([
    ['write', 'overridden', null],
    ['triage', 'fail', 'with triage permission'],
  ] as const)(
    'with override-label applied by a %s user, a failing verdict is %s',
    async (role, verdict, why) => {
      const label = 'size-increase-approved';
      const api = new FakeOverrideEvidence();
      api.roles.set('dev', role);
      api.apply(label, 'dev');
      const g = await gate({
        raw: { 'max-increase': '1MB', 'override-label': label },
        head: service(1_001_000, 2_900_000),
        pullRequest: { ...PULL_REQUEST, labels: [label] },
        overrideEvidence: api,
      });
      const result = await g.run();

      expect(result.decision.verdict).toBe(verdict);
      expect(result.outputs.verdict).toBe(verdict);
      expect(result.report.override?.by).toBe('dev');
      // The violations are still reported; only whether the step fails changes.
      expect(result.decision.violations).toHaveLength(1);
      if (why === null) {
        expect(result.failure).toBeNull();
        expect(result.markdown).toContain('size increase accepted by @\u200ddev at ');
      } else {
        expect(result.failure).toBe(result.decision.violations[0]!.message);
        expect(result.markdown).toContain(why);
      }
      expect(g.comments.calls[0]?.body).toBe(result.markdown);
    },
  );

  it('leaves a passing verdict alone and asks nothing, whoever applied override-label', async () => {
    const api = new FakeOverrideEvidence();
    api.apply('ok', 'dev');
    const g = await gate({
      raw: { 'max-increase': '5MB', 'override-label': 'ok' },
      pullRequest: { ...PULL_REQUEST, labels: ['ok'] },
      overrideEvidence: api,
    });
    const result = await g.run();
    expect(result.decision.verdict).toBe('pass');
    expect(result.report.override).toBeUndefined();
    expect(api.reads).toEqual([]);
  });

  it('fails when a platform grows past max-increase, naming that platform, the figure, the limit and the basis', async () => {
    const g = await gate({ raw: { 'max-increase': '1MB' }, head: service(1_001_000, 2_900_000) });
    const result = await g.run();

    expect(result.decision.verdict).toBe('fail');
    expect(result.decision.violations.map((v) => [v.platform, v.rule, v.basis, v.actual, v.limit])).toEqual([
      ['linux/arm64', 'max-increase', 'uncompressed', 2_000_000, 1_000_000],
    ]);
    expect(result.failure).toBe(result.decision.violations[0]!.message);
    expect(result.failure).toContain('linux/arm64');
    expect(result.failure).not.toContain('linux/amd64');
    expect(result.failure).toContain('uncompressed');
    expect(result.failure).toContain('2,000,000 B');
    expect(result.failure).toMatch(/max-increase 1\.00 MB/);
    expect(result.outputs).toMatchObject({ verdict: 'fail', delta: '2000000' });
    // The verdict is still published.
    expect(g.comments.calls).toHaveLength(1);
    expect(g.summary.written).toHaveLength(1);
  });

  it('warns instead of failing in warn mode', async () => {
    const g = await gate({
      raw: { 'max-increase': '1MB', mode: 'warn' },
      head: service(1_001_000, 2_900_000),
    });
    const result = await g.run();
    expect(result.decision.verdict).toBe('warn');
    expect(result.failure).toBeNull();
    expect(g.log.warnings.some((w) => w.includes('linux/arm64') && w.includes('max-increase'))).toBe(true);
  });

  describe('when the base commit has no Dockerfile', () => {
    it('has no baseline, says why, and does not apply growth limits', async () => {
      const g = await gate({
        raw: { 'max-increase': '0', 'max-increase-percent': '0' },
        dockerfileAtBase: null,
      });
      const result = await g.run();

      expect(result.decision.verdict).toBe('no-baseline');
      expect(result.failure).toBeNull();
      expect(g.buildx.builds.map((b) => b.role)).toEqual(['head']);
      expect(g.git.worktrees).toEqual([]);
      expect(result.report.baseMissingReason).toBe(
        `the base commit ${BASE_SHA.slice(0, 7)} has no svc/Dockerfile`,
      );
      expect(result.report.baseMissingCause).toBe('base-dockerfile-missing');
      expect(g.log.warnings).toEqual([
        `no baseline (base-dockerfile-missing): ${result.report.baseMissingReason}; growth limits were not applied; set on-missing-baseline: fail to fail the step instead`,
      ]);
      expect(result.markdown).toContain('No baseline');
      expect(result.markdown).toContain('has no svc/Dockerfile');
      expect(g.comments.calls[0]!.body).toBe(result.markdown);
      expect(result.outputs).toMatchObject({ verdict: 'no-baseline', 'base-size': '', delta: '' });
      const amd = g.buildx.written.head!.find((p) => p.platform === 'linux/amd64')!;
      expect(result.outputs['head-size']).toBe(String(amd.uncompressed));
    });

    it('still applies max-size', async () => {
      const headAmd = 40_000 + 1_001_000 + 'busybox'.length;
      const g = await gate({
        raw: { 'max-increase': '0', 'max-size': String(headAmd - 1) },
        dockerfileAtBase: null,
      });
      const result = await g.run();
      expect(result.decision.verdict).toBe('fail');
      expect(result.decision.violations.map((v) => [v.platform, v.rule, v.actual])).toEqual([
        ['linux/amd64', 'max-size', headAmd],
      ]);
      expect(result.failure).toContain('linux/amd64');
      expect(result.failure).toContain('max-size');
    });
  });

  it('treats a failed base build as no baseline, never as a head failure', async () => {
    const tail = 'ERROR: process "/bin/sh -c go build ./..." did not complete successfully: exit code: 1';
    const g = await gate({ raw: { 'max-increase': '0' }, base: { fail: tail } });
    const result = await g.run();

    expect(result.decision.verdict).toBe('no-baseline');
    expect(result.failure).toBeNull();
    expect(g.buildx.builds.map((b) => b.role)).toEqual(['head', 'base']);
    expect(result.report.baseMissingReason).toBe(
      `the base commit ${BASE_SHA.slice(0, 7)} failed to build (see the log)`,
    );
    expect(g.log.warnings.some((w) => w.includes("the base commit's build failed") && w.includes(tail))).toBe(
      true,
    );
    expect(g.git.removed).toEqual(g.git.worktrees);
    expect(g.git.worktrees).toHaveLength(1);
    // The head was measured all the same.
    expect(result.report.platforms.every((p) => p.head !== null && p.base === null)).toBe(true);
    expect(g.comments.calls).toHaveLength(1);
  });

  it("fails the step with buildx's own output tail when the head build fails", async () => {
    const tail = '#12 ERROR: failed to solve: golang:1.24: not found';
    const g = await gate({ head: { fail: tail } });
    const failure = await g.run().then(
      () => null,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(BuildError);
    expect((failure as BuildError).tail).toBe(tail);
    expect((failure as BuildError).message).toContain(tail);
    expect(g.buildx.builds.map((b) => b.role)).toEqual(['head']);
    expect(g.git.resolved).toEqual([]);
    expect(g.comments.calls).toEqual([]);
    expect(g.summary.written).toEqual([]);
  });

  describe('on pull_request_target', () => {
    it('refuses to build the pull request before anything runs unless allow-untrusted-build is set', async () => {
      const g = await gate({ eventName: 'pull_request_target' });
      const failure = await g.run().then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(GateRefusedError);
      expect((failure as Error).message).toContain('pull_request_target');
      expect((failure as Error).message).toContain('`allow-untrusted-build: true`');
      expect(g.docker.pings).toBe(0);
      expect(g.buildx.builds).toEqual([]);
      expect(g.git.resolved).toEqual([]);
      expect(g.comments.calls).toEqual([]);
    });

    it('builds when allow-untrusted-build is true', async () => {
      const g = await gate({ eventName: 'pull_request_target', raw: { 'allow-untrusted-build': 'true' } });
      const result = await g.run();
      expect(result.decision.verdict).toBe('pass');
      expect(g.buildx.builds.map((b) => b.role)).toEqual(['head', 'base']);
    });
  });

  it('warns once, naming `pull-requests: write`, when the token may not comment, and keeps the verdict', async () => {
    const allowed = await (await gate({ raw: { 'max-increase': '5MB' } })).run();
    // The real comments adapter, over a client whose token may read but not write (a fork's token).
    const readOnly = {
      paginate: async () => [],
      rest: {
        issues: {
          listComments: async () => ({ data: [] }),
          createComment: async () => {
            throw Object.assign(new Error('Resource not accessible by integration'), {
              status: 403,
              response: { data: { message: 'Resource not accessible by integration' }, headers: {} },
            });
          },
        },
      },
    } as unknown as GitHubClient;
    const g = await gate({ raw: { 'max-increase': '5MB' }, comment: createPullRequestComments(readOnly) });
    const result = await g.run();

    expect(result.decision.verdict).toBe(allowed.decision.verdict);
    expect(result.failure).toBeNull();
    expect(result.outputs).toEqual({ ...allowed.outputs, 'report-path': result.reportPath });
    expect(g.comments.calls).toHaveLength(1);
    expect(g.log.warnings).toHaveLength(1);
    expect(g.log.warnings[0]).toContain('pull-requests: write');
    expect(g.log.warnings[0]).toContain('#7');
    expect(g.log.warnings[0]).toContain('Resource not accessible by integration');
    expect(g.summary.written).toEqual([result.markdown]);
    expect(existsSync(result.reportPath!)).toBe(true);
  });

  it('warns and keeps the verdict when commenting fails outright', async () => {
    const broken: PullRequestComments = {
      upsert: async () => {
        throw new Error('GitHub answered 502 three times');
      },
    };
    const g = await gate({ raw: { 'max-increase': '5MB' }, comment: broken });
    const result = await g.run();
    expect(result.decision.verdict).toBe('pass');
    expect(g.log.warnings).toEqual([
      'could not comment on pull request #7: GitHub answered 502 three times (the verdict stands)',
    ]);
  });

  it('records how long each phase took, in the report and in the log', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const g = await gate({
      onPing: () => vi.advanceTimersByTime(30),
      onBuild: (role) => vi.advanceTimersByTime(role === 'head' ? 1_200 : 800),
    });
    const result = await g.run();

    // Nested steps finish first, so they come before the phase that holds them.
    expect(Object.entries(result.report.timings)).toEqual([
      ['preflight', 30],
      ['head build', 1_200],
      ['head measure linux/amd64', 0],
      ['head measure linux/arm64', 0],
      ['head', 1_200],
      ['base build', 800],
      ['base measure linux/amd64', 0],
      ['base measure linux/arm64', 0],
      ['baseline', 800],
      ['explain', 0],
    ]);
    expect(g.log.infos.filter((line) => line.startsWith('[phase]'))).toEqual([
      '[phase] preflight: 0.03 s',
      '[phase] head build: 1.20 s',
      '[phase] head measure linux/amd64: 0.00 s',
      '[phase] head measure linux/arm64: 0.00 s',
      '[phase] head: 1.20 s',
      '[phase] base build: 0.80 s',
      '[phase] base measure linux/amd64: 0.00 s',
      '[phase] base measure linux/arm64: 0.00 s',
      '[phase] baseline: 0.80 s',
      '[phase] explain: 0.00 s',
    ]);
    const onDisk = JSON.parse(await readFile(result.reportPath!, 'utf8'));
    expect(onDisk.timings).toEqual(result.report.timings);
  });

  it('refuses a report-file it cannot create in a bounded number of steps (/proc), keeping the verdict', async () => {
    // Node's recursive mkdir never returns here; a hang fails this test by its timeout.
    const path = '/proc/isg-no-such-dir/deeper/report.json';
    const g = await gate({ raw: { 'max-increase': '1KB', 'report-file': path } });
    const result = await g.run();
    expect(result.decision.verdict).toBe('fail');
    expect(result.outputs['report-path']).toBe('');
    expect(g.log.warnings.find((w) => w.startsWith(`could not write ${path}`))).toContain('cannot create');
  });

  it('creates missing report directories, several levels deep', async () => {
    const path = join(root, 'deep', 'er', 'est', 'report.json');
    const result = await (await gate({ raw: { 'max-increase': '1KB', 'report-file': path } })).run();
    expect(result.reportPath).toBe(path);
    expect(JSON.parse(await readFile(path, 'utf8')).verdict).toBe('fail');
  });

  it('gives up publishing after its budget: warns, and keeps the verdict, the outputs and the summary', async () => {
    const never: PullRequestComments = {
      upsert: (_target, _key, _body, signal) =>
        new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
        ),
    };
    const g = await gate({ raw: { 'max-increase': '1KB' }, comment: never });
    g.context.publishBudgetMs = 50;
    const result = await g.run();
    expect(result.decision.verdict).toBe('fail');
    expect(result.outputs.verdict).toBe('fail');
    expect(result.outputs['head-size']).toMatch(/^\d+$/);
    expect(g.summary.written).toHaveLength(1);
    expect(g.log.warnings.filter((w) => w.includes('budget'))).toEqual([
      'commenting on pull request #7 gave up: publishing took longer than its 50 ms budget (the verdict stands)',
    ]);
  });

  it('warns, keeping the verdict, when the job summary cannot be written', async () => {
    const g = await gate({ raw: { 'max-increase': '1KB' } });
    g.summary.write = async () => {
      throw new Error('EACCES: permission denied');
    };
    const result = await g.run();
    expect(result.decision.verdict).toBe('fail');
    expect(g.comments.calls).toHaveLength(1);
    expect(g.log.warnings).toContain('job summary not written: EACCES: permission denied');
  });

  it('keeps the verdict and warns when the report cannot be written', async () => {
    const blocker = join(root, 'a-file');
    await writeFile(blocker, 'not a directory');
    const g = await gate({ raw: { 'max-increase': '1KB', 'report-file': join(blocker, 'report.json') } });
    const result = await g.run();
    expect(result.decision.verdict).toBe('fail');
    expect(result.reportPath).toBeNull();
    expect(result.outputs['report-path']).toBe('');
    expect(g.log.warnings.some((w) => w.startsWith(`could not write ${join(blocker, 'report.json')}`))).toBe(
      true,
    );
  });
});

describe('runGate: which base, and what a missing one does', () => {
  it('lets base-ref win over the pull request base, and says so', async () => {
    const g = await gate({ raw: { 'base-ref': 'release/1.x', 'max-increase': '5MB' } });
    const result = await g.run();
    expect(g.git.resolved).toEqual([{ baseRef: 'release/1.x' }]);
    expect(result.decision.verdict).toBe('pass');
    expect(
      g.log.infos.some((l) =>
        l.includes("base-ref release/1.x is set, so it wins over the pull request's base main"),
      ),
    ).toBe(true);
  });

  it('finds the repository from the context, so a checkout into a subfolder builds the same paths at base', async () => {
    const g = await gate({
      raw: { 'max-increase': '5MB' },
      repositoryRoot: join(workspace, 'svc'),
      dockerfileAtBase: 'Dockerfile',
    });
    const result = await g.run();
    expect(result.decision.verdict).toBe('pass');
    expect(g.git.repoDirs).toEqual([join(workspace, 'svc')]);
    expect(g.git.asked).toEqual(['Dockerfile']);
    const base = g.buildx.builds.find((b) => b.role === 'base')!;
    expect(base.spec.file).toBe(join(g.git.worktrees[0]!, 'Dockerfile'));
  });

  const unfetchable = new BaselineGitError(
    'base-commit-unavailable',
    `Base commit ${BASE_SHA} is not in this clone, and fetching it from "origin" failed.`,
  );
  const causes: [string, Setup, string, RegExp][] = [
    [
      'an unfetchable base commit',
      { resolveError: unfetchable },
      'base-commit-unavailable',
      /fetching it from "origin" failed/,
    ],
    [
      'a pull_request run without its event payload',
      { pullRequest: null },
      'event-missing',
      /carries no pull request.*set base-ref/,
    ],
    [
      'a context outside any git repository',
      { repositoryRoot: null },
      'not-a-repository',
      /is not inside a git repository.*actions\/checkout/,
    ],
    [
      'a base commit that fails to build',
      { base: { fail: 'ERROR: exit code 1' } },
      'base-build-failed',
      /failed to build/,
    ],
    [
      'a base-image that cannot be read',
      { raw: { 'base-image': 'isg-nowhere-to-be-found' } },
      'base-image-unavailable',
      /base image isg-nowhere-to-be-found could not be measured.*logged in/,
    ],
    [
      'a push without base-ref',
      { eventName: 'push', pullRequest: null },
      'no-base-ref',
      /not a pull request.*set base-ref/,
    ],
  ];

  it.each(causes)(
    '%s: warn (the default) passes the step with a warning naming the cause',
    async (_, setup, cause, reason) => {
      const g = await gate({ ...setup, raw: { 'max-increase': '0', ...setup.raw } });
      const result = await g.run();
      expect(result.decision.verdict).toBe('no-baseline');
      expect(result.failure).toBeNull();
      expect(result.report).toMatchObject({
        baseMissingCause: cause,
        missingBaseline: { policy: 'warn', cause },
      });
      expect(result.report.baseMissingReason).toMatch(reason);
      expect(g.log.warnings.some((w) => w.startsWith(`no baseline (${cause}): `))).toBe(true);
      expect(result.markdown).toContain(`**No baseline (\`${cause}\`):**`);
    },
  );

  it.each(causes)(
    '%s: on-missing-baseline fail fails the step, naming the cause',
    async (_, setup, cause) => {
      const g = await gate({ ...setup, raw: { 'on-missing-baseline': 'fail', ...setup.raw } });
      const result = await g.run();
      expect(result.decision.verdict).toBe('fail');
      expect(result.outputs.verdict).toBe('fail');
      expect(result.failure).toMatch(
        new RegExp(`^no baseline \\(${cause}\\): .*on-missing-baseline is fail`),
      );
      expect(result.report.missingBaseline).toMatchObject({ policy: 'fail', cause });
      expect(result.markdown).toContain('**Failed for a missing baseline:**');
    },
  );

  it.each(causes)('%s: on-missing-baseline pass only notes it', async (_, setup, cause) => {
    const g = await gate({ ...setup, raw: { 'on-missing-baseline': 'pass', ...setup.raw } });
    const result = await g.run();
    expect(result.failure).toBeNull();
    expect(g.log.warnings.filter((w) => w.startsWith('no baseline'))).toEqual([]);
    expect(g.log.infos.some((l) => l.startsWith(`no baseline (${cause}): `))).toBe(true);
  });

  it('gives pass or fail by max-size, not no-baseline, when no baseline is wanted', async () => {
    const none = await gate({
      raw: { baseline: 'none', 'max-size': '100MB', 'on-missing-baseline': 'fail' },
    });
    const result = await none.run();
    expect(result.decision.verdict).toBe('pass');
    expect(result.report.missingBaseline).toBeNull();
    expect(none.buildx.builds.map((b) => b.role)).toEqual(['head']);
    const over = await (await gate({ raw: { baseline: 'none', 'max-size': '1KB' } })).run();
    expect(over.decision.verdict).toBe('fail');
  });
});

describe('runGate: transient BuildKit failures', () => {
  const LOCKED = 'ERROR: failed to solve: failed to export: ref moby/1/abc123 locked: unavailable';
  it('retries a build once after a known transient failure, and says so in the log', async () => {
    const g = await gate({ raw: { 'max-increase': '5MB' }, base: { failFirst: [LOCKED], afterwards: LEAN } });
    const result = await g.run();
    expect(result.decision.verdict).toBe('pass');
    expect(g.buildx.builds.map((b) => b.role)).toEqual(['head', 'base', 'base']);
    expect(g.log.details).toContain(
      'BuildKit failed with a known transient error (ref moby/1/abc123 locked); retrying the build once',
    );
  });

  it('retries only once', async () => {
    const deadline = 'rpc error: code = DeadlineExceeded desc = context deadline exceeded';
    const g = await gate({ head: { failFirst: [deadline, deadline], afterwards: LEAN } });
    await expect(g.run()).rejects.toThrow(/DeadlineExceeded/);
    expect(g.buildx.builds.map((b) => b.role)).toEqual(['head', 'head']);
  });

  it('does not retry a build that failed for its own reasons', async () => {
    const g = await gate({ head: { failFirst: ['ERROR: exit code: 1'], afterwards: LEAN } });
    await expect(g.run()).rejects.toThrow(/exit code: 1/);
    expect(g.buildx.builds.map((b) => b.role)).toEqual(['head']);
  });
});

describe('runGate on a release', () => {
  const TAGS: RepositoryTags = {
    tags: [
      { name: 'v1.0.0', commit: BASE_SHA },
      { name: 'v1.1.0-rc.1', commit: HEAD_SHA },
      { name: 'vnext', commit: HEAD_SHA },
      { name: 'v1.1.0', commit: HEAD_SHA },
    ],
    atHead: ['v1.1.0-rc.1', 'vnext', 'v1.1.0'],
  };
  const tagPush = { eventName: 'push', pullRequest: null, ref: 'refs/tags/v1.1.0', tags: TAGS };

  it('a tag push builds the previous release, without asking for a base branch', async () => {
    const g = await gate({ ...tagPush, raw: { 'max-increase': '5MB' } });
    const result = await g.run();
    expect(g.git.resolved).toEqual([]);
    expect(g.buildx.builds.map((b) => b.role)).toEqual(['head', 'base']);
    expect(result.report.baseline).toMatchObject({ source: 'build', commit: BASE_SHA, release: 'v1.0.0' });
    expect(result.markdown).toContain(`base: release v1.0.0 (built from ${BASE_SHA.slice(0, 7)})`);
    expect(g.log.infos).toContain('release-tags v*: ignored vnext (not semantic versions)');
  });

  it("puts the previous tag into base-image's {tag}", async () => {
    const g = await gate({ ...tagPush, raw: { 'base-image': 'isg-nowhere-to-be-found:{tag}' } });
    const result = await g.run();
    expect(result.report.baseMissingReason).toMatch(/^base image isg-nowhere-to-be-found:v1\.0\.0 could not/);
    expect(g.buildx.builds.map((b) => b.role)).toEqual(['head']);
  });

  it('base-ref previous-release picks the release below the tag at HEAD on a pull request too', async () => {
    const g = await gate({ tags: TAGS, raw: { 'base-ref': 'previous-release' } });
    const result = await g.run();
    expect(g.git.resolved).toEqual([]);
    expect(result.report.baseline).toMatchObject({ commit: BASE_SHA, release: 'v1.0.0' });
  });

  it('a tag push in a checkout without tags is a missing baseline that says how to fetch them', async () => {
    const g = await gate({ ...tagPush, tags: { tags: [], atHead: [] } });
    const result = await g.run();
    expect(result.report.baseMissingCause).toBe('no-base-ref');
    expect(result.report.baseMissingReason).toMatch(
      /previous release, but no tag matches release-tags v\*.*fetch-depth: 0/,
    );
  });

  it('a fixed base-image is the base on a tag push, whatever the tags', async () => {
    const g = await gate({
      ...tagPush,
      tags: { tags: [], atHead: [] },
      raw: { 'base-image': 'isg-nowhere-to-be-found', baseline: 'image' },
    });
    const result = await g.run();
    expect(result.report.baseMissingCause).toBe('base-image-unavailable');
    expect(result.report.baseline.release).toBeUndefined();
  });
});
