// The per-layer tables, one collapsed block per platform. Their rows are ranked so a fitter that must fold
// them keeps the changed layers first, the largest change first.

import type { LayerComparison, SizeBasis } from '../../core/model.js';
import type { PlatformReport, Report } from '../json.js';
import { shortDigest } from '../text.js';
import {
  type Block,
  code,
  emphasis,
  PRIORITY,
  type Span,
  type TableColumn,
  text,
  tone,
  untrusted,
} from './model.js';
import { estimatedOn, layerCounts, layerStatusWord, otherBasis, sizeFigure } from './sentences.js';
import { deltaSpan } from './summary.js';

/** Instructions longer than this are cut in the layer table (the JSON report keeps them whole). */
export const DEFAULT_INSTRUCTION_CHARS = 200;

export function layerBlocks(
  report: { platforms: readonly PlatformReport[]; thresholds: Pick<Report['thresholds'], 'basis'> },
  instructionChars = DEFAULT_INSTRUCTION_CHARS,
): Block[] {
  const basis = report.thresholds.basis;
  return report.platforms
    .filter((p) => p.layers.length > 0)
    .map((p) => ({
      kind: 'details',
      priority: PRIORITY.detail,
      label: `the layer table of ${p.platform}`,
      summary: [text('Layers of '), untrusted(p.platform), text(`: ${layerCounts(p.layers, basis)}`)],
      blocks: [layerTable(p, basis, instructionChars)],
    }));
}

function layerTable(p: PlatformReport, basis: SizeBasis, instructionChars: number): Block {
  const other = otherBasis(basis);
  const columns: TableColumn[] = [
    { header: '#', align: 'right' },
    { header: 'Instruction', trailing: true },
    { header: 'Status' },
    { header: `Base (${basis})`, align: 'right' },
    { header: `Head (${basis})`, align: 'right' },
    { header: `Δ ${basis}`, align: 'right' },
    { header: `Δ ${other}`, align: 'right' },
    { header: 'Layer' },
  ];
  const ranks = rankLayers(p.layers, basis);
  return {
    kind: 'table',
    priority: PRIORITY.detail,
    label: `the layer table of ${p.platform}`,
    noun: 'layers',
    order: 'changed layers first, largest first',
    columns,
    rows: p.layers.map((layer, i) => {
      const status = layerStatusWord(layer, basis);
      const statusTone =
        status === 'grew' || status === 'added'
          ? 'bad'
          : status === 'shrank' || status === 'removed'
            ? 'good'
            : null;
      return {
        rank: ranks[i]!,
        cells: [
          [text(layer.head ? String(layer.head.index + 1) : '—')],
          [
            layer.step === ''
              ? emphasis('(no instruction recorded)')
              : untrusted(layer.step, instructionChars),
          ],
          [statusTone ? tone(statusTone, status) : text(status)],
          [text(layer.base ? sizeFigure(layer.base.sizes, basis, p.base?.compressedEstimated) : '—')],
          [text(layer.head ? sizeFigure(layer.head.sizes, basis, p.head?.compressedEstimated) : '—')],
          [deltaSpan(layer.delta[basis], estimatedOn(p, basis))],
          [deltaSpan(layer.delta[other], estimatedOn(p, other))],
          [digestSpan(layer.head?.digest ?? layer.base?.digest ?? '')],
        ],
      };
    }),
  };
}

function digestSpan(digest: string): Span {
  const short = shortDigest(digest);
  if (short) return code(short);
  return digest === '' ? text('—') : untrusted(digest, 19);
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
