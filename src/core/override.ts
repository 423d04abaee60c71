// The accountable override: a failing verdict becomes `overridden` only when the override label is on the
// pull request and whoever last applied it may write to the repository. Pure: the GitHub adapter hands in
// what the API said (or why it could not say), and everything it said is untrusted text.
import type { Decision, Override } from './model.js';

export type { Override };

/** One `labeled` or `unlabeled` event of the pull request, oldest first, as the issue events API lists them. */
export interface LabelEvent {
  event: 'labeled' | 'unlabeled';
  label: string;
  login: string | null;
  /** ISO 8601, GitHub's created_at. */
  at: string;
}

/** What the API says about the label, read after the event payload hinted it is there. */
export interface OverrideEvidence {
  /** The pull request's labels now. */
  labels: readonly string[];
  events: readonly LabelEvent[];
  /** GitHub's answer for the last applier: permission (admin, write, read, none) and role_name. */
  permission: { permission: string; roleName: string | null } | null;
}

export type OverrideLookup =
  | { kind: 'read'; evidence: OverrideEvidence }
  | { kind: 'unknown'; reason: string };

/** Roles that may accept an increase: write and above. A custom role reports its base as `permission`. */
const MAY_ACCEPT = new Set(['admin', 'maintain', 'write']);

// GitHub label names are unique regardless of case.
const sameLabel = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The most recent event that applied or removed the label; null when it never was. */
export function lastLabelEvent(events: readonly LabelEvent[], label: string): LabelEvent | null {
  let last: LabelEvent | null = null;
  for (const event of events) if (sameLabel(event.label, label)) last = event;
  return last;
}

export function mayAccept(permission: OverrideEvidence['permission']): boolean {
  if (permission === null) return false;
  return MAY_ACCEPT.has(permission.permission) || MAY_ACCEPT.has(permission.roleName ?? '');
}

/** The override's outcome for a failing verdict whose pull request (per its payload) carries `label`. */
export function judgeOverride(label: string, lookup: OverrideLookup): Override {
  const refused = (reason: string, by: string | null = null, at: string | null = null): Override => ({
    label,
    status: 'refused',
    by,
    at,
    reason,
  });
  if (lookup.kind === 'unknown') {
    return refused(`the GitHub API could not tell who applied it (${lookup.reason})`);
  }
  const { evidence } = lookup;
  if (!evidence.labels.some((l) => sameLabel(l, label))) {
    return refused('the GitHub API no longer lists it on the pull request');
  }
  const last = lastLabelEvent(evidence.events, label);
  if (last === null || last.event !== 'labeled' || last.login === null) {
    return refused('the GitHub API lists no event that applied it, so who applied it is unknown');
  }
  if (evidence.permission === null) {
    return refused(`the GitHub API could not tell the permission of @${last.login}`, last.login, last.at);
  }
  if (!mayAccept(evidence.permission)) {
    const role = evidence.permission.roleName ?? evidence.permission.permission;
    return refused(
      `@${last.login} applied it at ${last.at} with ${role} permission; only write, maintain or admin may accept an increase`,
      last.login,
      last.at,
    );
  }
  return { label, status: 'accepted', by: last.login, at: last.at, reason: null };
}

/** Only a failing verdict can be overridden; every other verdict stays as it is. */
export function applyOverride(decision: Decision, override: Override | null): Decision {
  if (override === null || decision.verdict !== 'fail') return decision;
  return { ...decision, verdict: override.status === 'accepted' ? 'overridden' : 'fail', override };
}
