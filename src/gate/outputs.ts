// The step's outputs as action.yml declares them: every value a string, '' where there is none.

import type { Decision } from '../core/model.js';

export type GateOutputs = Record<
  'verdict' | 'report-path' | 'head-size' | 'base-size' | 'delta' | 'report-artifact',
  string
>;

export function gateOutputs(
  decision: Decision,
  reportPath: string | null,
  artifact: string | null,
): GateOutputs {
  const h = decision.headline;
  return {
    verdict: decision.verdict,
    'report-path': reportPath ?? '',
    'head-size': h ? String(h.headSize) : '',
    'base-size': h?.baseSize != null ? String(h.baseSize) : '',
    delta: h?.delta != null ? String(h.delta) : '',
    'report-artifact': artifact ?? '',
  };
}
