// Which base the gate compares with, and what it does when it cannot have one: real git repositories,
// the containerd daemon, the loopback registry, and loopback servers that refuse or fail.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerBuildx } from '../../../src/buildx/buildx.js';
import { DockerodeEngine } from '../../../src/docker/engine.js';
import { type GateContext, runGate } from '../../../src/gate/run-gate.js';
import { baselineGit } from '../../../src/git/baseline.js';
import type { PullRequestContext } from '../../../src/github/event.js';
import { type InputName, parseInputs } from '../../../src/inputs/inputs.js';
import { registryImages } from '../../../src/measure/registry-reader.js';
import {
  CONTAINERD_SOCKET,
  dockerEnv,
  REGISTRY,
  requireDaemon,
  requireRegistry,
} from '../../support/docker.js';
import { git } from '../git/git-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'isg-missing-baseline-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DOCKERFILE = 'FROM scratch\nCOPY app /app\n';

/** main: A (100 B app) then M (2 MB app); feature forks from A and grows the app to 1 MB. */
function repository(dir: string) {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  const commit = (bytes: number, message: string) => {
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
    writeFileSync(join(dir, 'app'), Buffer.alloc(bytes, 7));
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', message);
    return git(dir, 'rev-parse', 'HEAD');
  };
  const fork = commit(100, 'A');
  const mainTip = commit(2_000_000, 'M');
  git(dir, 'checkout', '-q', '-b', 'feature', fork);
  const head = commit(1_000_000, 'F');
  return { fork, mainTip, head };
}

function pullRequest(baseSha: string, headSha: string): PullRequestContext {
  return {
    owner: 'o',
    repo: 'r',
    number: 1,
    baseRef: 'main',
    baseSha,
    headRef: 'feature',
    headSha,
    headRepoFullName: 'o/r',
    isFork: false,
  };
}

async function gate(
  workspace: string,
  raw: Partial<Record<InputName, string>>,
  context: Partial<GateContext> = {},
) {
  const logs: { level: 'info' | 'warning'; line: string }[] = [];
  const pr = context.pullRequest === undefined ? null : context.pullRequest;
  const inputs = parseInputs((name) => ({ platforms: 'linux/amd64', ...raw })[name] ?? '', {
    workspace,
    eventBaseRef: pr?.baseRef ?? null,
  });
  const result = await runGate(
    inputs,
    { eventName: 'pull_request', workspace, defaultReportFile: null, pullRequest: pr, ...context },
    {
      buildx: new DockerBuildx({ DOCKER_HOST: `unix://${CONTAINERD_SOCKET}` }),
      docker: new DockerodeEngine(new Docker({ socketPath: CONTAINERD_SOCKET })),
      registry: registryImages(),
      git: baselineGit({ warn: () => {} }),
      comments: null,
      summary: null,
      log: {
        info: (line) => logs.push({ level: 'info', line }),
        warning: (line) => logs.push({ level: 'warning', line }),
        detail: () => {},
        group: () => {},
      },
    },
  );
  return { result, logs };
}

let repo: ReturnType<typeof repository>;
const work = join(root, 'work');

beforeAll(async () => {
  await requireDaemon(CONTAINERD_SOCKET);
  repo = repository(work);
});

describe('base-ref on a pull_request', () => {
  it("wins over the event's base: the base is its merge-base with HEAD, and the log says so", async () => {
    const pr = pullRequest(repo.mainTip, repo.head);
    // The event's base (main's tip, a 2 MB app) would show the head shrinking and pass.
    const byEvent = await gate(work, { 'max-increase': '5KB' }, { pullRequest: pr });
    expect(byEvent.result.decision.verdict).toBe('pass');
    expect(byEvent.logs.some((l) => l.line.includes(`base commit ${repo.mainTip.slice(0, 12)}`))).toBe(true);

    const { result, logs } = await gate(
      work,
      { 'max-increase': '5KB', 'base-ref': 'main' },
      { pullRequest: pr },
    );
    const line = logs.find((l) => l.line.startsWith('base commit'))!.line;
    expect(line).toContain(`merge-base ${repo.fork.slice(0, 12)} of main and HEAD`);
    expect(line).toContain("base-ref main is set, so it wins over the pull request's base main");
    expect(result.report.images.find((i) => i.role === 'base')!.ref).toBe(`base (${repo.fork.slice(0, 7)})`);
    expect(result.decision.verdict).toBe('fail');
    expect(result.report.platforms[0]!.delta!.uncompressed).toBe(1_000_000 - 100);
  });
});

describe('each missing-baseline cause gives the verdict on-missing-baseline asks for', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    await requireRegistry();
    // A registry that answers 401 or 500 on every request, by the first path segment of the repository.
    server = createServer((req, res) => {
      const status = req.url?.startsWith('/v2/denied/') ? 401 : 500;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ errors: [{ code: status === 401 ? 'UNAUTHORIZED' : 'UNKNOWN', message: 'no' }] }),
      );
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const image = (raw: Partial<Record<InputName, string>>) => ({
    image: `${REGISTRY}/isg/busybox:1`,
    'max-increase': '0',
    ...raw,
  });
  const cases: [string, () => [Partial<Record<InputName, string>>, Partial<GateContext>], string][] = [
    [
      'an unfetchable base SHA',
      () => [{ 'max-increase': '0' }, { pullRequest: pullRequest('e'.repeat(40), repo.head) }],
      'base-commit-unavailable',
    ],
    ['a pull_request run without its event payload', () => [{ 'max-increase': '0' }, {}], 'event-missing'],
    [
      'an unreachable base-image',
      () => [image({ 'base-image': '127.0.0.1:1/isg/gone:1' }), {}],
      'base-image-unavailable',
    ],
    [
      'a base-image behind a 401',
      () => [image({ 'base-image': `127.0.0.1:${port}/denied/x:1` }), {}],
      'base-image-unavailable',
    ],
    [
      'a base-image from a failing registry',
      () => [image({ 'base-image': `127.0.0.1:${port}/broken/x:1` }), {}],
      'base-image-unavailable',
    ],
  ];

  for (const [name, setup, cause] of cases) {
    it(`${name}: warn passes the step with a warning, fail fails it, both naming ${cause}`, async () => {
      const [raw, context] = setup();
      const warned = await gate(work, raw, context);
      expect(warned.result.decision.verdict).toBe('no-baseline');
      expect(warned.result.failure).toBeNull();
      expect(warned.result.report.missingBaseline).toMatchObject({ policy: 'warn', cause });
      expect(
        warned.logs.some((l) => l.level === 'warning' && l.line.startsWith(`no baseline (${cause}): `)),
      ).toBe(true);

      const failed = await gate(work, { ...raw, 'on-missing-baseline': 'fail' }, context);
      expect(failed.result.decision.verdict).toBe('fail');
      expect(failed.result.failure).toContain(`(${cause})`);
      expect(failed.result.report.baseMissingCause).toBe(cause);
      expect(failed.result.markdown).toContain(`\`${cause}\``);
    });
  }

  it('a base-image without one of the platforms: that platform has no baseline, the other is still gated', async () => {
    // A small image published for linux/amd64 only, under a name no other test uses.
    const amd64Only = `${REGISTRY}/isg-test/amd64-only-${process.pid}-${Date.now()}:1`;
    execFileSync(
      'docker',
      ['buildx', 'build', '-q', '--platform', 'linux/amd64', '-t', amd64Only, '--push', work],
      { env: dockerEnv(CONTAINERD_SOCKET), stdio: 'pipe' },
    );
    const raw = image({ 'base-image': amd64Only, platforms: 'linux/amd64,linux/arm64', 'max-increase': '' });
    const { result, logs } = await gate(work, raw, {});
    const arm = result.report.platforms.find((p) => p.platform === 'linux/arm64')!;
    const amd = result.report.platforms.find((p) => p.platform === 'linux/amd64')!;
    expect(amd.presence).toBe('both');
    expect(arm).toMatchObject({ presence: 'head-only', baseMissingCause: 'base-platform-missing' });
    expect(result.report.missingBaseline).toMatchObject({
      cause: 'base-platform-missing',
      platforms: ['linux/arm64'],
    });
    expect(result.decision.verdict).toBe('pass');
    expect(logs.some((l) => l.level === 'warning' && l.line.startsWith('no baseline for linux/arm64'))).toBe(
      true,
    );
    // amd64 is still gated: busybox is bigger than the 100-byte app, so any growth limit fails it alone.
    const capped = await gate(work, { ...raw, 'max-increase': '0' }, {});
    expect(capped.result.decision.violations.map((v) => v.platform)).toEqual(['linux/amd64']);
    // With a policy of fail, arm64's missing baseline fails the gate by itself.
    const failed = await gate(work, { ...raw, 'on-missing-baseline': 'fail' }, {});
    expect(failed.result.decision.verdict).toBe('fail');
    expect(failed.result.failure).toMatch(/^no baseline for linux\/arm64 \(base-platform-missing\)/);
  });

  it('an image with max-size and no baseline: pass or fail by the cap, not no-baseline', async () => {
    const ok = await gate(work, { image: `${REGISTRY}/isg/busybox:1`, 'max-size': '100MB' }, {});
    expect(ok.result.decision.verdict).toBe('pass');
    const over = await gate(work, { image: `${REGISTRY}/isg/busybox:1`, 'max-size': '1KB' }, {});
    expect(over.result.decision.verdict).toBe('fail');
  });
});

describe('a checkout into a subfolder of the workspace (actions/checkout with path:)', () => {
  it('finds the repository from context and builds the base from it', async () => {
    const workspace = join(root, 'workspace');
    const sub = repository(join(workspace, 'service'));
    const { result } = await gate(
      workspace,
      { context: 'service', 'max-increase': '5KB', 'base-ref': 'main' },
      { pullRequest: pullRequest(sub.mainTip, sub.head) },
    );
    expect(result.report.baseMissingReason).toBeNull();
    expect(result.report.platforms[0]!.delta!.uncompressed).toBe(1_000_000 - 100);
    expect(result.decision.verdict).toBe('fail');
  });
});
