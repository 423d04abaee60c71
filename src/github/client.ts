// The one place that makes an Octokit: @actions/github's client (it reads GITHUB_API_URL and the runner's
// proxy settings) plus retries for transient failures and patience for rate limits.

import { STATUS_CODES } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { getOctokit } from '@actions/github';
import { defaults as actionsDefaults } from '@actions/github/lib/utils';
import type { OctokitPlugin } from '@octokit/core/types';
import { retry } from '@octokit/plugin-retry';
import { type FailedResponse, type RateLimitDecision, rateLimitOf } from './rate-limit.js';

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** REST API root. Default: GITHUB_API_URL, else https://api.github.com (as @actions/github reads it). */
  baseUrl?: string;
  /** Retries for 5xx and network errors. Default 3. */
  retries?: number;
  /** Back-off unit for those retries: the n-th retry waits n² × this. Default 1000 ms. */
  retryBaseMs?: number;
  rateLimit?: {
    /** Longest wait we accept; a longer one fails now with GitHubRateLimitError. Default 60 s. */
    maxWaitMs?: number;
    /** Rate-limit waits per request before giving up. Default 3. */
    maxRetries?: number;
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
  };
  /** Told about every rate-limit wait, e.g. core.info. */
  log?: (message: string) => void;
  /** How long one request may wait for its answer. Default 30 s. */
  requestTimeoutMs?: number;
}

/** A request that failed, named by what was called and what came back; status and response as Octokit's. */
export class GitHubRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly response?: unknown,
  ) {
    super(message);
    this.name = 'GitHubRequestError';
  }
}

export class GitHubRateLimitError extends Error {
  constructor(
    readonly decision: RateLimitDecision,
    readonly status: number,
    readonly githubMessage: string,
    reason: string,
  ) {
    super(
      `GitHub ${decision.kind} rate limit (HTTP ${status}: ${githubMessage || 'no message'}): ${reason}. ` +
        'Try again later, or use a token with a higher rate limit.',
    );
    this.name = 'GitHubRateLimitError';
  }
}

// The retry plugin must leave rate limits to us: its own back-off ignores retry-after and reset times.
const NOT_TRANSIENT = [400, 401, 403, 404, 410, 422, 429, 451];

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const baseUrl = stripTrailingSlash(
    options.baseUrl || process.env.GITHUB_API_URL || 'https://api.github.com',
  );
  // @actions/github fixes its proxy-aware fetch for the API URL it saw at import time; that fetch must not
  // carry requests meant for another host, so it is kept only when the host is the same.
  const sameHostAsDefaults = stripTrailingSlash(actionsDefaults.baseUrl ?? '') === baseUrl;
  return getOctokit(
    options.token,
    {
      baseUrl,
      request: sameHostAsDefaults ? { ...actionsDefaults.request } : {},
      retry: {
        retries: options.retries ?? 3,
        retryAfterBaseValue: options.retryBaseMs ?? 1000,
        doNotRetry: NOT_TRANSIENT,
      },
    },
    // Plugins registered later wrap the earlier ones: the timeout applies to each attempt, the description
    // to the outcome of all of them.
    requestTimeout(options.requestTimeoutMs ?? 30_000),
    retry,
    rateLimitPatience(options),
    describeFailures,
  );
}

function requestTimeout(ms: number): OctokitPlugin {
  return (octokit) => {
    octokit.hook.wrap('request', async (request, requestOptions) => {
      const timeout = AbortSignal.timeout(ms);
      const given = requestOptions.request?.signal as AbortSignal | undefined;
      requestOptions.request = {
        ...requestOptions.request,
        signal: given ? AbortSignal.any([timeout, given]) : timeout,
      };
      try {
        return await request(requestOptions);
      } catch (error) {
        // No status: the retry plugin leaves it alone, so a silent API costs one timeout, not four.
        if (timeout.aborted)
          throw new Error(`no answer within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`);
        if (given?.aborted) throw new Error('given up (out of time)');
        throw error;
      }
    });
  };
}

/**
 * Every failure says what was called and what came back (`POST /repos/o/r/issues/7/comments: HTTP 500
 * Internal Server Error ("Server Error")`), and a body that is not JSON (a proxy's HTML page) is a failure
 * said as such rather than a TypeError further on.
 */
const describeFailures: OctokitPlugin = (octokit) => {
  octokit.hook.wrap('request', async (request, requestOptions) => {
    const { method, url } = octokit.request.endpoint.parse(requestOptions);
    const what = `${method} ${new URL(url).pathname}`;
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(requestOptions);
    } catch (error) {
      if (error instanceof GitHubRateLimitError) throw error;
      const failed = failedResponseOf(error);
      if (!failed) throw new GitHubRequestError(`${what}: ${(error as Error).message}`);
      const data = (error as { response?: { data?: unknown } }).response?.data;
      const said =
        typeof data === 'string' && data.trim() !== ''
          ? ` (${nonJson(failed.headers['content-type'])})`
          : failed.message
            ? ` ("${failed.message.split('\n')[0]}")`
            : '';
      throw new GitHubRequestError(
        `${what}: HTTP ${failed.status} ${STATUS_CODES[failed.status] ?? ''}`.trimEnd() + said,
        failed.status,
        (error as { response?: unknown }).response,
      );
    }
    if (typeof response.data === 'string' && response.data !== '') {
      throw new GitHubRequestError(
        `${what}: HTTP ${response.status}, but ${nonJson(String(response.headers['content-type'] ?? ''))}`,
      );
    }
    return response;
  });
};

function nonJson(contentType: string | number | undefined): string {
  const type =
    String(contentType ?? '')
      .split(';')[0]
      ?.trim() || 'no content type';
  return type === 'text/html' ? 'an HTML page, not JSON' : `a body that is not JSON (${type})`;
}

function rateLimitPatience(options: GitHubClientOptions): OctokitPlugin {
  const maxWaitMs = options.rateLimit?.maxWaitMs ?? 60_000;
  const maxRetries = options.rateLimit?.maxRetries ?? 3;
  const sleep = options.rateLimit?.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  const now = options.rateLimit?.now ?? Date.now;
  const log = options.log ?? (() => {});

  return (octokit) => {
    // Registered after the retry plugin, so this wraps it: a rate limit pauses the whole retrying request.
    octokit.hook.wrap('request', async (request, requestOptions) => {
      for (let waits = 0; ; waits++) {
        try {
          return await request(requestOptions);
        } catch (error) {
          const failed = failedResponseOf(error);
          const decision = failed ? rateLimitOf(failed, now()) : null;
          if (!failed || !decision) throw error;
          const what = `${requestOptions.method} ${requestOptions.url}`;
          if (waits >= maxRetries) {
            throw new GitHubRateLimitError(
              decision,
              failed.status,
              failed.message,
              `${what} still limited after ${waits} waits`,
            );
          }
          if (decision.waitMs > maxWaitMs) {
            throw new GitHubRateLimitError(
              decision,
              failed.status,
              failed.message,
              `${what} would have to wait ${Math.ceil(decision.waitMs / 1000)} s, more than the ${Math.ceil(maxWaitMs / 1000)} s allowed`,
            );
          }
          log(
            `GitHub ${decision.kind} rate limit on ${what}; waiting ${Math.ceil(decision.waitMs / 1000)} s before retrying.`,
          );
          await sleep(decision.waitMs);
        }
      }
    });
  };
}

/** The status, headers and message of an Octokit RequestError; null for anything else. */
export function failedResponseOf(error: unknown): FailedResponse | null {
  // Our own verdict on a response, not a response: never to be mistaken for a missing permission.
  if (error instanceof GitHubRateLimitError) return null;
  if (typeof error !== 'object' || error === null) return null;
  const { status, response } = error as { status?: unknown; response?: unknown };
  if (typeof status !== 'number') return null;
  const body = (response as { data?: unknown } | undefined)?.data;
  if (error instanceof GitHubRequestError && error.status === undefined) return null;
  const headers = ((response as { headers?: unknown } | undefined)?.headers ??
    {}) as FailedResponse['headers'];
  const bodyMessage = (body as { message?: unknown } | undefined)?.message;
  const message =
    typeof bodyMessage === 'string'
      ? bodyMessage
      : typeof body === 'string'
        ? body
        : String((error as Error).message ?? '');
  return { status, headers, message };
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
