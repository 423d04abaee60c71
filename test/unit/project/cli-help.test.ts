// The CLI's flags are the action's inputs: --help must list them with action.yml's own descriptions.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, readActionFile } from './action-yml.js';

describe('image-size-gate --help', () => {
  const help = execFileSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), '--help'], { encoding: 'utf8' });
  const action = readActionFile();
  const actionOnly = new Set([
    'github-token',
    'comment',
    'comment-key',
    'override-label',
    'summary',
    'upload-report',
    'allow-untrusted-build',
  ]);

  it.each(action.inputs.filter((i) => !actionOnly.has(i.name)))(
    'lists --$name with its description',
    (input) => {
      const line = help.split('\n').find((l) => l.startsWith(`  --${input.name} `));
      expect(line, `--${input.name} is missing from --help`).toBeDefined();
      expect(line).toContain(input.description.replace(/\s+/g, ' ').trim());
    },
  );

  it('says where the CLI differs from the action: no JSON report unless --report-file is given', () => {
    const line = help.split('\n').find((l) => l.startsWith('  --report-file '));
    expect(line).toMatch(/report\.json\. In the CLI: no JSON report unless given\.$/);
  });

  it.each([
    ['--platform', 'linux/amd64', 'unknown flag --platform; did you mean --platforms?'],
    [
      '--max-increas',
      '5MB',
      'unknown flag --max-increas; did you mean --max-increase or --max-increase-percent?',
    ],
    ['--colour', 'never', 'unknown flag --colour (image-size-gate --help lists them)'],
  ])('names an unknown flag %s and the flag it most likely meant, with exit 2', (flag, value, message) => {
    const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), flag, value], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`image-size-gate: ${message}`);
  });

  it('leaves out the inputs that only mean something inside GitHub Actions', () => {
    for (const name of actionOnly) expect(help).not.toContain(`--${name} `);
  });
});
