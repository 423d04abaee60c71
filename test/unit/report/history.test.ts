// The size history: the series built from stored reports, the mermaid chart and the table the comment shows,
// the terminal's bar line, the schema, and the bounded, forgiving store reads behind them.
import { describe, expect, it } from 'vitest';
import { historyBlocks } from '../../../src/report/document/history.js';
import type { Block } from '../../../src/report/document/model.js';
import { buildHistory, type StoredPoint, seriesShown } from '../../../src/report/history.js';
import type { Report, ReportHistory } from '../../../src/report/json.js';
import { renderDocumentMarkdown, renderMarkdown } from '../../../src/report/render/markdown.js';
import { renderDocumentTerminal } from '../../../src/report/render/terminal.js';

const markdownOf = (blocks: Block[]) => renderDocumentMarkdown({ blocks }, 10_000_000).trimEnd();

/** The rendered chart of one platform; null when it has none. */
function historyChart(history: ReportHistory, platform: string): string | null {
  const index = history.platforms
    .filter((p) => seriesShown(p.points))
    .findIndex((p) => p.platform === platform);
  const chart = historyBlocks(history).filter((b) => b.kind === 'chart')[index];
  return chart ? markdownOf([chart]) : null;
}

/** The rendered table, as it is inside its details block. */
function historyTable(history: ReportHistory): string {
  const details = historyBlocks(history).find((b) => b.kind === 'details');
  return details?.kind === 'details' ? markdownOf([...details.blocks]) : '';
}

import { HISTORY_CONCURRENCY, readStoredHistory } from '../../../src/store/history.js';
import type { StoreHistory } from '../../../src/store/lookup.js';
import type { ReportStore, StoreKey, StoreRead } from '../../../src/store/store.js';
import { readStoredReport } from '../../../src/store/validate.js';
import { HOSTILE } from './hostile.js';
import { failingReport } from './reports.js';

const sha = (n: number) => n.toString(16).padStart(2, '0').repeat(20);

/** A stored report of `commit` whose linux/amd64 head is `mb` MB (and linux/arm64 a little less). */
function stored(n: number, mb: number, ref = 'refs/heads/main'): StoredPoint {
  const report = structuredClone(failingReport());
  for (const [i, p] of report.platforms.entries()) {
    p.head!.sizes = { uncompressed: mb * 1_000_000 - i * 100_000, compressed: mb * 400_000 };
  }
  report.run = {
    commit: sha(n),
    ref,
    event: 'push',
    fingerprint: { id: 'f'.repeat(64), parts: {} } as never,
  };
  return { commit: sha(n), report };
}

const HEAD = {
  commit: 'a'.repeat(40),
  generatedAt: '2026-12-02T06:00:00.000Z',
  platforms: [
    { platform: 'linux/amd64', sizes: { uncompressed: 15_000_000, compressed: 6_000_000 } },
    { platform: 'linux/arm64', sizes: { uncompressed: 14_500_000, compressed: 5_800_000 } },
  ],
};

describe('buildHistory', () => {
  it('gives each head platform its stored points in order, on the gated basis, with the head last', () => {
    const history = buildHistory([stored(1, 10), stored(2, 11), stored(3, 12)], HEAD, 'compressed', 20);
    expect(history.basis).toBe('compressed');
    expect(history.commits).toBe(20);
    expect(history.platforms.map((p) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
    const amd = history.platforms[0]!.points;
    expect(amd.map((p) => [p.commit, p.bytes, p.head])).toEqual([
      [sha(1), 4_000_000, false],
      [sha(2), 4_400_000, false],
      [sha(3), 4_800_000, false],
      ['a'.repeat(40), 6_000_000, true],
    ]);
    expect(amd[0]!.ref).toBe('refs/heads/main');
    expect(amd.at(-1)!.ref).toBeNull();
  });

  it('leaves a platform out of a stored report that does not have it, and ignores platforms the head lacks', () => {
    const partial = stored(2, 11);
    partial.report.platforms = partial.report.platforms.filter((p) => p.platform === 'linux/arm64');
    const head = { ...HEAD, platforms: HEAD.platforms.slice(0, 1) };
    const history = buildHistory([stored(1, 10), partial], head, 'uncompressed', 20);
    expect(history.platforms.map((p) => [p.platform, p.points.length])).toEqual([['linux/amd64', 2]]);
  });

  it('without a head (store ls) charts the platforms the stored reports have', () => {
    const history = buildHistory([stored(1, 10), stored(2, 11)], null, 'uncompressed', 2);
    expect(history.platforms.map((p) => [p.platform, p.points.every((x) => !x.head)])).toEqual([
      ['linux/amd64', true],
      ['linux/arm64', true],
    ]);
  });
});

const FOUR = buildHistory([stored(1, 10), stored(2, 11.5), stored(3, 12)], HEAD, 'uncompressed', 20);

describe('the chart and the table', () => {
  it('renders a mermaid xychart-beta line per platform, the basis and unit in the title and the y-axis', () => {
    expect(historyChart(FOUR, 'linux/amd64')).toMatchInlineSnapshot(`
      "\`\`\`mermaid
      xychart-beta
          title "linux/amd64 uncompressed size, MB (10^6 bytes)"
          x-axis ["0101010", "0202020", "0303030", "head aaaaaaa"]
          y-axis "uncompressed MB (10^6 bytes)"
          line [10.00, 11.50, 12.00, 15.00]
      \`\`\`"
    `);
  });

  it('renders the same numbers as a table, one row per commit and a column per platform', () => {
    expect(historyTable(FOUR)).toMatchInlineSnapshot(`
      "| commit | ref | linux/amd64, uncompressed MB (10^6 bytes) | linux/arm64, uncompressed MB (10^6 bytes) |
      | :-- | :-- | --: | --: |
      | \`0101010\` | main | 10.00 | 9.90 |
      | \`0202020\` | main | 11.50 | 11.40 |
      | \`0303030\` | main | 12.00 | 11.90 |
      | \`head aaaaaaa\` | this pull request | 15.00 | 14.50 |"
    `);
  });

  it('puts the charts and the folded table at the end of the comment', () => {
    const report: Report = { ...failingReport(), history: FOUR };
    const markdown = renderMarkdown(report);
    expect(markdown.match(/```mermaid\nxychart-beta/g)).toHaveLength(2);
    const table = markdown.indexOf('<details><summary>The history as a table</summary>');
    expect(table).toBeGreaterThan(markdown.indexOf('xychart-beta'));
    expect(markdown.trimEnd().endsWith('</details>')).toBe(true);
  });

  it('shows neither chart nor table with fewer than 3 stored points', () => {
    const two = buildHistory([stored(1, 10), stored(2, 11)], HEAD, 'uncompressed', 20);
    expect(historyChart(two, 'linux/amd64')).toBeNull();
    expect(historyBlocks(two)).toEqual([]);
    expect(renderMarkdown({ ...failingReport(), history: two })).not.toContain('Size history');
  });

  it('is the first section the fitter leaves out when the comment is too long', () => {
    const report: Report = { ...failingReport(), history: FOUR };
    const full = renderMarkdown(report);
    const tight = renderMarkdown(report, { maxLength: full.indexOf('Size history') });
    expect(tight).not.toContain('xychart-beta');
    expect(tight.length).toBeLessThanOrEqual(full.indexOf('Size history'));
  });

  it.each(HOSTILE)('keeps hostile stored text out of the chart and escaped in the table: %j', (text) => {
    const points = [stored(1, 10, text), stored(2, 11, text), stored(3, 12, text)];
    // A stored report cannot pick the commit it is charted under, but the renderer trusts no commit either.
    const history: ReportHistory = buildHistory(points, HEAD, 'uncompressed', 20);
    history.platforms.push({
      platform: text,
      points: history.platforms[0]!.points.map((p) => ({ ...p, commit: p.head ? p.commit : text })),
    });
    const charts = markdownOf(historyBlocks(history)).split('<details>')[0]!;
    for (const line of charts.split('\n').filter((l) => l.startsWith('    '))) {
      expect(line).toMatch(
        /^ {4}(title "([a-z0-9/]+ )?uncompressed size, MB \(10\^6 bytes\)"|x-axis \["[0-9a-f? head]+"(, "[0-9a-f? head]+")*\]|y-axis "uncompressed MB \(10\^6 bytes\)"|line \[[0-9., ]+\])$/,
      );
    }
    const table = historyTable(history);
    expect(table).not.toMatch(/@(?!\u200d)/);
    for (const row of table.split('\n')) {
      expect(row.split(/(?<!\\)\|/).length).toBe(table.split('\n')[0]!.split('|').length);
      expect(row).not.toMatch(/<(?!\/?details)|\n/);
    }
  });
});

describe('the terminal', () => {
  it('prints one bar line per platform, first and last figures named', () => {
    const charts = historyBlocks(FOUR).filter((b) => b.kind === 'heading' || b.kind === 'chart');
    expect(renderDocumentTerminal({ blocks: charts }).trimEnd().split('\n')).toEqual([
      'Size history (uncompressed, up to 4 points: stored base-branch reports, then this head)',
      '',
      'linux/amd64 uncompressed size, MB (10^6 bytes): ▁▃▄█  10.00 (0101010) → 15.00 (head aaaaaaa), 4 points',
      '',
      'linux/arm64 uncompressed size, MB (10^6 bytes): ▁▃▄█  9.90 (0101010) → 14.50 (head aaaaaaa), 4 points',
    ]);
  });
});

describe('the report schema', () => {
  const bytes = (report: Report) => new TextEncoder().encode(JSON.stringify(report));
  it('accepts a report with a history and one from before it (no history)', () => {
    expect(readStoredReport(bytes({ ...failingReport(), history: FOUR }), null).kind).toBe('found');
    expect(readStoredReport(bytes(failingReport()), null).kind).toBe('found');
  });
  it('refuses a history point with a commit that is not hex', () => {
    const bad = structuredClone(FOUR);
    bad.platforms[0]!.points[0]!.commit = 'main; rm -rf /';
    const read = readStoredReport(bytes({ ...failingReport(), history: bad }), null);
    expect(read.kind).toBe('invalid');
  });
});

/** A store holding `found` commits; `broken` ones fail (or throw); it counts reads in flight. */
class CountingStore implements ReportStore {
  readonly name = 'dir://counting';
  inFlight = 0;
  maxInFlight = 0;
  reads: string[] = [];
  constructor(
    private readonly found: Map<string, Report>,
    private readonly broken: Map<string, StoreRead | 'throw'> = new Map(),
  ) {}
  async put() {}
  async list() {
    return [...this.found.values()];
  }
  async get(key: StoreKey): Promise<StoreRead> {
    this.reads.push(key.commit);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight -= 1;
    const broken = this.broken.get(key.commit);
    if (broken === 'throw') throw new Error('socket hang up');
    if (broken) return broken;
    const report = this.found.get(key.commit);
    return report ? { kind: 'found', report } : { kind: 'absent' };
  }
}

const walk = (commits: string[]): StoreHistory => ({
  async firstParentAncestors(base, depth) {
    expect(base).toBe(commits[0]);
    return commits.slice(1, depth + 1);
  },
  async changed() {
    return false;
  },
  async commitsTouching() {
    return 0;
  },
});

describe('readStoredHistory', () => {
  // Nearest first, as git walks: 40 commits on the base branch.
  const commits = Array.from({ length: 40 }, (_, i) => sha(100 - i));
  const all = new Map(commits.map((c, i) => [c, stored(100 - i, 10).report]));

  it('reads at most `count` commits, a few at a time, and returns them oldest first', async () => {
    const store = new CountingStore(all);
    const read = await readStoredHistory(store, walk(commits), {
      base: commits[0]!,
      fingerprint: 'f'.repeat(64),
      count: 20,
    });
    expect(store.reads).toHaveLength(20);
    expect(read.reads).toBe(20);
    expect(store.maxInFlight).toBeGreaterThan(1);
    expect(store.maxInFlight).toBeLessThanOrEqual(HISTORY_CONCURRENCY);
    expect(read.points.map((p) => p.commit)).toEqual(commits.slice(0, 20).reverse());
  });

  it('skips and counts store errors, refused reports and throws; absent commits are only absent', async () => {
    const broken = new Map<string, StoreRead | 'throw'>([
      [commits[1]!, { kind: 'error', cause: 'HTTP 503' }],
      [commits[2]!, { kind: 'invalid', reason: 'it is not JSON' }],
      [commits[3]!, 'throw'],
    ]);
    const some = new Map([...all].filter(([c]) => c !== commits[4]));
    const read = await readStoredHistory(new CountingStore(some, broken), walk(commits), {
      base: commits[0]!,
      fingerprint: 'f'.repeat(64),
      count: 6,
    });
    expect(read.points.map((p) => p.commit)).toEqual([commits[5], commits[0]]);
    expect([read.reads, read.absent, read.skipped]).toEqual([6, 1, 3]);
    expect(read.reasons).toHaveLength(3);
    expect(read.reasons.join('; ')).toMatch(/HTTP 503.*refused, it is not JSON.*socket hang up/);
  });

  it('reads nothing with count 0, and counts an unreadable git history as skipped', async () => {
    const store = new CountingStore(all);
    expect(
      (await readStoredHistory(store, walk(commits), { base: commits[0]!, fingerprint: 'f', count: 0 }))
        .reads,
    ).toBe(0);
    const failing: StoreHistory = {
      ...walk(commits),
      firstParentAncestors: () => Promise.reject(new Error('shallow')),
    };
    const read = await readStoredHistory(store, failing, { base: commits[0]!, fingerprint: 'f', count: 5 });
    expect([read.reads, read.skipped, read.points]).toEqual([0, 1, []]);
    expect(store.reads).toEqual([]);
  });
});
