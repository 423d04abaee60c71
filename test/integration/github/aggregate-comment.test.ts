// The aggregator's one comment per comment-key, through the real Octokit adapters against the GitHub
// stand-in: legs of two images end in one comment, a re-run updates it, two aggregators racing leave one,
// and an older head never overwrites a newer one.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseAggregateInputs } from '../../../src/aggregate/inputs.js';
import { type AggregateTarget, recordedHead, runAggregate } from '../../../src/aggregate/run-aggregate.js';
import { createGitHubClient } from '../../../src/github/client.js';
import { commentMarker, createPullRequestComments } from '../../../src/github/comments.js';
import { createPullRequests } from '../../../src/github/pull-requests.js';
import { EVENT_FIXTURES } from '../../e2e/runner.js';
import { type GitHubStandin, startGitHubStandin } from '../../support/github-standin.js';
import { bytesOf, HEAD_SHA, legReport } from '../../unit/aggregate/legs.js';

const TOKEN = 'ghs_aggregate_token';
const LIST = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
const NEWER = 'b1e2c3d4e5f60718293a4b5c6d7e8f9012345678';
let gh: GitHubStandin;
let dir: string;
let logs: string[];

const pullRequest = (headSha: string) => {
  const payload = JSON.parse(readFileSync(join(EVENT_FIXTURES, 'pull_request.opened.json'), 'utf8'));
  payload.pull_request.head.sha = headSha;
  return payload.pull_request as Record<string, unknown>;
};

function aggregate(inputs: Record<string, string> = {}, target?: AggregateTarget) {
  const octokit = createGitHubClient({ token: TOKEN, baseUrl: gh.baseUrl, retryBaseMs: 1 });
  return runAggregate(
    parseAggregateInputs(
      (name) => (({ reports: `${dir}/*.json`, ...inputs }) as Record<string, string>)[name] ?? '',
    ),
    {
      workspace: dir,
      target: target ?? {
        kind: 'pull-request',
        owner: 'Codertocat',
        repo: 'Hello-World',
        number: 2,
        headSha: HEAD_SHA,
      },
      defaultReportFile: null,
    },
    {
      runReports: null,
      pullRequests: createPullRequests(octokit),
      comments: createPullRequestComments(octokit),
      summary: null,
      log: { info: (line) => logs.push(line), warning: (line) => logs.push(`warning: ${line}`) },
    },
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'isg-aggregate-'));
  writeFileSync(join(dir, 'api-amd64.json'), bytesOf(legReport({ platforms: ['linux/amd64'] })));
  writeFileSync(join(dir, 'api-arm64.json'), bytesOf(legReport({ platforms: ['linux/arm64'] })));
  writeFileSync(
    join(dir, 'worker-amd64.json'),
    bytesOf(legReport({ context: 'services/worker', platforms: ['linux/amd64'], head: 'same' })),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  gh = await startGitHubStandin({ token: TOKEN });
  gh.setPullRequest(pullRequest(HEAD_SHA));
  logs = [];
});
afterEach(async () => {
  expect(gh.schemaViolations).toEqual([]);
  await gh.close();
});

const ours = () => gh.comments(2).filter((c) => c.body.startsWith(commentMarker('default')));

describe('the aggregate comment', () => {
  it('is one comment with both images and both platforms of the first merged, and a re-run updates it', async () => {
    const first = await aggregate();
    expect(first.outputs).toMatchObject({ verdict: 'pass', 'pull-request': '2' });
    expect(ours()).toHaveLength(1);
    const [comment] = ours();
    expect(recordedHead(comment!.body)).toBe(HEAD_SHA);
    expect(comment!.body).toContain('(2 images, 3 platforms, head ec26c3e)');
    expect(comment!.body).toMatch(/<details><summary><code>services\/api<\/code>/);
    expect(comment!.body).toMatch(/<details><summary><code>services\/worker<\/code>/);
    expect(comment!.body).toMatch(
      /\| <code>services\/api<\/code> \| \*\*pass\*\* \| \+[\d.]+ MB .* \| \+[\d.]+ MB/,
    );

    await aggregate();
    expect(ours().map((c) => c.id)).toEqual([comment!.id]);
    expect(gh.requestsTo('PATCH', '/repos/{owner}/{repo}/issues/comments/{comment_id}')).toHaveLength(1);
  });

  it('two aggregators racing on one pull request end with exactly one comment', async () => {
    // Both list the comments before either creates one: the read-then-write race, forced, not timed.
    gh.holdUntil('GET', LIST, 2);
    const results = await Promise.all([aggregate(), aggregate()]);
    expect(gh.requestsTo('POST', LIST)).toHaveLength(2);
    expect(ours()).toHaveLength(1);
    expect(results.map((r) => r.outputs['pull-request'])).toEqual(['2', '2']);
    expect(gh.comments(2)).toHaveLength(1);
  });

  it('leaves the comment alone when the pull request has moved to a newer head, and says why', async () => {
    await aggregate();
    const before = ours()[0]!.body;
    gh.setPullRequest(pullRequest(NEWER));
    const stale = await aggregate();
    expect(stale.outputs['pull-request']).toBe('');
    expect(ours()[0]!.body).toBe(before);
    expect(logs.join('\n')).toMatch(/head is now b1e2c3d, and this run describes ec26c3e/);
  });

  it('never overwrites a comment that describes a newer head, even when the head moves during the run', async () => {
    gh.addComment(2, `${commentMarker('default')}\n<!-- image-size-gate-head:${NEWER} -->\nnewer`, gh.actor);
    gh.setPullRequest(pullRequest(NEWER));
    // The first look still sees the old head; the look right before the write sees the newer one.
    gh.inject('GET', '/repos/{owner}/{repo}/pulls/{pull_number}', {
      status: 200,
      body: { auto_merge: null, ...pullRequest(HEAD_SHA) },
    });
    const result = await aggregate();
    expect(gh.requestsTo('GET', '/repos/{owner}/{repo}/pulls/{pull_number}')).toHaveLength(2);
    expect(ours().map((c) => c.body.split('\n')[2])).toEqual(['newer']);
    expect(result.outputs['pull-request']).toBe('');
    expect(logs.join('\n')).toMatch(/no comment: pull request #2's head is now b1e2c3d/);
  });

  it('with a read-only token (a fork) decides anyway and says the comment was refused', async () => {
    gh.readOnly = true;
    const result = await aggregate();
    expect(result.outputs.verdict).toBe('pass');
    expect(ours()).toHaveLength(0);
    expect(logs.join('\n')).toMatch(
      /warning: could not comment on pull request #2: GitHub refused .*HTTP 403/,
    );
  });

  it('lists a leg that did not report as missing, in the comment too', async () => {
    const result = await aggregate({
      expect: 'services/api linux/amd64,linux/arm64\nservices/billing linux/amd64',
    });
    expect(result.decision.missing).toHaveLength(1);
    expect(result.outputs.verdict).toBe('warn');
    expect(ours()[0]!.body).toMatch(
      /<code>services\/billing<\/code> <code>linux\/amd64<\/code>&#58; no report for this image/,
    );
  });
});
