// Bundles src/ into dist/: dist/index.js is what GitHub runs (action.yml), dist/aggregate.js the
// aggregator (aggregate/action.yml), dist/cli.js the
// `image-size-gate` bin. `node scripts/build.mjs --outdir DIR` writes elsewhere (the dist check uses it).
import { chmod, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { bundleOptions } from './bundle-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--outdir');
const outdir = outFlag > 0 ? process.argv[outFlag + 1] : join(root, 'dist');

const buildOptions = {
  ...bundleOptions,
  absWorkingDir: root,
  entryPoints: { index: 'src/action.ts', cli: 'src/cli.ts', aggregate: 'src/aggregate-action.ts' },
  outdir,
};

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await esbuild.build(buildOptions);
await chmod(join(outdir, 'cli.js'), 0o755);
