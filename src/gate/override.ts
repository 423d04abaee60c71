// The override step of the gate: asks the API about override-label when the verdict fails and the event
// payload hints that the label is on the pull request. A lookup that fails or runs out of time is an
// answer too (the failure stands, saying why), never an error of the gate.

import { judgeOverride, type Override } from '../core/override.js';
import type { PullRequestContext } from '../github/event.js';
import type { OverrideEvidenceSource } from '../github/override-evidence.js';

export const OVERRIDE_LOOKUP_BUDGET_MS = 60_000;

export async function lookUpOverride(
  label: string | null,
  failing: boolean,
  pr: PullRequestContext | null,
  source: OverrideEvidenceSource | null,
  budgetMs = OVERRIDE_LOOKUP_BUDGET_MS,
): Promise<Override | null> {
  if (label === null || !failing || pr === null) return null;
  if (!(pr.labels ?? []).some((l) => l.toLowerCase() === label.toLowerCase())) return null;
  if (source === null) {
    return judgeOverride(label, { kind: 'unknown', reason: 'no `github-token` to ask with' });
  }
  const budget = new AbortController();
  const target = { owner: pr.owner, repo: pr.repo, issueNumber: pr.number };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => {
      budget.abort();
      resolve('expired');
    }, budgetMs);
  });
  try {
    const evidence = await Promise.race([source.read(target, label, budget.signal), expired]);
    if (evidence === 'expired') {
      return judgeOverride(label, { kind: 'unknown', reason: `no answer within ${budgetMs} ms` });
    }
    return judgeOverride(label, { kind: 'read', evidence });
  } catch (error) {
    return judgeOverride(label, { kind: 'unknown', reason: (error as Error).message });
  } finally {
    clearTimeout(timer);
  }
}
