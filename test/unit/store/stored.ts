// Stored reports for the store tests: the realistic fixture's lean image as a main-branch run measured it.
import type { ImageMeasure } from '../../../src/core/model.js';
import type { Report } from '../../../src/report/json.js';
import { fingerprintOf } from '../../../src/store/fingerprint.js';
import { leanBase } from '../core/fixtures.js';
import { reportFor } from '../report/reports.js';

export const FINGERPRINT = fingerprintOf({
  workspace: '/repo',
  context: '/repo/svc',
  file: '/repo/svc/Dockerfile',
  target: null,
  buildArgs: { GO_VERSION: '1.24' },
  platforms: ['linux/amd64', 'linux/arm64'],
  image: null,
  measuring: 'exact',
  schemaMajor: 2,
});

export const sha = (c: string) => c.repeat(40).slice(0, 40);

/** The report a push to main at `commit` would store. */
export function storedReport(
  commit: string,
  head: ImageMeasure = leanBase(),
  fingerprint = FINGERPRINT,
): Report {
  const report = reportFor(head, null, {}, 'this is a push and `base-ref` is not set');
  return { ...report, run: { commit, ref: 'refs/heads/main', event: 'push', fingerprint } };
}

/** What a verdict and its base figures are made of: the report without the head's explanation and timings. */
export function baselineFigures(report: Report): string {
  return JSON.stringify({
    verdict: report.verdict,
    headline: report.headline,
    baseMissingReason: report.baseMissingReason,
    thresholds: report.thresholds,
    images: report.images,
    platforms: report.platforms.map(({ explanation: _explanation, ...p }) => p),
  });
}
