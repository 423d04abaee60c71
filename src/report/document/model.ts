// The report as a document: blocks of spans, built once from the report model and rendered by small
// renderers (render/markdown for the comment and the job summary, render/terminal for the CLI). Builders
// decide what is said and in what order; renderers decide only how it looks. Text in a span is plain:
// every renderer escapes it for its own output, so a builder never escapes and never writes markup.

/** How a span or a row is coloured in a terminal and marked in markdown. */
export type Tone = 'good' | 'bad' | 'warn' | 'muted' | 'accent';

export type Span =
  | { kind: 'text'; text: string }
  | { kind: 'strong'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'tone'; tone: Tone; spans: readonly Span[] };

/** Higher stays longer: the markdown fitter folds or drops the lowest priority first. */
export type Priority = number;

/** The priorities builders use; a fitter never drops `essential` blocks. */
export const PRIORITY = {
  essential: 100,
  summary: 80,
  explanation: 60,
  detail: 40,
  history: 20,
} as const;

interface BlockBase {
  priority: Priority;
  /** What the fitter says when it leaves this block out ("the layer table of linux/arm64"). */
  label?: string;
}

export type Align = 'left' | 'right';

export interface TableColumn {
  header: string;
  align?: Align;
}

export interface TableRow {
  cells: readonly (readonly Span[])[];
  tone?: Tone;
}

export type Block =
  | (BlockBase & { kind: 'heading'; level: 1 | 2 | 3 | 4; spans: readonly Span[] })
  | (BlockBase & { kind: 'paragraph'; spans: readonly Span[] })
  | (BlockBase & { kind: 'list'; items: readonly (readonly Span[])[] })
  | (BlockBase & {
      kind: 'table';
      columns: readonly TableColumn[];
      rows: readonly TableRow[];
      /** Rows beyond this many may be cut by a fitter, with a note saying how many. */
      minRows?: number;
    })
  | (BlockBase & { kind: 'details'; summary: readonly Span[]; blocks: readonly Block[] })
  | (BlockBase & { kind: 'code'; language?: string; text: string })
  | (BlockBase & {
      kind: 'chart';
      title: string;
      /** Axis label, units stated ("compressed MB (10^6 bytes)"). */
      unit: string;
      labels: readonly string[];
      series: readonly { name: string; values: readonly number[] }[];
    });

export interface ReportDocument {
  blocks: readonly Block[];
}
