// When GitHub says "slow down", and for how long. Pure: the client adapter asks this after each failed
// request and sleeps for the answer (bounded), so every rule here is table-testable without a clock.
//
// Why not @octokit/plugin-throttling, which reads the same headers: it queues every request through
// Bottleneck groups that are module-wide and space each write at least 1 s apart (3 s for notifications),
// which would slow the aggregator's comment writes and every test against the stand-in; and it computes
// reset waits from the real clock, so its rules cannot be table-tested. This file is the same published
// rules (retry-after, x-ratelimit-reset, the secondary-limit minute) in 30 lines, with the wait bounded by
// the client's maxWaitMs and its clock injectable.

export type RateLimitKind = 'primary' | 'secondary';

export interface RateLimitDecision {
  kind: RateLimitKind;
  /** How long GitHub asks us to wait before the next try. */
  waitMs: number;
}

/** What a failed request told us: its status, its response headers (lower-case names) and GitHub's message. */
export interface FailedResponse {
  status: number;
  headers: Readonly<Record<string, string | number | undefined>>;
  message: string;
}

/** GitHub's advice when a secondary limit names no retry-after: wait at least one minute. */
export const SECONDARY_RATE_LIMIT_DEFAULT_WAIT_MS = 60_000;

const SECONDARY_MESSAGE = /secondary rate limit|abuse detection/i;

/**
 * Whether a failed response is a rate limit and how long to wait, following GitHub's published rules:
 * retry-after (seconds) wins; otherwise an exhausted primary quota (x-ratelimit-remaining: 0) waits until
 * x-ratelimit-reset (epoch seconds); otherwise a 429 or a 403 naming a secondary limit waits one minute.
 * A plain 403 (no permission) is not a rate limit.
 */
export function rateLimitOf(response: FailedResponse, nowMs: number): RateLimitDecision | null {
  if (response.status !== 403 && response.status !== 429) return null;
  const remaining = headerNumber(response.headers['x-ratelimit-remaining']);
  const primary = remaining === 0;
  const kind: RateLimitKind = primary ? 'primary' : 'secondary';

  const retryAfterSeconds = headerNumber(response.headers['retry-after']);
  if (retryAfterSeconds !== null && retryAfterSeconds >= 0) {
    return { kind, waitMs: retryAfterSeconds * 1000 };
  }
  if (primary) {
    const resetEpochSeconds = headerNumber(response.headers['x-ratelimit-reset']);
    const waitMs = resetEpochSeconds === null ? 0 : Math.max(0, resetEpochSeconds * 1000 - nowMs);
    return { kind, waitMs };
  }
  if (response.status === 429 || SECONDARY_MESSAGE.test(response.message)) {
    return { kind, waitMs: SECONDARY_RATE_LIMIT_DEFAULT_WAIT_MS };
  }
  return null;
}

function headerNumber(value: string | number | undefined): number | null {
  if (value === undefined) return null;
  const text = String(value).trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  return Number(text);
}
