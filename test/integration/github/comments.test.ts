// The real adapter (Octokit from @actions/github, plugin-retry, rate-limit patience) against the loopback
// GitHub stand-in. Back-off is injected: retries wait 1 ms, rate-limit waits are recorded, not slept.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createGitHubClient,
  type GitHubClientOptions,
  GitHubRateLimitError,
} from '../../../src/github/client.js';
import {
  commentMarker,
  createPullRequestComments,
  type PullRequestComments,
} from '../../../src/github/comments.js';
import {
  GITHUB_ACTIONS_BOT,
  type GitHubStandin,
  githubFaults,
  OCTOCAT,
  startGitHubStandin,
} from '../../support/github-standin.js';

const TOKEN = 'ghs_workflow_token';
const LIST = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
const ONE = '/repos/{owner}/{repo}/issues/comments/{comment_id}';
const PR = { owner: 'Codertocat', repo: 'Hello-World', issueNumber: 2 };
const NOW_MS = Date.parse('2025-01-01T00:00:00Z');

let standin: GitHubStandin;
let waits: number[];
let log: string[];

function adapter(overrides: Partial<GitHubClientOptions> = {}): PullRequestComments {
  return createPullRequestComments(
    createGitHubClient({
      token: TOKEN,
      baseUrl: standin.baseUrl,
      retryBaseMs: 1,
      rateLimit: {
        sleep: async (ms) => {
          waits.push(ms);
        },
        now: () => NOW_MS,
      },
      log: (message) => log.push(message),
      ...overrides,
    }),
  );
}

beforeEach(async () => {
  standin = await startGitHubStandin({ token: TOKEN });
  waits = [];
  log = [];
});
afterEach(async () => {
  expect(standin.schemaViolations).toEqual([]);
  await standin.close();
});

describe('sticky pull-request comment', () => {
  it('creates one comment, then updates that same comment', async () => {
    const comments = adapter();

    const first = await comments.upsert(PR, 'default', '## Image size\nfirst run');
    expect(first).toMatchObject({ kind: 'created', htmlUrl: expect.stringContaining('#issuecomment-') });
    const second = await comments.upsert(PR, 'default', '## Image size\nsecond run');
    expect(second).toEqual({
      kind: 'updated',
      id: first.kind === 'created' ? first.id : -1,
      htmlUrl: expect.any(String),
    });

    const stored = standin.comments(2);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      body: `${commentMarker('default')}\n## Image size\nsecond run`,
      user: GITHUB_ACTIONS_BOT,
    });
    expect(standin.requestsTo('POST', LIST)).toHaveLength(1);
    expect(standin.requestsTo('PATCH', ONE)).toHaveLength(1);
    expect(standin.requestsTo('PATCH', ONE)[0]?.authorization).toBe(`token ${TOKEN}`);
  });

  it('finds its comment on page 2 when the pull request already has 150 other comments', async () => {
    standin.seedComments(2, 150);
    const comments = adapter();

    const first = await comments.upsert(PR, 'default', 'first run');
    expect(first.kind).toBe('created');
    const second = await comments.upsert(PR, 'default', 'second run');
    expect(second).toMatchObject({ kind: 'updated', id: first.kind === 'created' ? first.id : -1 });

    const stored = standin.comments(2);
    expect(stored).toHaveLength(151);
    expect(stored.filter((comment) => comment.body.includes('image-size-gate'))).toHaveLength(1);
    expect(stored.at(-1)?.body).toBe(`${commentMarker('default')}\nsecond run`);

    // The marker sat on page 2 of 100: every page was read, each with per_page=100.
    const lists = standin.requestsTo('GET', LIST).slice(-2);
    expect(lists.map((request) => request.query)).toEqual([
      { per_page: '100' },
      { per_page: '100', page: '2' },
    ]);
  });

  it('keeps one comment per key', async () => {
    const comments = adapter();
    const api = await comments.upsert(PR, 'api', 'api image');
    const worker = await comments.upsert(PR, 'worker', 'worker image');
    const apiAgain = await comments.upsert(PR, 'api', 'api image, again');

    expect(api.kind).toBe('created');
    expect(worker.kind).toBe('created');
    expect(apiAgain).toMatchObject({ kind: 'updated', id: api.kind === 'created' ? api.id : -1 });
    expect(standin.comments(2).map((comment) => comment.body)).toEqual([
      `${commentMarker('api')}\napi image, again`,
      `${commentMarker('worker')}\nworker image`,
    ]);
  });

  it('does not take over a comment that quotes the marker', async () => {
    const quoted = standin.addComment(
      2,
      `> ${commentMarker('default')}\n> old report\n\nWhy did it grow?`,
      OCTOCAT,
    );
    const comments = adapter();

    const result = await comments.upsert(PR, 'default', 'report');

    expect(result.kind).toBe('created');
    expect(standin.comments(2).find((comment) => comment.id === quoted.id)?.body).toContain(
      'Why did it grow?',
    );
    expect(standin.requestsTo('PATCH', ONE)).toHaveLength(0);
  });

  it("updates the bot's comment rather than a person's copy of it", async () => {
    standin.addComment(2, `${commentMarker('default')}\ncopied by hand`, OCTOCAT);
    const bots = standin.addComment(2, `${commentMarker('default')}\nold report`, GITHUB_ACTIONS_BOT);

    const result = await adapter().upsert(PR, 'default', 'new report');

    expect(result).toMatchObject({ kind: 'updated', id: bots.id });
    expect(standin.comments(2).map((comment) => comment.body)).toEqual([
      `${commentMarker('default')}\ncopied by hand`,
      `${commentMarker('default')}\nnew report`,
    ]);
  });

  it("never edits a user's comment that opens with the marker: it posts its own", async () => {
    const users = standin.addComment(
      2,
      `${commentMarker('default')}\nlooks like the gate, says pass`,
      OCTOCAT,
    );

    const result = await adapter().upsert(PR, 'default', 'the real report');

    expect(result.kind).toBe('created');
    expect(standin.requestsTo('PATCH', ONE)).toEqual([]);
    expect(standin.requestsTo('DELETE', ONE)).toEqual([]);
    // The workflow token is an installation token: GitHub refuses /user to it, so it is github-actions[bot].
    expect(standin.requestsTo('GET', '/user').map((request) => request.status)).toEqual([403]);
    const stored = standin.comments(2);
    expect(stored.find((comment) => comment.id === users.id)?.body).toContain('says pass');
    expect(stored.at(-1)).toMatchObject({
      body: `${commentMarker('default')}\nthe real report`,
      user: GITHUB_ACTIONS_BOT,
    });
  });

  it('keeps the oldest of its own comments and deletes hidden duplicates', async () => {
    const person = standin.addComment(2, `${commentMarker('default')}\na copy`, OCTOCAT);
    const oldest = standin.addComment(2, `${commentMarker('default')}\nfirst`, GITHUB_ACTIONS_BOT);
    const twin = standin.addComment(2, `${commentMarker('default')}\nsecond`, GITHUB_ACTIONS_BOT);
    standin.addComment(2, `${commentMarker('other-key')}\nanother gate`, GITHUB_ACTIONS_BOT);

    const result = await adapter().upsert(PR, 'default', 'now');

    expect(result).toMatchObject({ kind: 'updated', id: oldest.id });
    expect(standin.requestsTo('DELETE', ONE).map((request) => [request.path, request.status])).toEqual([
      [`/repos/Codertocat/Hello-World/issues/comments/${twin.id}`, 204],
    ]);
    expect(standin.comments(2).map((comment) => comment.id)).toEqual([
      person.id,
      oldest.id,
      expect.any(Number),
    ]);
  });

  it('with a personal token, learns its login once from GET /user and takes only its own comments', async () => {
    await standin.close();
    standin = await startGitHubStandin({ token: TOKEN, actor: OCTOCAT });
    const bots = standin.addComment(
      2,
      `${commentMarker('default')}\nby the workflow token`,
      GITHUB_ACTIONS_BOT,
    );
    const mine = standin.addComment(2, `${commentMarker('default')}\nmine`, OCTOCAT);
    const comments = adapter();

    expect(await comments.upsert(PR, 'default', 'one')).toMatchObject({ kind: 'updated', id: mine.id });
    expect(await comments.upsert(PR, 'default', 'two')).toMatchObject({ kind: 'updated', id: mine.id });
    expect(standin.requestsTo('GET', '/user').map((request) => request.status)).toEqual([200]);
    expect(standin.comments(2).find((comment) => comment.id === bots.id)?.body).toContain('workflow token');
  });

  it('asks nobody who it is when no comment carries the marker', async () => {
    await adapter().upsert(PR, 'default', 'report');
    expect(standin.requestsTo('GET', '/user')).toEqual([]);
  });

  it('posts a fresh comment when its comment was deleted between listing and updating', async () => {
    const old = standin.addComment(2, `${commentMarker('default')}\nold`, GITHUB_ACTIONS_BOT);
    standin.inject('PATCH', ONE, githubFaults.error(404, 'Not Found'));

    const result = await adapter().upsert(PR, 'default', 'new');

    expect(result.kind).toBe('created');
    expect(standin.requestsTo('PATCH', ONE)[0]?.path).toBe(
      `/repos/Codertocat/Hello-World/issues/comments/${old.id}`,
    );
  });
});

describe('when the token cannot comment', () => {
  it('reports a 403 on POST as forbidden, with the reason and the permission needed', async () => {
    standin.inject('POST', LIST, githubFaults.forbiddenByIntegration());

    const result = await adapter().upsert(PR, 'default', 'report');

    expect(result).toEqual({
      kind: 'forbidden',
      status: 403,
      reason: expect.stringContaining('Resource not accessible by integration'),
      permissionNeeded: 'pull-requests: write',
    });
    expect(result.kind === 'forbidden' && result.reason).toContain('fork');
    expect(standin.requestsTo('POST', LIST)).toHaveLength(1);
    expect(standin.comments(2)).toEqual([]);
  });

  it("reports a read-only token's refused update as forbidden", async () => {
    standin.addComment(2, `${commentMarker('default')}\nold`, GITHUB_ACTIONS_BOT);
    standin.readOnly = true;

    const result = await adapter().upsert(PR, 'default', 'new');

    expect(result).toMatchObject({
      kind: 'forbidden',
      status: 403,
      permissionNeeded: 'pull-requests: write',
    });
    expect(standin.requestsTo('PATCH', ONE)).toHaveLength(1);
  });

  it('reports a 404 on reading the comments (a token that may not see the repository) as forbidden', async () => {
    standin.inject('GET', LIST, githubFaults.error(404, 'Not Found'));
    const result = await adapter().upsert(PR, 'default', 'report');
    expect(result).toMatchObject({ kind: 'forbidden', status: 404 });
    expect(standin.requestsTo('POST', LIST)).toHaveLength(0);
  });

  it('throws other client errors', async () => {
    await expect(adapter().upsert(PR, 'default', 'x'.repeat(70_000))).rejects.toMatchObject({ status: 422 });
  });
});

describe('transient errors and rate limits', () => {
  it('retries a 502 on POST and succeeds on the 201', async () => {
    standin.inject('POST', LIST, githubFaults.serverError(502));

    const result = await adapter().upsert(PR, 'default', 'report');

    expect(result.kind).toBe('created');
    expect(standin.requestsTo('POST', LIST).map((request) => request.status)).toEqual([502, 201]);
    expect(standin.comments(2)).toHaveLength(1);
  });

  it('retries 5xx on reading pages too, and gives up after the configured retries', async () => {
    standin.inject('GET', LIST, githubFaults.serverError(503), githubFaults.serverError(500));
    expect((await adapter().upsert(PR, 'default', 'report')).kind).toBe('created');
    expect(standin.requestsTo('GET', LIST).map((request) => request.status)).toEqual([503, 500, 200]);

    standin.inject('POST', LIST, ...Array.from({ length: 3 }, () => githubFaults.serverError(502)));
    await expect(
      adapter({ retries: 2 }).upsert({ ...PR, issueNumber: 5 }, 'default', 'report'),
    ).rejects.toMatchObject({
      status: 502,
    });
    expect(
      standin.requestsTo('POST', LIST).filter((request) => request.path.endsWith('/5/comments')),
    ).toHaveLength(3);
  });

  it('waits as long as retry-after says on a 429, then retries', async () => {
    standin.inject('POST', LIST, githubFaults.tooManyRequests(2));

    const result = await adapter().upsert(PR, 'default', 'report');

    expect(result.kind).toBe('created');
    expect(waits).toEqual([2000]);
    expect(standin.requestsTo('POST', LIST).map((request) => request.status)).toEqual([429, 201]);
    expect(log.join('\n')).toContain('rate limit');
  });

  it('waits until the reset time on an exhausted primary rate limit (403, remaining 0)', async () => {
    standin.inject('GET', LIST, githubFaults.primaryRateLimit(NOW_MS / 1000 + 20));

    const result = await adapter().upsert(PR, 'default', 'report');

    expect(result.kind).toBe('created');
    expect(waits).toEqual([20_000]);
    expect(standin.requestsTo('GET', LIST).map((request) => request.status)).toEqual([403, 200]);
  });

  it('treats a secondary rate limit as a wait, not as a missing permission', async () => {
    standin.inject('POST', LIST, githubFaults.secondaryRateLimit(5));
    expect((await adapter().upsert(PR, 'default', 'report')).kind).toBe('created');
    expect(waits).toEqual([5000]);
  });

  it('fails at once, without waiting, when the wait would pass the bound', async () => {
    standin.inject('POST', LIST, githubFaults.primaryRateLimit(NOW_MS / 1000 + 3600));

    const upsert = adapter({
      rateLimit: { maxWaitMs: 60_000, sleep: async (ms) => void waits.push(ms), now: () => NOW_MS },
    }).upsert(PR, 'default', 'report');

    await expect(upsert).rejects.toBeInstanceOf(GitHubRateLimitError);
    await expect(upsert).rejects.toThrow('3600 s, more than the 60 s allowed');
    expect(waits).toEqual([]);
    expect(standin.requestsTo('POST', LIST)).toHaveLength(1);
  });

  it('gives up after the configured number of rate-limit waits', async () => {
    standin.inject(
      'POST',
      LIST,
      githubFaults.tooManyRequests(1),
      githubFaults.tooManyRequests(1),
      githubFaults.tooManyRequests(1),
    );

    const upsert = adapter({
      rateLimit: { maxRetries: 2, sleep: async (ms) => void waits.push(ms), now: () => NOW_MS },
    }).upsert(PR, 'default', 'report');

    await expect(upsert).rejects.toThrow(GitHubRateLimitError);
    expect(waits).toEqual([1000, 1000]);
    expect(standin.requestsTo('POST', LIST)).toHaveLength(3);
  });
});

describe('errors say what was called and what came back', () => {
  it('names the method, path and status of a failure', async () => {
    standin.inject('POST', LIST, ...Array.from({ length: 2 }, () => githubFaults.error(500, 'Server Error')));
    await expect(adapter({ retries: 1 }).upsert(PR, 'default', 'report')).rejects.toThrow(
      'POST /repos/Codertocat/Hello-World/issues/2/comments: HTTP 500 Internal Server Error ("Server Error")',
    );
  });

  it('reports an HTML page as such, on a failure and on a 200, never as a TypeError', async () => {
    const html = (status: number) => ({
      status,
      rawBody: '<html><body><h1>Bad gateway</h1></body></html>',
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });
    standin.inject('GET', LIST, html(502), html(502));
    await expect(adapter({ retries: 1 }).upsert(PR, 'default', 'report')).rejects.toThrow(
      'GET /repos/Codertocat/Hello-World/issues/2/comments: HTTP 502 Bad Gateway (an HTML page, not JSON)',
    );
    standin.inject('GET', LIST, html(200));
    const upsert = adapter().upsert(PR, 'default', 'report');
    await expect(upsert).rejects.toThrow(
      'GET /repos/Codertocat/Hello-World/issues/2/comments: HTTP 200, but an HTML page, not JSON',
    );
    await expect(upsert).rejects.not.toBeInstanceOf(TypeError);
  });

  it('gives up on a request that never answers after the request timeout, without retrying it', async () => {
    standin.inject('POST', LIST, { status: 0, hang: true });
    const started = performance.now();
    await expect(adapter({ requestTimeoutMs: 300 }).upsert(PR, 'default', 'report')).rejects.toThrow(
      'POST /repos/Codertocat/Hello-World/issues/2/comments: no answer within 300 ms',
    );
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(standin.requestsTo('POST', LIST)).toHaveLength(1);
  });
});

describe('API root', () => {
  it('follows GITHUB_API_URL when no base URL is given', async () => {
    const saved = process.env.GITHUB_API_URL;
    process.env.GITHUB_API_URL = standin.baseUrl;
    try {
      const client = createGitHubClient({ token: TOKEN, retryBaseMs: 1 });
      const result = await createPullRequestComments(client).upsert(PR, 'default', 'report');
      expect(result.kind).toBe('created');
      expect(standin.comments(2)).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.GITHUB_API_URL;
      else process.env.GITHUB_API_URL = saved;
    }
  });
});
