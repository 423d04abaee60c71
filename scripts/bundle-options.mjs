// esbuild options every bundle of src/ needs, for dist/ and for the benchmark's children alike.
export const bundleOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
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
};
