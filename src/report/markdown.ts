// The pull-request comment and the job summary: one renderer. The verdict and one row per platform always
// fit; the per-layer detail is cut, with a visible note, to keep the body under GitHub's limit.
import { formatDelta, formatPercent } from '../core/bytes.js';
import type { LayerComparison, SizeBasis, Verdict } from '../core/model.js';
import { explainSections } from './explain-markdown.js';
import { historyMarkdown } from './history.js';
import type { PlatformReport, Report } from './json.js';
import { allViolations } from './json.js';
import {
  DEFAULT_MARKDOWN_LIMIT,
  LIMIT_TEXT,
  type MarkdownSection,
  renderSection,
  tableHead,
  tableRow,
} from './markdown-parts.js';
import {
  anyEstimated,
  baselineOrigin,
  count,
  ESTIMATE_NOTE,
  engineSentence,
  escapeMarkdown,
  gatedSentence,
  headlineSentence,
  layerColumns,
  layerCounts,
  layerFigures,
  layerStatusWord,
  MARKDOWN_STYLE,
  missingBaselineSentence,
  noBaselineSentence,
  otherBasis,
  overrideSentence,
  shortDigest,
  sideSize,
  VERDICT_WORD,
  violationsLead,
} from './text.js';

export { DEFAULT_MARKDOWN_LIMIT, GITHUB_COMMENT_LIMIT, markdownSectionLength } from './markdown-parts.js';

/** Instructions longer than this are cut in the layer table (the JSON report keeps them whole). */
export const DEFAULT_INSTRUCTION_CHARS = 200;

export interface MarkdownOptions {
  /** Plain text before the verdict in the heading; default "Image size". */
  title?: string;
  /** Upper bound on the body's length in UTF-16 code units (never more than GitHub counts). */
  maxLength?: number;
  /** Sections after "why it grew" (which the report's explanation gives unless `explain` is false). */
  sections?: readonly MarkdownSection[];
  explain?: boolean;
  instructionChars?: number;
}

const VERDICT_EMOJI: Record<Verdict, string> = {
  pass: '✅',
  fail: '❌',
  warn: '⚠️',
  'no-baseline': 'ℹ️',
  overridden: '☑️',
};

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MARKDOWN_LIMIT;
  const basis = report.thresholds.basis;
  const top = summaryBlocks(report, options.title ?? 'Image size');
  // The history goes last of the sections: the first the fitter leaves out.
  const history = historyMarkdown(report.history);
  const explained = options.explain === false ? [] : explainSections(report);
  const sections = [...explained, ...(options.sections ?? []), ...(history ? [history] : [])].map(
    renderSection,
  );
  const details = report.platforms
    .filter((p) => p.layers.length > 0)
    .map((p) => layerDetail(p, basis, options.instructionChars ?? DEFAULT_INSTRUCTION_CHARS));

  const full = assemble([...top, ...sections, ...details.map((d) => d.render(null))]);
  if (full.length <= maxLength) return full;
  return fitToLimit(top, sections, details, maxLength);
}

function assemble(blocks: readonly string[]): string {
  return `${blocks.filter((b) => b !== '').join('\n\n')}\n`;
}

function summaryBlocks(report: Report, title: string): string[] {
  const blocks: string[] = [];
  blocks.push(
    `### ${VERDICT_EMOJI[report.verdict]} ${escapeMarkdown(title)}: ${VERDICT_WORD[report.verdict]}`,
  );
  const noBaseline = noBaselineSentence(report, MARKDOWN_STYLE);
  if (noBaseline) blocks.push(noBaseline);
  const override = overrideSentence(report, (t) => escapeMarkdown(t));
  if (override) blocks.push(`**${override.lead}:** ${override.text}`);
  const sentence = headlineSentence(report);
  if (sentence) blocks.push(`${sentence.before}**${escapeMarkdown(sentence.platform)}**${sentence.after}`);

  const head = report.images.find((i) => i.role === 'head');
  const base = report.images.find((i) => i.role === 'base');
  const imageText = (i: typeof head) => (i ? `${escapeMarkdown(i.ref)} (${i.source})` : 'none');
  const origin = baselineOrigin(report);
  blocks.push(
    `Head: ${imageText(head)} · base: ${origin.base === null ? imageText(base) : escapeMarkdown(origin.base)}`,
  );
  if (origin.note) blocks.push(escapeMarkdown(origin.note));
  const engine = engineSentence(report, (t) => escapeMarkdown(t, 80));
  if (engine) blocks.push(engine);

  const violations = allViolations(report);
  if (violations.length > 0) {
    blocks.push(
      [
        violationsLead(report, MARKDOWN_STYLE),
        ...violations.map((v) => `- ${escapeMarkdown(v.message)}`),
      ].join('\n'),
    );
  }

  const missing = missingBaselineSentence(report, MARKDOWN_STYLE);
  if (missing) blocks.push(missing);

  blocks.push(platformTable(report));
  const notes = report.platforms.flatMap((p) => {
    if (p.presence === 'base-only') return [`- ${escapeMarkdown(p.platform)}: only in the base image.`];
    if (p.presence === 'head-only' && report.baseMissingReason === null) {
      const cause = p.baseMissingCause ? ` (\`${p.baseMissingCause}\`)` : '';
      return [
        `- ${escapeMarkdown(p.platform)}: no baseline${cause}: ${escapeMarkdown(p.baseMissingReason ?? '')}.`,
      ];
    }
    return [];
  });
  if (notes.length > 0) blocks.push(notes.join('\n'));
  blocks.push(gatedSentence(report, MARKDOWN_STYLE));
  return blocks;
}

function platformTable(report: Report): string {
  const first = report.thresholds.basis;
  const bases: SizeBasis[] = [first, otherBasis(first)];
  const header = ['Platform', ...bases.flatMap((b) => [`Base (${b})`, `Head (${b})`, `Δ ${b}`, `% ${b}`])];
  const rows = report.platforms.map((p) => [
    escapeMarkdown(p.platform),
    ...bases.flatMap((b) => [
      sideSize(p.base, b),
      sideSize(p.head, b),
      p.delta ? formatDelta(p.delta[b]) : 'n/a',
      p.percent ? formatPercent(p.percent[b]) : 'n/a',
    ]),
  ]);
  const rendered = [
    tableHead(header, ['left', ...header.slice(1).map(() => 'right' as const)]),
    ...rows.map(tableRow),
  ].join('\n');
  return anyEstimated(report) ? `${rendered}\n\n${ESTIMATE_NOTE}` : rendered;
}

interface LayerDetail {
  total: number;
  rows: { text: string; rank: number }[];
  /** The <details> block with all rows, or with the rows at these indexes and a note. */
  render(shown: ReadonlySet<number> | null): string;
}

function layerDetail(p: PlatformReport, basis: SizeBasis, instructionChars: number): LayerDetail {
  const header = layerColumns(basis);
  const sides = ['right', 'left', 'left', 'right', 'right', 'right', 'right', 'left'] as const;
  const texts = p.layers.map((layer) => {
    const f = layerFigures(layer, basis);
    const cells = [
      f.number,
      layer.step === '' ? '*(no instruction recorded)*' : escapeMarkdown(layer.step, instructionChars),
      layerStatusWord(layer, basis),
      f.base,
      f.head,
      f.delta,
      f.otherDelta,
      digestCell(f.digest),
    ];
    return tableRow(cells);
  });
  const ranks = rankLayers(p.layers, basis);
  const rows = texts.map((text, i) => ({ text, rank: ranks[i]! }));
  const total = p.layers.length;
  const summary = `<details><summary>Layers of ${escapeMarkdown(p.platform)}: ${layerCounts(p.layers, basis)}</summary>`;
  const head = tableHead(header, sides);
  return {
    total,
    rows,
    render(shown) {
      const body = shown === null ? texts : texts.filter((_, i) => shown.has(i));
      const note =
        shown === null
          ? ''
          : `\n\nShowing ${count(shown.size)} of ${count(total)} layers (changed layers first, largest first) to stay under ${LIMIT_TEXT}. The JSON report has every layer.`;
      return `${summary}\n\n${[head, ...body].join('\n')}${note}\n\n</details>`;
    },
  };
}

/** Rank 0 is kept first when the table must be cut: changed layers by size of change, then unchanged by size. */
function rankLayers(layers: readonly LayerComparison[], basis: SizeBasis): number[] {
  const other = otherBasis(basis);
  const order = layers
    .map((layer, i) => ({ i, layer }))
    .sort((a, b) => {
      const aChanged = a.layer.status !== 'unchanged' ? 0 : 1;
      const bChanged = b.layer.status !== 'unchanged' ? 0 : 1;
      if (aChanged !== bChanged) return aChanged - bChanged;
      const size = (l: LayerComparison) =>
        l.status === 'unchanged' ? (l.head?.sizes[basis] ?? 0) : Math.abs(l.delta[basis]);
      const bySize = size(b.layer) - size(a.layer);
      if (bySize !== 0) return bySize;
      const byOther = Math.abs(b.layer.delta[other]) - Math.abs(a.layer.delta[other]);
      return byOther !== 0 ? byOther : a.i - b.i;
    });
  const ranks: number[] = new Array(layers.length).fill(0);
  order.forEach(({ i }, rank) => {
    ranks[i] = rank;
  });
  return ranks;
}

function digestCell(digest: string): string {
  const short = shortDigest(digest);
  if (short) return `\`${short}\``;
  return digest === '' ? '—' : escapeMarkdown(digest, 19);
}

function fitToLimit(
  top: readonly string[],
  sections: readonly string[],
  details: readonly LayerDetail[],
  maxLength: number,
): string {
  const note = `**Note:** the layer tables below are cut to stay under ${LIMIT_TEXT}; the JSON report has every layer.`;
  const fixed = assemble([...top, note, ...sections]).length;
  const emptyBlocks = details.map((d) => d.render(new Set([])).length + 2);
  // Room for rows, shared fairly: small tables whole, the rest split evenly between the big ones.
  let room = maxLength - fixed - emptyBlocks.reduce((a, b) => a + b, 0) - 64;
  if (room > 0) {
    const need = details.map((d) => d.rows.reduce((sum, r) => sum + r.text.length + 1, 0));
    const allowance: number[] = details.map(() => 0);
    const bySize = details.map((_, i) => i).sort((a, b) => need[a]! - need[b]!);
    bySize.forEach((i, k) => {
      allowance[i] = Math.min(need[i]!, Math.floor(room / (bySize.length - k)));
      room -= allowance[i]!;
    });
    const shown = details.map((d, i) => pickRows(d, allowance[i]!));
    for (;;) {
      const cut = shown.map((s, i) => s.size < details[i]!.total);
      const blocks = details.map((d, i) => d.render(cut[i] ? shown[i]! : null));
      const body = assemble([...top, cut.some(Boolean) ? note : '', ...sections, ...blocks]);
      if (body.length <= maxLength) return body;
      // The estimate was short: drop the lowest-ranked row of the largest table and try again.
      const biggest = shown.reduce((best, s, i) => (s.size > shown[best]!.size ? i : best), 0);
      if (shown[biggest]!.size === 0) break;
      const set = shown[biggest]!;
      const worst = [...set].reduce((a, b) =>
        details[biggest]!.rows[a]!.rank > details[biggest]!.rows[b]!.rank ? a : b,
      );
      set.delete(worst);
    }
  }
  // Not even the empty layer tables fit: leave them out, then the extra sections, then cut hard.
  const without = `**Note:** the layer tables are left out to stay under ${LIMIT_TEXT}; the JSON report has every layer.`;
  for (let keep = sections.length; keep >= 0; keep--) {
    const dropped =
      keep < sections.length
        ? ` ${sections.length - keep} of ${sections.length} further sections are left out too.`
        : '';
    const body = assemble([...top, without + dropped, ...sections.slice(0, keep)]);
    if (body.length <= maxLength) return body;
  }
  const cutNote = `\n\n**Note:** this report is cut to stay under ${LIMIT_TEXT}; the JSON report has everything.\n`;
  const whole = assemble(top);
  const end = whole.lastIndexOf('\n', maxLength - cutNote.length);
  return `${whole.slice(0, Math.max(0, end))}${cutNote}`.slice(0, maxLength);
}

function pickRows(detail: LayerDetail, allowance: number): Set<number> {
  const shown = new Set<number>();
  let used = 0;
  const byRank = detail.rows.map((r, i) => ({ i, r })).sort((a, b) => a.r.rank - b.r.rank);
  for (const { i, r } of byRank) {
    const cost = r.text.length + 1;
    // Stop at the first row that does not fit, so a shown row never ranks below a hidden one.
    if (used + cost > allowance) break;
    shown.add(i);
    used += cost;
  }
  return shown;
}
