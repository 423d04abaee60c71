import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DirStore } from '../../../src/store/dir-store.js';
import { runStoreCommand } from '../../../src/store/store-command.js';
import { sha, storedReport } from './stored.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'isg-store-command-'));
  const store = new DirStore(join(dir, '.image-size-gate', 'reports'));
  await store.put({ ...storedReport(sha('a')), generatedAt: '2026-12-01T10:00:00.000Z' });
  await store.put({ ...storedReport(sha('b')), generatedAt: '2026-11-30T10:00:00.000Z' });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  try {
    const code = await runStoreCommand(argv, {
      workspace: dir,
      defaultStore: 'dir://.image-size-gate/reports',
    });
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('image-size-gate store', () => {
  it('ls lists commit, ref, date, fingerprint and sizes, newest first', async () => {
    const { code, out } = await run(['ls']);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^commit\s+ref\s+date \(UTC\)\s+fingerprint\s+sizes \(MB = 10\^6 bytes\)$/);
    expect(lines[1]).toMatch(
      /^aaaaaaaaaaaa\s+main\s+2026-12-01 10:00:00\s+[0-9a-f]{12}\s+linux\/amd64 .* uncompressed \/ .* compressed/,
    );
    expect(lines[2]).toMatch(/^bbbbbbbbbbbb /);
  });

  it('ls marks an estimated compressed size with ≈', async () => {
    const path = join(dir, 'estimated');
    const report = storedReport(sha('c'));
    for (const p of report.platforms) p.head!.compressedEstimated = true;
    await new DirStore(path).put(report);
    const { code, out } = await run(['ls', '--store', `dir://${path}`]);
    expect(code).toBe(0);
    expect(out).toMatch(/linux\/amd64 [\d.]+ MB uncompressed \/ ≈[\d.]+ MB compressed/);
  });

  it('ls --history charts each fingerprint oldest first; fewer than 3 reports make no chart', async () => {
    const two = await run(['ls', '--history']);
    expect(two.code).toBe(0);
    expect(two.out).toMatch(/^fingerprint [0-9a-f]{12}: 2 reports\n {2}fewer than 3 reports: no chart\n$/);

    const store = new DirStore(join(dir, 'four'));
    for (const [i, c] of ['1', '2', '3', '4'].entries()) {
      const report = storedReport(sha(c));
      for (const p of report.platforms) p.head!.sizes.uncompressed = (10 + i) * 1_000_000;
      await store.put({ ...report, generatedAt: `2026-11-2${i}T10:00:00.000Z` });
    }
    const four = await run(['ls', '--history', '--store', 'dir://four']);
    expect(four.code).toBe(0);
    const lines = four.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^fingerprint [0-9a-f]{12}: 4 reports$/);
    expect(lines[1]).toBe('Size history (uncompressed, up to 4 points: stored base-branch reports)');
    expect(lines[2]).toMatch(
      /^linux\/amd64 uncompressed size, MB \(10\^6 bytes\): ▁▃▆█ {2}10\.00 \(1111111\) → 13\.00 \(4444444\), 4 points$/,
    );
  });

  it('get prints the stored report of a commit as JSON, by full or short SHA', async () => {
    const { code, out } = await run(['get', 'aaaaaaa']);
    expect(code).toBe(0);
    expect(JSON.parse(out).run.commit).toBe(sha('a'));
  });

  it.each([
    [['get', 'ccccccc'], 1, /holds no report of ccccccc/],
    [['get', '--x'], 2, /usage/],
    [['get', 'not-a-sha'], 2, /is not a commit SHA/],
    [['rm'], 2, /usage/],
  ])('%j exits %i with the reason', async (argv, status, message) => {
    const { code, err } = await run(argv as string[]);
    expect(code).toBe(status);
    expect(err).toMatch(message);
  });
});
