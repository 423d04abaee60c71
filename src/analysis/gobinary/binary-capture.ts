// What the layer scan does with each ELF file it meets: the Go binary doctor reads the parts it needs
// by position, once, and only its (small) report is kept.

import type { ContentCapture } from '../layers/index.js';
import { analyzeGoBinary, type GoBinaryAnalysis } from './index.js';

/** The doctor's report, and the file's mode (only executable files are programs that must start). */
export type BinaryInspection = GoBinaryAnalysis & { fileMode: number };

export const goBinaryCapture: ContentCapture<BinaryInspection> = {
  inspect: (file) => ({ ...analyzeGoBinary(file.content, { attributeModules: true }), fileMode: file.mode }),
};
