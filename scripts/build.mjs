// Bundles src/ into dist/: dist/index.js is what GitHub runs (action.yml), dist/cli.js the
// `image-size-gate` bin. `node scripts/build.mjs --outdir DIR` writes elsewhere (the dist check uses it).
import { chmod, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--outdir');
const outdir = outFlag > 0 ? process.argv[outFlag + 1] : join(root, 'dist');

export const buildOptions = {
  absWorkingDir: root,
  entryPoints: { index: 'src/action.ts', cli: 'src/cli.ts' },
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  outdir,
  // CommonJS dependencies (streamx, docker-modem, ssh2) call require() and read __dirname.
  banner: {
    js: [
      "import { createRequire as __isgRequire } from 'node:module';",
      'const require = __isgRequire(import.meta.url);',
      'const __filename = import.meta.filename;',
      'const __dirname = import.meta.dirname;',
    ].join('\n'),
  },
  // ssh2's optional native addons: never present in the bundle, loaded lazily and guarded by ssh2 itself.
  external: ['cpu-features', '*.node'],
  legalComments: 'none',
  logLevel: 'warning',
  metafile: false,
  sourcemap: false,
};

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await esbuild.build(buildOptions);
await chmod(join(outdir, 'cli.js'), 0o755);
