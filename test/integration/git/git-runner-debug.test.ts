// With the runner's debug flag, git's output (ref names, file names, commit messages from the pull
// request) is echoed, and must not be able to issue a workflow command while it is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { execGit } from '../../../src/git/git-runner.js';
import { obeyedCommands } from '../../e2e/runner.js';

let dir: string | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('execGit in debug mode', () => {
  it('echoes the command and its output as one ::debug:: command, never as a command of its own', async () => {
    dir = mkdtempSync(join(tmpdir(), 'isg-git-debug-'));
    const env = {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'a',
      GIT_AUTHOR_EMAIL: 'a@b',
      GIT_COMMITTER_NAME: 'a',
      GIT_COMMITTER_EMAIL: 'a@b',
    };
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
    execFileSync(
      'git',
      ['commit', '-q', '--allow-empty', '-m', 'fine\n\n::error::injected\n##[error]legacy'],
      { cwd: dir, env },
    );
    let written = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    });

    const result = await execGit({ debug: true }).run(dir, ['log', '--format=%B']);

    vi.restoreAllMocks();
    expect(result.stdout).toContain('::error::injected');
    expect(written.split('\n').filter(Boolean)).toHaveLength(1);
    expect(written).toMatch(/^::debug::git log --format=%25B%0Afine/);
    expect(obeyedCommands(written).map((line) => line.slice(0, 9))).toEqual(['::debug::']);
  });
});
