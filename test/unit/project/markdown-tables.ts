// Reads the markdown tables of a document (outside code fences), so the README's reference tables can be
// compared with action.yml.

export interface MarkdownTable {
  /** 1-based line of the header row. */
  line: number;
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

function isDelimiterRow(line: string | undefined): boolean {
  if (line === undefined || !line.trim().startsWith('|')) return false;
  const cells = tableCells(line);
  return cells.length > 0 && cells.every((cell) => /^:?-{3,}:?$/.test(cell));
}

export function markdownTables(markdown: string): MarkdownTable[] {
  const lines = markdown.split(/\r?\n/);
  const tables: MarkdownTable[] = [];
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence || !line.trim().startsWith('|') || !isDelimiterRow(lines[i + 1])) continue;
    const rows: string[][] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j]!.trim().startsWith('|'); j++) rows.push(tableCells(lines[j]!));
    tables.push({ line: i + 1, header: tableCells(line), rows });
    i = j - 1;
  }
  return tables;
}

/** The one table whose header row is exactly `header`, or why there is not exactly one. */
export function tableWithHeader(markdown: string, header: readonly string[]): MarkdownTable | string {
  const found = markdownTables(markdown).filter(
    (t) => t.header.length === header.length && t.header.every((cell, i) => cell === header[i]),
  );
  const row = `| ${header.join(' | ')} |`;
  if (found.length === 0) return `no table with the header row ${row}`;
  if (found.length > 1)
    return `${found.length} tables with the header row ${row} (lines ${found.map((t) => t.line).join(', ')})`;
  return found[0]!;
}

/** Whitespace collapsed, so a description may be wrapped differently in YAML and markdown. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
