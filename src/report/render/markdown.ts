// The document as GitHub markdown, for the pull-request comment and the job summary: every span escaped
// for its kind, and ONE fitter for GitHub's comment limit. The fitter works up from the lowest priority:
// it folds that level's tables and code (their best-ranked rows stay, in their order) and, when that is not
// enough, leaves that level's blocks out, last first; then it says in a note what it cut and left out.
import { formatBytes } from '../../core/bytes.js';
import { type DocumentOptions, reportDocument } from '../document/build.js';
import {
  type Block,
  type Icon,
  PRIORITY,
  type ReportDocument,
  type Span,
  type TableColumn,
  walk,
} from '../document/model.js';
import type { Report } from '../json.js';
import { count, escapeMarkdown, plainText, printableCodeLine } from '../text.js';

/** GitHub rejects issue comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** The default cap leaves 1,536 characters for the hidden marker the comment module puts in front. */
export const DEFAULT_MARKDOWN_LIMIT = 64_000;

/** How every note of the fitter names the limit. */
export const LIMIT_TEXT = `GitHub's ${count(GITHUB_COMMENT_LIMIT)}-character comment limit`;

export interface MarkdownOptions extends DocumentOptions {
  /** Upper bound on the body's length in UTF-16 code units (never more than GitHub counts). */
  maxLength?: number;
}

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  return renderDocumentMarkdown(reportDocument(report, options), options.maxLength);
}

const ICON: Record<Icon, string> = {
  pass: '✅',
  fail: '❌',
  warn: '⚠️',
  'no-baseline': 'ℹ️',
  overridden: '☑️',
  error: '⛔',
  warning: '⚠️',
  info: 'ℹ️',
};

/** How many folded or left-out blocks the note names, and how long each name may be. */
const NOTE_NAMES = 6;
const NOTE_NAME_CHARS = 120;

/** What the fitter decided: rows (or lines) kept per folded block, and the blocks left out. */
interface Fit {
  kept: Map<Block, number>;
  dropped: Set<Block>;
}

export function renderDocumentMarkdown(document: ReportDocument, maxLength = DEFAULT_MARKDOWN_LIMIT): string {
  const fit: Fit = { kept: new Map(), dropped: new Set() };
  const renderer = new Renderer(document);
  const fits = () => renderer.length(fit) <= maxLength;
  if (fits()) return renderer.render(fit);

  const { parents } = renderer;
  const hidden = (b: Block) => renderer.hidden(b, fit);
  const all = [...walk(document.blocks)];
  const levels = [...new Set(all.map((b) => b.priority))]
    .filter((p) => p < PRIORITY.essential)
    .sort((a, b) => a - b);
  const group = (level: number) => all.filter((b) => b.priority === level && !hidden(b));
  // Whole units to leave out: the blocks of one label go together (a heading with its section).
  const units = (level: number) => {
    const outermost = all.filter((b) => b.priority === level && parents.get(b)?.priority !== level);
    const byLabel = new Map<string | Block, Block[]>();
    for (const b of outermost) byLabel.set(b.label ?? b, [...(byLabel.get(b.label ?? b) ?? []), b]);
    return [...byLabel.values()];
  };
  // A unit's length whole; what leaving it out saves is never more. Counting it spares renders.
  const unitLength = (unit: readonly Block[]) => unit.reduce((n, b) => n + renderer.wholeLength(b) + 2, 0);
  const folded = (unit: readonly Block[]) => unit.some((b) => [...walk([b])].some((x) => fit.kept.has(x)));
  // When a higher level had to give way too, the lower levels may have room again: most important first.
  const refill = (below: readonly number[]) => {
    for (const level of [...below].reverse()) {
      for (const unit of units(level)) {
        if (!unit.every((b) => fit.dropped.has(b))) continue;
        if (!folded(unit) && unitLength(unit) > maxLength - renderer.length(fit)) continue;
        for (const b of unit) fit.dropped.delete(b);
        if (!fits()) for (const b of unit) fit.dropped.add(b);
      }
      grow(group(level).filter(foldable), fit, fits);
    }
  };
  for (const [index, level] of levels.entries()) {
    if (grow(group(level).filter(foldable), fit, fits)) {
      refill(levels.slice(0, index));
      return renderer.render(fit);
    }
    let excess = renderer.length(fit) - maxLength;
    for (const unit of units(level).reverse()) {
      for (const b of unit) fit.dropped.add(b);
      excess -= unitLength(unit);
      if (excess > 0) continue;
      excess = renderer.length(fit) - maxLength;
      if (excess <= 0) {
        grow(group(level).filter(foldable), fit, fits);
        refill(levels.slice(0, index));
        return renderer.render(fit);
      }
    }
  }
  // Only essential blocks are left and they still do not fit: cut at a line end, and say so.
  const cutNote = `\n\n**Note:** this report is cut to stay under ${LIMIT_TEXT}; the JSON report has everything.\n`;
  const whole = renderer.render(fit);
  const end = whole.lastIndexOf('\n', maxLength - cutNote.length);
  return `${whole.slice(0, Math.max(0, end))}${cutNote}`.slice(0, maxLength);
}

function foldable(b: Block): boolean {
  return (
    (b.kind === 'table' && b.rows.length > (b.minRows ?? 0)) || (b.kind === 'code' && b.lines.length > 1)
  );
}

function size(b: Block): { min: number; n: number } {
  if (b.kind === 'table') return { min: b.minRows ?? 0, n: b.rows.length };
  if (b.kind === 'code') return { min: 1, n: b.lines.length };
  return { min: 0, n: 0 };
}

/**
 * Folds the blocks to the largest share of their rows that fits, the same share for each so the room is
 * shared fairly; true when some share fits. Leaves them at their minimum when none does.
 */
function grow(blocks: readonly Block[], fit: Fit, fits: () => boolean): boolean {
  if (blocks.length === 0) return false;
  const apply = (share: number) => {
    for (const b of blocks) {
      const { min, n } = size(b);
      const keep = Math.max(min, Math.floor(share * n));
      if (keep >= n) fit.kept.delete(b);
      else fit.kept.set(b, keep);
    }
  };
  apply(1);
  if (fits()) return true;
  apply(0);
  if (!fits()) return false;
  let low = 0;
  let high = 1;
  const most = Math.max(...blocks.map((b) => size(b).n));
  // Down to one row of the largest block.
  while ((high - low) * most > 0.5) {
    const mid = (low + high) / 2;
    apply(mid);
    if (fits()) low = mid;
    else high = mid;
  }
  apply(low);
  return true;
}

class Renderer {
  /** Row indexes of each table, best rank first. */
  private readonly ranked = new Map<Block, number[]>();
  /** What no fit changes, rendered once: the fitter renders the document many times. */
  private readonly fixed = new Map<Block, string>();
  private readonly rowText = new Map<object, string>();

  private readonly whole = new Map<Block, number>();
  private readonly codeLines = new Map<Block, string[]>();
  /** Each block inside a details block, to the details block. */
  readonly parents = new Map<Block, Block>();

  constructor(private readonly document: ReportDocument) {
    for (const b of walk(document.blocks)) {
      if (b.kind === 'details') for (const child of b.blocks) this.parents.set(child, b);
    }
  }

  /** Left out, itself or with a details block around it. */
  hidden(b: Block | undefined, fit: Fit): boolean {
    for (let p = b; p; p = this.parents.get(p)) if (fit.dropped.has(p)) return true;
    return false;
  }

  /** A block's length with nothing folded or left out. */
  wholeLength(b: Block): number {
    let n = this.whole.get(b);
    if (n === undefined) {
      n = this.pure(b, { kept: new Map(), dropped: new Set() }).length;
      this.whole.set(b, n);
    }
    return n;
  }

  render(fit: Fit): string {
    return `${this.parts(fit).join('\n\n')}\n`;
  }

  /** The rendering's length, without joining it: the fitter asks many times. */
  length(fit: Fit): number {
    const parts = this.parts(fit);
    return parts.reduce((n, p) => n + p.length, 0) + 2 * Math.max(0, parts.length - 1) + 1;
  }

  private parts(fit: Fit): string[] {
    this.dirty = this.dirtyBlocks(fit);
    const note = this.note(fit);
    const out: string[] = [];
    let placed = note === null;
    for (const b of this.document.blocks) {
      if (!placed && b.priority < PRIORITY.essential) {
        out.push(note!);
        placed = true;
      }
      const text = this.block(b, fit);
      if (text !== '') out.push(text);
    }
    if (!placed) out.push(note!);
    return out;
  }

  /** The blocks a fit changes, and the details around them; every other block renders as it did before. */
  private dirty = new Set<Block>();

  private dirtyBlocks(fit: Fit): Set<Block> {
    const dirty = new Set<Block>();
    for (const b of [...fit.kept.keys(), ...fit.dropped]) {
      for (let p: Block | undefined = b; p && !dirty.has(p); p = this.parents.get(p)) dirty.add(p);
    }
    return dirty;
  }

  private note(fit: Fit): string | null {
    const leftOut: Block[] = [];
    const cut = new Set<string>();
    for (const b of walk(this.document.blocks)) {
      // What a left-out details block holds goes with it, unnamed.
      if (this.hidden(this.parents.get(b), fit)) continue;
      if (fit.dropped.has(b)) {
        leftOut.push(b);
        continue;
      }
      const keep = fit.kept.get(b);
      if (keep !== undefined) {
        const { n } = size(b);
        const noun = b.kind === 'table' ? b.noun : 'lines';
        cut.add(`${b.label ?? `a ${b.kind}`} (${count(keep)} of ${count(n)} ${noun} shown)`);
      }
    }
    // The most important loss first.
    const left = new Set(
      leftOut.sort((x, y) => y.priority - x.priority).map((b) => b.label ?? `a ${b.kind}`),
    );
    if (left.size === 0 && cut.size === 0) return null;
    // The note names a few; a report can have hundreds of blocks, each named by text from the image.
    const named = (labels: ReadonlySet<string>) => {
      const shown = [...labels].slice(0, NOTE_NAMES).map((l) => escapeMarkdown(l, NOTE_NAME_CHARS));
      const more = labels.size - shown.length;
      return `${shown.join(', ')}${more > 0 ? ` and ${count(more)} more` : ''}`;
    };
    const parts = [
      ...(cut.size > 0 ? [`cuts ${named(cut)}`] : []),
      ...(left.size > 0 ? [`leaves out ${named(left)}`] : []),
    ];
    return `**Note:** to stay under ${LIMIT_TEXT}, this comment ${parts.join(' and ')}; the JSON report has everything.`;
  }

  private block(b: Block, fit: Fit): string {
    if (fit.dropped.has(b)) return '';
    if (!this.dirty.has(b)) {
      let text = this.fixed.get(b);
      if (text === undefined) {
        text = this.pure(b, fit);
        this.fixed.set(b, text);
      }
      return text;
    }
    return this.pure(b, fit);
  }

  private cached(key: object, render: () => string): string {
    let text = this.rowText.get(key);
    if (text === undefined) {
      text = render();
      this.rowText.set(key, text);
    }
    return text;
  }

  private pure(b: Block, fit: Fit): string {
    switch (b.kind) {
      case 'heading':
        return `${'#'.repeat(b.level)} ${spans(b.spans)}`;
      case 'paragraph':
        return spans(b.spans);
      case 'list': {
        const lines = b.lead ? [spans(b.lead)] : [];
        b.items.forEach((item, i) => {
          lines.push(`${b.ordered ? `${i + 1}.` : '-'} ${spans(item.spans)}`);
          for (const child of item.children ?? []) lines.push(`  - ${spans(child)}`);
        });
        if (b.more) lines.push(`- ${spans(b.more)}`);
        return lines.join('\n');
      }
      case 'table':
        return this.table(b, fit);
      case 'details': {
        const inner = b.blocks.map((c) => this.block(c, fit)).filter((t) => t !== '');
        if (inner.length === 0) return '';
        const summary = this.cached(b.summary, () => spans(b.summary));
        return `<details><summary>${summary}</summary>\n\n${inner.join('\n\n')}\n\n</details>`;
      }
      case 'code': {
        let lines = this.codeLines.get(b);
        if (!lines) {
          lines = b.lines.map(printableCodeLine);
          while (lines.length > 0 && lines.at(-1) === '') lines.pop();
          this.codeLines.set(b, lines);
        }
        return codeBlock(lines, b.language ?? '', fit.kept.get(b));
      }
      case 'chart':
        return chart(b);
    }
  }

  private table(b: Extract<Block, { kind: 'table' }>, fit: Fit): string {
    const keep = fit.kept.get(b);
    let rows = b.rows;
    if (keep !== undefined) {
      let order = this.ranked.get(b);
      if (!order) {
        order = b.rows
          .map((_, i) => i)
          .sort((x, y) => (b.rows[x]!.rank ?? x) - (b.rows[y]!.rank ?? y) || x - y);
        this.ranked.set(b, order);
      }
      const shown = new Set(order.slice(0, keep));
      rows = b.rows.filter((_, i) => shown.has(i));
    }
    const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
    const lines = [
      this.cached(b.columns, () =>
        [row(b.columns.map(header)), row(b.columns.map((c) => (c.align === 'right' ? '--:' : ':--')))].join(
          '\n',
        ),
      ),
      ...rows.map((r) => this.cached(r, () => row(r.cells.map(spans)))),
    ];
    const total = b.rows.length + (b.omitted ?? 0);
    const parts = b.lead && b.lead.length > 0 ? [this.cached(b.lead, () => spans(b.lead!))] : [];
    parts.push(lines.join('\n'));
    if (keep !== undefined) {
      parts.push(
        `Showing ${count(rows.length)} of ${count(total)} ${b.noun}${b.order ? ` (${b.order})` : ''} to stay under ${LIMIT_TEXT}; the JSON report has them all.`,
      );
    } else if ((b.omitted ?? 0) > 0) {
      parts.push(`*and ${count(b.omitted!)} more ${b.noun}.*`);
    }
    if (b.note) parts.push(spans(b.note));
    return parts.join('\n\n');
  }
}

function header(c: TableColumn): string {
  return typeof c.header === 'string' ? own(c.header) : spans(c.header);
}

/** Our own words: they hold no markup, but a table or HTML must not be broken by one either. */
function own(text: string): string {
  return text.replace(/[&<>|\\]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function spans(list: readonly Span[]): string {
  return list.map(span).join('');
}

function span(s: Span): string {
  switch (s.kind) {
    case 'text':
      return own(s.text);
    case 'untrusted':
      return escapeMarkdown(s.text, s.max);
    case 'strong': {
      const inner = spans(s.spans);
      return inner === '' ? '' : `**${inner}**`;
    }
    case 'emphasis': {
      const inner = spans(s.spans);
      return inner === '' ? '' : `*${inner}*`;
    }
    case 'code': {
      if (s.untrusted) return `<code>${escapeMarkdown(s.text)}</code>`;
      const longest = Math.max(0, ...[...s.text.matchAll(/`+/g)].map((m) => m[0].length));
      const fence = '`'.repeat(longest + 1);
      const pad = s.text.startsWith('`') || s.text.endsWith('`') ? ' ' : '';
      return `${fence}${pad}${own(s.text)}${pad}${fence}`;
    }
    case 'tone':
      return spans(s.spans);
    case 'icon':
      return `${ICON[s.icon]} `;
  }
}

/** The text in a fence no line of it can close; a fenced block shows HTML, mentions and markdown as text. */
function codeBlock(all: readonly string[], language: string, keep: number | undefined): string {
  const kept = keep === undefined ? all : all.slice(0, keep);
  const body = kept.join('\n');
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const more = all.length - kept.length;
  const note = more > 0 ? `\n\n*and ${count(more)} more lines; the JSON report has the whole text.*` : '';
  return `${fence}${language}\n${body}\n${fence}${note}`;
}

/** A mermaid chart; every label quoted, and stripped of what could end the quote, the line or the statement. */
function chart(b: Extract<Block, { kind: 'chart' }>): string {
  const values = b.series[0]?.values ?? [];
  if (b.chart === 'pie') {
    const lines = b.labels.map(
      (label, i) =>
        `    "${mermaidText(`${label} ${formatBytes(values[i] ?? 0)}`)}" : ${Math.max(0, Math.round(values[i] ?? 0))}`,
    );
    return ['```mermaid', 'pie', `    title ${mermaidText(b.title)}`, ...lines, '```'].join('\n');
  }
  return [
    '```mermaid',
    'xychart-beta',
    `    title "${mermaidText(b.title)}"`,
    `    x-axis [${b.labels.map((l) => `"${mermaidText(l)}"`).join(', ')}]`,
    `    y-axis "${mermaidText(b.unit)}"`,
    ...b.series.map((s) => `    line [${s.values.map((v) => (v / 1_000_000).toFixed(2)).join(', ')}]`),
    '```',
  ].join('\n');
}

function mermaidText(text: string): string {
  return plainText(text, 70)
    .replace(/ ↵ /g, ' ')
    .replace(/["'`;#<>&\\{}%:[\]]/g, '')
    .replace(/@/g, '@\u200d')
    .trim();
}
