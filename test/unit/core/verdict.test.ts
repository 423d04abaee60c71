import { describe, expect, it } from 'vitest';
import { compareImages } from '../../../src/core/compare.js';
import type {
  GateMode,
  ImageComparison,
  PlatformMeasure,
  SizeBasis,
  Sizes,
  Thresholds,
} from '../../../src/core/model.js';
import { DEFAULT_THRESHOLDS } from '../../../src/core/thresholds.js';
import { decide } from '../../../src/core/verdict.js';
import { bloatedHead, leanBase } from './fixtures.js';

function measure(platform: string, sizes: Sizes): PlatformMeasure {
  return {
    platform,
    manifestDigest: 'sha256:m',
    manifestBytes: 0,
    configDigest: 'sha256:c',
    configBytes: 0,
    sizes,
    layers: [],
  };
}

interface Side {
  platform?: string;
  base: Sizes | null;
  head: Sizes;
}

/** One gated basis at a time: the other basis never changes, so only the gated figures can trip a limit. */
function scenario(
  basis: SizeBasis,
  sides: { base: number | null; head: number; platform?: string }[],
): Side[] {
  const sizes = (n: number): Sizes =>
    basis === 'uncompressed' ? { uncompressed: n, compressed: 1 } : { compressed: n, uncompressed: 1 };
  return sides.map((s) => ({
    platform: s.platform,
    base: s.base === null ? null : sizes(s.base),
    head: sizes(s.head),
  }));
}

function comparison(sides: Side[]): ImageComparison {
  const names = sides.map((s, i) => s.platform ?? ['linux/amd64', 'linux/arm64'][i] ?? `linux/p${i}`);
  const head = {
    ref: 'app:head',
    source: 'build' as const,
    platforms: sides.map((s, i) => measure(names[i]!, s.head)),
  };
  const withBase = sides.filter((s) => s.base !== null);
  if (withBase.length === 0) return compareImages(head, null, 'the base build failed');
  const base = {
    ref: 'app:base',
    source: 'build' as const,
    platforms: sides.flatMap((s, i) => (s.base === null ? [] : [measure(names[i]!, s.base)])),
  };
  return compareImages(head, base);
}

const MB = 1_000_000;

describe('decide: one rule at a time, both bases, both modes', () => {
  const cases: {
    name: string;
    limits: Partial<Thresholds>;
    sides: { base: number | null; head: number; platform?: string }[];
    violated: string[];
  }[] = [
    { name: 'no thresholds', limits: {}, sides: [{ base: 10 * MB, head: 500 * MB }], violated: [] },
    {
      name: 'growth over max-increase',
      limits: { maxIncrease: 5 * MB },
      sides: [{ base: 10 * MB, head: 15 * MB + 1 }],
      violated: ['max-increase'],
    },
    {
      name: 'growth equal to max-increase',
      limits: { maxIncrease: 5 * MB },
      sides: [{ base: 10 * MB, head: 15 * MB }],
      violated: [],
    },
    {
      name: 'growth under max-increase',
      limits: { maxIncrease: 5 * MB },
      sides: [{ base: 10 * MB, head: 12 * MB }],
      violated: [],
    },
    {
      name: 'one byte over max-increase 0',
      limits: { maxIncrease: 0 },
      sides: [{ base: 10 * MB, head: 10 * MB + 1 }],
      violated: ['max-increase'],
    },
    {
      name: 'no growth with max-increase 0',
      limits: { maxIncrease: 0 },
      sides: [{ base: 10 * MB, head: 10 * MB }],
      violated: [],
    },
    {
      name: 'shrinking with max-increase 0',
      limits: { maxIncrease: 0 },
      sides: [{ base: 10 * MB, head: 9 * MB }],
      violated: [],
    },
    {
      name: 'growth over max-increase-percent',
      limits: { maxIncreasePercent: 10 },
      sides: [{ base: 1_000, head: 1_101 }],
      violated: ['max-increase-percent'],
    },
    {
      name: 'growth equal to max-increase-percent',
      limits: { maxIncreasePercent: 10 },
      sides: [{ base: 1_000, head: 1_100 }],
      violated: [],
    },
    {
      name: 'one byte of growth with max-increase-percent 0',
      limits: { maxIncreasePercent: 0 },
      sides: [{ base: 10 * MB, head: 10 * MB + 1 }],
      violated: ['max-increase-percent'],
    },
    {
      name: 'no growth with max-increase-percent 0',
      limits: { maxIncreasePercent: 0 },
      sides: [{ base: 10 * MB, head: 10 * MB }],
      violated: [],
    },
    {
      name: 'growth from 0 bytes with a percent limit',
      limits: { maxIncreasePercent: 1_000_000 },
      sides: [{ base: 0, head: 1 }],
      violated: ['max-increase-percent'],
    },
    {
      name: 'shrinking with max-increase-percent 0',
      limits: { maxIncreasePercent: 0 },
      sides: [{ base: 10 * MB, head: 1 * MB }],
      violated: [],
    },
    {
      name: 'head over max-size',
      limits: { maxSize: 50 * MB },
      sides: [{ base: 10 * MB, head: 50 * MB + 1 }],
      violated: ['max-size'],
    },
    {
      name: 'head equal to max-size',
      limits: { maxSize: 50 * MB },
      sides: [{ base: 10 * MB, head: 50 * MB }],
      violated: [],
    },
    {
      name: 'a shrinking head still over max-size',
      limits: { maxSize: 50 * MB },
      sides: [{ base: 90 * MB, head: 60 * MB }],
      violated: ['max-size'],
    },
    {
      name: 'every rule at once',
      limits: { maxIncrease: 0, maxIncreasePercent: 0, maxSize: 0 },
      sides: [{ base: 1, head: 2 }],
      violated: ['max-increase', 'max-increase-percent', 'max-size'],
    },
    {
      name: 'one platform of two over the limit',
      limits: { maxIncrease: 5 * MB },
      sides: [
        { base: 10 * MB, head: 11 * MB },
        { base: 10 * MB, head: 16 * MB },
      ],
      violated: ['linux/arm64 max-increase'],
    },
    {
      name: 'both platforms over the limit',
      limits: { maxIncrease: 5 * MB },
      sides: [
        { base: 10 * MB, head: 16 * MB },
        { base: 10 * MB, head: 16 * MB },
      ],
      violated: ['linux/amd64 max-increase', 'linux/arm64 max-increase'],
    },
  ];

  for (const basis of ['uncompressed', 'compressed'] as const) {
    for (const mode of ['fail', 'warn'] as const) {
      describe(`${basis}, mode ${mode}`, () => {
        it.each(cases)('$name', ({ limits, sides, violated }) => {
          const thresholds: Thresholds = { ...DEFAULT_THRESHOLDS, ...limits, basis, mode };
          const decision = decide(comparison(scenario(basis, sides)), thresholds);
          const names = decision.violations.map((v) =>
            sides.length > 1 ? `${v.platform} ${v.rule}` : v.rule,
          );
          expect(names).toEqual(violated);
          expect(decision.verdict).toBe(violated.length === 0 ? 'pass' : mode);
          for (const v of decision.violations) {
            expect(v.basis).toBe(basis);
            expect(v.message.startsWith(`${v.platform}: ${basis} size `)).toBe(true);
            expect(v.message).toContain(`over ${v.rule} `);
          }
        });
      });
    }
  }
});

describe('decide: the basis chooses the figures', () => {
  // Compressed grew 10 MB, uncompressed 1 MB: a 5 MB limit trips only on the compressed basis.
  const sides: Side[] = [
    {
      base: { compressed: 20 * MB, uncompressed: 50 * MB },
      head: { compressed: 30 * MB, uncompressed: 51 * MB },
    },
  ];
  it.each([
    ['uncompressed', 'pass'],
    ['compressed', 'fail'],
  ] as const)('on %s the verdict is %s', (basis, verdict) => {
    const decision = decide(comparison(sides), { ...DEFAULT_THRESHOLDS, maxIncrease: 5 * MB, basis });
    expect(decision.verdict).toBe(verdict);
    expect(decision.headline).toMatchObject({ basis, delta: basis === 'compressed' ? 10 * MB : 1 * MB });
  });
});

describe('decide: without a baseline', () => {
  const growthLimits = { maxIncrease: 0, maxIncreasePercent: 0 };
  it.each<[string, Partial<Thresholds>, GateMode, string, string[]]>([
    ['growth limits do not apply', growthLimits, 'fail', 'no-baseline', []],
    ['max-size under the cap', { ...growthLimits, maxSize: 100 * MB }, 'fail', 'no-baseline', []],
    ['max-size equal to the cap', { maxSize: 60 * MB }, 'fail', 'no-baseline', []],
    ['max-size over the cap fails', { ...growthLimits, maxSize: 50 * MB }, 'fail', 'fail', ['max-size']],
    ['max-size over the cap warns in warn mode', { maxSize: 50 * MB }, 'warn', 'warn', ['max-size']],
    ['no thresholds in warn mode', {}, 'warn', 'no-baseline', []],
  ])('%s', (_, limits, mode, verdict, rules) => {
    const c = comparison([{ base: null, head: { uncompressed: 60 * MB, compressed: 20 * MB } }]);
    const decision = decide(c, { ...DEFAULT_THRESHOLDS, ...limits, mode });
    expect(decision.verdict).toBe(verdict);
    expect(decision.violations.map((v) => v.rule)).toEqual(rules);
    expect(decision.headline).toEqual({
      platform: 'linux/amd64',
      basis: 'uncompressed',
      headSize: 60 * MB,
      baseSize: null,
      delta: null,
      percent: null,
    });
  });

  it('a platform the base lacks gets max-size but no growth limit, and the rest still decides', () => {
    const c = comparison([
      {
        base: { uncompressed: 10 * MB, compressed: 5 * MB },
        head: { uncompressed: 11 * MB, compressed: 5 * MB },
      },
      { base: null, head: { uncompressed: 90 * MB, compressed: 40 * MB } },
    ]);
    expect(decide(c, { ...DEFAULT_THRESHOLDS, maxIncrease: 0 }).violations.map((v) => v.platform)).toEqual([
      'linux/amd64',
    ]);
    expect(decide(c, { ...DEFAULT_THRESHOLDS, maxIncrease: 2 * MB }).verdict).toBe('pass');
    expect(decide(c, { ...DEFAULT_THRESHOLDS, maxSize: 50 * MB }).violations.map((v) => v.platform)).toEqual([
      'linux/arm64',
    ]);
  });

  it('a platform only the base has is never a violation', () => {
    const head = {
      ref: 'h',
      source: 'build' as const,
      platforms: [measure('linux/amd64', { uncompressed: 1, compressed: 1 })],
    };
    const base = {
      ref: 'b',
      source: 'build' as const,
      platforms: [
        measure('linux/amd64', { uncompressed: 1, compressed: 1 }),
        measure('linux/arm64', { uncompressed: 1, compressed: 1 }),
      ],
    };
    const decision = decide(compareImages(head, base), { ...DEFAULT_THRESHOLDS, maxIncrease: 0, maxSize: 0 });
    expect(decision.violations.map((v) => v.platform)).toEqual(['linux/amd64']);
  });
});

describe('violation messages', () => {
  it('name the platform, the figure, the threshold and the basis', () => {
    const c = comparison([
      {
        base: { uncompressed: 50 * MB, compressed: 20 * MB },
        head: { uncompressed: 50 * MB, compressed: 20 * MB },
      },
      {
        base: { uncompressed: 30_000_000, compressed: 10 * MB },
        head: { uncompressed: 42_401_234, compressed: 10 * MB },
      },
    ]);
    const decision = decide(c, {
      ...DEFAULT_THRESHOLDS,
      maxIncrease: 5 * MB,
      maxIncreasePercent: 10,
      maxSize: 40 * MB,
    });
    expect(decision.violations.map((v) => v.message)).toEqual([
      'linux/amd64: uncompressed size is 50.0 MB (50,000,000 B), over max-size 40.0 MB (40,000,000 B)',
      'linux/arm64: uncompressed size grew by +12.4 MB (12,401,234 B), over max-increase 5.00 MB (5,000,000 B)',
      'linux/arm64: uncompressed size grew by +41.3% (+12.4 MB, 30.0 MB to 42.4 MB), over max-increase-percent 10%',
      'linux/arm64: uncompressed size is 42.4 MB (42,401,234 B), over max-size 40.0 MB (40,000,000 B)',
    ]);
    expect(decision.violations[1]).toMatchObject({ rule: 'max-increase', actual: 12_401_234, limit: 5 * MB });
  });

  it('show enough decimals that a percentage just over the limit reads as over it', () => {
    const c = comparison([
      { base: { uncompressed: 100_000, compressed: 1 }, head: { uncompressed: 110_040, compressed: 1 } },
    ]);
    const [v] = decide(c, { ...DEFAULT_THRESHOLDS, maxIncreasePercent: 10 }).violations;
    expect(v?.message).toContain('grew by +10.04% ');
  });

  it('say so when the base was 0 bytes', () => {
    const c = comparison([
      { base: { uncompressed: 0, compressed: 1 }, head: { uncompressed: 5, compressed: 1 } },
    ]);
    const [v] = decide(c, { ...DEFAULT_THRESHOLDS, maxIncreasePercent: 50 }).violations;
    expect(v).toMatchObject({
      actual: null,
      message:
        'linux/amd64: uncompressed size grew from 0 B (+5 B, 0 B to 5 B), over max-increase-percent 50%',
    });
  });
});

describe('headline', () => {
  it('is the platform with the largest growth on the gated basis', () => {
    const decision = decide(compareImages(bloatedHead(), leanBase()), DEFAULT_THRESHOLDS);
    expect(decision.headline).toEqual({
      platform: 'linux/amd64',
      basis: 'uncompressed',
      headSize: 74_783_642 + 1_447_376 + 0 + 14_926_712 + 1_234 + 6,
      baseSize: 1_985_432 + 213_777 + 0 + 5_509_304 + 1_234 + 6,
      delta: 74_783_642 + 1_447_376 + 14_926_712 - 1_985_432 - 213_777 - 5_509_304,
      percent: expect.any(Number),
    });
  });

  it('is the smallest shrink when every platform shrank, and the first on a tie', () => {
    const shrinking = comparison([
      { base: { uncompressed: 10, compressed: 1 }, head: { uncompressed: 5, compressed: 1 } },
      { base: { uncompressed: 10, compressed: 1 }, head: { uncompressed: 8, compressed: 1 } },
    ]);
    expect(decide(shrinking, DEFAULT_THRESHOLDS).headline).toMatchObject({
      platform: 'linux/arm64',
      delta: -2,
    });
    const tie = comparison([
      { base: { uncompressed: 10, compressed: 1 }, head: { uncompressed: 12, compressed: 1 } },
      { base: { uncompressed: 10, compressed: 1 }, head: { uncompressed: 12, compressed: 1 } },
    ]);
    expect(decide(tie, DEFAULT_THRESHOLDS).headline).toMatchObject({ platform: 'linux/amd64', delta: 2 });
  });

  it('is null when the head has no platform', () => {
    const empty = compareImages({ ref: 'h', source: 'build', platforms: [] }, null, 'none');
    expect(decide(empty, DEFAULT_THRESHOLDS).headline).toBeNull();
  });
});

describe('decide without a baseline (on-missing-baseline)', () => {
  const MB = 1_000_000;
  const gone = (cause: 'base-build-failed' | 'baseline-none') =>
    compareImages(bloatedHead(), null, 'the base commit 1a2b3c4 failed to build', cause);
  const capped = { ...DEFAULT_THRESHOLDS, maxIncrease: 5 * MB };

  it.each([
    ['fail', 'fail'],
    ['warn', 'no-baseline'],
    ['pass', 'no-baseline'],
  ] as const)(
    'a wanted baseline that is missing, with %s, gives %s and names the cause',
    (policy, verdict) => {
      const decision = decide(gone('base-build-failed'), capped, policy);
      expect(decision.verdict).toBe(verdict);
      expect(decision.missingBaseline).toMatchObject({
        policy,
        cause: 'base-build-failed',
        platforms: ['linux/amd64', 'linux/arm64'],
      });
      expect(decision.missingBaseline!.message).toMatch(
        /^no baseline \(base-build-failed\): the base commit 1a2b3c4 failed to build; /,
      );
    },
  );

  it('fails a missing baseline with on-missing-baseline: fail even in warn mode (it is not a threshold)', () => {
    expect(decide(gone('base-build-failed'), { ...capped, mode: 'warn' }, 'fail').verdict).toBe('fail');
  });

  it('decides by max-size alone, pass or fail, when no baseline was wanted', () => {
    const none = gone('baseline-none');
    expect(decide(none, { ...DEFAULT_THRESHOLDS, maxSize: 500 * MB }, 'fail')).toMatchObject({
      verdict: 'pass',
      missingBaseline: null,
    });
    expect(decide(none, { ...DEFAULT_THRESHOLDS, maxSize: 1 * MB }, 'fail').verdict).toBe('fail');
    expect(decide(none, DEFAULT_THRESHOLDS, 'fail').verdict).toBe('no-baseline');
  });

  it('keeps gating the platforms that have a base when one platform is missing on the base side', () => {
    const base = {
      ...leanBase(),
      platforms: leanBase().platforms.filter((p) => p.platform === 'linux/amd64'),
    };
    const c = compareImages(bloatedHead(), base);
    expect(c.platforms.find((p) => p.platform === 'linux/arm64')).toMatchObject({
      presence: 'head-only',
      baseMissingCause: 'base-platform-missing',
    });
    const warned = decide(c, { ...DEFAULT_THRESHOLDS, maxIncrease: 1_000_000_000 }, 'warn');
    expect(warned.verdict).toBe('pass');
    expect(warned.missingBaseline).toMatchObject({
      cause: 'base-platform-missing',
      platforms: ['linux/arm64'],
    });
    expect(warned.missingBaseline!.message).toMatch(
      /^no baseline for linux\/arm64 \(base-platform-missing\)/,
    );
    // amd64 is still gated: it grew past 5 MB.
    expect(decide(c, capped, 'warn').violations.map((v) => v.platform)).toEqual(['linux/amd64']);
    expect(decide(c, { ...DEFAULT_THRESHOLDS, maxIncrease: 1_000_000_000 }, 'fail').verdict).toBe('fail');
  });
});
