// The size history: the base branch's stored reports and this run's head as one series per platform
// (document/history.ts shows it). Pure. Whatever came from a stored report is untrusted: a point's label
// is only ever a short hex SHA.
import type { Platform, PlatformMeasure, SizeBasis } from '../core/model.js';
import type { HistoryPoint, Report, ReportHistory } from './json.js';

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

export const historyUnit = (basis: SizeBasis) => `${basis} MB (10^6 bytes)`;

/** Whether a platform's series has enough stored points for a chart and a table. */
export const seriesShown = charted;

/** Whether any platform has enough points for a chart and a table. */
export function historyShown(history: ReportHistory | undefined): history is ReportHistory {
  return history?.platforms.some((p) => charted(p.points)) ?? false;
}
