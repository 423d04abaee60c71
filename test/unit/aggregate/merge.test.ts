import { describe, expect, it } from 'vitest';
import { imageIdentity, mergeReports, worstVerdict } from '../../../src/aggregate/merge.js';
import type { LegReport } from '../../../src/aggregate/model.js';
import { legReport } from './legs.js';

const options = { expected: null, onMissing: 'warn' as const, mode: 'fail' as const };
const leg = (source: string, report: ReturnType<typeof legReport>): LegReport => ({ source, report });

describe('mergeReports', () => {
  const amd = leg('api-amd64', legReport({ platforms: ['linux/amd64'] }));
  const arm = leg('api-arm64', legReport({ platforms: ['linux/arm64'] }));
  const worker = leg(
    'worker',
    legReport({ context: 'services/worker', platforms: ['linux/amd64'], head: 'same' }),
  );

  it('merges two legs of one image into one image with both platforms, and keeps a second image apart', () => {
    const decision = mergeReports([worker, arm, amd], [], options);
    expect(decision.images.map((i) => i.identity.label)).toEqual(['services/api', 'services/worker']);
    expect(decision.images[0]!.platforms.map((p) => [p.platform, p.leg])).toEqual([
      ['linux/amd64', 'api-amd64'],
      ['linux/arm64', 'api-arm64'],
    ]);
    expect(decision.images[0]!.legs).toEqual(['api-amd64', 'api-arm64']);
    expect(decision.images[1]!.platforms.map((p) => p.platform)).toEqual(['linux/amd64']);
    expect(decision.verdict).toBe('pass');
    expect(decision.missing).toEqual([]);
    expect(decision.headline).toMatchObject({ image: 'services/api', basis: 'uncompressed' });
    expect(decision.headline!.delta).toBeGreaterThan(0);
  });

  it('fails when any leg failed, naming each violation by image and platform', () => {
    const failing = leg(
      'api-arm64',
      legReport({ platforms: ['linux/arm64'], thresholds: { maxIncrease: 5_000_000 } }),
    );
    const decision = mergeReports([amd, failing, worker], [], options);
    expect(decision.verdict).toBe('fail');
    expect(decision.images[0]!.verdict).toBe('fail');
    expect(decision.violations).toHaveLength(1);
    expect(decision.violations[0]).toMatchObject({ image: 'services/api', platform: 'linux/arm64' });
    expect(decision.violations[0]!.message).toMatch(
      /^services\/api, linux\/arm64: uncompressed size grew by/,
    );
    expect(mergeReports([amd, failing], [], { ...options, mode: 'warn' }).verdict).toBe('warn');
  });

  it('lists an expected leg that did not report as missing, and applies on-missing-baseline', () => {
    const expected = [
      { image: 'services/api', platforms: ['linux/amd64', 'linux/arm64'] },
      { image: 'services/worker', platforms: ['linux/amd64'] },
      { image: 'services/billing', platforms: ['linux/amd64'] },
    ];
    const decision = mergeReports([amd, worker], [], { ...options, expected });
    expect(decision.missing.map((m) => [m.image, m.platform])).toEqual([
      ['services/api', 'linux/arm64'],
      ['services/billing', 'linux/amd64'],
    ]);
    expect(decision.missing[1]!.reason).toMatch(/no report for this image/);
    expect(decision.verdict).toBe('warn');
    expect(mergeReports([amd, worker], [], { ...options, expected, onMissing: 'fail' }).verdict).toBe('fail');
    expect(mergeReports([amd, worker], [], { ...options, expected, onMissing: 'pass' }).verdict).toBe('pass');
    expect(
      mergeReports([amd, arm, worker], [], { ...options, expected: expected.slice(0, 2) }).missing,
    ).toEqual([]);
  });

  it('lists a refused report as missing with its reason', () => {
    const decision = mergeReports([amd], [{ source: 'artifact evil', reason: 'it is not JSON' }], options);
    expect(decision.missing).toEqual([
      { image: 'artifact evil', platform: null, reason: 'report refused: it is not JSON' },
    ]);
    expect(decision.verdict).toBe('warn');
  });

  it('says when nothing reported at all', () => {
    expect(mergeReports([], [], options).verdict).toBe('no-baseline');
  });

  it('keeps the first of two reports of one platform and names the other', () => {
    const again = leg('api-amd64-rerun', legReport({ platforms: ['linux/amd64'] }));
    const decision = mergeReports([again, amd], [], options);
    expect(decision.images[0]!.platforms.map((p) => p.leg)).toEqual(['api-amd64']);
    expect(decision.duplicates).toEqual([
      { image: 'services/api', platform: 'linux/amd64', leg: 'api-amd64-rerun' },
    ]);
  });

  it('puts the most-changed image first', () => {
    const decision = mergeReports([worker, amd], [], options);
    expect(decision.images.map((i) => i.identity.label)).toEqual(['services/api', 'services/worker']);
  });
});

describe('imageIdentity', () => {
  it('is the context for builds and the repository for image runs', () => {
    expect(imageIdentity(legReport({ platforms: ['linux/amd64'] })).label).toBe('services/api');
    const image = legReport({ platforms: ['linux/amd64'], image: 'ghcr.io/acme/api:v2' });
    expect(imageIdentity(image)).toMatchObject({ label: 'ghcr.io/acme/api', name: 'ghcr.io/acme/api' });
  });
});

describe('worstVerdict', () => {
  it('orders fail over warn over no-baseline over overridden over pass', () => {
    expect(worstVerdict(['pass', 'overridden'])).toBe('overridden');
    expect(worstVerdict(['overridden', 'no-baseline'])).toBe('no-baseline');
    expect(worstVerdict(['no-baseline', 'warn', 'pass'])).toBe('warn');
    expect(worstVerdict(['warn', 'fail'])).toBe('fail');
    expect(worstVerdict([])).toBe('pass');
  });
});
