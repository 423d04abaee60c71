// The CLI's readable report: plain aligned columns, the same facts as the comment, colour only when asked.
import { formatDelta, formatPercent } from '../core/bytes.js';
import type { SizeBasis, Verdict } from '../core/model.js';
import { alignColumns, type Cell, type Colour, painter } from './ansi.js';
import { explainTerminalLines } from './explain-terminal.js';
import { historyTextLines } from './history.js';
import type { PlatformReport, Report } from './json.js';
import { allViolations } from './json.js';
import {
  anyEstimated,
  baselineOrigin,
  ESTIMATE_NOTE,
  engineSentence,
  gatedSentence,
  headlineSentence,
  layerColumns,
  layerCounts,
  layerFigures,
  layerStatusWord,
  missingBaselineSentence,
  noBaselineSentence,
  otherBasis,
  overrideSentence,
  PLAIN_STYLE,
  plainText,
  shortDigest,
  sideSize,
  VERDICT_WORD,
  violationsLead,
} from './text.js';

export interface TerminalOptions {
  /** ANSI colours (the CLI decides: a TTY, NO_COLOR, --color). Default false. */
  color?: boolean;
  /** Print the per-layer tables. Default true. */
  layers?: boolean;
  /** Instructions longer than this are cut with "…". Default 100. */
  instructionChars?: number;
  /** Print "why it grew" when the report has explanations. Default true. */
  explain?: boolean;
}

const VERDICT_COLOUR: Record<Verdict, Colour> = {
  pass: 'green',
  fail: 'red',
  warn: 'yellow',
  'no-baseline': 'cyan',
  overridden: 'yellow',
};

export function renderTerminal(report: Report, options: TerminalOptions = {}): string {
  const paint = painter(options.color);
  const growth = (bytes: number): Colour | undefined => (bytes > 0 ? 'red' : bytes < 0 ? 'green' : undefined);
  const basis = report.thresholds.basis;
  const lines: string[] = [];

  const word = VERDICT_WORD[report.verdict].toUpperCase();
  lines.push(`image-size-gate: ${paint(paint(word, VERDICT_COLOUR[report.verdict]), 'bold')}`);
  const noBaseline = noBaselineSentence(report, PLAIN_STYLE);
  if (noBaseline) lines.push(noBaseline);
  const override = overrideSentence(report, (t) => plainText(t));
  if (override) lines.push(`${override.lead}: ${override.text}`);
  const sentence = headlineSentence(report);
  if (sentence)
    lines.push(`${sentence.before}${paint(plainText(sentence.platform), 'bold')}${sentence.after}`);
  const imageText = (role: 'head' | 'base') => {
    const image = report.images.find((i) => i.role === role);
    return image ? `${plainText(image.ref)} (${image.source})` : 'none';
  };
  const origin = baselineOrigin(report);
  lines.push(
    `Head: ${imageText('head')} · base: ${origin.base === null ? imageText('base') : plainText(origin.base)}`,
  );
  if (origin.note) lines.push(plainText(origin.note));
  const engine = engineSentence(report, (t) => plainText(t, 80));
  if (engine) lines.push(engine);
  lines.push('');

  const bases: SizeBasis[] = [basis, otherBasis(basis)];
  const rows: Cell[][] = [];
  for (const p of report.platforms) {
    bases.forEach((b, k) => {
      rows.push([
        { text: k === 0 ? plainText(p.platform) : '' },
        { text: b },
        { text: sideSize(p.base, b) },
        { text: sideSize(p.head, b) },
        { text: p.delta ? formatDelta(p.delta[b]) : 'n/a', colour: p.delta ? growth(p.delta[b]) : undefined },
        { text: p.percent ? formatPercent(p.percent[b]) : 'n/a' },
        { text: k === 0 ? platformNote(p, report) : '', colour: 'dim' },
      ]);
    });
  }
  lines.push(
    ...table(
      ['Platform', 'Size', 'Base', 'Head', 'Delta', 'Change', ''].map((text) => ({ text })),
      ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
      rows,
      paint,
    ),
  );
  if (anyEstimated(report)) lines.push(ESTIMATE_NOTE.replaceAll('`', ''));
  lines.push('');
  lines.push(gatedSentence(report, PLAIN_STYLE));

  const violations = allViolations(report);
  if (violations.length > 0) {
    lines.push('');
    lines.push(violationsLead(report, PLAIN_STYLE));
    const colour: Colour = report.verdict === 'warn' ? 'yellow' : 'red';
    for (const v of violations) lines.push(`  ${paint(plainText(v.message), colour)}`);
  }

  const missing = missingBaselineSentence(report, PLAIN_STYLE);
  if (missing) lines.push('', missing);

  const why =
    options.explain === false ? [] : explainTerminalLines(report, { color: options.color ?? false });
  if (why.length > 0) lines.push('', ...why);
  const history = historyTextLines(report.history, plainText);
  if (history.length > 0) lines.push('', ...history);

  if (options.layers ?? true) {
    const other = otherBasis(basis);
    const width = options.instructionChars ?? 100;
    for (const p of report.platforms) {
      if (p.layers.length === 0) continue;
      lines.push('');
      lines.push(`Layers of ${plainText(p.platform)}: ${layerCounts(p.layers, basis)}`);
      const columns = layerColumns(basis);
      const layerRows: Cell[][] = p.layers.map((layer) => {
        const status = layerStatusWord(layer, basis);
        const statusColour: Colour | undefined =
          status === 'grew' || status === 'added'
            ? 'red'
            : status === 'shrank' || status === 'removed'
              ? 'green'
              : undefined;
        const f = layerFigures(layer, basis);
        return [
          { text: f.number },
          { text: status, colour: statusColour },
          { text: f.base },
          { text: f.head },
          { text: f.delta, colour: growth(layer.delta[basis]) },
          { text: f.otherDelta, colour: growth(layer.delta[other]) },
          { text: digestCell(f.digest) },
          { text: layer.step === '' ? '(no instruction recorded)' : plainText(layer.step, width) },
        ];
      });
      lines.push(
        ...table(
          [columns[0]!, ...columns.slice(2), columns[1]!].map((text) => ({ text })),
          ['right', 'left', 'right', 'right', 'right', 'right', 'left', 'left'],
          layerRows,
          paint,
        ).map((line) => `  ${line}`),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function platformNote(p: PlatformReport, report: Report): string {
  if (p.presence === 'base-only') return 'only in the base image';
  if (p.presence === 'head-only' && report.baseMissingReason === null) {
    return `no baseline: ${plainText(p.baseMissingReason ?? '')}`;
  }
  return '';
}

function digestCell(digest: string): string {
  return shortDigest(digest) ?? (digest === '' ? '—' : plainText(digest, 19));
}

function table(
  header: readonly Cell[],
  align: readonly ('left' | 'right')[],
  rows: readonly Cell[][],
  paint: (text: string, colour: Colour | undefined) => string,
): string[] {
  return alignColumns([header, ...rows], align, paint);
}
