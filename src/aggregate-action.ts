// The aggregator action's entry (aggregate/action.yml → dist/aggregate.js): read the inputs and the event,
// run the aggregator, set the outputs. The only place that fails its step.
// First, before @actions/github parses the event file on import (see event-file.ts).
import './github/event-file.js';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { parseAggregateInputs } from './aggregate/inputs.js';
import { runAggregate } from './aggregate/run-aggregate.js';
import { targetFromEvent } from './aggregate/target.js';
import { createGitHubClient } from './github/client.js';
import { createPullRequestComments } from './github/comments.js';
import { eventFileProblem } from './github/event-file.js';
import { createPullRequests } from './github/pull-requests.js';
import { actionsJobSummary } from './github/summary.js';
import { fenceCommands } from './github/workflow-log.js';
import { readRunReports } from './store/run-artifacts.js';

const info = (text: string) => core.info(fenceCommands(text));
const warning = (text: string) => core.warning(fenceCommands(text));

async function main(): Promise<void> {
  try {
    const token = core.getInput('github-token');
    if (token) core.setSecret(token);
    if (eventFileProblem) throw new Error(eventFileProblem);
    const inputs = parseAggregateInputs((name) => core.getInput(name));
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
    const target = targetFromEvent(
      github.context.eventName,
      github.context.payload as Record<string, unknown>,
      process.env.GITHUB_REPOSITORY,
    );
    const octokit = inputs.githubToken ? createGitHubClient({ token: inputs.githubToken, log: info }) : null;
    const result = await runAggregate(
      inputs,
      {
        workspace,
        target,
        defaultReportFile: join(process.env.RUNNER_TEMP || workspace, 'image-size-gate', 'aggregate.json'),
      },
      {
        runReports:
          octokit && inputs.githubToken && target.kind === 'workflow-run'
            ? (runId) =>
                readRunReports(octokit, {
                  owner: target.owner,
                  repo: target.repo,
                  runId,
                  token: inputs.githubToken!,
                })
            : null,
        pullRequests: octokit ? createPullRequests(octokit) : null,
        comments: octokit ? createPullRequestComments(octokit) : null,
        summary: actionsJobSummary(),
        log: { info, warning },
      },
    );
    try {
      for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value);
    } catch (error) {
      warning(
        `could not write the step outputs: ${(error as Error).message}; the verdict (${result.outputs.verdict}) stands`,
      );
    }
    if (result.failure) core.setFailed(fenceCommands(result.failure));
  } catch (error) {
    core.setFailed(fenceCommands(error instanceof Error ? error.message : String(error)));
  }
}

await main();
