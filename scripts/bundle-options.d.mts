// Types for bundle-options.mjs, so TypeScript tests can bundle src/ exactly as dist/ is bundled.
import type { BuildOptions } from 'esbuild';
export declare const bundleOptions: BuildOptions;
