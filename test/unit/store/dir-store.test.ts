import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareImages } from '../../../src/core/compare.js';
import { renderJson } from '../../../src/report/json.js';
import { DirStore } from '../../../src/store/dir-store.js';
import { measureFromStoredReport } from '../../../src/store/stored-baseline.js';
import { MAX_STORED_REPORT_BYTES, readStoredReport } from '../../../src/store/validate.js';
import { bloatedHead, leanBase } from '../core/fixtures.js';
import { HOSTILE } from '../report/hostile.js';
import { FINGERPRINT, sha, storedReport } from './stored.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'isg-dir-store-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const A = sha('a');
const key = (commit: string) => ({ commit, fingerprint: FINGERPRINT.id });
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('readStoredReport (a stored report is untrusted)', () => {
  it('accepts a report that passes the schema and is the one its key names', () => {
    const report = storedReport(A);
    expect(readStoredReport(bytes(renderJson(report)), key(A))).toEqual({ kind: 'found', report });
    expect(readStoredReport(gzipSync(renderJson(report)), key(A))).toEqual({ kind: 'found', report });
  });

  it.each<[string, () => Uint8Array, RegExp]>([
    ['too big', () => Buffer.alloc(MAX_STORED_REPORT_BYTES + 1, 0x20), /over the 5 MB \(10\^6 bytes\)/],
    [
      'a gzip bomb',
      () => gzipSync(Buffer.alloc(MAX_STORED_REPORT_BYTES * 2, 0x20)),
      /unpacks to more, over the 5 MB/,
    ],
    ['not JSON', () => bytes('{"schemaVersion": 2, '), /not JSON/],
    ['corrupted gzip', () => Buffer.from([0x1f, 0x8b, 1, 2, 3]), /not readable gzip/],
    [
      'an old schema version',
      () => bytes({ ...storedReport(A), schemaVersion: 1 }),
      /report schema \(\/schemaVersion/,
    ],
    [
      'a field the schema does not have',
      () => bytes({ ...storedReport(A), extra: '<script>' }),
      /report schema/,
    ],
    [
      'a negative size',
      () => {
        const r = storedReport(A);
        r.platforms[0]!.head!.sizes.compressed = -5;
        return bytes(r);
      },
      /report schema \(\/platforms\/0\/head/,
    ],
    [
      'a hostile key in a refusal',
      () => bytes({ ...storedReport(A), timings: { '\n::error::pwned': 'x' } }),
      /report schema \(\/timings\/\?\?error\?pwned/,
    ],
    ['another commit than its key', () => bytes(storedReport(sha('c'))), /another commit or fingerprint/],
    [
      'another fingerprint than its key',
      () => bytes(storedReport(A, leanBase(), { ...FINGERPRINT, id: 'e'.repeat(64) })),
      /another commit or fingerprint/,
    ],
    ['no run', () => bytes({ ...storedReport(A), run: null }), /another commit or fingerprint/],
  ])('refuses a report that is %s, with the reason', (_, make, reason) => {
    const read = readStoredReport(make(), key(A));
    expect(read.kind).toBe('invalid');
    expect(read.kind === 'invalid' && read.reason).toMatch(reason);
  });

  it('keeps hostile text as data: it is the renderers that escape it', () => {
    const report = storedReport(A);
    report.platforms[0]!.layers[0]!.step = HOSTILE.join(' ');
    const read = readStoredReport(bytes(report), key(A));
    expect(read.kind === 'found' && read.report.platforms[0]!.layers[0]!.step).toBe(HOSTILE.join(' '));
  });
});

describe('DirStore', () => {
  it('puts, gets and lists reports by commit and fingerprint', async () => {
    const store = new DirStore(join(dir, 'roundtrip'));
    // Not there yet: a mistyped path reads as one, not as an empty store.
    const missing = `the directory ${join(dir, 'roundtrip')} does not exist (a push run with publish creates it; check the path)`;
    expect(await store.get(key(A))).toEqual({ kind: 'error', cause: missing });
    await expect(store.list()).rejects.toThrow(missing);
    await mkdir(join(dir, 'roundtrip'));
    expect(await store.get(key(A))).toEqual({ kind: 'absent' });
    expect(await store.list()).toEqual([]);
    const older = { ...storedReport(sha('b')), generatedAt: '2025-05-01T00:00:00.000Z' };
    await store.put(storedReport(A));
    await store.put(older);
    expect(await store.get(key(A))).toEqual({ kind: 'found', report: storedReport(A) });
    expect((await store.list()).map((r) => r.run?.commit)).toEqual([A, sha('b')]);
    expect((await readdir(join(dir, 'roundtrip'))).sort()).toEqual([
      `${A}-${FINGERPRINT.id.slice(0, 12)}.json`,
      `${sha('b')}-${FINGERPRINT.id.slice(0, 12)}.json`,
    ]);
  });

  it('answers a corrupted or oversized entry with the reason, never a crash', async () => {
    const store = new DirStore(join(dir, 'bad'));
    await store.put(storedReport(A));
    const path = join(dir, 'bad', `${A}-${FINGERPRINT.id.slice(0, 12)}.json`);
    await writeFile(path, '{"schemaVersion": 2, "tool": ');
    expect(await store.get(key(A))).toEqual({ kind: 'invalid', reason: 'it is not JSON' });
    await writeFile(path, Buffer.alloc(MAX_STORED_REPORT_BYTES + 10, 0x20));
    expect(await store.get(key(A))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/over the 5 MB/),
    });
    expect(await store.list()).toEqual([]);
  });

  it('says why it could not read: an error, not an absence', async () => {
    const store = new DirStore(join(dir, 'a-file'));
    await writeFile(join(dir, 'a-file'), 'not a directory');
    expect(await store.get(key(A))).toMatchObject({
      kind: 'error',
      cause: expect.stringContaining('ENOTDIR'),
    });
  });

  it('refuses a report without the commit it measured', async () => {
    await expect(new DirStore(dir).put({ ...storedReport(A), run: null })).rejects.toThrow(
      /commit it measured/,
    );
  });
});

describe('measureFromStoredReport', () => {
  it('gives back the measurement the stored run made: the same comparison, to the byte', () => {
    const stored = readStoredReport(bytes(renderJson(storedReport(A, leanBase()))), key(A));
    if (stored.kind !== 'found') throw new Error(stored.kind);
    const base = { ...leanBase(), ref: 'base (aaaaaaa)' };
    const fromStore = measureFromStoredReport(stored.report, 'base (aaaaaaa)');
    expect(JSON.stringify(compareImages(bloatedHead(), fromStore))).toBe(
      JSON.stringify(compareImages(bloatedHead(), base)),
    );
  });
});
