// The report as a document: blocks of spans, built once from the report model and rendered by small
// renderers (render/markdown for the comment and the job summary, render/terminal for the CLI and the log).
// Builders decide what is said and in what order; renderers decide only how it looks. No span holds markup:
// every renderer escapes for its own output, so a builder never escapes and never writes markdown.

/** How a span or a row is coloured in a terminal; markdown shows no colour. */
export type Tone = 'good' | 'bad' | 'warn' | 'muted' | 'accent';

/** A picture word: an emoji in markdown, a coloured word (or nothing) in a terminal. */
export type Icon = 'pass' | 'fail' | 'warn' | 'no-baseline' | 'overridden' | 'error' | 'warning' | 'info';

export type Span =
  /** Our own words (figures, fixed sentences). */
  | { kind: 'text'; text: string }
  /** Text from an image, a repository, the API or a stored report: made harmless by the renderer, cut to max code points. */
  | { kind: 'untrusted'; text: string; max?: number }
  | { kind: 'strong'; spans: readonly Span[] }
  | { kind: 'emphasis'; spans: readonly Span[] }
  /** A code span; untrusted text is escaped (in markdown as <code>, where entities still work). */
  | { kind: 'code'; text: string; untrusted?: boolean }
  | { kind: 'tone'; tone: Tone; spans: readonly Span[] }
  | { kind: 'icon'; icon: Icon };

/** Higher stays longer: the markdown fitter folds or drops the lowest priority first. */
export type Priority = number;

/** The priorities builders use; a fitter never drops `essential` blocks. */
export const PRIORITY = {
  essential: 100,
  summary: 80,
  explanation: 70,
  explanationDetail: 55,
  detail: 40,
  code: 30,
  history: 20,
} as const;

interface BlockBase {
  priority: Priority;
  /** How the fitter names this block when it folds or leaves it out ("the layer table of linux/arm64"). */
  label?: string;
}

export type Align = 'left' | 'right';

export interface TableColumn {
  /** Our own words, or spans when the header names something untrusted (a platform). */
  header: string | readonly Span[];
  align?: Align;
  /** Free text of any length: a terminal puts it last, where it can run on. */
  trailing?: boolean;
  /**
   * Columns of one basis ("uncompressed"): a terminal stacks the groups into one row each, with `short` as
   * the header, so the table fits its width.
   */
  group?: { name: string; short: string };
}

export interface TableRow {
  cells: readonly (readonly Span[])[];
  tone?: Tone;
  /** Lower is kept longer when a fitter folds the table; rows without one are kept in order. */
  rank?: number;
}

export interface ListItem {
  spans: readonly Span[];
  /** Lines under the item ("Fix: …"). */
  children?: readonly (readonly Span[])[];
}

export type Block =
  | (BlockBase & { kind: 'heading'; level: 2 | 3 | 4; spans: readonly Span[] })
  | (BlockBase & { kind: 'paragraph'; spans: readonly Span[] })
  | (BlockBase & {
      kind: 'list';
      /** The line right above the items ("Over the threshold:"). */
      lead?: readonly Span[];
      ordered?: boolean;
      items: readonly ListItem[];
      /** What follows the items when some are not shown ("and 3 more in the details below"). */
      more?: readonly Span[];
    })
  | (BlockBase & {
      kind: 'table';
      /** The line right above the table ("Directories that changed (uncompressed):"). */
      lead?: readonly Span[];
      columns: readonly TableColumn[];
      rows: readonly TableRow[];
      /** A fitter keeps at least this many rows; default 0. */
      minRows?: number;
      /** The rows' noun for "Showing 40 of 120 layers" ("layers"). */
      noun: string;
      /** How the rows are ranked, for that note ("changed layers first, largest first"). */
      order?: string;
      /** Rows the builder did not include (past its own row limit). */
      omitted?: number;
      /** A line after the table (the estimate note). */
      note?: readonly Span[];
    })
  | (BlockBase & { kind: 'details'; summary: readonly Span[]; blocks: readonly Block[] })
  | (BlockBase & { kind: 'code'; language?: string; lines: readonly string[] })
  | (BlockBase & {
      kind: 'chart';
      chart: 'pie' | 'line';
      title: string;
      /** What a value measures, units stated ("uncompressed MB (10^6 bytes)"); values are bytes. */
      unit: string;
      labels: readonly string[];
      series: readonly { name: string; values: readonly number[] }[];
      /** Draws figures the text before it already gives: a renderer that cannot draw leaves it out. */
      drawsTheText?: true;
    });

export interface ReportDocument {
  blocks: readonly Block[];
}

// Span builders: the document's vocabulary, so a builder reads as the sentence it writes.
export const text = (value: string): Span => ({ kind: 'text', text: value });
export const untrusted = (value: string, max?: number): Span =>
  max === undefined ? { kind: 'untrusted', text: value } : { kind: 'untrusted', text: value, max };
export const strong = (...spans: (Span | string)[]): Span => ({ kind: 'strong', spans: spans.map(span) });
export const emphasis = (...spans: (Span | string)[]): Span => ({
  kind: 'emphasis',
  spans: spans.map(span),
});
export const code = (value: string): Span => ({ kind: 'code', text: value });
export const tone = (t: Tone, ...spans: (Span | string)[]): Span => ({
  kind: 'tone',
  tone: t,
  spans: spans.map(span),
});
export const icon = (i: Icon): Span => ({ kind: 'icon', icon: i });

/** A string is our own text. */
export function span(s: Span | string): Span {
  return typeof s === 'string' ? text(s) : s;
}

export function spans(...parts: (Span | string | null | undefined | false)[]): Span[] {
  return parts.filter((p): p is Span | string => p !== null && p !== undefined && p !== false).map(span);
}

export function paragraph(priority: Priority, ...parts: (Span | string | null | false)[]): Block {
  return { kind: 'paragraph', priority, spans: spans(...parts) };
}

/** Every block, depth first, with the blocks inside details after their details. */
export function* walk(blocks: readonly Block[]): Generator<Block> {
  for (const b of blocks) {
    yield b;
    if (b.kind === 'details') yield* walk(b.blocks);
  }
}
