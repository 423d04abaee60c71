// The README's "Inputs" and "Outputs" tables must say what action.yml says. Format (one row per entry, in
// action.yml's order; descriptions as in action.yml with whitespace collapsed, a literal | written \|):
//
//   ## Inputs
//   | Input | Description | Default |
//   | --- | --- | --- |
//   | `context` | Build context, relative to the workspace. | `.` |
//   | `file` | Dockerfile path, relative to the workspace. Default <context>/Dockerfile. | |
//
//   ## Outputs
//   | Output | Description |
//   | --- | --- |
//   | `verdict` | pass, fail, warn or no-baseline. |
//
// The Default cell is the action.yml default in backticks, or empty (or —) when there is none.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, readActionFile } from './action-yml.js';
import { type MarkdownTable, normalizeText, tableCells, tableUnderHeading } from './markdown-tables.js';

const README = join(ROOT, 'README.md');
const action = readActionFile();

const FORMAT =
  'README.md needs an "## Inputs" section with a table `| Input | Description | Default |` and an "## Outputs" ' +
  'section with a table `| Output | Description |`: one row per action.yml entry, in action.yml order, first ' +
  'cell the name in backticks, the description as in action.yml, the default in backticks (empty when none)';

function readme(): string {
  if (!existsSync(README)) throw new Error(`README.md does not exist. ${FORMAT}`);
  return readFileSync(README, 'utf8');
}

function table(title: string): MarkdownTable {
  const found = tableUnderHeading(readme(), title);
  if (typeof found === 'string') throw new Error(`README.md: ${found}. ${FORMAT}`);
  return found;
}

const NO_DEFAULT = new Set(['', '—', '-']);

function defaultCell(cell: string): string | undefined {
  if (NO_DEFAULT.has(cell)) return undefined;
  const code = /^`(.*)`$/.exec(cell);
  return code ? code[1] : `(not in backticks) ${cell}`;
}

function nameCell(cell: string): string {
  return /^`([^`]+)`$/.exec(cell)?.[1] ?? `(not a name in backticks) ${cell}`;
}

describe('README.md', () => {
  it('has an Inputs table equal to action.yml inputs: names, descriptions, defaults, in order', () => {
    const inputs = table('Inputs');
    expect(inputs.header, FORMAT).toEqual(['Input', 'Description', 'Default']);
    const rows = inputs.rows.map((row) => ({
      name: nameCell(row[0] ?? ''),
      description: normalizeText(row[1] ?? ''),
      default: defaultCell(row[2] ?? ''),
      cells: row.length,
    }));
    const expected = action.inputs.map((input) => ({
      name: input.name,
      description: normalizeText(input.description),
      default: input.default,
      cells: 3,
    }));
    expect(rows, 'README.md Inputs table differs from action.yml').toEqual(expected);
  });

  it('has an Outputs table equal to action.yml outputs: names and descriptions, in order', () => {
    const outputs = table('Outputs');
    expect(outputs.header, FORMAT).toEqual(['Output', 'Description']);
    const rows = outputs.rows.map((row) => ({
      name: nameCell(row[0] ?? ''),
      description: normalizeText(row[1] ?? ''),
      cells: row.length,
    }));
    const expected = action.outputs.map((output) => ({
      name: output.name,
      description: normalizeText(output.description),
      cells: 2,
    }));
    expect(rows, 'README.md Outputs table differs from action.yml').toEqual(expected);
  });
});

describe('the README table reader', () => {
  const doc = [
    '# Tool',
    '## Inputs',
    'Some prose | with a bar.',
    '```yaml',
    '| not a table | in a fence |',
    '```',
    '| Input | Description | Default |',
    '|:--- | --- | ---:|',
    '| `a` | Uses a \\| bar. | `x` |',
    '| `b` | No default. | |',
    '',
    '### Notes',
    '## Outputs',
    'none yet',
    '## Later',
    '| Output | Description |',
    '| --- | --- |',
  ].join('\n');

  it('finds the first table of a section and splits its cells', () => {
    expect(tableUnderHeading(doc, 'Inputs')).toEqual({
      header: ['Input', 'Description', 'Default'],
      rows: [
        ['`a`', 'Uses a | bar.', '`x`'],
        ['`b`', 'No default.', ''],
      ],
    });
  });

  it('does not look past the section for a table', () => {
    expect(tableUnderHeading(doc, 'Outputs')).toBe('the "Outputs" section has no markdown table');
    expect(tableUnderHeading(doc, 'Permissions')).toMatch(/no "Permissions" heading/);
  });

  it('says so when a section has bars but no delimiter row', () => {
    expect(tableUnderHeading('## Inputs\n| a | b |\n| c | d |\n', 'Inputs')).toMatch(
      /does not start a table/,
    );
  });

  it('splits rows with or without outer bars', () => {
    expect(tableCells('| a | b |')).toEqual(['a', 'b']);
    expect(tableCells('|`x`|y|')).toEqual(['`x`', 'y']);
    expect(tableCells('| a | b \\| c |')).toEqual(['a', 'b | c']);
  });
});
