import { describe, expect, it } from 'vitest';
import {
  type FailedResponse,
  rateLimitOf,
  SECONDARY_RATE_LIMIT_DEFAULT_WAIT_MS,
} from '../../../src/github/rate-limit.js';

const NOW = 1_700_000_000_000;

function failed(status: number, headers: FailedResponse['headers'] = {}, message = ''): FailedResponse {
  return { status, headers, message };
}

describe('rateLimitOf', () => {
  it.each([
    ['429 with retry-after', failed(429, { 'retry-after': '7' }), { kind: 'secondary', waitMs: 7000 }],
    [
      '429 without headers waits one minute',
      failed(429),
      { kind: 'secondary', waitMs: SECONDARY_RATE_LIMIT_DEFAULT_WAIT_MS },
    ],
    [
      'primary: 403 with remaining 0 waits until reset',
      failed(
        403,
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 42) },
        'API rate limit exceeded',
      ),
      { kind: 'primary', waitMs: 42_000 },
    ],
    [
      'primary with a reset in the past waits zero',
      failed(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 - 5) }),
      { kind: 'primary', waitMs: 0 },
    ],
    [
      'primary: retry-after wins over reset',
      failed(403, {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(NOW / 1000 + 900),
        'retry-after': '3',
      }),
      { kind: 'primary', waitMs: 3000 },
    ],
    [
      'secondary named in the message, with retry-after',
      failed(403, { 'retry-after': '30' }, 'You have exceeded a secondary rate limit.'),
      { kind: 'secondary', waitMs: 30_000 },
    ],
    [
      'secondary named in the message, no retry-after',
      failed(
        403,
        {},
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      ),
      { kind: 'secondary', waitMs: SECONDARY_RATE_LIMIT_DEFAULT_WAIT_MS },
    ],
    [
      'numeric header values (as undici may hand them)',
      failed(429, { 'retry-after': 2 }),
      { kind: 'secondary', waitMs: 2000 },
    ],
  ])('%s', (_, response, expected) => {
    expect(rateLimitOf(response, NOW)).toEqual(expected);
  });

  it.each([
    [
      'a plain permission 403',
      failed(403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by integration'),
    ],
    ['a 404', failed(404, { 'retry-after': '5' }, 'Not Found')],
    ['a 502', failed(502, {}, 'Server Error')],
    ['a 422', failed(422, {}, 'Validation Failed')],
  ])('%s is not a rate limit', (_, response) => {
    expect(rateLimitOf(response, NOW)).toBeNull();
  });
});
