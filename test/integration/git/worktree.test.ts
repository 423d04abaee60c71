import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BaselineGitError, resolveBaseCommit, withBaseWorktree } from '../../../src/git/baseline.js';
import { BASE_DOCKERFILE, createGitFixture, type GitFixture, git, worktreePaths } from './git-fixture.js';

let fixture: GitFixture;
let clone: string;
let baseSha: string;
let childScript: string;
let tempRoot: string;
let tempRootCount = 0;

beforeAll(async () => {
  fixture = createGitFixture();
  clone = fixture.shallowClone('clone');
  baseSha = (await resolveBaseCommit(clone, { baseSha: fixture.base })).sha;
  childScript = join(fixture.root, 'worktree-child.mjs');
  await build({
    entryPoints: [join(dirname(fileURLToPath(import.meta.url)), 'worktree-child.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: childScript,
    // Bundled CommonJS dependencies call require(); ESM output needs one made for them.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
});
afterAll(() => fixture?.remove());

beforeEach(() => {
  tempRoot = join(fixture.root, `temp-${++tempRootCount}`);
  mkdirSync(tempRoot);
});

/** Nothing left behind: only the main working tree is registered and the temporary directory is gone. */
function expectCleanedUp(dir: string | undefined) {
  expect(dir).toBeDefined();
  expect(worktreePaths(clone)).toEqual([realpathSync(clone)]);
  expect(existsSync(dir!)).toBe(false);
  expect(readdirSync(tempRoot)).toEqual([]);
  expect(existsSync(join(clone, '.git', 'worktrees'))).toBe(false);
}

describe('withBaseWorktree', () => {
  it('checks out the fetched base commit of a shallow clone, then removes it', async () => {
    let seen: string | undefined;
    const result = await withBaseWorktree(
      clone,
      baseSha,
      async (dir) => {
        seen = dir;
        expect(dirname(dir)).toBe(realpathSync(tempRoot));
        expect(worktreePaths(clone)).toEqual([realpathSync(clone), dir]);
        expect(git(dir, 'rev-parse', 'HEAD')).toBe(fixture.base);
        expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toBe(BASE_DOCKERFILE);
        expect(existsSync(join(dir, 'bloat'))).toBe(false);
        // Build output left in the worktree must not stop its removal.
        writeFileSync(join(dir, 'build-output.bin'), 'untracked');
        writeFileSync(join(dir, 'Dockerfile'), 'modified');
        return 'built';
      },
      { tempRoot },
    );
    expect(result).toBe('built');
    expectCleanedUp(seen);
    // The main checkout is untouched.
    expect(git(clone, 'rev-parse', 'HEAD')).toBe(fixture.head);
    expect(git(clone, 'status', '--porcelain')).toBe('');
  });

  it('removes the worktree when the callback throws, and passes the error on', async () => {
    let seen: string | undefined;
    const failure = new Error('base build failed');
    await expect(
      withBaseWorktree(
        clone,
        baseSha,
        async (dir) => {
          seen = dir;
          throw failure;
        },
        { tempRoot },
      ),
    ).rejects.toBe(failure);
    expectCleanedUp(seen);
  });

  it('puts the worktree under RUNNER_TEMP when it is set', async () => {
    const saved = process.env.RUNNER_TEMP;
    process.env.RUNNER_TEMP = tempRoot;
    try {
      const dir = await withBaseWorktree(clone, baseSha, async (dir) => dir);
      expect(dirname(dir)).toBe(realpathSync(tempRoot));
      expectCleanedUp(dir);
    } finally {
      if (saved === undefined) delete process.env.RUNNER_TEMP;
      else process.env.RUNNER_TEMP = saved;
    }
  });

  it('refuses a commit the clone lacks before creating anything', async () => {
    const error = await withBaseWorktree(clone, fixture.mainTip, async () => 'never', { tempRoot }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(BaselineGitError);
    expect((error as BaselineGitError).code).toBe('base-commit-unavailable');
    expect(readdirSync(tempRoot)).toEqual([]);
    expect(worktreePaths(clone)).toEqual([realpathSync(clone)]);
  });

  it('leaves no signal or exit handlers behind', async () => {
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit'].map((event) => process.listenerCount(event));
    await withBaseWorktree(clone, baseSha, async () => undefined, { tempRoot });
    await withBaseWorktree(clone, baseSha, async () => Promise.reject(new Error('x')), { tempRoot }).catch(
      () => {},
    );
    const after = ['SIGINT', 'SIGTERM', 'SIGHUP', 'exit'].map((event) => process.listenerCount(event));
    expect(after).toEqual(before);
  });
});

describe('withBaseWorktree in a process that is stopped while the callback runs', () => {
  function startChild(mode: 'wait' | 'exit'): {
    child: ChildProcess;
    ready: Promise<string>;
    ended: Promise<[number | null, NodeJS.Signals | null]>;
  } {
    const child = spawn(process.execPath, [childScript, clone, baseSha, tempRoot, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    // 'close' comes after the output is read, so a child that exits right after saying ready is not "early".
    const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (code, signal) => resolve([code, signal])),
    );
    const ready = new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout?.on('data', (chunk) => {
        stdout += chunk;
        const line = stdout.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { ready: string }).ready);
      });
      void ended.then(([code, signal]) =>
        reject(new Error(`child ended early (${code ?? signal}): ${stderr}`)),
      );
    });
    return { child, ready, ended };
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`removes the worktree on ${signal} and still dies by the signal`, async () => {
      const { child, ready, ended } = startChild('wait');
      const dir = await ready;
      expect(worktreePaths(clone)).toEqual([realpathSync(clone), dir]);
      child.kill(signal);
      expect(await ended).toEqual([null, signal]);
      expectCleanedUp(dir);
    });
  }

  it('removes the worktree when the callback calls process.exit', async () => {
    const { ready, ended } = startChild('exit');
    const dir = await ready;
    expect(await ended).toEqual([7, null]);
    expectCleanedUp(dir);
  });
});
