// The README's inputs and outputs tables must say what action.yml says. Format: two markdown tables,
// anywhere in README.md (outside code blocks), one row per entry in action.yml's order, the name in
// backticks, the description as in action.yml (whitespace collapsed; a literal | written \|), and the
// action.yml default in backticks, or an empty cell (or —) when there is none:
//
//   | Input | Description | Default |
//   | --- | --- | --- |
//   | `context` | Build context, relative to the workspace. | `.` |
//   | `file` | Dockerfile path, relative to the workspace. Default <context>/Dockerfile. | |
//
//   | Output | Description |
//   | --- | --- |
//   | `verdict` | pass, fail, warn or no-baseline. |
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../support/docker.js';
import { ROOT, readActionFile } from './action-yml.js';
import {
  type MarkdownTable,
  markdownTables,
  normalizeText,
  tableCells,
  tableWithHeader,
} from './markdown-tables.js';

const README = join(ROOT, 'README.md');
const action = readActionFile();

const FORMAT =
  'README.md needs an inputs table with the header row `| Input | Description | Default |` and an outputs ' +
  'table with the header row `| Output | Description |`: one row per action.yml entry, in action.yml order, ' +
  'first cell the name in backticks, the description as in action.yml, the default in backticks (empty when none)';

function readme(): string {
  if (!existsSync(README)) throw new Error(`README.md does not exist. ${FORMAT}`);
  return readFileSync(README, 'utf8');
}

function table(markdown: string, header: readonly string[]): MarkdownTable {
  const found = tableWithHeader(markdown, header);
  if (typeof found === 'string') throw new Error(`README.md has ${found}. ${FORMAT}`);
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

function readmeInputs(markdown: string) {
  return table(markdown, ['Input', 'Description', 'Default']).rows.map((row) => ({
    name: nameCell(row[0] ?? ''),
    description: normalizeText(row[1] ?? ''),
    default: defaultCell(row[2] ?? ''),
    cells: row.length,
  }));
}

function readmeOutputs(markdown: string) {
  return table(markdown, ['Output', 'Description']).rows.map((row) => ({
    name: nameCell(row[0] ?? ''),
    description: normalizeText(row[1] ?? ''),
    cells: row.length,
  }));
}

const expectedInputs = action.inputs.map((input) => ({
  name: input.name,
  description: normalizeText(input.description),
  default: input.default,
  cells: 3,
}));

const expectedOutputs = action.outputs.map((output) => ({
  name: output.name,
  description: normalizeText(output.description),
  cells: 2,
}));

describe('README.md', () => {
  it('has an inputs table equal to action.yml inputs: names, descriptions, defaults, in order', () => {
    expect(readmeInputs(readme()), `README.md inputs table differs from action.yml. ${FORMAT}`).toEqual(
      expectedInputs,
    );
  });

  it('has an outputs table equal to action.yml outputs: names and descriptions, in order', () => {
    expect(readmeOutputs(readme()), `README.md outputs table differs from action.yml. ${FORMAT}`).toEqual(
      expectedOutputs,
    );
  });

  it('would notice a changed default, a dropped row, a reordered row or an unquoted name', () => {
    const text = readme();
    const row = (name: string) => text.split('\n').find((line) => line.startsWith(`| \`${name}\` |`))!;
    const changedDefault = text.replace(row('platforms'), row('platforms').replace('linux/amd64,', ''));
    const dropped = text.replace(`${row('summary')}\n`, '');
    const swapped = text
      .replace(row('context'), '@@')
      .replace(row('file'), row('context'))
      .replace('@@', row('file'));
    const unquoted = text.replace('| `verdict` |', '| verdict |');
    expect(readmeInputs(changedDefault)).not.toEqual(expectedInputs);
    expect(readmeInputs(dropped)).not.toEqual(expectedInputs);
    expect(readmeInputs(swapped)).not.toEqual(expectedInputs);
    expect(readmeOutputs(unquoted)).not.toEqual(expectedOutputs);
  });
});

describe('README.md "Tested with"', () => {
  const header = ['Engine', 'Image store', 'Driver', 'buildx'] as const;
  const testedWith = (markdown: string) => {
    const found = tableWithHeader(markdown, header);
    if (typeof found === 'string') throw new Error(`README.md has ${found}: add the "Tested with" table`);
    return found.rows;
  };
  // The engines the test bed runs and the exactness test covers (test/support/docker.ts).
  const expected = ENGINES.map((e) => [`Docker Engine ${e.engine}`, e.store, e.driver, e.buildx]);

  it('lists exactly the engines the test bed runs, in order', () => {
    expect(testedWith(readme())).toEqual(expected);
  });

  it('would notice a changed version or a dropped engine', () => {
    const text = readme();
    expect(
      testedWith(
        text.replace(
          '| Docker Engine 28.5 | containerd | docker | 0.29 |',
          '| Docker Engine 28.5 | containerd | docker | 0.28 |',
        ),
      ),
    ).not.toEqual(expected);
    expect(testedWith(text.replace('| Docker Engine 26.1 | classic | docker | 0.13 |\n', ''))).not.toEqual(
      expected,
    );
  });

  it('shows docker/setup-buildx-action in the workflow section', () => {
    const text = readme();
    const workflow = text.slice(text.indexOf('### Gate pull requests'), text.indexOf('### Gate releases'));
    expect(workflow).toMatch(
      /- uses: docker\/setup-buildx-action@v\d+\n\s+id: buildx\n\s+- uses: image-size-gate\/image-size-gate@v1\n\s+with:\n\s+builder: \$\{\{ steps\.buildx\.outputs\.name \}\}/,
    );
  });
});

describe('the README table reader', () => {
  const doc = [
    '# Tool',
    'Some prose | with a bar.',
    '```markdown',
    '| Input | Description | Default |',
    '| --- | --- | --- |',
    '```',
    '| Input | Description | Default |',
    '|:--- | --- | ---:|',
    '| `a` | Uses a \\| bar. | `x` |',
    '| `b` | No default. | |',
    '',
    '| Output | Description |',
    '| --- | --- |',
    '| Output | Description |',
    '| --- | --- |',
  ].join('\n');

  it('finds tables outside code blocks and splits their cells', () => {
    expect(markdownTables(doc).map((t) => t.line)).toEqual([7, 12]);
    expect(tableWithHeader(doc, ['Input', 'Description', 'Default'])).toEqual({
      line: 7,
      header: ['Input', 'Description', 'Default'],
      rows: [
        ['`a`', 'Uses a | bar.', '`x`'],
        ['`b`', 'No default.', ''],
      ],
    });
  });

  it('says when a table is missing or a row is not a table', () => {
    expect(tableWithHeader(doc, ['Permission', 'Why'])).toBe(
      'no table with the header row | Permission | Why |',
    );
    expect(
      tableWithHeader('| Input | Description | Default |\n| a | b | c |\n', [
        'Input',
        'Description',
        'Default',
      ]),
    ).toMatch(/^no table/);
  });

  it('says when there is more than one table with the header', () => {
    const twice = '| Output | Description |\n| --- | --- |\n\n| Output | Description |\n| --- | --- |\n';
    expect(tableWithHeader(twice, ['Output', 'Description'])).toBe(
      '2 tables with the header row | Output | Description | (lines 1, 4)',
    );
  });

  it('splits rows with or without outer bars', () => {
    expect(tableCells('| a | b |')).toEqual(['a', 'b']);
    expect(tableCells('|`x`|y|')).toEqual(['`x`', 'y']);
    expect(tableCells('| a | b \\| c |')).toEqual(['a', 'b | c']);
  });
});
