// The size history's reads: the stored reports of the base commit and its first-parent ancestors with this
// fingerprint. Bounded (at most `count` reads, a few at a time); a store error or a refused report is
// counted and skipped, never a failure.
import type { StoredPoint } from '../report/history.js';
import type { StoreHistory } from './lookup.js';
import type { ReportStore } from './store.js';

/** Reads in flight at once: enough to hide a registry's round trips, few enough not to hammer it. */
export const HISTORY_CONCURRENCY = 4;

export interface HistoryReads {
  /** Oldest first. */
  points: StoredPoint[];
  reads: number;
  absent: number;
  /** Store errors and refused reports, each with why (the first few). */
  skipped: number;
  reasons: string[];
}

export async function readStoredHistory(
  store: ReportStore,
  history: StoreHistory,
  request: { base: string; fingerprint: string; count: number },
): Promise<HistoryReads> {
  const result: HistoryReads = { points: [], reads: 0, absent: 0, skipped: 0, reasons: [] };
  if (request.count <= 0) return result;
  let commits: string[];
  try {
    commits = [request.base, ...(await history.firstParentAncestors(request.base, request.count - 1))];
  } catch (error) {
    result.skipped = 1;
    result.reasons.push(`the base branch's history could not be read: ${(error as Error).message}`);
    return result;
  }
  commits = commits.slice(0, request.count);
  const found: (StoredPoint | null)[] = commits.map(() => null);
  let next = 0;
  const worker = async () => {
    while (next < commits.length) {
      const i = next++;
      const commit = commits[i]!;
      result.reads += 1;
      const read = await store
        .get({ commit, fingerprint: request.fingerprint })
        .catch((error: Error) => ({ kind: 'error' as const, cause: error.message }));
      if (read.kind === 'found') found[i] = { commit, report: read.report };
      else if (read.kind === 'absent') result.absent += 1;
      else {
        result.skipped += 1;
        if (result.reasons.length < 3)
          result.reasons.push(
            `${commit.slice(0, 7)}: ${read.kind === 'error' ? read.cause : `refused, ${read.reason}`}`,
          );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(HISTORY_CONCURRENCY, commits.length) }, worker));
  // git gave them nearest first; the chart reads oldest first.
  result.points = found.filter((p): p is StoredPoint => p !== null).reverse();
  return result;
}
