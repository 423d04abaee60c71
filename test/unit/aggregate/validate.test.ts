// Leg reports are untrusted (a fork's run uploads them): each is read only when it holds up.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { figuresProblem, readLegReport } from '../../../src/aggregate/validate.js';
import type { Report } from '../../../src/report/json.js';
import { bytesOf, HEAD_SHA, legReport } from './legs.js';

const check = { headSha: HEAD_SHA };
const failing = () => legReport({ platforms: ['linux/amd64'], thresholds: { maxIncrease: 5_000_000 } });
const reasonOf = (bytes: Uint8Array, headSha: string | null = HEAD_SHA) => {
  const read = readLegReport(bytes, 'leg', { headSha });
  return 'refused' in read ? read.refused.reason : null;
};
const edited = (edit: (report: Report) => void) => {
  const report = failing();
  edit(report);
  return bytesOf(report);
};

describe('readLegReport', () => {
  it('reads a report the gate wrote, plain or gzip', () => {
    expect(reasonOf(bytesOf(failing()))).toBeNull();
    expect(reasonOf(gzipSync(bytesOf(failing())))).toBeNull();
  });

  it.each([
    ['not JSON', Buffer.from('{"schemaVersion": 3,'), /not JSON/],
    ['over the size cap', Buffer.alloc(5_000_001, 0x20), /over the 5 MB/],
    ['not the schema', bytesOf({ schemaVersion: 3 }), /does not match the report schema/],
  ])('refuses a report that is %s', (_, bytes, reason) => {
    expect(reasonOf(bytes)).toMatch(reason);
  });

  it('refuses a report of another commit than the head this run is about', () => {
    const other = legReport({
      platforms: ['linux/amd64'],
      commit: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
    });
    expect(reasonOf(bytesOf(other))).toBe(
      'it measured commit f95f852, not the head ec26c3e this run is about',
    );
    expect(reasonOf(bytesOf(other), null)).toBeNull();
  });

  it('refuses figures that do not add up', () => {
    expect(
      reasonOf(
        edited((r) => {
          r.platforms[0]!.head!.sizes.uncompressed -= 10_000_000;
        }),
      ),
    ).toMatch(/total is not the sum of its layers/);
    expect(
      reasonOf(
        edited((r) => {
          r.platforms[0]!.delta!.uncompressed = 1;
        }),
      ),
    ).toMatch(/delta is not head minus base/);
  });

  it('refuses a verdict or violations its own figures do not give', () => {
    expect(
      reasonOf(
        edited((r) => {
          r.verdict = 'pass';
        }),
      ),
    ).toMatch(/verdict pass does not follow/);
    expect(
      reasonOf(
        edited((r) => {
          r.platforms[0]!.violations = [];
          r.verdict = 'pass';
        }),
      ),
    ).toMatch(/violations are not what its thresholds make of its sizes/);
    expect(
      reasonOf(
        edited((r) => {
          r.verdict = 'overridden';
        }),
      ),
    ).toMatch(/overridden without an accepted override/);
  });

  it('shows our violation messages, never the report text', () => {
    const bytes = edited((r) => {
      r.platforms[0]!.violations[0]!.message = '<!-- image-size-gate:default --> @octocat <img src=x>';
    });
    const read = readLegReport(bytes, 'leg', check);
    if (!('leg' in read)) throw new Error('refused');
    expect(read.leg.report.platforms[0]!.violations[0]!.message).toMatch(
      /^linux\/amd64: uncompressed size grew by/,
    );
  });

  it('has no problem with the gate’s own reports, with and without a base', () => {
    expect(figuresProblem(legReport({ platforms: ['linux/amd64', 'linux/arm64'] }))).toBeNull();
    expect(figuresProblem(legReport({ platforms: ['linux/arm64'], baseline: false }))).toBeNull();
  });
});
