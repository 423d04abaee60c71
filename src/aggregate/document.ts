// The comment for many images, as a document: the verdict and the image and platform that grew most, what
// failed and what is missing, one row per image (total delta per platform), then one collapsible section per
// image. Images come most-changed first and their sections carry falling priorities, so a fitter that must
// cut keeps the detail of the images that changed most. Text from the reports goes into spans as plain text
// (the renderer escapes it), cut to a length no comment needs.
import { formatBytes, formatDelta, formatPercent } from '../core/bytes.js';
import type { SizeBasis, Verdict } from '../core/model.js';
import { explanationBlocks } from '../report/document/explanation.js';
import { layerBlocks } from '../report/document/layers.js';
import {
  type Block,
  PRIORITY,
  type ReportDocument,
  type Span,
  strong,
  type TableRow,
  text,
  tone,
  untrusted as untrustedText,
} from '../report/document/model.js';
import { VERDICT_TONE } from '../report/document/summary.js';
import { counted, plainText, VERDICT_WORD } from '../report/text.js';
import type { AggregateDecision, MergedImage, MergedPlatform } from './model.js';

/** Labels, sources and reasons longer than this are cut: a report cannot fill the comment with one string. */
export const MAX_UNTRUSTED_CHARS = 120;

/** A name from a report (image, platform, leg), shown as code. */
const untrusted = (value: string): Span => ({
  kind: 'code',
  text: plainText(value, MAX_UNTRUSTED_CHARS),
  untrusted: true,
});
/** A sentence from a report. */
const sentence = (value: string): Span => untrustedText(value, MAX_UNTRUSTED_CHARS * 4);
const verdictSpan = (verdict: Verdict): Span => tone(VERDICT_TONE[verdict], strong(VERDICT_WORD[verdict]));

export interface AggregateDocumentOptions {
  /** Plain text before the verdict in the heading; default "Image size". */
  title?: string;
  /** The commit the comment describes, shown short. */
  headSha?: string | null;
  /**
   * Each image's detail; by default a table of its platforms (the single-image section builder takes over
   * once it exists).
   */
  imageDetail?: (image: MergedImage, priority: number, band: number) => readonly Block[];
}

export function aggregateDocument(
  decision: AggregateDecision,
  options: AggregateDocumentOptions = {},
): ReportDocument {
  const { images } = decision;
  const platformCount = images.reduce((sum, image) => sum + image.platforms.length, 0);
  const blocks: Block[] = [
    {
      kind: 'heading',
      level: 2,
      priority: PRIORITY.essential,
      spans: [
        text(`${options.title ?? 'Image size'}: `),
        verdictSpan(decision.verdict),
        text(
          ` (${counted(images.length, 'image')}, ${counted(platformCount, 'platform')}${options.headSha ? `, head ${options.headSha.slice(0, 7)}` : ''})`,
        ),
      ],
    },
    { kind: 'paragraph', priority: PRIORITY.essential, spans: headlineSpans(decision) },
  ];
  if (decision.violations.length > 0) {
    blocks.push({
      kind: 'list',
      priority: PRIORITY.essential,
      label: 'the list of violations',
      items: decision.violations.map((v) => ({ spans: [sentence(v.message)] })),
    });
  }
  if (decision.missing.length > 0) {
    blocks.push({
      kind: 'paragraph',
      priority: PRIORITY.essential,
      spans: [
        strong(`Missing (${decision.missing.length}):`),
        text(` on-missing-baseline is ${decision.policy}.`),
      ],
    });
    blocks.push({
      kind: 'list',
      priority: PRIORITY.essential,
      label: 'the list of missing legs',
      items: decision.missing.map((m) => ({
        spans: [
          untrusted(m.image),
          ...(m.platform ? [text(' '), untrusted(m.platform)] : []),
          sentence(`: ${m.reason}`),
        ],
      })),
    });
  }
  if (images.length > 0) blocks.push(imageTable(images));
  for (const dup of decision.duplicates) {
    blocks.push({
      kind: 'paragraph',
      priority: PRIORITY.detail,
      spans: [
        text('Measured twice: '),
        untrusted(dup.image),
        text(' '),
        untrusted(dup.platform),
        text(', also by '),
        untrusted(dup.leg),
        text(' (the first report is shown).'),
      ],
    });
  }
  images.forEach((image, index) => {
    // Between detail and explanation, falling with the image's place: the most-changed image's detail stays longest.
    const priority = PRIORITY.detail + (10 * (images.length - index)) / images.length;
    blocks.push({
      kind: 'details',
      priority,
      label: `the detail of ${plainText(image.identity.label, MAX_UNTRUSTED_CHARS)}`,
      summary: [
        untrusted(image.identity.label),
        text(': '),
        verdictSpan(image.verdict),
        ...growthSpans(image),
      ],
      blocks: (options.imageDetail ?? defaultImageDetail)(image, priority, 10 / images.length),
    });
  });
  return { blocks };
}

function headlineSpans(decision: AggregateDecision): Span[] {
  const h = decision.headline;
  if (!h) {
    return decision.images.length === 0
      ? [text('No leg reported an image.')]
      : [text('No image has a baseline to compare with.')];
  }
  const word =
    h.delta > 0
      ? 'Largest growth'
      : h.delta < 0
        ? 'Every image shrank or held; least shrinkage'
        : 'No image changed size';
  return [
    text(`${word}: `),
    untrusted(h.image),
    text(' on '),
    untrusted(h.platform),
    text(', '),
    strong(formatDelta(h.delta)),
    text(` ${h.basis}.`),
  ];
}

function growthSpans(image: MergedImage): Span[] {
  const g = image.largestGrowth;
  if (!g) return [text(', no baseline')];
  return [text(`, ${formatDelta(g.delta)} ${g.basis} on `), untrusted(g.platform)];
}

/** One row per image; one column per platform any image has, holding that platform's total delta. */
function imageTable(images: readonly MergedImage[]): Block {
  const platforms = [...new Set(images.flatMap((image) => image.platforms.map((p) => p.platform)))].sort();
  const bases = new Set(images.flatMap((image) => image.platforms.map((p) => p.thresholds.basis)));
  const oneBasis = bases.size === 1 ? [...bases][0]! : null;
  const rows: TableRow[] = images.map((image) => ({
    tone: VERDICT_TONE[image.verdict],
    cells: [
      [untrusted(image.identity.label)],
      [verdictSpan(image.verdict)],
      ...platforms.map((name) => {
        const p = image.platforms.find((candidate) => candidate.platform === name);
        return [text(p ? deltaCell(p, oneBasis === null) : '—')];
      }),
    ],
  }));
  return {
    kind: 'table',
    noun: 'images',
    priority: PRIORITY.summary,
    label: 'the table of images',
    columns: [
      { header: 'Image' },
      { header: 'Verdict' },
      ...platforms.map((name) => ({
        header: [untrustedText(name, 40), text(` change${oneBasis ? ` (${oneBasis})` : ''}`)],
        align: 'right' as const,
      })),
    ],
    rows,
    minRows: rows.length,
  };
}

function deltaCell(p: MergedPlatform, sayBasis: boolean): string {
  const basis = p.thresholds.basis;
  const suffix = sayBasis ? ` ${basis}` : '';
  if (!p.report.head) return 'removed';
  if (!p.report.delta || !p.report.percent)
    return `no baseline (${formatBytes(p.report.head.sizes[basis])}${suffix})`;
  return `${formatDelta(p.report.delta[basis])} (${formatPercent(p.report.percent[basis])})${suffix}`;
}

/**
 * The image's platforms on both bases and which leg measured each, then what a single image's comment
 * shows: "why it grew" and the layer tables. Those keep their order among themselves in a band just below
 * the image's own priority, so a fitter folds and drops the least-changed image's detail first.
 */
function defaultImageDetail(image: MergedImage, priority: number, band: number): Block[] {
  const row = (p: MergedPlatform, basis: SizeBasis): TableRow => ({
    cells: [
      [untrusted(p.platform)],
      [text(basis)],
      [text(p.report.base ? formatBytes(p.report.base.sizes[basis]) : '—')],
      [text(p.report.head ? formatBytes(p.report.head.sizes[basis]) : '—')],
      [text(p.report.delta ? formatDelta(p.report.delta[basis]) : 'n/a')],
      [text(p.report.percent ? formatPercent(p.report.percent[basis]) : 'n/a')],
      [untrusted(p.leg)],
    ],
  });
  const blocks: Block[] = [
    {
      kind: 'table',
      noun: 'rows',
      priority,
      label: `the platform table of ${plainText(image.identity.label, MAX_UNTRUSTED_CHARS)}`,
      columns: [
        { header: 'Platform' },
        { header: 'Basis' },
        { header: 'Base', align: 'right' },
        { header: 'Head', align: 'right' },
        { header: 'Change', align: 'right' },
        { header: '%', align: 'right' },
        { header: 'Measured by' },
      ],
      rows: image.platforms.flatMap((p) => [row(p, 'uncompressed'), row(p, 'compressed')]),
    },
  ];
  const reasons = image.platforms.filter(
    (p) => p.report.head && !p.report.base && p.report.baseMissingReason,
  );
  if (reasons.length > 0) {
    blocks.push({
      kind: 'list',
      priority,
      items: reasons.map((p) => ({
        spans: [untrusted(p.platform), sentence(`: no baseline: ${p.report.baseMissingReason}`)],
      })),
    });
  }
  blocks.push({
    kind: 'paragraph',
    priority,
    spans: [
      {
        kind: 'tone',
        tone: 'muted',
        spans: [
          text(
            'MB = 10^6 bytes; compressed = what a registry stores and a node pulls, uncompressed = file bytes in the layers.',
          ),
        ],
      },
    ],
  });
  const report = {
    platforms: image.platforms.map((p) => p.report),
    headline: image.largestGrowth,
    thresholds: { basis: image.platforms[0]?.thresholds.basis ?? ('uncompressed' as const) },
  };
  const name = plainText(image.identity.label, MAX_UNTRUSTED_CHARS);
  blocks.push(
    ...[...explanationBlocks(report), ...layerBlocks(report)].map((b) => within(b, priority, band, name)),
  );
  return blocks;
}

/** A single image's block inside the aggregate comment: its priority moved into the image's band, its label naming the image. */
function within(b: Block, priority: number, band: number, image: string): Block {
  const moved = {
    ...b,
    priority: priority - band + (band * Math.min(b.priority, 99)) / 100,
    ...(b.label ? { label: `${b.label} of ${image}` } : {}),
  };
  return moved.kind === 'details'
    ? { ...moved, blocks: moved.blocks.map((c) => within(c, priority, band, image)) }
    : moved;
}
