// The size history: the base branch's stored reports and this run's head as one series per platform, and
// the chart and table the comment shows it as. Pure. Whatever came from a stored report is untrusted: the
// chart takes only short hex SHAs and numbers; the table escapes the rest.
import type { Platform, PlatformMeasure, SizeBasis } from '../core/model.js';
import type { HistoryPoint, Report, ReportHistory } from './json.js';
import { escapeMarkdown } from './text.js';

/**
 * Fewer stored base-branch points than this make no chart and no table (the head is not counted: with two
 * stored reports the head adds a third point, still little more than the delta the report already shows).
 */
export const MIN_HISTORY_POINTS = 3;

const charted = (points: readonly HistoryPoint[]) =>
  points.filter((p) => !p.head).length >= MIN_HISTORY_POINTS;

export interface StoredPoint {
  /** The commit as git named it (the store key), not as the report claims. */
  commit: string;
  report: Report;
}

export interface HistoryHead {
  commit: string | null;
  generatedAt: string;
  platforms: readonly Pick<PlatformMeasure, 'platform' | 'sizes'>[];
}

/** stored: oldest first. Each head platform gets the stored points of the same platform, then its own. */
export function buildHistory(
  stored: readonly StoredPoint[],
  head: HistoryHead | null,
  basis: SizeBasis,
  commits: number,
): ReportHistory {
  const names: Platform[] = head
    ? head.platforms.map((p) => p.platform)
    : [...new Set(stored.flatMap((s) => s.report.platforms.filter((p) => p.head).map((p) => p.platform)))];
  return {
    basis,
    commits,
    platforms: names.map((platform) => {
      const points: HistoryPoint[] = stored.flatMap(({ commit, report }) => {
        const found = report.platforms.find((p) => p.platform === platform)?.head;
        if (!found) return [];
        return [
          {
            commit,
            ref: report.run?.ref ?? null,
            generatedAt: report.generatedAt,
            bytes: found.sizes[basis],
            head: false,
          },
        ];
      });
      const own = head?.platforms.find((p) => p.platform === platform);
      if (head && own) {
        points.push({
          commit: head.commit,
          ref: null,
          generatedAt: head.generatedAt,
          bytes: own.sizes[basis],
          head: true,
        });
      }
      return { platform, points };
    }),
  };
}

/** A point's label: 7 hex digits of a commit, "head" for this run; anything else is not printed. */
export function pointLabel(point: HistoryPoint): string {
  const hex = point.commit && /^[0-9a-f]{7,64}$/.test(point.commit) ? point.commit.slice(0, 7) : null;
  if (point.head) return hex ? `head ${hex}` : 'head';
  return hex ?? '?';
}

/** Megabytes (10^6 bytes) with two decimals, as a bare number for the chart. */
const megabytes = (bytes: number) => (bytes / 1_000_000).toFixed(2);

export const historyUnit = (basis: SizeBasis) => `${basis} MB (10^6 bytes)`;

const SAFE_PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

/** The mermaid chart of one platform, or null with fewer than MIN_HISTORY_POINTS stored points. */
export function historyChart(history: ReportHistory, platform: Platform): string | null {
  const series = history.platforms.find((p) => p.platform === platform);
  if (!series || !charted(series.points)) return null;
  const name = SAFE_PLATFORM.test(platform) ? `${platform} ` : '';
  const unit = historyUnit(history.basis);
  return [
    '```mermaid',
    'xychart-beta',
    `    title "${name}${history.basis} size, MB (10^6 bytes)"`,
    `    x-axis [${series.points.map((p) => `"${pointLabel(p)}"`).join(', ')}]`,
    `    y-axis "${unit}"`,
    `    line [${series.points.map((p) => megabytes(p.bytes)).join(', ')}]`,
    '```',
  ].join('\n');
}

/** Whether any platform has enough points for a chart and a table. */
export function historyShown(history: ReportHistory | undefined): history is ReportHistory {
  return history?.platforms.some((p) => charted(p.points)) ?? false;
}

/** The same numbers as the charts, one row per commit (oldest first), one column per platform. */
export function historyTable(history: ReportHistory): string {
  const shown = history.platforms.filter((p) => charted(p.points));
  const rows: { point: HistoryPoint; cells: Map<Platform, number> }[] = [];
  for (const series of shown) {
    for (const point of series.points) {
      let row = rows.find((r) => r.point.commit === point.commit && r.point.head === point.head);
      if (!row) {
        row = { point, cells: new Map() };
        rows.push(row);
      }
      row.cells.set(series.platform, point.bytes);
    }
  }
  // Stored points keep their base-branch order; the head goes last.
  rows.sort((a, b) => Number(a.point.head) - Number(b.point.head));
  const unit = historyUnit(history.basis);
  const header = `| commit | ref | ${shown.map((s) => `${escapeMarkdown(s.platform)}, ${unit}`).join(' | ')} |`;
  const rule = `|---|---|${shown.map(() => '---:').join('|')}|`;
  const body = rows.map(({ point, cells }) => {
    const ref = point.head
      ? 'this pull request'
      : escapeMarkdown((point.ref ?? '').replace(/^refs\/heads\//, ''), 60);
    const sizes = shown.map((s) => {
      const bytes = cells.get(s.platform);
      return bytes === undefined ? '—' : megabytes(bytes);
    });
    return `| \`${pointLabel(point)}\` | ${ref} | ${sizes.join(' | ')} |`;
  });
  return [header, rule, ...body].join('\n');
}

/** The comment's history block: the charts, and the table folded; null when there is nothing to show. */
export function historyMarkdown(
  history: ReportHistory | undefined,
): { heading: string; body: string } | null {
  if (!historyShown(history)) return null;
  const charts = history.platforms.flatMap((p) => historyChart(history, p.platform) ?? []);
  const table = `<details><summary>The history as a table</summary>\n\n${historyTable(history)}\n\n</details>`;
  const n = Math.max(...history.platforms.map((p) => p.points.length));
  return {
    heading: `Size history (${history.basis}, up to ${n} points: stored base-branch reports, then this head)`,
    body: [...charts, table].join('\n\n'),
  };
}

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line text chart per platform for the terminal: bars from the smallest to the largest point. */
export function historyTextLines(
  history: ReportHistory | undefined,
  safe: (text: string) => string,
): string[] {
  if (!historyShown(history)) return [];
  const head = history.platforms.some((p) => p.points.some((x) => x.head)) ? ', head last' : '';
  const lines = [`Size history (${historyUnit(history.basis)}, oldest first${head}):`];
  for (const series of history.platforms) {
    if (!charted(series.points)) continue;
    const sizes = series.points.map((p) => p.bytes);
    const low = Math.min(...sizes);
    const span = Math.max(...sizes) - low;
    const bars = sizes
      .map((b) => BARS[span === 0 ? 0 : Math.round(((b - low) / span) * (BARS.length - 1))])
      .join('');
    const first = series.points[0]!;
    const last = series.points.at(-1)!;
    lines.push(
      `  ${safe(series.platform)}  ${bars}  ${megabytes(first.bytes)} (${pointLabel(first)}) → ${megabytes(last.bytes)} (${pointLabel(last)}), ${series.points.length} points`,
    );
  }
  return lines;
}
