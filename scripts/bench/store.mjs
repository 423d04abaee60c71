// Benchmark (prints figures, asserts nothing): a pull request's wall time on the demo repository with its
// baseline from the report store vs `--baseline build`, each with a cold builder cache, and the store
// lookup itself. Runs the bundled CLI (npm run build first) on the current Docker daemon.
//   node scripts/bench/store.mjs [--platforms linux/amd64,linux/arm64]
// Cold cache without touching anyone else's: every commit's Dockerfile gets its own nonce layer and its own
// Go build-cache mount id, so no layer or cache entry of an earlier build can serve it (base images still
// come from the loopback registry, as on a runner with a nearby mirror).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'dist', 'cli.js');
const at = process.argv.indexOf('--platforms');
const platforms = at > 0 ? process.argv[at + 1] : 'linux/amd64,linux/arm64';
const log = (line) => process.stderr.write(`[bench] ${line}\n`);
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
};
const git = (dir, ...args) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();

/** The demo's Dockerfile with a layer and a build-cache id no earlier build has. */
function cold(dockerfile) {
  const nonce = randomBytes(8).toString('hex');
  return dockerfile
    .replace('WORKDIR /src', `WORKDIR /src\nRUN echo ${nonce} > /nonce`)
    .replace('--mount=type=cache,target=', `--mount=type=cache,id=bench-${nonce},target=`);
}

function bloat(dockerfile) {
  return dockerfile
    .replace(
      'ARG RUNTIME_IMAGE=localhost:5000/isg/busybox:1',
      'ARG RUNTIME_IMAGE=localhost:5000/isg/glibc:bookworm',
    )
    .replace('ARG CGO_ENABLED=0', 'ARG CGO_ENABLED=1')
    .replace('ARG LDFLAGS="-s -w"', 'ARG LDFLAGS=""');
}

/** A demo repository: main (lean), bloat (the PR head), each commit cold. */
function demo() {
  const dir = mkdtempSync(join(tmpdir(), 'isg-bench-store-'));
  cpSync(join(root, 'test', 'fixtures', 'go-service'), dir, { recursive: true });
  const file = join(dir, 'Dockerfile');
  const original = readFileSync(file, 'utf8');
  writeFileSync(file, cold(original));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'lean');
  git(dir, 'checkout', '-q', '-b', 'bloat');
  writeFileSync(file, cold(bloat(original)));
  git(dir, 'commit', '-q', '-am', 'bloat');
  return dir;
}

function gate(dir, flags) {
  const report = join(dir, `report-${randomBytes(3).toString('hex')}.json`);
  const start = performance.now();
  const run = spawnSync(
    process.execPath,
    [cli, '--platforms', platforms, '--max-increase', '5MB', '--report-file', report, ...flags],
    { cwd: dir, encoding: 'utf8' },
  );
  const ms = performance.now() - start;
  if (run.status !== 0 && run.status !== 1) throw new Error(`the gate exited ${run.status}:\n${run.stderr}`);
  return { ms, report: JSON.parse(readFileSync(report, 'utf8')) };
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const dirs = [];
try {
  log(`platforms ${platforms}`);
  const a = demo();
  dirs.push(a);
  const store = `dir://${join(a, '.bench-store')}`;
  git(a, 'checkout', '-q', 'main');
  const push = gate(a, ['--store', store, '--publish', '--baseline', 'none']);
  log(`push to main (publishes): ${seconds(push.ms)}`);
  git(a, 'checkout', '-q', 'bloat');
  const stored = gate(a, ['--store', store, '--base-ref', 'main']);
  if (stored.report.baseline.source !== 'store')
    throw new Error(`expected a stored baseline, got ${stored.report.baseline.source}`);
  const b = demo();
  dirs.push(b);
  const built = gate(b, ['--baseline', 'build', '--base-ref', 'main']);
  if (built.report.baseline.source !== 'build')
    throw new Error(`expected a built baseline, got ${built.report.baseline.source}`);
  const same =
    JSON.stringify(stored.report.platforms.map((p) => p.base?.sizes)) ===
    JSON.stringify(built.report.platforms.map((p) => p.base?.sizes));
  const lines = [
    `PR wall time, baseline from the store: ${seconds(stored.ms)}`,
    `PR wall time, baseline build:          ${seconds(built.ms)}`,
    `ratio (build / store):                  ${(built.ms / stored.ms).toFixed(2)}x`,
    `store lookup (dir://):                  ${stored.report.timings['store lookup']} ms`,
    `verdicts: ${stored.report.verdict} / ${built.report.verdict}; base sizes equal: ${same} (nonce layers differ by design only in digests)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
