import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './action-yml.js';

const dir = join(ROOT, '.github', 'workflows');
const workflows = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name));

describe('.github/workflows', () => {
  it('has the CI, dist check and end-to-end workflows', () => {
    expect(workflows).toEqual(expect.arrayContaining(['ci.yml', 'check-dist.yml', 'e2e.yml']));
  });

  it.each(workflows)('%s is valid against the workflow schema', (name) => {
    const result = validateWorkflow(readFileSync(join(dir, name), 'utf8'));
    expect(result.errors, JSON.stringify(result.errors, null, 2)).toEqual([]);
  });

  it('the validator can say no', () => {
    const result = validateWorkflow(
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - ruun: x\n',
    );
    expect(result.errors.length).toBeGreaterThan(0);
  });

  it('the end-to-end workflow runs this action itself', () => {
    const e2e = parse(readFileSync(join(dir, 'e2e.yml'), 'utf8')) as {
      jobs: Record<string, { steps?: { uses?: string }[] }>;
    };
    const uses = Object.values(e2e.jobs).flatMap((job) => (job.steps ?? []).map((step) => step.uses));
    expect(uses).toContain('./');
  });
});
