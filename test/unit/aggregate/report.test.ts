// The merged report validates against its schema (which takes the legs' shape from report.schema.json),
// the CLI command runs the same aggregator on files, and upload-report names and uploads a leg's report.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import aggregateSchema from '../../../src/aggregate/aggregate-report.schema.json' with { type: 'json' };
import { runAggregateCommand } from '../../../src/aggregate/command.js';
import reportSchema from '../../../src/report/report.schema.json' with { type: 'json' };
import { reportArtifactName, uploadReportArtifact } from '../../../src/store/report-artifact.js';
import { bytesOf, legReport } from './legs.js';

const dir = mkdtempSync(join(tmpdir(), 'isg-aggregate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ajv = new Ajv2020({ strict: false, validateFormats: false });
ajv.addSchema(reportSchema, 'https://image-size-gate.invalid/report.schema.json');
const validMerged = ajv.compile(aggregateSchema);

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const code = await runAggregateCommand(args, {
    workspace: dir,
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

describe('image-size-gate aggregate', () => {
  writeFileSync(join(dir, 'amd64.json'), bytesOf(legReport({ platforms: ['linux/amd64'] })));
  writeFileSync(
    join(dir, 'arm64.json'),
    bytesOf(legReport({ platforms: ['linux/arm64'], thresholds: { maxIncrease: 5_000_000 } })),
  );

  it('merges report files into one verdict, prints the markdown and writes a merged report the schema accepts', async () => {
    const run = await cli(['amd64.json', 'arm64.json', '--report-file', 'merged.json']);
    expect(run.code).toBe(1);
    expect(run.out).toContain('Image size: **fail** (1 image, 2 platforms)');
    const merged = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8'));
    expect(validMerged(merged), JSON.stringify(validMerged.errors)).toBe(true);
    expect(merged.images[0].platforms.map((p: { platform: string }) => p.platform)).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });

  it('the schema can say no', () => {
    const run = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8'));
    run.legs[0].report.verdict = 'maybe';
    expect(validMerged(run)).toBe(false);
    expect(validMerged({ ...run, kind: 'report' })).toBe(false);
  });

  it('names a missing leg and a glob that matched nothing, and passes when only warned', async () => {
    const run = await cli(['amd64.json', '--expect', 'services/api linux/amd64,linux/arm64']);
    expect(run.code).toBe(0);
    expect(run.err).toContain('missing: services/api linux/arm64: no report measured this platform');
    const none = await cli(['nothing-*.json', '--on-missing-baseline', 'fail']);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/refused nothing-\*\.json: no report was found there/);
  });

  it('refuses an unknown flag', async () => {
    await expect(cli(['--max-increase', '5MB'])).rejects.toThrow(/Unknown option '--max-increase'/);
  });
});

describe('upload-report', () => {
  it('names the artifact from comment-key, image and platforms, with only characters artifact names allow', () => {
    const report = legReport({ context: 'services/api', platforms: ['linux/amd64', 'linux/arm64'] });
    expect(reportArtifactName(report, 'size')).toMatch(
      /^image-size-gate-report-size-services-api-linux-amd64_linux-arm64-[0-9a-f]{12}$/,
    );
    const hostile = legReport({ context: '../a:b\\c|d*e?"<f>\n', platforms: ['linux/amd64'] });
    expect(reportArtifactName(hostile, 'default')).toMatch(/^image-size-gate-report-[A-Za-z0-9._-]+$/);
    // Legs of one image for other platforms never collide.
    const amd = reportArtifactName(legReport({ platforms: ['linux/amd64'] }), 'default');
    const arm = reportArtifactName(legReport({ platforms: ['linux/arm64'] }), 'default');
    expect(amd).not.toBe(arm);
  });

  it('uploads report.json, and a failed upload costs the artifact only, with a warning', async () => {
    const uploaded: { name: string; text: string }[] = [];
    const logs: string[] = [];
    const log = { info: (l: string) => logs.push(l), warn: (l: string) => logs.push(`warning: ${l}`) };
    const report = legReport({ platforms: ['linux/amd64'] });
    const name = await uploadReportArtifact(
      { upload: async (n, file) => void uploaded.push({ name: n, text: readFileSync(file, 'utf8') }) },
      report,
      'default',
      { tempRoot: dir, ...log },
    );
    expect(name).toBe(reportArtifactName(report, 'default'));
    expect(JSON.parse(uploaded[0]!.text)).toEqual(report);
    const failed = await uploadReportArtifact(
      {
        upload: async () => {
          throw new Error('CreateArtifact answered 403');
        },
      },
      report,
      'default',
      { tempRoot: dir, ...log },
    );
    expect(failed).toBeNull();
    expect(logs.at(-1)).toBe(
      'warning: could not upload the report as an artifact: CreateArtifact answered 403 (the verdict stands)',
    );
  });
});
