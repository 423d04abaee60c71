// Benchmark (prints figures, asserts nothing): how long the size history's reads take, N reports from the
// loopback registry store in a repository of its own (the target: under 2 s for 20).
//   node scripts/bench/history.mjs [--reads 20] [--registry localhost:5000] [--runs 5]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { bundleOptions } from '../bundle-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
};
const outdir = mkdtempSync(join(tmpdir(), 'isg-bench-history-'));
try {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { reads: 'scripts/bench/history-reads.ts' },
    ...bundleOptions,
    outdir,
    outExtension: { '.js': '.mjs' },
  });
  const child = spawnSync(
    process.execPath,
    [
      join(outdir, 'reads.mjs'),
      option('--reads', '20'),
      option('--registry', 'localhost:5000'),
      option('--runs', '5'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' },
  );
  if (child.status !== 0) process.exit(child.status ?? 1);
  const figures = JSON.parse(child.stdout);
  console.log(
    `history: ${figures.reads} reads (${figures.found} found) from ${figures.store}: median ${(figures.medianMs / 1000).toFixed(2)} s, worst ${(figures.maxMs / 1000).toFixed(2)} s over ${figures.runs} runs`,
  );
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
