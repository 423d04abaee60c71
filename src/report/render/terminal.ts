// The document as plain text for the CLI and the action's log: aligned columns, colour only when asked,
// untrusted text made printable. The same blocks as the comment, in the same order; only the look differs:
// collapsed blocks are shown open and indented, tables of grouped columns are stacked to stay narrow, and
// free-text columns go last.
import { formatBytes } from '../../core/bytes.js';
import { alignColumns, type Cell, type Colour, painter } from '../ansi.js';
import { type DocumentOptions, reportDocument } from '../document/build.js';
import type { Block, Icon, ReportDocument, Span, TableColumn, TableRow, Tone } from '../document/model.js';
import type { Report } from '../json.js';
import { count, plainText, printableCodeLine } from '../text.js';

export interface TerminalOptions extends DocumentOptions {
  /** ANSI colours (the CLI decides: a TTY, NO_COLOR, --color). Default false. */
  color?: boolean;
}

export function renderTerminal(report: Report, options: TerminalOptions = {}): string {
  return renderDocumentTerminal(
    reportDocument(report, { title: 'image-size-gate', instructionChars: 100, ...options }),
    options,
  );
}

const TONE: Record<Tone, Colour> = {
  good: 'green',
  bad: 'red',
  warn: 'yellow',
  muted: 'dim',
  accent: 'cyan',
};
const SEVERITY: Partial<Record<Icon, [string, Colour]>> = {
  error: ['ERROR', 'red'],
  warning: ['WARNING', 'yellow'],
  info: ['INFO', 'cyan'],
};

type Paint = (text: string, colour?: Colour) => string;

export function renderDocumentTerminal(document: ReportDocument, options: { color?: boolean } = {}): string {
  const paint = painter(options.color);
  return `${blocks(document.blocks, paint, '').join('\n')}\n`;
}

/** The plain text of spans, as the terminal prints them without colour (for logs and tests). */
export function spansText(list: readonly Span[]): string {
  return spansOf(list, painter(false));
}

/** Blocks as lines; a blank line between blocks, none between a heading or paragraph and the paragraph after it. */
function blocks(list: readonly Block[], paint: Paint, indent: string): string[] {
  const lines: string[] = [];
  let previous: Block['kind'] | null = null;
  for (const b of list) {
    const out = block(b, paint).map((l) => (l === '' ? '' : indent + l));
    if (out.length === 0) continue;
    const tight = b.kind === 'paragraph' && (previous === 'paragraph' || previous === 'heading');
    if (previous !== null && !tight) lines.push('');
    lines.push(...out);
    previous = b.kind;
  }
  return lines;
}

function block(b: Block, paint: Paint): string[] {
  switch (b.kind) {
    case 'heading':
      return [paint(spansOf(b.spans, paint), 'bold')];
    case 'paragraph':
      return [spansOf(b.spans, paint)];
    case 'list': {
      const lines = b.lead ? [spansOf(b.lead, paint)] : [];
      const pad = b.lead ? '  ' : '';
      b.items.forEach((item, i) => {
        const bullet = b.ordered ? `${i + 1}.` : '-';
        lines.push(`${pad}${bullet} ${spansOf(item.spans, paint)}`);
        for (const child of item.children ?? [])
          lines.push(`${pad}${' '.repeat(bullet.length + 1)}${spansOf(child, paint)}`);
      });
      if (b.more) lines.push(`${pad}- ${spansOf(b.more, paint)}`);
      return lines;
    }
    case 'table':
      return table(b, paint);
    case 'details':
      return [paint(spansOf(b.summary, paint), 'bold'), ...blocks(b.blocks, paint, '  ')];
    case 'code': {
      const lines = b.lines.map(printableCodeLine);
      while (lines.length > 0 && lines.at(-1) === '') lines.pop();
      return lines.map((l) => `  ${l.replace(/\t/g, '    ')}`);
    }
    case 'chart':
      return b.drawsTheText ? [] : chart(b);
  }
}

function table(b: Extract<Block, { kind: 'table' }>, paint: Paint): string[] {
  // Free text last, where it can run on.
  const order = b.columns
    .map((_, i) => i)
    .sort((x, y) => Number(!!b.columns[x]!.trailing) - Number(!!b.columns[y]!.trailing) || x - y);
  const columns = order.map((i) => b.columns[i]!);
  const rows = b.rows.map((r) => ({ ...r, cells: order.map((i) => r.cells[i] ?? []) }));
  const { header, sides, body } = columns.some((c) => c.group)
    ? stacked(columns, rows, paint)
    : flat(columns, rows, paint);
  const lines = b.lead && b.lead.length > 0 ? [spansOf(b.lead, paint)] : [];
  lines.push(...alignColumns([header, ...body], sides, paint));
  if ((b.omitted ?? 0) > 0) lines.push(`and ${count(b.omitted!)} more ${b.noun}`);
  if (b.note) lines.push(spansOf(b.note, paint));
  return lines;
}

function flat(columns: readonly TableColumn[], rows: readonly TableRow[], paint: Paint) {
  return {
    header: columns.map((c) => ({ text: headerText(c.header, paint) })),
    sides: columns.map((c) => c.align ?? 'left'),
    body: rows.map((r) => r.cells.map((cell) => cellOf(cell))),
  };
}

/** One row per group ("uncompressed", "compressed") under the group's short headers, the ungrouped cells on the first. */
function stacked(columns: readonly TableColumn[], rows: readonly TableRow[], paint: Paint) {
  const ungrouped = columns.map((c, i) => ({ c, i })).filter(({ c }) => !c.group);
  const groups = [...new Set(columns.flatMap((c) => (c.group ? [c.group.name] : [])))];
  const first = groups[0]!;
  const inGroup = (name: string) =>
    columns.map((c, i) => ({ c, i })).filter(({ c }) => c.group?.name === name);
  const header: Cell[] = [
    ...ungrouped.map(({ c }) => ({ text: headerText(c.header, paint) })),
    { text: 'Size' },
    ...inGroup(first).map(({ c }) => ({ text: c.group!.short })),
  ];
  const sides = [
    ...ungrouped.map(({ c }) => c.align ?? 'left'),
    'left' as const,
    ...inGroup(first).map(({ c }) => c.align ?? 'left'),
  ];
  const body = rows.flatMap((r) =>
    groups.map((name, k) => [
      ...ungrouped.map(({ i }) => (k === 0 ? cellOf(r.cells[i] ?? []) : { text: '' })),
      { text: name },
      ...inGroup(name).map(({ i }) => cellOf(r.cells[i] ?? [])),
    ]),
  );
  return { header, sides, body };
}

function headerText(h: string | readonly Span[], paint: Paint): string {
  return typeof h === 'string' ? h : spansOf(h, paint);
}

/** A cell of one tone keeps its colour as the cell's, so alignment counts only the visible text. */
function cellOf(cell: readonly Span[]): Cell {
  const plain = painter(false);
  const only = cell.length === 1 ? cell[0]! : null;
  if (only?.kind === 'tone') return { text: spansOf(only.spans, plain), colour: TONE[only.tone] };
  return { text: spansOf(cell, plain) };
}

function chart(b: Extract<Block, { kind: 'chart' }>): string[] {
  if (b.chart === 'pie') {
    const values = b.series[0]?.values ?? [];
    return [
      `${plainText(b.title)}:`,
      ...alignColumns(
        b.labels.map((label, i) => [{ text: plainText(label, 70) }, { text: formatBytes(values[i] ?? 0) }]),
        ['left', 'right'],
      ).map((l) => `  ${l}`),
    ];
  }
  // A bar per point, oldest first, from the smallest to the largest value.
  return b.series.map((s) => {
    const low = Math.min(...s.values);
    const span = Math.max(...s.values) - low;
    const bars = s.values
      .map((v) => BARS[span === 0 ? 0 : Math.round(((v - low) / span) * (BARS.length - 1))])
      .join('');
    const mb = (v: number) => (v / 1_000_000).toFixed(2);
    const last = s.values.length - 1;
    return `${plainText(b.title)}: ${bars}  ${mb(s.values[0]!)} (${plainText(b.labels[0] ?? '?')}) → ${mb(s.values[last]!)} (${plainText(b.labels[last] ?? '?')}), ${s.values.length} points`;
  });
}

const BARS = '▁▂▃▄▅▆▇█';

function spansOf(list: readonly Span[], paint: Paint): string {
  return list.map((s) => spanOf(s, paint)).join('');
}

function spanOf(s: Span, paint: Paint): string {
  switch (s.kind) {
    case 'text':
      return s.text;
    case 'untrusted':
      return plainText(s.text, s.max);
    case 'strong':
      return paint(spansOf(s.spans, paint), 'bold');
    case 'emphasis':
      return spansOf(s.spans, paint);
    case 'code':
      return s.untrusted ? plainText(s.text) : s.text;
    case 'tone':
      return paint(spansOf(s.spans, paint), TONE[s.tone]);
    case 'icon': {
      const word = SEVERITY[s.icon];
      return word ? `${paint(word[0], word[1])}${' '.repeat(9 - word[0].length)}` : '';
    }
  }
}
