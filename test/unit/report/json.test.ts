import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { compareImages } from '../../../src/core/compare.js';
import type { ImageMeasure } from '../../../src/core/model.js';
import { DEFAULT_THRESHOLDS } from '../../../src/core/thresholds.js';
import { decide } from '../../../src/core/verdict.js';
import { buildReport, REPORT_SCHEMA_VERSION, type Report, renderJson } from '../../../src/report/json.js';
import { bloatedHead, leanBase } from '../core/fixtures.js';
import {
  ARCHES,
  bloatedExplanation,
  cannotStartReport,
  explainedReport,
  hostileExplanation,
  hugeExplanation,
  noBaseReport,
} from './explanations.js';
import { HOSTILE } from './hostile.js';
import { failingReport, GENERATED_AT, reportFor, TIMINGS, TOOL } from './reports.js';

const schema = JSON.parse(
  readFileSync(new URL('../../../src/report/report.schema.json', import.meta.url), 'utf8'),
);

// strict: a keyword ajv does not know is an error, so a typo in the schema cannot silently allow anything.
const validator = new Ajv2020({ allErrors: true, strict: true, validateFormats: false }).compile(schema);

/** Every place the value breaks the schema, as `<JSON pointer>: <what is wrong>`. */
function validate(value: unknown): string[] {
  if (validator(value)) return [];
  return (validator.errors ?? []).map((e) => {
    const extra = (e.params as { additionalProperty?: string }).additionalProperty;
    return `${e.instancePath}: ${e.message}${extra ? ` (${extra})` : ''}`;
  });
}

/** The report as a consumer reads it back from the file. */
function roundTrip(report: Report): unknown {
  return JSON.parse(renderJson(report));
}

describe('buildReport', () => {
  it('holds the version, the tool, the verdict, the thresholds, the images and the timings', () => {
    const report = failingReport();
    expect(report).toMatchObject({
      schemaVersion: 3,
      tool: TOOL,
      generatedAt: GENERATED_AT.toISOString(),
      verdict: 'fail',
      baseMissingReason: null,
      thresholds: {
        maxIncrease: 5_000_000,
        maxIncreasePercent: null,
        maxSize: null,
        basis: 'uncompressed',
        mode: 'fail',
      },
      images: [
        { role: 'head', ref: 'localhost:5000/isg/demo:pr-42', source: 'build' },
        { role: 'base', ref: 'localhost:5000/isg/demo:main', source: 'build' },
      ],
      timings: TIMINGS,
    });
    expect(REPORT_SCHEMA_VERSION).toBe(3);
  });

  it('gives each platform head, base, delta, percent, matched layers and its own violations', () => {
    const [amd64] = failingReport().platforms;
    const head = bloatedHead().platforms[0]!;
    const base = leanBase().platforms[0]!;
    expect(amd64).toMatchObject({
      platform: 'linux/amd64',
      presence: 'both',
      head: { manifestDigest: head.manifestDigest, sizes: head.sizes, layerCount: 6 },
      base: { configDigest: base.configDigest, sizes: base.sizes, layerCount: 6 },
      baseMissingReason: null,
      delta: {
        compressed: head.sizes.compressed - base.sizes.compressed,
        uncompressed: head.sizes.uncompressed - base.sizes.uncompressed,
      },
    });
    expect(amd64!.layers).toHaveLength(7);
    expect(amd64!.violations.map((v) => `${v.platform} ${v.rule}`)).toEqual(['linux/amd64 max-increase']);
    expect(amd64!.head).not.toHaveProperty('layers');
  });

  it('writes null and the reason where there is no baseline', () => {
    const report = reportFor(bloatedHead(), null, {}, 'the base build failed: exit code 1');
    expect(report.verdict).toBe('no-baseline');
    expect(report.baseMissingReason).toBe('the base build failed: exit code 1');
    expect(report.images.map((i) => i.role)).toEqual(['head']);
    for (const p of report.platforms) {
      expect(p).toMatchObject({
        base: null,
        delta: null,
        percent: null,
        baseMissingReason: 'the base build failed: exit code 1',
      });
    }
  });

  it('puts each explanation on its platform, and null where there is none', () => {
    const amd64 = bloatedExplanation(ARCHES.amd64);
    const report = explainedReport(undefined, [amd64]);
    expect(report.platforms.map((p) => p.explanation)).toEqual([amd64, null]);
    expect(failingReport().platforms.map((p) => p.explanation)).toEqual([null, null]);
    // A platform only the base has is never explained.
    const head: ImageMeasure = { ...bloatedHead(), platforms: bloatedHead().platforms.slice(0, 1) };
    const oneSided = explainedReport(undefined, [amd64, bloatedExplanation(ARCHES.arm64)], head);
    expect(oneSided.platforms.map((p) => [p.platform, p.presence, p.explanation?.platform ?? null])).toEqual([
      ['linux/amd64', 'both', 'linux/amd64'],
      ['linux/arm64', 'base-only', null],
    ]);
  });

  it('stamps the current time when none is given', () => {
    const before = Date.now();
    const comparison = compareImages(bloatedHead(), leanBase());
    const report = buildReport({ comparison, decision: decide(comparison, DEFAULT_THRESHOLDS), tool: TOOL });
    expect(Date.parse(report.generatedAt)).toBeGreaterThanOrEqual(before);
    expect(report.timings).toEqual({});
  });
});

describe('src/report/report.schema.json', () => {
  it('is a draft 2020-12 schema', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it.each([
    ['a failing comparison', () => failingReport({ maxIncrease: 0, maxIncreasePercent: 5, maxSize: 1 })],
    ['a passing comparison on the compressed basis', () => failingReport({ basis: 'compressed' })],
    ['no baseline', () => reportFor(bloatedHead(), null, { maxSize: 1 }, 'baseline: none')],
    [
      'platforms on one side only',
      () => {
        const head: ImageMeasure = { ...bloatedHead(), platforms: bloatedHead().platforms.slice(0, 1) };
        const base: ImageMeasure = { ...leanBase(), platforms: leanBase().platforms.slice(1) };
        return reportFor(head, base, { maxIncrease: 0 });
      },
    ],
    ['explanations of both platforms', () => explainedReport()],
    ['explanations without a base', () => noBaseReport()],
    ['a binary that cannot start', () => cannotStartReport()],
    [
      'a failure the override label accepted',
      () => ({
        ...failingReport({ maxIncrease: 0 }),
        verdict: 'overridden' as const,
        override: {
          label: 'size-increase-approved',
          status: 'accepted' as const,
          by: 'dev',
          at: '2026-12-01T10:00:00Z',
          reason: null,
        },
      }),
    ],
    [
      'a failure the override label did not accept',
      () => ({
        ...failingReport({ maxIncrease: 0 }),
        override: {
          label: 'size-increase-approved',
          status: 'refused' as const,
          by: null,
          at: null,
          reason: 'the GitHub API could not tell who applied it (HTTP 502)',
        },
      }),
    ],
    [
      'explanations full of hostile text and of everything',
      () =>
        explainedReport(undefined, [
          hostileExplanation('linux/amd64', HOSTILE),
          hugeExplanation('linux/arm64', HOSTILE),
        ]),
    ],
  ])(
    'documents the report for %s',
    (_, make) => {
      expect(validate(roundTrip(make()))).toEqual([]);
    },
    // The huge explanation takes about 2 s to build and serialise on an idle core; a loaded machine needs more.
    30_000,
  );

  it.each<[string, (r: Record<string, unknown>) => void, string]>([
    ['a missing field', (r) => delete r.timings, ": must have required property 'timings'"],
    [
      'an undocumented field',
      (r) => Object.assign(r, { extra: 1 }),
      ': must NOT have additional properties (extra)',
    ],
    [
      'another version',
      (r) => Object.assign(r, { schemaVersion: 2 }),
      '/schemaVersion: must be equal to constant',
    ],
    [
      'an unknown verdict',
      (r) => Object.assign(r, { verdict: 'ok' }),
      '/verdict: must be equal to one of the allowed values',
    ],
    [
      'a fractional byte count',
      (r) => setPath(r, ['platforms', 0, 'head', 'sizes', 'compressed'], 1.5),
      '/platforms/0/head/sizes/compressed: must be integer',
    ],
    [
      'a layer status typo',
      (r) => setPath(r, ['platforms', 0, 'layers', 0, 'status'], 'grown'),
      '/platforms/0/layers/0/status',
    ],
    [
      'a local time',
      (r) => Object.assign(r, { generatedAt: '2025-06-01 12:00' }),
      '/generatedAt: must match pattern',
    ],
    [
      'a missing explanation',
      (r) => delete (r.platforms as Record<string, unknown>[])[0]!.explanation,
      "/platforms/0: must have required property 'explanation'",
    ],
    [
      'an undocumented field in a binary',
      (r) => setPath(r, ['platforms', 0, 'explanation', 'binaries', 0, 'entropy'], 7.9),
      '/platforms/0/explanation/binaries/0: must NOT have additional properties (entropy)',
    ],
    [
      'an efficiency above 1',
      (r) => setPath(r, ['platforms', 1, 'explanation', 'efficiency', 'score'], 81.2),
      '/platforms/1/explanation/efficiency/score: must be <= 1',
    ],
    [
      'an unknown finding',
      (r) => setPath(r, ['platforms', 0, 'explanation', 'findings', 0, 'id'], 'too-big'),
      '/platforms/0/explanation/findings/0/id: must be equal to one of the allowed values',
    ],
  ])('rejects %s (so the check can fail)', (_, spoil, error) => {
    const report = roundTrip(explainedReport()) as Record<string, unknown>;
    spoil(report);
    const errors = validate(report);
    expect(
      errors.some((e) => e.startsWith(error)),
      errors.join('\n'),
    ).toBe(true);
  });
});

function setPath(target: Record<string, unknown>, path: (string | number)[], value: unknown) {
  let node: unknown = target;
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key];
  (node as Record<string | number, unknown>)[path.at(-1)!] = value;
}
