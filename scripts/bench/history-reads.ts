// The history benchmark's child: puts N reports into a fresh repository of the loopback registry store, then
// times readStoredHistory over them (N reads, HISTORY_CONCURRENCY at a time) and prints the figures as JSON.
import { randomBytes } from 'node:crypto';
import type { Report } from '../../src/report/json.js';
import { readStoredHistory } from '../../src/store/history.js';
import type { StoreHistory } from '../../src/store/lookup.js';
import { RegistryStore } from '../../src/store/registry-store.js';

const count = Number(process.argv[2] ?? '20');
const registry = process.argv[3] ?? 'localhost:5000';
const runs = Number(process.argv[4] ?? '5');
const fingerprint = randomBytes(32).toString('hex');
const commits = Array.from({ length: count }, () => randomBytes(20).toString('hex'));
const store = new RegistryStore(`${registry}/isg-bench/history-${randomBytes(6).toString('hex')}`);

function report(commit: string, i: number): Report {
  const sizes = { uncompressed: 10_000_000 + i * 100_000, compressed: 4_000_000 + i * 40_000 };
  const head = {
    manifestDigest: `sha256:${'1'.repeat(64)}`,
    manifestBytes: 500,
    configDigest: `sha256:${'2'.repeat(64)}`,
    configBytes: 1500,
    sizes,
    layerCount: 0,
    compressedEstimated: false,
  };
  return {
    schemaVersion: 3,
    tool: { name: 'image-size-gate', version: 'bench' },
    generatedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
    verdict: 'no-baseline',
    headline: null,
    baseMissingReason: 'bench',
    baseMissingCause: 'baseline-none',
    missingBaseline: null,
    thresholds: {
      maxIncrease: null,
      maxIncreasePercent: null,
      maxSize: null,
      basis: 'uncompressed',
      mode: 'fail',
    },
    images: [{ role: 'head', ref: 'bench', source: 'build' }],
    platforms: ['linux/amd64', 'linux/arm64'].map((platform) => ({
      platform,
      presence: 'head-only',
      head,
      base: null,
      baseMissingReason: 'bench',
      baseMissingCause: 'baseline-none',
      delta: null,
      percent: null,
      layers: [],
      violations: [],
      explanation: null,
    })),
    timings: {},
    baseline: { source: 'none', commit: null, reason: null, stored: null },
    run: {
      commit,
      ref: 'refs/heads/main',
      event: 'push',
      fingerprint: {
        id: fingerprint,
        parts: {
          image: null,
          context: '.',
          file: 'Dockerfile',
          target: null,
          buildArgNames: [],
          platforms: ['linux/amd64', 'linux/arm64'],
          measuring: 'exact',
          schemaMajor: 3,
        },
      },
    },
    engine: null,
  } as unknown as Report;
}

for (const [i, commit] of commits.entries()) await store.put(report(commit, i));
// Nearest first, as git walks them.
const nearestFirst = [...commits].reverse();
const history: StoreHistory = {
  firstParentAncestors: async (_sha, depth) => nearestFirst.slice(1, depth + 1),
  changed: async () => false,
  commitsTouching: async () => 0,
};
const times: number[] = [];
let found = 0;
for (let run = 0; run < runs; run++) {
  const start = performance.now();
  const read = await readStoredHistory(store, history, { base: nearestFirst[0]!, fingerprint, count });
  times.push(performance.now() - start);
  found = read.points.length;
  if (read.skipped > 0) process.stderr.write(`[bench] skipped ${read.skipped}: ${read.reasons.join('; ')}\n`);
}
times.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({ store: store.name, reads: count, found, runs, medianMs: Math.round(times[Math.floor(runs / 2)]!), maxMs: Math.round(times.at(-1)!) })}\n`,
);
