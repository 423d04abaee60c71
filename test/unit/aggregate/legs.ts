// Leg reports as matrix legs would write them: one image (a build context) measured for one platform each,
// made by the gate's own compare, decide and buildReport from the realistic fixture.
import { compareImages } from '../../../src/core/compare.js';
import type { ImageMeasure, Platform, Thresholds } from '../../../src/core/model.js';
import { DEFAULT_THRESHOLDS } from '../../../src/core/thresholds.js';
import { decide } from '../../../src/core/verdict.js';
import { buildReport, REPORT_SCHEMA_VERSION, type Report } from '../../../src/report/json.js';
import { fingerprintOf } from '../../../src/store/fingerprint.js';
import { bloatedHead, leanBase } from '../core/fixtures.js';

export const HEAD_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

function only(image: ImageMeasure, platforms: readonly Platform[]): ImageMeasure {
  return { ...image, platforms: image.platforms.filter((p) => platforms.includes(p.platform)) };
}

export interface LegOptions {
  context?: string;
  image?: string | null;
  platforms: Platform[];
  /** Default: grows (the bloated head against the lean base); `same`: head = base. */
  head?: 'bloated' | 'same';
  thresholds?: Partial<Thresholds>;
  commit?: string;
  baseline?: boolean;
}

export function legReport(options: LegOptions): Report {
  const head = only(options.head === 'same' ? leanBase() : bloatedHead(), options.platforms);
  const base = options.baseline === false ? null : only(leanBase(), options.platforms);
  const thresholds = { ...DEFAULT_THRESHOLDS, maxIncrease: 100_000_000, ...options.thresholds };
  const comparison = compareImages(
    head,
    base,
    base ? undefined : 'no base',
    base ? null : 'base-build-failed',
  );
  const decision = decide(comparison, thresholds);
  const workspace = '/work/repo';
  const context = options.context ?? 'services/api';
  return buildReport({
    comparison,
    decision,
    tool: { name: 'image-size-gate', version: '0.1.0' },
    generatedAt: new Date('2026-12-01T10:00:00.000Z'),
    run: {
      commit: options.commit ?? HEAD_SHA,
      ref: 'refs/pull/2/merge',
      event: 'pull_request',
      fingerprint: fingerprintOf({
        workspace,
        context: `${workspace}/${context}`,
        file: `${workspace}/${context}/Dockerfile`,
        target: null,
        buildArgs: {},
        platforms: options.platforms,
        image: options.image ?? null,
        measuring: 'exact',
        schemaMajor: REPORT_SCHEMA_VERSION,
      }),
    },
  });
}

export const bytesOf = (report: unknown) => Buffer.from(JSON.stringify(report));
