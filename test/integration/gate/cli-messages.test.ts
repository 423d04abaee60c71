// What a new user of the CLI sees: where it looked for a base, what the head is, which exit code means what,
// and that a bad input is refused before anything builds. The CLI bundled as dist/ is, on the containerd daemon.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleOptions } from '../../../scripts/bundle-options.mjs';
import { CONTAINERD_SOCKET, requireDaemon } from '../../support/docker.js';
import { git } from '../git/git-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'isg-cli-messages-'));
const cli = join(root, 'cli.mjs');
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  await requireDaemon(CONTAINERD_SOCKET);
  await build({ ...bundleOptions, entryPoints: ['src/cli.ts'], outfile: cli });
});

function project(name: string, dockerfile: string, options: { git?: string | false } = {}): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  writeFileSync(join(dir, 'app'), name);
  if (options.git !== false) {
    git(dir, 'init', '-q', '-b', options.git ?? 'main');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'first');
  }
  return dir;
}

function cliIn(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, [cli, '--platforms', 'linux/amd64', ...args], {
    cwd: dir,
    env: { ...process.env, DOCKER_HOST: `unix://${CONTAINERD_SOCKET}` },
    encoding: 'utf8',
  });
}

const APP = 'FROM scratch\nCOPY app /app\n';

describe('the CLI', () => {
  it('outside a git repository says so and names the flag, not a pull request', () => {
    const run = cliIn(project('no-git', APP, { git: false }));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      /no baseline \(not-a-repository\): .*no-git is not inside a git repository.*run the CLI inside a git checkout, or set --baseline none/,
    );
    expect(run.stderr).not.toMatch(/pull request/);
  }, 120_000);

  it('with no main or master says what it looked for and which flag sets it', () => {
    const run = cliIn(project('trunk', APP, { git: 'trunk' }));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('no baseline (no-base-ref): looked for a base branch in ');
    expect(run.stderr).toMatch(
      /\(origin's HEAD branch, then main, then master\) and found none: set --base-ref BRANCH, or --baseline none/,
    );
    expect(run.stderr).not.toMatch(/pull request/);
  }, 120_000);

  it('labels an uncommitted tree as such', () => {
    const dir = project('dirty', APP);
    const sha = git(dir, 'rev-parse', 'HEAD').slice(0, 7);
    writeFileSync(join(dir, 'app'), 'changed');
    const run = cliIn(dir, '--baseline', 'none', '--report-file', join(dir, 'r.json'));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`working tree (uncommitted changes on ${sha})`);
  }, 120_000);

  it('exits 1 with the build tail when the head does not build', () => {
    const run = cliIn(project('broken', 'FROM scratch\nCOPY missing-file /x\n'), '--baseline', 'none');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('docker buildx build failed');
    expect(run.stderr).toMatch(/missing-file/);
  }, 120_000);

  it('refuses `file` outside the repository with exit 2, naming the input, before building', () => {
    const dir = project('outside', APP);
    writeFileSync(join(root, 'valid.Dockerfile'), APP);
    const run = cliIn(dir, '--file', '../valid.Dockerfile');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /^image-size-gate: input `file`: "\.\.\/valid\.Dockerfile" resolves to .*, outside the workspace/,
    );
    expect(run.stderr).not.toContain('buildx');
  }, 120_000);
});
