// The repository's tags with the commits they point at, and the tags at HEAD: what the previous-release
// selection reads. A shallow CI checkout has no tags unless it fetched them (fetch-depth: 0 does).
import type { Tag } from '../core/release.js';
import { BaselineGitError } from './errors.js';
import { execGit, type Git, stderrTail } from './git-runner.js';

export interface RepositoryTags {
  tags: Tag[];
  /** The tags that point at HEAD. */
  atHead: string[];
}

export async function readTags(
  repoDir: string,
  { git = execGit() }: { git?: Git } = {},
): Promise<RepositoryTags> {
  // %(*objectname) is the commit an annotated tag points at; empty for a lightweight tag.
  const listed = await git.run(repoDir, [
    'for-each-ref',
    '--format=%(refname:strip=2)%09%(objectname)%09%(objecttype)%09%(*objectname)%09%(*objecttype)',
    'refs/tags',
  ]);
  if (listed.exitCode !== 0)
    throw new BaselineGitError('git-failed', `git for-each-ref refs/tags failed: ${stderrTail(listed)}`);
  const tags: Tag[] = [];
  for (const line of listed.stdout.split('\n')) {
    const [name, object, type, peeled, peeledType] = line.split('\t');
    if (!name || !object) continue;
    // A tag of a tree or a blob names no commit to compare with.
    if ((peeledType || type) !== 'commit') continue;
    tags.push({ name, commit: (peeled || object).toLowerCase() });
  }
  const head = await git.run(repoDir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  const headSha = head.exitCode === 0 ? head.stdout.trim().toLowerCase() : null;
  return { tags, atHead: headSha ? tags.filter((t) => t.commit === headSha).map((t) => t.name) : [] };
}
