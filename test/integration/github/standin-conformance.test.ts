// The stand-in is only worth testing against if it answers as GitHub's published description says.
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  findOperation,
  loadGitHubOpenApi,
  responseSchemaFor,
  schemaProblems,
} from '../../support/github-openapi.js';
import {
  type GitHubStandin,
  githubFaults,
  OCTOCAT,
  startGitHubStandin,
} from '../../support/github-standin.js';

const TOKEN = 'ghs_standin_token';
const LIST = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
const ONE = '/repos/{owner}/{repo}/issues/comments/{comment_id}';
const PULL = '/repos/{owner}/{repo}/pulls/{pull_number}';

interface WebhookDefinition {
  name: string;
  examples: { action?: string; pull_request?: Record<string, unknown> }[];
}

let standin: GitHubStandin;

beforeAll(async () => {
  standin = await startGitHubStandin({ token: TOKEN });
});
afterAll(async () => {
  await standin.close();
});
// Every response the stand-in sends is checked against GitHub's description as it goes out.
afterEach(() => {
  expect(standin.schemaViolations).toEqual([]);
});

async function call(method: string, path: string, body?: unknown, token: string | null = TOKEN) {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' };
  if (token !== null) headers.authorization = `token ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${standin.baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as unknown };
}

/** Problems of a live response against the schema GitHub documents for that operation and status. */
function problemsOf(method: string, template: string, status: number, body: unknown): string[] {
  const doc = loadGitHubOpenApi();
  const operation = findOperation(doc, method, template);
  if (!operation) return [`${method} ${template} is not in GitHub's description`];
  const schema = responseSchemaFor(doc, operation, status);
  if (!schema) return [`${method} ${template} documents no JSON response for ${status}`];
  return schemaProblems(doc, schema, body);
}

describe('GitHub REST stand-in', () => {
  it("serves only routes that GitHub's OpenAPI description has, with the same method", () => {
    const doc = loadGitHubOpenApi();
    expect(standin.routes.map((route) => `${route.method.toUpperCase()} ${route.path}`).sort()).toEqual(
      [
        `GET ${LIST}`,
        `POST ${LIST}`,
        `GET ${ONE}`,
        `PATCH ${ONE}`,
        `DELETE ${ONE}`,
        `GET ${PULL}`,
        'GET /repos/{owner}/{repo}/pulls',
        'GET /user',
        'GET /repos/{owner}/{repo}/actions/runs',
        'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts',
        'GET /repos/{owner}/{repo}/actions/artifacts',
        'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
        'GET /repos/{owner}/{repo}/issues/{issue_number}/labels',
        'GET /repos/{owner}/{repo}/issues/{issue_number}/events',
        'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
      ].sort(),
    );
    for (const route of standin.routes) {
      expect(findOperation(doc, route.method, route.path)?.operationId, `${route.method} ${route.path}`).toBe(
        route.operationId,
      );
    }
  });

  it('creates (201), reads (200) and updates (200) a comment whose fields match the issue-comment schema', async () => {
    const created = await call('POST', '/repos/Codertocat/Hello-World/issues/2/comments', { body: 'first' });
    expect(created.status).toBe(201);
    expect(problemsOf('POST', LIST, 201, created.json)).toEqual([]);
    const { id, url, body, user } = created.json as {
      id: number;
      url: string;
      body: string;
      user: { type: string };
    };
    expect(body).toBe('first');
    expect(user.type).toBe('Bot');
    expect(created.headers.get('location')).toBe(url);

    const read = await call('GET', `/repos/Codertocat/Hello-World/issues/comments/${id}`);
    expect(read.status).toBe(200);
    expect(problemsOf('GET', ONE, 200, read.json)).toEqual([]);

    const updated = await call('PATCH', `/repos/Codertocat/Hello-World/issues/comments/${id}`, {
      body: 'second',
    });
    expect(updated.status).toBe(200);
    expect(problemsOf('PATCH', ONE, 200, updated.json)).toEqual([]);
    expect(updated.json).toMatchObject({ id, body: 'second' });
  });

  it('answers 404 with basic-error for an unknown comment, repository or path', async () => {
    const unknown = await call('GET', '/repos/Codertocat/Hello-World/issues/comments/1');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ message: 'Not Found', status: '404' });
    expect(problemsOf('GET', ONE, 404, unknown.json)).toEqual([]);
    const patchUnknown = await call('PATCH', '/repos/Codertocat/Hello-World/issues/comments/1', {
      body: 'x',
    });
    expect(patchUnknown.status).toBe(404);
    expect((await call('GET', '/repos/someone/else/issues/2/comments')).status).toBe(404);
    expect((await call('GET', '/repos/Codertocat/Hello-World/no-such-thing')).status).toBe(404);
  });

  it('paginates like GitHub: per_page, page and a Link header with next/last and prev/first', async () => {
    standin.seedComments(7, 250);
    const path = '/repos/Codertocat/Hello-World/issues/7/comments';

    const first = await call('GET', `${path}?per_page=100`);
    expect(first.status).toBe(200);
    expect((first.json as unknown[]).length).toBe(100);
    expect(problemsOf('GET', LIST, 200, first.json)).toEqual([]);
    const api = `${standin.baseUrl}${path}`;
    expect(first.headers.get('link')).toBe(
      `<${api}?per_page=100&page=2>; rel="next", <${api}?per_page=100&page=3>; rel="last"`,
    );

    const middle = await call('GET', `${path}?per_page=100&page=2`);
    expect(middle.headers.get('link')).toBe(
      `<${api}?per_page=100&page=1>; rel="prev", <${api}?per_page=100&page=3>; rel="next", ` +
        `<${api}?per_page=100&page=3>; rel="last", <${api}?per_page=100&page=1>; rel="first"`,
    );

    const last = await call('GET', `${path}?per_page=100&page=3`);
    expect((last.json as unknown[]).length).toBe(50);
    expect(last.headers.get('link')).toBe(
      `<${api}?per_page=100&page=2>; rel="prev", <${api}?per_page=100&page=1>; rel="first"`,
    );

    const byDefault = await call('GET', path);
    expect((byDefault.json as unknown[]).length).toBe(30);
    const capped = await call('GET', `${path}?per_page=500`);
    expect((capped.json as unknown[]).length).toBe(100);

    const single = await call('GET', '/repos/Codertocat/Hello-World/issues/8/comments');
    expect(single.json).toEqual([]);
    expect(single.headers.get('link')).toBeNull();
  });

  it('rejects a missing or too long body with 422 validation errors', async () => {
    const missing = await call('POST', '/repos/Codertocat/Hello-World/issues/2/comments', {});
    expect(missing.status).toBe(422);
    expect(problemsOf('POST', LIST, 422, missing.json)).toEqual([]);
    const tooLong = await call('POST', '/repos/Codertocat/Hello-World/issues/2/comments', {
      body: 'x'.repeat(65_537),
    });
    expect(tooLong.status).toBe(422);
    expect(problemsOf('POST', LIST, 422, tooLong.json)).toEqual([]);
    expect(JSON.stringify(tooLong.json)).toContain('Body is too long (maximum is 65536 characters)');
  });

  it('refuses bad credentials and, when read-only, writes', async () => {
    expect(
      (await call('GET', '/repos/Codertocat/Hello-World/issues/2/comments', undefined, 'wrong')).status,
    ).toBe(401);
    expect(
      (await call('POST', '/repos/Codertocat/Hello-World/issues/2/comments', { body: 'x' }, null)).status,
    ).toBe(401);

    standin.readOnly = true;
    try {
      const refused = await call('POST', '/repos/Codertocat/Hello-World/issues/2/comments', { body: 'x' });
      expect(refused.status).toBe(403);
      expect(refused.json).toMatchObject({
        message: 'Resource not accessible by integration',
        status: '403',
      });
      expect(problemsOf('POST', LIST, 403, refused.json)).toEqual([]);
      expect((await call('GET', '/repos/Codertocat/Hello-World/issues/2/comments')).status).toBe(200);
    } finally {
      standin.readOnly = false;
    }
  });

  it('answers injected faults once, in order, and records them', async () => {
    standin.inject('POST', LIST, githubFaults.forbiddenByIntegration(), githubFaults.serverError(502));
    const path = '/repos/Codertocat/Hello-World/issues/3/comments';
    const forbidden = await call('POST', path, { body: 'a' });
    expect(forbidden.status).toBe(403);
    expect(problemsOf('POST', LIST, 403, forbidden.json)).toEqual([]);
    expect((await call('POST', path, { body: 'b' })).status).toBe(502);
    expect((await call('POST', path, { body: 'c' })).status).toBe(201);
    expect(standin.comments(3).map((comment) => comment.body)).toEqual(['c']);
    expect(
      standin
        .requestsTo('POST', LIST)
        .slice(-3)
        .map((request) => [request.status, request.injected]),
    ).toEqual([
      [403, true],
      [502, true],
      [201, false],
    ]);
    expect(() => standin.inject('PUT', ONE, githubFaults.serverError())).toThrow('serves no route');
  });

  it('deletes a comment (204), and answers GET /user as GitHub does for an installation token and a user', async () => {
    const made = await call('POST', '/repos/Codertocat/Hello-World/issues/5/comments', { body: 'gone' });
    const id = (made.json as { id: number }).id;
    const deleted = await fetch(`${standin.baseUrl}/repos/Codertocat/Hello-World/issues/comments/${id}`, {
      method: 'DELETE',
      headers: { authorization: `token ${TOKEN}` },
    });
    expect(deleted.status).toBe(204);
    expect(standin.comments(5)).toEqual([]);

    // The default actor is github-actions[bot], an installation: GitHub refuses /user to its token.
    const bot = await call('GET', '/user');
    expect(bot.status).toBe(403);
    expect(bot.json).toMatchObject({ message: 'Resource not accessible by integration' });
    const person = await startGitHubStandin({ actor: OCTOCAT });
    try {
      const response = await fetch(`${person.baseUrl}/user`, { headers: { authorization: 'token t' } });
      expect(response.status).toBe(200);
      const json = (await response.json()) as { login: string };
      expect(json.login).toBe('octocat');
      expect(problemsOf('GET', '/user', 200, json)).toEqual([]);
      expect(person.schemaViolations).toEqual([]);
    } finally {
      await person.close();
    }
  });

  it('serves a pull request from a real webhook payload that satisfies the REST pull-request schema', async () => {
    const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];
    const opened = definitions
      .find((definition) => definition.name === 'pull_request')
      ?.examples.find((payload) => payload.action === 'opened');
    standin.setPullRequest(opened?.pull_request ?? {});
    const pull = await call('GET', '/repos/Codertocat/Hello-World/pulls/2');
    expect(pull.status).toBe(200);
    expect(problemsOf('GET', PULL, 200, pull.json)).toEqual([]);
    expect((await call('GET', '/repos/Codertocat/Hello-World/pulls/99')).status).toBe(404);
  });

  it('records every request with method, path, query, body and authorization', async () => {
    const before = standin.requests.length;
    await call('POST', '/repos/Codertocat/Hello-World/issues/4/comments', { body: 'recorded' });
    await call('GET', '/repos/Codertocat/Hello-World/issues/4/comments?per_page=10&page=2');
    const [post, get] = standin.requests.slice(before);
    expect(post).toMatchObject({
      method: 'POST',
      path: '/repos/Codertocat/Hello-World/issues/4/comments',
      route: `POST ${LIST}`,
      operationId: 'issues/create-comment',
      query: {},
      body: { body: 'recorded' },
      authorization: `token ${TOKEN}`,
      status: 201,
      injected: false,
    });
    expect(get).toMatchObject({
      method: 'GET',
      route: `GET ${LIST}`,
      query: { per_page: '10', page: '2' },
      body: undefined,
    });
  });
});
