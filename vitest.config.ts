import { defineConfig } from 'vitest/config';

// Three projects: unit tests are pure and parallel; integration and e2e tests share one Docker
// daemon pair and one registry, so they run one file at a time to keep build timings honest.
export default defineConfig({
  test: {
    // In CI a JSON report too, from which .ci/run prints the plain "N passed, N failed" line.
    ...(process.env.CI
      ? { reporters: ['default', 'json'], outputFile: { json: '.tmp/vitest-results.json' } }
      : {}),
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
