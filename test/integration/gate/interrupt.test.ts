// SIGTERM while the base commit builds: the CLI (bundled as dist/ is) is stopped the way a cancelled job
// stops it. Nothing may outlive it: no docker/buildx child, no base worktree, no temporary directory.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleOptions } from '../../../scripts/bundle-options.mjs';
import { BUSYBOX_BASE, CONTAINERD_SOCKET, requireDaemon, requireRegistry } from '../../support/docker.js';
import { git } from '../git/git-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'isg-interrupt-'));
const cli = join(root, 'cli.mjs');
const repo = join(root, 'repo');
const runnerTemp = join(root, 'runner-temp');
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  await requireDaemon(CONTAINERD_SOCKET);
  await requireRegistry();
  await build({ ...bundleOptions, entryPoints: ['src/cli.ts'], outfile: cli });
  mkdirSync(repo);
  mkdirSync(runnerTemp);
  git(repo, 'init', '-q', '-b', 'main');
  // The base commit's build runs until it is stopped; the head's is quick. The marker makes each build unique.
  writeFileSync(join(repo, 'Dockerfile'), `FROM ${BUSYBOX_BASE}\nRUN echo ${root} && sleep 3600\n`);
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'slow base');
  git(repo, 'checkout', '-q', '-b', 'feature');
  writeFileSync(join(repo, 'Dockerfile'), `FROM ${BUSYBOX_BASE}\nRUN echo ${root}\n`);
  git(repo, 'commit', '-q', '-am', 'quick head');
});

/** Processes whose command line names this test's directory (the build's context is under it). */
function ours(): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(runnerTemp) && !line.includes('ps -eo'));
}

/** Resolves when check() holds, polling; rejects when the child ends first. */
function until(check: () => boolean, child: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    child.once('exit', (code, signal) => {
      clearInterval(timer);
      reject(new Error(`the gate ended (${code ?? signal}) before ${what}`));
    });
  });
}

it('stops the buildx child and removes the worktree and temp directories on SIGTERM during the base build', async () => {
  let stderr = '';
  const child = spawn(
    process.execPath,
    [cli, '--platforms', 'linux/amd64', '--base-ref', 'main', '--verbose'],
    {
      cwd: repo,
      env: { ...process.env, DOCKER_HOST: `unix://${CONTAINERD_SOCKET}`, RUNNER_TEMP: runnerTemp },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('exit', (code, signal) => resolve([code, signal])),
  );
  // The base build is running: its worktree exists and the buildx plugin builds from it.
  const baseWorktree = () => readdirSync(runnerTemp).some((name) => name.startsWith('image-size-gate-base-'));
  await until(
    () =>
      baseWorktree() &&
      ours().some(
        (line) =>
          line.includes('cli-plugins/docker-buildx buildx build') && line.includes('image-size-gate-base-'),
      ),
    child,
    `the base build started:\n${stderr}`,
  );
  expect(stderr).toContain('[phase] head:');

  child.kill('SIGTERM');
  expect(await ended).toEqual([null, 'SIGTERM']);

  expect(ours(), stderr).toEqual([]);
  expect(readdirSync(runnerTemp)).toEqual([]);
  expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
  expect(existsSync(join(repo, '.git', 'worktrees'))).toBe(false);
}, 300_000);
