import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { actionsJobSummary } from '../../../src/github/summary.js';

describe('actionsJobSummary', () => {
  const saved = process.env.GITHUB_STEP_SUMMARY;
  const dirs: string[] = [];
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_STEP_SUMMARY;
    else process.env.GITHUB_STEP_SUMMARY = saved;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('says why it wrote nothing outside a runner', async () => {
    delete process.env.GITHUB_STEP_SUMMARY;
    const result = await actionsJobSummary().write('## Image size');
    expect(result).toEqual({ written: false, reason: expect.stringContaining('GITHUB_STEP_SUMMARY') });
  });

  it("appends the markdown to the runner's summary file", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isg-summary-'));
    dirs.push(dir);
    const path = join(dir, 'step_summary');
    writeFileSync(path, 'earlier step output\n');
    process.env.GITHUB_STEP_SUMMARY = path;

    const result = await actionsJobSummary().write('## Image size\n\n| a | b |\n| - | - |\n');

    expect(result).toEqual({ written: true, path });
    expect(readFileSync(path, 'utf8')).toBe('earlier step output\n## Image size\n\n| a | b |\n| - | - |\n\n');
  });
});
