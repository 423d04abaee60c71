import { describe, expect, it } from 'vitest';
import { defaultBranch } from '../../../src/cli/local-gate.js';
import { fakeGit } from './fake-git.js';

describe("the CLI's default base branch, asked through the git seam", () => {
  it("takes origin's HEAD branch first", async () => {
    const git = fakeGit((args) =>
      args.join(' ') === 'rev-parse --abbrev-ref origin/HEAD' ? { stdout: 'origin/trunk\n' } : undefined,
    );
    expect(await defaultBranch('/repo', git)).toBe('trunk');
    expect(git.calls).toHaveLength(1);
  });

  it('else main or master, local or on origin', async () => {
    const has = (ref: string) =>
      fakeGit((args) => {
        if (args[1] === '--abbrev-ref') return 128;
        return args.at(-1) === ref ? { stdout: `${'a'.repeat(40)}\n` } : undefined;
      });
    expect(await defaultBranch('/repo', has('refs/heads/main'))).toBe('main');
    expect(await defaultBranch('/repo', has('refs/remotes/origin/master'))).toBe('master');
    expect(await defaultBranch('/repo', has('refs/heads/develop'))).toBeNull();
  });

  it('is null when git cannot start', async () => {
    const missing = {
      run: async () => {
        throw new Error('Could not run git');
      },
    };
    expect(await defaultBranch('/repo', missing)).toBeNull();
  });
});
