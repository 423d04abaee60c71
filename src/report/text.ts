// What every renderer says the same way: words for verdicts and layer states, the headline sentence, and
// how text that comes from an image or a repository is made harmless before it is printed.
import { formatBytes, formatDelta, formatPercent } from '../core/bytes.js';
import type { LayerComparison, SizeBasis, Verdict } from '../core/model.js';
import { describeThresholds } from '../core/thresholds.js';
import type { PlatformReport, PlatformSummary, Report } from './json.js';

export const VERDICT_WORD: Record<Verdict, string> = {
  pass: 'pass',
  fail: 'fail',
  warn: 'warn',
  'no-baseline': 'no baseline',
  overridden: 'overridden',
};

/**
 * The override's one sentence (plain text; the caller's `safe` makes the label, login and reason harmless):
 * who accepted the increase and when, or why the failure stands. null when no override was claimed.
 */
/** "2026-12-01 10:00:00 UTC": a time the API gave, printed as our own text once it parses as one. */
function time(at: string | null, safe: (text: string) => string): string {
  const parsed = at === null ? Number.NaN : Date.parse(at);
  if (Number.isNaN(parsed)) return safe(at ?? 'an unknown time');
  return `${new Date(parsed).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function overrideSentence(
  report: Report,
  safe: (text: string) => string,
): { lead: string; text: string } | null {
  const o = report.override;
  if (!o) return null;
  if (o.status === 'accepted') {
    return {
      lead: 'Overridden',
      text: `size increase accepted by ${safe(`@${o.by ?? 'unknown'}`)} at ${time(o.at, safe)} (label ${safe(o.label)}); the step passes.`,
    };
  }
  return {
    lead: 'Not overridden',
    text: `the ${safe(o.label)} label does not override the failure: ${safe(o.reason ?? 'unknown')}.`,
  };
}

export function otherBasis(basis: SizeBasis): SizeBasis {
  return basis === 'uncompressed' ? 'compressed' : 'uncompressed';
}

/** "grew" / "shrank" on the given basis for a changed layer; the status itself otherwise. */
export function layerStatusWord(layer: LayerComparison, basis: SizeBasis): string {
  if (layer.status !== 'changed') return layer.status;
  const delta = layer.delta[basis];
  return delta > 0 ? 'grew' : delta < 0 ? 'shrank' : 'changed';
}

/** "5 layers: 2 grew, 1 added, 1 removed, 1 unchanged" (counts of what occurs, in a fixed order). */
export function layerCounts(layers: readonly LayerComparison[], basis: SizeBasis): string {
  const order = ['grew', 'shrank', 'changed', 'added', 'removed', 'unchanged'];
  const counts = new Map<string, number>();
  for (const layer of layers) {
    const word = layerStatusWord(layer, basis);
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const parts = order.filter((w) => counts.has(w)).map((w) => `${counts.get(w)} ${w}`);
  const total = `${layers.length} ${layers.length === 1 ? 'layer' : 'layers'}`;
  return parts.length === 0 ? total : `${total}: ${parts.join(', ')}`;
}

/** "+148 MB (+2690.0%, 5.51 MB → 154 MB)" for one basis of a compared platform. */
export function changeFigure(p: PlatformReport, basis: SizeBasis): string {
  if (!p.head || !p.base || !p.delta || !p.percent) return 'n/a';
  return `${formatDelta(p.delta[basis])} (${formatPercent(p.percent[basis])}, ${formatBytes(p.base.sizes[basis])} → ${formatBytes(p.head.sizes[basis])})`;
}

/** The one-sentence headline, split around the platform name so each renderer can emphasise it. */
export interface HeadlineSentence {
  before: string;
  platform: string;
  after: string;
}

export function headlineSentence(report: Report): HeadlineSentence | null {
  const h = report.headline;
  if (h === null) return null;
  const p = report.platforms.find((x) => x.platform === h.platform);
  if (!p?.head) return null;
  const basis = h.basis;
  const other = otherBasis(basis);
  if (h.delta === null) {
    return {
      before: 'Largest image: ',
      platform: h.platform,
      after: `, ${formatBytes(p.head.sizes[basis])} ${basis}, ${formatBytes(p.head.sizes[other])} ${other}.`,
    };
  }
  const estimated = p.head.compressedEstimated || p.base?.compressedEstimated;
  const label = (b: SizeBasis) => (b === 'compressed' && estimated ? '≈ compressed' : b);
  const figures = `${label(basis)} ${changeFigure(p, basis)}; ${label(other)} ${changeFigure(p, other)}.`;
  if (h.delta > 0) return { before: '', platform: h.platform, after: ` grew the most: ${figures}` };
  return { before: `No platform grew in ${basis} size. `, platform: h.platform, after: `: ${figures}` };
}

// C0/C1 controls (ESC starts terminal escape sequences), and bidirectional overrides that make text read
// differently from what it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAK = /\r\n|[\r\n\u2028\u2029]/g;

/**
 * Text from an image or a repository, made printable on one line: line breaks shown as " ↵ ", tabs as a
 * space, controls and bidi overrides as U+FFFD; cut to maxChars code points with "…".
 */
/** A line of code-like text (`go version -m`) with its tabs kept: controls and bidi overrides as U+FFFD. */
export function printableCodeLine(line: string): string {
  return line.replace(CONTROL, '\ufffd').replace(BIDI, '\ufffd');
}

/** "sha256:dc8710927ec9" for a digest of hex; null for anything else (the caller escapes that as text). */
export function shortDigest(digest: string): string | null {
  const match = /^([a-z0-9]+):([0-9a-f]{12})[0-9a-f]*$/.exec(digest);
  return match ? `${match[1]}:${match[2]}` : null;
}

/** A count as every renderer prints it: "6,231". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function plainText(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const points = Array.from(text);
  const cut = points.length > maxChars ? `${points.slice(0, Math.max(0, maxChars - 1)).join('')}…` : text;
  return cut
    .replace(LINE_BREAK, ' ↵ ')
    .replace(/\t/g, ' ')
    .replace(CONTROL, '\ufffd')
    .replace(BIDI, '\ufffd');
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

// Characters with inline meaning in GitHub markdown: tables (|), HTML (<>&), escapes (\), code (`),
// emphasis (*_~), links and footnotes ([]!^), math ($), emoji shortcodes and autolinks (:). A character
// reference is always literal text to a markdown parser and to HTML. Quotes stay: untrusted text never
// goes into an HTML attribute.
const MARKDOWN_SPECIAL = /[&<>|\\`*_[\]~!^$:@#]/g;

/**
 * Untrusted text for a markdown table cell, a paragraph, or HTML such as <summary>: one line, every
 * character with markdown or HTML meaning as a character reference, and a zero-width joiner after each
 * @ and # (and GH-) so GitHub neither @-mentions anyone nor links an issue; "www." is not auto-linked either.
 */
export function escapeMarkdown(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  return plainText(text, maxChars)
    .replace(/\b(GH)-(?=\d)/gi, '$1-\u200d')
    .replace(MARKDOWN_SPECIAL, (c) => {
      if (c === '@' || c === '#') return `${c}\u200d`;
      return ENTITY[c] ?? `&#${c.charCodeAt(0)};`;
    })
    .replace(/\b(www)\./gi, '$1&#46;');
}

/** A size cell: "—" without that side; "≈" marks a compressed figure that is an estimate. */
export function sideSize(side: PlatformSummary | null, basis: SizeBasis): string {
  if (side === null) return '—';
  const estimated = basis === 'compressed' && side.compressedEstimated;
  return `${estimated ? '≈' : ''}${formatBytes(side.sizes[basis])}`;
}

export const ESTIMATE_NOTE =
  '≈ compressed figures are estimates (gzip of each layer of a classic-store image): set `registry` to push and measure them exactly.';

export function anyEstimated(report: Report): boolean {
  return report.platforms.some((p) => p.head?.compressedEstimated || p.base?.compressedEstimated);
}

/**
 * Where the baseline came from, when a store was involved: "stored report of a1b2c3d (push to main,
 * 2026-12-01)", the near-hit sentence, or why the store did not serve. Unescaped: renderers escape it, as
 * the ref and event come from a stored report. null when no store was asked.
 */
export function baselineOrigin(report: Report): { base: string | null; note: string | null } {
  const { source, stored, reason } = report.baseline;
  const release = report.baseline.release;
  if (release && source !== 'none') {
    const base = report.images.find((i) => i.role === 'base');
    const how =
      source === 'store' && stored
        ? stored.distance === 0
          ? `stored report of ${stored.commit.slice(0, 7)}`
          : (reason ?? `stored report of ${stored.commit.slice(0, 7)}`)
        : source === 'build' && report.baseline.commit
          ? `built from ${report.baseline.commit.slice(0, 7)}`
          : `image ${base?.ref ?? 'unknown'}`;
    const missed =
      source !== 'store' && reason !== null ? `The report store did not serve: ${reason}.` : null;
    return { base: `release ${release} (${how})`, note: missed };
  }
  if (source === 'store' && stored) {
    const ref = stored.ref?.replace(/^refs\/(heads|tags)\//, '') ?? null;
    const run = `${stored.event}${ref ? ` to ${ref}` : ''}, ${stored.generatedAt.slice(0, 10)}`;
    if (stored.distance === 0)
      return { base: `stored report of ${stored.commit.slice(0, 7)} (${run})`, note: null };
    return { base: `${reason ?? `stored report of ${stored.commit.slice(0, 7)}`} (${run})`, note: null };
  }
  if (reason === null) return { base: null, note: null };
  const instead =
    source === 'build'
      ? 'built the base instead'
      : source === 'image'
        ? 'measured base-image instead'
        : 'no baseline';
  return { base: null, note: `The report store did not serve: ${reason}; ${instead}.` };
}

/**
 * "Built with Docker Engine 28.5.2 (containerd image store), buildx 0.29.1, builder ci (docker-container
 * driver)." Versions and names come from the daemon and buildx: `safe` makes each one printable.
 */
export function engineSentence(report: Report, safe: (text: string) => string): string | null {
  const e = report.engine;
  if (e === null) return null;
  const engine = `${safe(e.name)} ${safe(e.version)} (${e.imageStore} image store)`;
  if (e.buildx === null) return `Measured on ${engine}.`;
  const builder =
    e.builder === null ? '' : `, builder ${safe(e.builder)} (${safe(e.driver ?? 'unknown')} driver)`;
  return `Built with ${engine}, buildx ${safe(e.buildx)}${builder}.`;
}

/** How a renderer marks the summary's sentences: emphasis, code, and untrusted text made harmless. */
export interface SentenceStyle {
  strong(text: string): string;
  code(text: string): string;
  safe(text: string): string;
}

export const MARKDOWN_STYLE: SentenceStyle = {
  strong: (text) => `**${text}**`,
  code: (text) => `\`${text}\``,
  safe: (text) => escapeMarkdown(text),
};

export const PLAIN_STYLE: SentenceStyle = {
  strong: (text) => text,
  code: (text) => text,
  safe: (text) => plainText(text),
};

/** Why there is no baseline and what that means for the thresholds; null when there is a baseline. */
export function noBaselineSentence(report: Report, s: SentenceStyle): string | null {
  if (report.baseMissingReason === null) return null;
  const cause = report.baseMissingCause ? ` (${s.code(report.baseMissingCause)})` : '';
  return `${s.strong(`No baseline${cause}:`)} ${s.safe(report.baseMissingReason)}. Growth thresholds (max-increase, max-increase-percent) do not apply without a baseline; max-size does.`;
}

/** The line before the list of violations: whether they fail the check. */
export function violationsLead(report: Report, s: SentenceStyle): string {
  if (report.verdict === 'warn')
    return `${s.strong('Over the threshold')} (mode: warn, so the check does not fail):`;
  if (report.verdict === 'overridden') {
    return `${s.strong('Over the threshold')} (accepted by the override, so the check does not fail):`;
  }
  return s.strong('Over the threshold:');
}

/** The step failed because the baseline is missing and missing-baseline is fail; null otherwise. */
export function missingBaselineSentence(report: Report, s: SentenceStyle): string | null {
  if (report.missingBaseline?.policy !== 'fail') return null;
  return `${s.strong('Failed for a missing baseline:')} ${s.safe(report.missingBaseline.message)}.`;
}

/** "Gated on the uncompressed size (mode: fail); thresholds: max-increase 5.00 MB (5,000,000 B)." */
export function gatedSentence(report: Report, s: SentenceStyle): string {
  const t = report.thresholds;
  return `Gated on the ${s.strong(t.basis)} size (mode: ${t.mode}); thresholds: ${describeThresholds(t)}.`;
}

/** The layer table's columns, in the comment's order; the terminal moves the instruction last. */
export function layerColumns(basis: SizeBasis): string[] {
  const other = otherBasis(basis);
  return [
    '#',
    'Instruction',
    'Status',
    `Base (${basis})`,
    `Head (${basis})`,
    `Δ ${basis}`,
    `Δ ${other}`,
    'Layer',
  ];
}

/** The figures of one layer row, as every renderer prints them: number, base, head, both deltas. */
export function layerFigures(layer: LayerComparison, basis: SizeBasis) {
  return {
    number: layer.head ? String(layer.head.index + 1) : '—',
    base: layer.base ? formatBytes(layer.base.sizes[basis]) : '—',
    head: layer.head ? formatBytes(layer.head.sizes[basis]) : '—',
    delta: formatDelta(layer.delta[basis]),
    otherDelta: formatDelta(layer.delta[otherBasis(basis)]),
    digest: layer.head?.digest ?? layer.base?.digest ?? '',
  };
}
