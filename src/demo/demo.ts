// `image-size-gate demo`: makes a git repository from the bundled Go service with a lean base commit
// (static, stripped binary on busybox) and a bloated head commit (CGO on a glibc base, symbols kept),
// then gates the head against the base for both platforms, exactly as a pull request would.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runLocalGate } from '../cli/local-gate.js';
import { parseInputs } from '../inputs/inputs.js';

/** The example service ships in the package next to dist/. */
export function exampleDir(): string {
  const candidates = [
    join(import.meta.dirname, '..', 'test', 'fixtures', 'go-service'),
    join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'go-service'),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'Dockerfile')));
  if (!found) throw new Error(`the bundled example is missing (looked in ${candidates.join(', ')})`);
  return found;
}

/** The head commit's edits: each one a regression the brief names. */
export function bloatDockerfile(dockerfile: string): string {
  return dockerfile
    .replace(
      'ARG RUNTIME_IMAGE=localhost:5000/isg/busybox:1',
      'ARG RUNTIME_IMAGE=localhost:5000/isg/glibc:bookworm',
    )
    .replace('ARG CGO_ENABLED=0', 'ARG CGO_ENABLED=1')
    .replace('ARG LDFLAGS="-s -w"', 'ARG LDFLAGS=""');
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'image-size-gate demo',
  GIT_AUTHOR_EMAIL: 'demo@example.invalid',
  GIT_COMMITTER_NAME: 'image-size-gate demo',
  GIT_COMMITTER_EMAIL: 'demo@example.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

function git(dir: string, args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
}

/** Creates the demo repository and returns its path; the head commit is checked out on branch `bloat`. */
export function createDemoRepository(dir: string): string {
  cpSync(exampleDir(), dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'Lean image: static stripped Go binary on busybox']);
  git(dir, ['checkout', '-q', '-b', 'bloat']);
  const dockerfile = join(dir, 'Dockerfile');
  writeFileSync(dockerfile, bloatDockerfile(readFileSync(dockerfile, 'utf8')));
  git(dir, ['commit', '-q', '-am', 'Bloated image: CGO on a glibc base, symbols and DWARF kept']);
  return dir;
}

export async function runDemo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { dir: { type: 'string' }, verbose: { type: 'boolean' } },
  });
  const dir = values.dir ? resolve(values.dir) : mkdtempSync(join(tmpdir(), 'image-size-gate-demo-'));
  const say = (line: string) => process.stderr.write(`${line}\n`);
  say(`demo: repository ${createDemoRepository(dir)} (main = lean base, bloat = bloated head)`);
  const inputs = parseInputs(
    (name) =>
      ({ 'base-ref': 'main', 'max-increase': '5MB', platforms: 'linux/amd64,linux/arm64' })[name as string] ??
      '',
    { workspace: dir, eventBaseRef: null },
  );
  const reportFile = join(dir, '.image-size-gate', 'report.json');
  const markdownFile = join(dir, '.image-size-gate', 'report.md');
  const result = await runLocalGate(
    { ...inputs, markdownFile },
    { workspace: dir, defaultReportFile: reportFile, verbose: values.verbose === true },
  );
  if (result.decision.verdict !== 'fail') {
    say(`demo: expected the bloated head to fail max-increase 5MB, got "${result.decision.verdict}"`);
    return 1;
  }
  say('demo: the gate failed the bloated head, as it should (max-increase 5MB)');
  return 0;
}
