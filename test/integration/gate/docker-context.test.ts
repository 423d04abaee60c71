// A Docker context (not DOCKER_HOST) names the daemon: buildx follows it, and so must the Engine API client,
// or the gate picks the strategy of one daemon and builds on another. The CLI, bundled as dist/ is.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleOptions } from '../../../scripts/bundle-options.mjs';
import { CLASSIC_SOCKET, requireDaemon } from '../../support/docker.js';
import { git } from '../git/git-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'isg-context-'));
const cli = join(root, 'cli.mjs');
const config = join(root, 'docker-config');
const repo = join(root, 'repo');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const env = () => {
  const { DOCKER_HOST: _host, DOCKER_CONTEXT: _context, ...rest } = process.env;
  return { ...rest, DOCKER_CONFIG: config };
};

beforeAll(async () => {
  await requireDaemon(CLASSIC_SOCKET);
  await build({ ...bundleOptions, entryPoints: ['src/cli.ts'], outfile: cli });
  mkdirSync(config);
  execFileSync('docker', ['context', 'create', 'isg-classic', '--docker', `host=unix://${CLASSIC_SOCKET}`], {
    env: env(),
    stdio: 'pipe',
  });
  execFileSync('docker', ['context', 'use', 'isg-classic'], { env: env(), stdio: 'pipe' });
  mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'Dockerfile'), 'FROM scratch\nCOPY app /app\n');
  writeFileSync(join(repo, 'app'), root);
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'app');
});

it("follows the config's current context to the classic daemon, with DOCKER_HOST unset", () => {
  const run = spawnSync(
    process.execPath,
    [cli, '--platforms', 'linux/amd64', '--baseline', 'none', '--max-size', '1MB', '--verbose'],
    { cwd: repo, env: env(), encoding: 'utf8' },
  );
  // The preflight line: `<engine> <version>, classic image store; <buildx>; builder … : building one platform …`.
  expect(run.stderr).toMatch(/, classic image store; .*: building one platform at a time/);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain('image-size-gate: pass');
  // The report goes to stdout alone, even with every log line on stderr.
  expect(run.stderr).not.toContain('image-size-gate: pass');
}, 300_000);
