// dist/ is committed because GitHub runs it as is: it must be exactly what `npm run build` makes of src/.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './action-yml.js';

const STALE = 'dist/ is stale: run `npm run build` and commit dist/';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('dist/', () => {
  let fresh: string;

  beforeAll(async () => {
    fresh = await mkdtemp(join(tmpdir(), 'isg-dist-'));
    await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--outdir', fresh], {
      cwd: ROOT,
    });
  }, 120_000);

  afterAll(async () => {
    await rm(fresh, { recursive: true, force: true });
  });

  it('holds the action entry, the aggregator entry and the CLI', async () => {
    expect(await filesUnder(join(ROOT, 'dist'))).toEqual(
      expect.arrayContaining(['index.js', 'cli.js', 'aggregate.js']),
    );
  });

  it('is byte for byte what the build makes of src/ now', async () => {
    const committed = await filesUnder(join(ROOT, 'dist'));
    const built = await filesUnder(fresh);
    expect(committed, `${STALE} (the files differ)`).toEqual(built);
    const differing: string[] = [];
    for (const file of built) {
      const [a, b] = await Promise.all([readFile(join(ROOT, 'dist', file)), readFile(join(fresh, file))]);
      if (!a.equals(b)) differing.push(file);
    }
    expect(differing, `${STALE} (these differ: ${differing.join(', ')})`).toEqual([]);
  });
});
