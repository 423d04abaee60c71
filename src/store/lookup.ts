// Which stored report, if any, stands in for the base build: the base commit's own (exact hit), else the
// nearest first-parent ancestor's when nothing under the build context changed since (near hit), else none
// (stale or miss), always with the reason. Pure over two ports.
import type { StoreHistory } from '../git/history.js';
import type { Report } from '../report/json-types.js';
import { counted } from '../report/text.js';
import type { ReportStore } from './store.js';

export type { StoreHistory } from '../git/history.js';

export type StoreLookup =
  | { kind: 'exact'; commit: string; report: Report }
  | { kind: 'near'; commit: string; report: Report; distance: number; reason: string }
  | { kind: 'miss'; reason: string };

export interface LookupRequest {
  base: string;
  fingerprint: string;
  depth: number;
  /** The build context and the Dockerfile, repository-relative; empty for `image` runs (no near hits). */
  paths: readonly string[];
}

export const short = (sha: string) => sha.slice(0, 7);

export async function lookupStoredBaseline(
  store: ReportStore,
  history: StoreHistory,
  request: LookupRequest,
): Promise<StoreLookup> {
  const { base, fingerprint } = request;
  const exact = await store.get({ commit: base, fingerprint });
  if (exact.kind === 'found') return { kind: 'exact', commit: base, report: exact.report };
  if (exact.kind === 'error')
    return { kind: 'miss', reason: `the store ${store.name} could not be read: ${exact.cause}` };
  if (exact.kind === 'invalid') {
    return { kind: 'miss', reason: `the stored report of ${short(base)} was refused: ${exact.reason}` };
  }
  // An image measured as found has no build context to prove unchanged: only its own commit's report serves.
  if (request.paths.length === 0 || request.depth <= 0) {
    return {
      kind: 'miss',
      reason: `no stored report for the base commit ${short(base)} with this fingerprint`,
    };
  }

  let ancestors: string[];
  try {
    ancestors = await history.firstParentAncestors(base, request.depth);
  } catch (error) {
    return {
      kind: 'miss',
      reason: `no stored report for the base commit ${short(base)}, and its history could not be read: ${(error as Error).message}`,
    };
  }
  for (const [i, commit] of ancestors.entries()) {
    const read = await store.get({ commit, fingerprint });
    if (read.kind === 'absent') continue;
    if (read.kind === 'error') {
      return { kind: 'miss', reason: `the store ${store.name} could not be read: ${read.cause}` };
    }
    if (read.kind === 'invalid') {
      return { kind: 'miss', reason: `the stored report of ${short(commit)} was refused: ${read.reason}` };
    }
    const distance = i + 1;
    try {
      if (!(await history.changed(commit, base, request.paths))) {
        return {
          kind: 'near',
          commit,
          report: read.report,
          distance,
          reason: `stored report of ${short(commit)}, ${counted(distance, 'commit')} before the base; no change under the build context since`,
        };
      }
      const touching = await history.commitsTouching(commit, base, request.paths);
      // Any older report would span the same changes: the chain ends here.
      return {
        kind: 'miss',
        reason: `the stored report of ${short(commit)} is stale: context changed in ${counted(touching, 'commit')} since ${short(commit)}`,
      };
    } catch (error) {
      return {
        kind: 'miss',
        reason: `could not tell whether the build context changed since ${short(commit)}: ${(error as Error).message}`,
      };
    }
  }
  return {
    kind: 'miss',
    reason: `no stored report with this fingerprint for the base commit ${short(base)}${ancestors.length > 0 ? ` or its ${counted(ancestors.length, 'first-parent ancestor')}` : ''}`,
  };
}
