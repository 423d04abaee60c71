// Reads the README's reference tables: the first markdown table under a heading with a given title.

export interface MarkdownTable {
  header: string[];
  rows: string[][];
}

/** Cells of one table row; `\|` is a literal bar inside a cell. */
export function tableCells(line: string): string[] {
  const inner = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim().replaceAll('\\|', '|'));
}

function isDelimiterRow(cells: string[]): boolean {
  return cells.length > 0 && cells.every((cell) => /^:?-{3,}:?$/.test(cell));
}

/**
 * The first table in the section whose heading (any level) reads `title`, or an explanation of what is
 * missing. The section ends at the next heading of the same or a higher level.
 */
export function tableUnderHeading(markdown: string, title: string): MarkdownTable | string {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((line) => new RegExp(`^#{1,6}\\s+${title}\\s*$`).test(line));
  if (start < 0) return `no "${title}" heading (a line like "## ${title}")`;
  const level = /^#+/.exec(lines[start]!)![0].length;
  let inFence = false;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const heading = /^(#{1,6})\s/.exec(line);
    if (heading && heading[1]!.length <= level) break;
    if (!line.trim().startsWith('|')) continue;
    const next = lines[i + 1];
    if (next === undefined || !isDelimiterRow(tableCells(next))) {
      return `the "${title}" section has a "|" line that does not start a table (no | --- | row under it): ${line}`;
    }
    const rows: string[][] = [];
    for (let j = i + 2; j < lines.length && lines[j]!.trim().startsWith('|'); j++)
      rows.push(tableCells(lines[j]!));
    return { header: tableCells(line), rows };
  }
  return `the "${title}" section has no markdown table`;
}

/** Whitespace collapsed, so a description may be wrapped differently in YAML and markdown. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
