import { describe, expect, it } from 'vitest';
import type { Decision, Verdict } from '../../../src/core/model.js';
import {
  applyOverride,
  judgeOverride,
  type LabelEvent,
  lastLabelEvent,
  mayAccept,
  type Override,
  type OverrideLookup,
} from '../../../src/core/override.js';

const LABEL = 'size-increase-approved';
const at = (minute: number) => `2026-12-01T10:${String(minute).padStart(2, '0')}:00Z`;
const labeled = (login: string, minute: number, label = LABEL): LabelEvent => ({
  event: 'labeled',
  label,
  login,
  at: at(minute),
});
const unlabeled = (login: string, minute: number): LabelEvent => ({
  event: 'unlabeled',
  label: LABEL,
  login,
  at: at(minute),
});
const read = (
  events: LabelEvent[],
  permission: string | null,
  roleName: string | null = permission,
  labels = [LABEL],
): OverrideLookup => ({
  kind: 'read',
  evidence: { labels, events, permission: permission === null ? null : { permission, roleName } },
});

describe('judgeOverride', () => {
  it.each<[string, OverrideLookup, Partial<Override>]>([
    ['admin', read([labeled('boss', 1)], 'admin'), { status: 'accepted', by: 'boss', at: at(1) }],
    ['write', read([labeled('dev', 1)], 'write'), { status: 'accepted', by: 'dev' }],
    [
      'maintain (legacy permission write)',
      read([labeled('m', 1)], 'write', 'maintain'),
      { status: 'accepted' },
    ],
    [
      'a custom role based on write',
      read([labeled('c', 1)], 'write', 'release-manager'),
      { status: 'accepted' },
    ],
    [
      'triage (legacy permission read)',
      read([labeled('t', 1)], 'read', 'triage'),
      {
        status: 'refused',
        by: 't',
        reason: `@t applied it at ${at(1)} with triage permission; only write, maintain or admin may accept an increase`,
      },
    ],
    ['read', read([labeled('r', 1)], 'read'), { status: 'refused', by: 'r' }],
    ['none', read([labeled('x', 1)], 'none'), { status: 'refused' }],
    [
      'a writer labelled first, a reader last: the last application counts',
      read([labeled('dev', 1), unlabeled('dev', 2), labeled('r', 3)], 'read'),
      { status: 'refused', by: 'r', at: at(3) },
    ],
    [
      'the last event removed it (the labels list is stale)',
      read([labeled('dev', 1), unlabeled('dev', 2)], null),
      {
        status: 'refused',
        reason: 'the GitHub API lists no event that applied it, so who applied it is unknown',
      },
    ],
    [
      'the payload said it is there, the API says it is gone',
      read([labeled('dev', 1)], 'write', 'write', ['other']),
      { status: 'refused', reason: 'the GitHub API no longer lists it on the pull request' },
    ],
    [
      'events for other labels only',
      read([labeled('dev', 1, 'bug')], 'write'),
      { status: 'refused', by: null },
    ],
    [
      'label names compare regardless of case, as GitHub does',
      read([labeled('dev', 1, 'Size-Increase-Approved')], 'write', 'write', ['SIZE-increase-approved']),
      { status: 'accepted', by: 'dev' },
    ],
    [
      'the permission could not be read',
      read([labeled('dev', 1)], null),
      { status: 'refused', by: 'dev', reason: 'the GitHub API could not tell the permission of @dev' },
    ],
    [
      'the API failed',
      { kind: 'unknown', reason: 'HTTP 502' },
      {
        status: 'refused',
        by: null,
        at: null,
        reason: 'the GitHub API could not tell who applied it (HTTP 502)',
      },
    ],
  ])('%s', (_, lookup, expected) => {
    const outcome = judgeOverride(LABEL, lookup);
    expect(outcome).toMatchObject({ label: LABEL, ...expected });
    expect(outcome.reason === null).toBe(outcome.status === 'accepted');
  });
});

describe('mayAccept', () => {
  it.each([
    [null, false],
    [{ permission: 'admin', roleName: 'admin' }, true],
    [{ permission: 'write', roleName: null }, true],
    [{ permission: 'read', roleName: 'maintain' }, true],
    [{ permission: 'read', roleName: 'triage' }, false],
    [{ permission: 'none', roleName: null }, false],
  ])('%j → %s', (permission, expected) => {
    expect(mayAccept(permission)).toBe(expected);
  });
});

describe('lastLabelEvent', () => {
  it('is the latest event for the label, whatever came for other labels after it', () => {
    const events = [labeled('a', 1), unlabeled('b', 2), labeled('c', 3), labeled('d', 4, 'bug')];
    expect(lastLabelEvent(events, LABEL)).toEqual(labeled('c', 3));
    expect(lastLabelEvent([], LABEL)).toBeNull();
  });
});

describe('applyOverride', () => {
  const decision = (verdict: Verdict): Decision => ({
    verdict,
    missingBaseline: null,
    thresholds: {
      maxIncrease: 1,
      maxIncreasePercent: null,
      maxSize: null,
      basis: 'uncompressed',
      mode: 'fail',
    },
    violations: [],
    headline: null,
  });
  const accepted: Override = { label: LABEL, status: 'accepted', by: 'dev', at: at(1), reason: null };
  const refused: Override = { label: LABEL, status: 'refused', by: 'r', at: at(1), reason: 'read' };

  it.each<[Verdict, Override | null, Verdict, boolean]>([
    ['fail', accepted, 'overridden', true],
    ['fail', refused, 'fail', true],
    ['fail', null, 'fail', false],
    ['pass', accepted, 'pass', false],
    ['warn', accepted, 'warn', false],
    ['no-baseline', accepted, 'no-baseline', false],
  ])('%s with %o → %s', (verdict, override, expected, recorded) => {
    const result = applyOverride(decision(verdict), override);
    expect(result.verdict).toBe(expected);
    expect(result.override !== undefined).toBe(recorded);
  });
});
