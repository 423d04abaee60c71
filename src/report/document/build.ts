// The report's one document: the summary, "why it grew", any sections a caller adds, the history and the
// layer tables, in that order. Every output renders this; none composes its own.
import type { Report } from '../json.js';
import { explanationBlocks } from './explanation.js';
import { historyBlocks } from './history.js';
import { DEFAULT_INSTRUCTION_CHARS, layerBlocks } from './layers.js';
import type { Block, ReportDocument } from './model.js';
import { summaryBlocks } from './summary.js';

export interface DocumentOptions {
  /** Plain text before the verdict in the heading; default "Image size". */
  title?: string;
  /** "Why it grew", when the report has explanations. Default true. */
  explain?: boolean;
  /** The per-layer tables. Default true. */
  layers?: boolean;
  /** Instructions longer than this are cut in the layer tables. */
  instructionChars?: number;
  /** Blocks after "why it grew" and before the history. */
  sections?: readonly Block[];
}

export function reportDocument(report: Report, options: DocumentOptions = {}): ReportDocument {
  return {
    blocks: [
      ...summaryBlocks(report, options.title ?? 'Image size'),
      ...(options.explain === false ? [] : explanationBlocks(report)),
      ...(options.sections ?? []),
      ...historyBlocks(report.history),
      ...(options.layers === false
        ? []
        : layerBlocks(report, options.instructionChars ?? DEFAULT_INSTRUCTION_CHARS)),
    ],
  };
}
