// aggregate/action.yml: the second action, bundled into dist/ like the first, its inputs the ones the code
// parses, and the README's aggregate tables equal to it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { validateAction } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { AGGREGATE_FLAGS } from '../../../src/aggregate/command.js';
import { AGGREGATE_INPUT_NAMES } from '../../../src/aggregate/inputs.js';
import { ROOT, readActionFile } from './action-yml.js';
import { normalizeText, tableWithHeader } from './markdown-tables.js';

const PATH = 'aggregate/action.yml';
const action = readActionFile(PATH);
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

function rows(header: string[]) {
  const table = tableWithHeader(readme, header);
  if (typeof table === 'string') throw new Error(`README.md has ${table}`);
  return table.rows;
}

describe('aggregate/action.yml', () => {
  it('runs on node24 from the bundled dist/aggregate.js', () => {
    expect(action.runs.using).toBe('node24');
    expect(action.runs.main).toBe('../dist/aggregate.js');
    const entry = join(ROOT, dirname(PATH), action.runs.main);
    expect(existsSync(entry), `${entry} is missing: run \`npm run build\``).toBe(true);
  });

  it('is valid against the action schema (whose runtime list predates node24)', () => {
    const asNode20 = action.text.replace(/^(\s*using:\s*)node24\s*$/m, '$1node20');
    expect(asNode20).not.toBe(action.text);
    expect(validateAction(asNode20).errors).toEqual([]);
  });

  it('declares exactly the inputs the code parses, each described, none required', () => {
    expect(action.inputs.map((i) => i.name)).toEqual([...AGGREGATE_INPUT_NAMES]);
    for (const item of [...action.inputs, ...action.outputs])
      expect(item.description.trim(), item.name).not.toBe('');
    expect(action.inputs.filter((i) => i.required)).toEqual([]);
  });

  it('declares the outputs the aggregator sets', () => {
    expect(action.outputs.map((o) => o.name)).toEqual(['verdict', 'report-path', 'pull-request']);
  });

  it('gives the CLI the inputs as flags, except those that only mean something in a workflow', () => {
    expect(AGGREGATE_FLAGS).toEqual([
      'expect',
      'mode',
      'on-missing-baseline',
      'report-file',
      'markdown-file',
    ]);
  });

  it('is what the README tables say, in order', () => {
    expect(rows(['Aggregate input', 'Description', 'Default'])).toEqual(
      action.inputs.map((i) => [
        `\`${i.name}\``,
        normalizeText(i.description),
        i.default === undefined ? '' : `\`${i.default}\``,
      ]),
    );
    expect(rows(['Aggregate output', 'Description'])).toEqual(
      action.outputs.map((o) => [`\`${o.name}\``, normalizeText(o.description)]),
    );
  });
});
