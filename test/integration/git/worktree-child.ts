// Run (bundled) in a child process by worktree.test.ts: checks out a base worktree and then either waits to be
// signalled or exits from inside the callback, so the parent can see what is left behind.
import { withBaseWorktree } from '../../../src/git/worktree.js';

const [repoDir, sha, tempRoot, mode] = process.argv.slice(2);
if (!repoDir || !sha || !tempRoot || (mode !== 'wait' && mode !== 'exit')) {
  throw new Error('usage: worktree-child <repoDir> <sha> <tempRoot> wait|exit');
}

await withBaseWorktree(
  repoDir,
  sha,
  async (dir) => {
    process.stdout.write(`${JSON.stringify({ ready: dir })}\n`);
    if (mode === 'exit') process.exit(7);
    // Stay alive until the parent's signal arrives.
    setInterval(() => {}, 60_000);
    await new Promise(() => {});
  },
  { tempRoot },
);
