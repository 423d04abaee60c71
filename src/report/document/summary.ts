// The summary every output leads with: the verdict, why there is no baseline or override, the headline,
// the images, the violations, one row per platform and what was gated. Essential: never folded.
import { formatDelta, formatPercent } from '../../core/bytes.js';
import type { SizeBasis, Verdict } from '../../core/model.js';
import { allViolations, type Report } from '../json.js';
import { VERDICT_WORD } from '../text.js';
import {
  type Block,
  type Icon,
  icon,
  PRIORITY,
  paragraph,
  type Span,
  spans,
  type TableColumn,
  type Tone,
  text,
  tone,
  untrusted,
} from './model.js';
import {
  anyEstimated,
  approxChange,
  baselineOrigin,
  engineSentence,
  estimatedOn,
  estimateNote,
  gatedSentence,
  headlineSentence,
  imagesSentence,
  missingBaselineSentence,
  noBaselineSentence,
  otherBasis,
  overrideSentence,
  platformNote,
  sideSize,
  violationsLead,
} from './sentences.js';

export const VERDICT_TONE: Record<Verdict, Tone> = {
  pass: 'good',
  fail: 'bad',
  warn: 'warn',
  'no-baseline': 'accent',
  overridden: 'warn',
};

/** The verdict as a heading's spans: "✅ Image size: pass". */
export function verdictSpans(title: string, verdict: Verdict): Span[] {
  return spans(
    icon(verdict satisfies Icon),
    untrusted(title),
    ': ',
    tone(VERDICT_TONE[verdict], VERDICT_WORD[verdict]),
  );
}

export function summaryBlocks(report: Report, title: string): Block[] {
  const essential = PRIORITY.essential;
  const blocks: Block[] = [
    { kind: 'heading', level: 3, priority: essential, spans: verdictSpans(title, report.verdict) },
  ];
  const add = (s: Span[] | null) => {
    if (s) blocks.push({ kind: 'paragraph', priority: essential, spans: s });
  };
  add(noBaselineSentence(report));
  add(overrideSentence(report));
  add(headlineSentence(report));
  add(imagesSentence(report));
  const origin = baselineOrigin(report);
  if (origin.note) add([untrusted(origin.note)]);
  add(engineSentence(report));

  const violations = allViolations(report);
  if (violations.length > 0) {
    blocks.push({
      kind: 'list',
      priority: essential,
      lead: violationsLead(report),
      items: violations.map((v) => ({
        spans: [tone(report.verdict === 'warn' ? 'warn' : 'bad', untrusted(v.message))],
      })),
    });
  }
  add(missingBaselineSentence(report));
  blocks.push(platformTable(report));
  const notes = report.platforms.flatMap((p) => {
    const note = platformNote(p, report);
    return note ? [note] : [];
  });
  if (notes.length > 0)
    blocks.push({ kind: 'list', priority: essential, items: notes.map((n) => ({ spans: n })) });
  blocks.push(paragraph(essential, ...gatedSentence(report)));
  return blocks;
}

const growth = (bytes: number): Tone | null => (bytes > 0 ? 'bad' : bytes < 0 ? 'good' : null);

/** A figure coloured by its sign in a terminal: growth is bad, shrinking good; ≈ as approxChange says. */
export function deltaSpan(bytes: number, estimated = false): Span {
  const t = growth(bytes);
  const figure = `${approxChange(estimated, bytes)}${formatDelta(bytes)}`;
  return t === null ? text(figure) : tone(t, figure);
}

function platformTable(report: Report): Block {
  const first = report.thresholds.basis;
  const bases: SizeBasis[] = [first, otherBasis(first)];
  const columns: TableColumn[] = [
    { header: 'Platform' },
    ...bases.flatMap((b): TableColumn[] => [
      { header: `Base (${b})`, align: 'right', group: { name: b, short: 'Base' } },
      { header: `Head (${b})`, align: 'right', group: { name: b, short: 'Head' } },
      { header: `Δ ${b}`, align: 'right', group: { name: b, short: 'Δ' } },
      { header: `% ${b}`, align: 'right', group: { name: b, short: '%' } },
    ]),
  ];
  return {
    kind: 'table',
    priority: PRIORITY.essential,
    noun: 'platforms',
    columns,
    rows: report.platforms.map((p) => ({
      cells: [
        [untrusted(p.platform)],
        ...bases.flatMap((b) => [
          [text(sideSize(p.base, b))],
          [text(sideSize(p.head, b))],
          [p.delta ? deltaSpan(p.delta[b], estimatedOn(p, b)) : text('n/a')],
          [
            text(
              p.percent
                ? `${approxChange(estimatedOn(p, b), p.delta?.[b])}${formatPercent(p.percent[b])}`
                : 'n/a',
            ),
          ],
        ]),
      ],
    })),
    ...(anyEstimated(report) ? { note: estimateNote() } : {}),
  };
}
