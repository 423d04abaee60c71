import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

interface WebhookDefinition {
  name: string;
  examples: Record<string, unknown>[];
}

const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

function example(
  name: string,
  matches: (payload: Record<string, unknown>) => boolean,
): Record<string, unknown> {
  const found = definitions.find((definition) => definition.name === name)?.examples.find(matches);
  if (!found) throw new Error(`@octokit/webhooks-examples has no matching ${name} example`);
  return found;
}

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/events/${name}`, import.meta.url), 'utf8'));
}

describe('event fixtures are GitHub payloads, unchanged', () => {
  const opened = example('pull_request', (payload) => payload.action === 'opened');

  it.each([
    ['pull_request.opened.json', opened],
    ['pull_request_target.opened.json', opened],
    ['push.json', example('push', (payload) => payload.ref === 'refs/heads/master')],
    [
      'workflow_run.completed.json',
      example('workflow_run', (payload) => {
        const run = payload.workflow_run as { conclusion: string; pull_requests: unknown[] };
        return (
          payload.action === 'completed' && run.conclusion === 'success' && run.pull_requests.length === 0
        );
      }),
    ],
  ])('%s', (file, payload) => {
    expect(fixture(file)).toEqual(payload);
  });
});
