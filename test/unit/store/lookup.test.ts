import { describe, expect, it } from 'vitest';
import type { Report } from '../../../src/report/json.js';
import { lookupStoredBaseline, type StoreHistory } from '../../../src/store/lookup.js';
import type { ReportStore, StoreKey, StoreRead } from '../../../src/store/store.js';
import { FINGERPRINT, sha, storedReport } from './stored.js';

/** A store that answers from a table of reads keyed by commit, and records what it was asked. */
class TableStore implements ReportStore {
  readonly name = 'dir:///fake';
  readonly asked: string[] = [];
  constructor(private readonly reads: Record<string, StoreRead>) {}
  async put(): Promise<void> {}
  async get(key: StoreKey): Promise<StoreRead> {
    this.asked.push(key.commit);
    if (key.fingerprint !== FINGERPRINT.id) return { kind: 'absent' };
    return this.reads[key.commit] ?? { kind: 'absent' };
  }
  async list(): Promise<Report[]> {
    return [];
  }
}

// First-parent history: base B0, then its ancestors B1 … B5 (B1 is B0's parent).
const B = [0, 1, 2, 3, 4, 5].map((i) => sha('0123456789abcdef'[i]!));
const BASE = B[0]!;

/** A history where the commits listed in `touching` changed the build context. */
function history(touching: string[] = [], failing = false): StoreHistory & { diffs: string[][] } {
  const diffs: string[][] = [];
  const between = (ancestor: string, base: string) => B.slice(B.indexOf(base), B.indexOf(ancestor));
  return {
    diffs,
    async firstParentAncestors(sha, depth) {
      if (failing) throw new Error('git rev-list failed');
      return B.slice(B.indexOf(sha) + 1, B.indexOf(sha) + 1 + depth);
    },
    async changed(ancestor, base, paths) {
      diffs.push([ancestor, base, ...paths]);
      return between(ancestor, base).some((c) => touching.includes(c));
    },
    async commitsTouching(ancestor, base) {
      return between(ancestor, base).filter((c) => touching.includes(c)).length;
    },
  };
}

const found = (commit: string): StoreRead => ({ kind: 'found', report: storedReport(commit) });
const request = { base: BASE, fingerprint: FINGERPRINT.id, depth: 20, paths: ['svc', 'svc/Dockerfile'] };

describe('lookupStoredBaseline', () => {
  it('takes the base commit own report: an exact hit, without asking git', async () => {
    const git = history();
    const result = await lookupStoredBaseline(new TableStore({ [BASE]: found(BASE) }), git, request);
    expect(result).toMatchObject({ kind: 'exact', commit: BASE });
    expect(git.diffs).toEqual([]);
  });

  it('takes an ancestor report when nothing under the context or Dockerfile changed since: a near hit', async () => {
    const git = history([]);
    const result = await lookupStoredBaseline(new TableStore({ [B[3]!]: found(B[3]!) }), git, request);
    expect(result).toMatchObject({
      kind: 'near',
      commit: B[3],
      distance: 3,
      reason: `stored report of ${B[3]!.slice(0, 7)}, 3 commits before the base; no change under the build context since`,
    });
    expect(git.diffs).toEqual([[B[3], BASE, 'svc', 'svc/Dockerfile']]);
  });

  it('calls an ancestor report stale when the context changed since, and stops there', async () => {
    const store = new TableStore({ [B[3]!]: found(B[3]!), [B[4]!]: found(B[4]!) });
    const result = await lookupStoredBaseline(store, history([B[0]!, B[2]!]), request);
    expect(result).toEqual({
      kind: 'miss',
      reason: `the stored report of ${B[3]!.slice(0, 7)} is stale: context changed in 2 commits since ${B[3]!.slice(0, 7)}`,
    });
    expect(store.asked).toEqual([B[0], B[1], B[2], B[3]]);
  });

  it('walks no further than store-depth', async () => {
    const store = new TableStore({ [B[4]!]: found(B[4]!) });
    const result = await lookupStoredBaseline(store, history(), { ...request, depth: 2 });
    expect(result).toEqual({
      kind: 'miss',
      reason: `no stored report with this fingerprint for the base commit ${BASE.slice(0, 7)} or its 2 first-parent ancestors`,
    });
    expect(store.asked).toEqual([B[0], B[1], B[2]]);
  });

  it('names no ancestors when the base commit has none (the first commit)', async () => {
    const root = B[5]!;
    const result = await lookupStoredBaseline(new TableStore({}), history(), { ...request, base: root });
    expect(result).toEqual({
      kind: 'miss',
      reason: `no stored report with this fingerprint for the base commit ${root.slice(0, 7)}`,
    });
  });

  it('misses on another fingerprint: a changed build-arg never finds the old report', async () => {
    const store = new TableStore({ [BASE]: found(BASE) });
    const result = await lookupStoredBaseline(store, history(), { ...request, fingerprint: 'f'.repeat(64) });
    expect(result.kind).toBe('miss');
  });

  it.each<[string, StoreRead, string]>([
    [
      'a store error',
      { kind: 'error', cause: 'GET … answered 401 Unauthorized' },
      'could not be read: GET … answered 401 Unauthorized',
    ],
    [
      'a refused report',
      { kind: 'invalid', reason: 'it is not JSON' },
      `the stored report of ${BASE.slice(0, 7)} was refused: it is not JSON`,
    ],
  ])('ends the chain on %s, with its cause', async (_, read, reason) => {
    const store = new TableStore({ [BASE]: read, [B[1]!]: found(B[1]!) });
    const result = await lookupStoredBaseline(store, history(), request);
    expect(result.kind).toBe('miss');
    expect(result.kind === 'miss' && result.reason).toContain(reason);
    expect(store.asked).toEqual([BASE]);
  });

  it('has no near hits for an image run (no build context to prove unchanged)', async () => {
    const store = new TableStore({ [B[1]!]: found(B[1]!) });
    const result = await lookupStoredBaseline(store, history(), { ...request, paths: [] });
    expect(result.kind).toBe('miss');
    expect(store.asked).toEqual([BASE]);
  });

  it('says so when the history cannot be read', async () => {
    const result = await lookupStoredBaseline(new TableStore({}), history([], true), request);
    expect(result).toMatchObject({ kind: 'miss' });
    expect(result.kind === 'miss' && result.reason).toContain('git rev-list failed');
  });
});
