import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ValidationError, validateAction } from '@action-validator/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_NAMES, type InputName, parseInputs } from '../../../src/inputs/inputs.js';
import { ROOT, readActionFile } from './action-yml.js';

const action = readActionFile();

/** Every error path in a validation result, nested oneOf branches included. */
function errorPaths(errors: ValidationError[]): string[] {
  return errors.flatMap((error) => [
    ...('path' in error ? [error.path] : ['(parse error)']),
    ...('states' in error && error.states ? error.states.flatMap((state) => errorPaths(state.errors)) : []),
  ]);
}

describe('action.yml', () => {
  it('runs on node24 from the bundled dist/index.js', () => {
    expect(action.runs.using).toBe('node24');
    expect(action.runs.main).toBe('dist/index.js');
    expect(
      existsSync(join(ROOT, action.runs.main)),
      `${action.runs.main} is missing: run \`npm run build\``,
    ).toBe(true);
  });

  it('is valid against the action schema (whose runtime list predates node24)', () => {
    const asNode20 = action.text.replace(/^(\s*using:\s*)node24\s*$/m, '$1node20');
    expect(asNode20).not.toBe(action.text);
    const result = validateAction(asNode20);
    expect(result.errors, JSON.stringify(result.errors, null, 2)).toEqual([]);
  });

  it('has nothing for the schema to object to but the node24 runtime itself', () => {
    const { errors } = validateAction(action.text);
    expect(errors, 'the bundled schema should reject only node24').toHaveLength(1);
    const [runs] = errors;
    expect(runs).toMatchObject({ code: 'one_of', path: '/runs' });
    // Of the oneOf branches (JavaScript, composite, Docker), the JavaScript one fails on `using` alone.
    const states = (runs && 'states' in runs && runs.states) || [];
    const javascript = states.filter((state) =>
      state.errors.every((e) => 'path' in e && e.path === '/runs/using'),
    );
    expect(javascript, JSON.stringify(states, null, 2)).toHaveLength(1);
    expect(javascript[0]!.errors.length).toBeGreaterThan(0);
  });

  it('the validator can say no', () => {
    const broken = action.text.replace(/^(\s*)main:\s*dist\/index\.js\s*$/m, '').replace('node24', 'node20');
    expect(errorPaths(validateAction(broken).errors)).toContain('/runs/main');
    expect(validateAction('name: x\nruns:\n  using: node20\n  main: a.js\n').errors.length).toBeGreaterThan(
      0,
    );
  });

  it('declares exactly the inputs the code parses', () => {
    const declared = action.inputs.map((i) => i.name).sort();
    expect(declared).toEqual([...INPUT_NAMES].sort());
    expect(new Set(declared).size).toBe(declared.length);
  });

  it('declares exactly the outputs the gate sets', () => {
    expect(action.outputs.map((o) => o.name).sort()).toEqual(
      ['verdict', 'report-path', 'head-size', 'base-size', 'delta', 'report-artifact'].sort(),
    );
  });

  it('describes every input and output, and requires none (every input has a default or is optional)', () => {
    for (const item of [...action.inputs, ...action.outputs]) {
      expect(typeof item.description === 'string' && item.description.trim() !== '', item.name).toBe(true);
    }
    expect(action.inputs.filter((i) => i.required).map((i) => i.name)).toEqual([]);
  });

  describe('defaults agree with what parseInputs does when the input is empty', () => {
    let workspace: string;
    beforeAll(() => {
      workspace = mkdtempSync(join(tmpdir(), 'isg-action-defaults-'));
      writeFileSync(join(workspace, 'Dockerfile'), 'FROM scratch\n');
    });
    afterAll(() => rmSync(workspace, { recursive: true, force: true }));

    const parseWith = (raw: Partial<Record<InputName, string>>) =>
      parseInputs((name) => raw[name] ?? '', { workspace, eventBaseRef: null });

    // github-token's default is an expression the runner fills in; the CLI has no such default.
    const withDefaults = action.inputs.filter((i) => i.default !== undefined && i.name !== 'github-token');

    it('has defaults to compare', () => {
      expect(withDefaults.map((i) => i.name)).toEqual(
        expect.arrayContaining(['context', 'platforms', 'size-basis', 'mode', 'comment', 'summary']),
      );
    });

    it.each(withDefaults.map((i) => [i.name, i.default!] as const))('%s: %j', (name, value) => {
      expect(parseWith({ [name]: value })).toEqual(parseWith({}));
    });
  });
});
