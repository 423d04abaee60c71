// actions/checkout fetches one commit. The gate must fetch the pull request's base commit from
// origin and build it: a bare repository as origin, a depth-1 clone of the head.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, expect, it } from 'vitest';
import { DockerBuildx } from '../../../src/buildx/buildx.js';
import { createDemoRepository } from '../../../src/demo/demo.js';
import { DockerodeEngine } from '../../../src/docker/engine.js';
import { runGate } from '../../../src/gate/run-gate.js';
import { baselineGit } from '../../../src/git/baseline.js';
import { parseInputs } from '../../../src/inputs/inputs.js';
import { registryImages } from '../../../src/measure/registry-reader.js';
import { CONTAINERD_SOCKET, requireDaemon } from '../../support/docker.js';

const root = mkdtempSync(join(tmpdir(), 'isg-shallow-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const git = (dir: string, args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();

it('fetches and builds the base commit from a depth-1 clone of the pull request head', async () => {
  await requireDaemon(CONTAINERD_SOCKET);
  const source = createDemoRepository(join(root, 'source'));
  const baseSha = git(source, ['rev-parse', 'main']);
  const headSha = git(source, ['rev-parse', 'bloat']);
  git(root, ['clone', '-q', '--bare', source, 'origin.git']);
  git(root, [
    'clone',
    '-q',
    '--depth',
    '1',
    '--branch',
    'bloat',
    `file://${join(root, 'origin.git')}`,
    'work',
  ]);
  const work = join(root, 'work');
  expect(git(work, ['rev-parse', '--is-shallow-repository'])).toBe('true');
  expect(() => git(work, ['cat-file', '-e', `${baseSha}^{commit}`])).toThrow();

  const logs: string[] = [];
  const result = await runGate(
    parseInputs((name) => ({ 'max-increase': '5MB' })[name as string] ?? '', {
      workspace: work,
      eventBaseRef: 'main',
    }),
    {
      eventName: 'pull_request',
      workspace: work,
      defaultReportFile: null,
      pullRequest: {
        owner: 'o',
        repo: 'r',
        number: 1,
        baseRef: 'main',
        baseSha,
        headRef: 'bloat',
        headSha,
        headRepoFullName: 'o/r',
        isFork: false,
      },
    },
    {
      buildx: new DockerBuildx({ DOCKER_HOST: `unix://${CONTAINERD_SOCKET}` }),
      docker: new DockerodeEngine(new Docker({ socketPath: CONTAINERD_SOCKET })),
      registry: registryImages(),
      git: baselineGit(),
      comments: null,
      summary: null,
      log: { info: (l) => logs.push(l), warning: (l) => logs.push(l), detail: () => {}, group: () => {} },
    },
  );

  expect(git(work, ['cat-file', '-t', baseSha])).toBe('commit');
  expect(logs.some((l) => l.startsWith(`base commit ${baseSha.slice(0, 12)}`))).toBe(true);
  expect(result.report.baseMissingReason).toBeNull();
  expect(result.decision.verdict).toBe('fail');
  for (const p of result.report.platforms) {
    expect(p.base?.sizes.uncompressed).toBeGreaterThan(0);
    expect(p.delta!.uncompressed).toBeGreaterThan(5_000_000);
  }
  expect(git(work, ['worktree', 'list']).split('\n')).toHaveLength(1);
});
