// The GitHub Action's entry: read the inputs and the event, run the gate, set the outputs. The only
// place that fails the step.
import { join } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { DockerBuildx } from './buildx/buildx.js';
import { DockerodeEngine } from './docker/engine.js';
import { runGate } from './gate/run-gate.js';
import { baselineGit } from './git/baseline.js';
import { storeHistory } from './git/history.js';
import { createGitHubClient } from './github/client.js';
import { createPullRequestComments } from './github/comments.js';
import { pullRequestContextFrom } from './github/event.js';
import { actionsJobSummary } from './github/summary.js';
import { parseInputs } from './inputs/inputs.js';
import { openStore } from './store/open-store.js';

async function main(): Promise<void> {
  try {
    const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
    const { eventName, payload } = github.context;
    const pullRequest = pullRequestContextFrom(eventName, payload);
    const ref = process.env.GITHUB_REF ?? null;
    const defaultBranch = (payload.repository as { default_branch?: string } | undefined)?.default_branch;
    const inputs = parseInputs((name) => core.getInput(name), {
      workspace,
      eventBaseRef: pullRequest?.baseRef ?? null,
      publishByDefault:
        eventName === 'push' &&
        ref !== null &&
        ((defaultBranch !== undefined && ref === `refs/heads/${defaultBranch}`) ||
          ref.startsWith('refs/tags/')),
    });
    if (inputs.githubToken) core.setSecret(inputs.githubToken);
    const octokit = inputs.githubToken
      ? createGitHubClient({ token: inputs.githubToken, log: core.info })
      : null;
    const reportStore = inputs.store
      ? await openStore(inputs.store, {
          repository: process.env.GITHUB_REPOSITORY ?? null,
          github: octokit,
          token: inputs.githubToken,
          ...(process.env.RUNNER_TEMP ? { tempRoot: process.env.RUNNER_TEMP } : {}),
        }).catch((error: Error) => {
          core.warning(
            `the report store could not be opened: ${error.message} (the gate goes on without it)`,
          );
          return null;
        })
      : null;
    const result = await runGate(
      inputs,
      {
        eventName,
        workspace,
        pullRequest,
        defaultReportFile: join(process.env.RUNNER_TEMP || workspace, 'image-size-gate', 'report.json'),
        headSha: pullRequest ? null : (process.env.GITHUB_SHA ?? null),
        ref,
      },
      {
        buildx: new DockerBuildx(),
        docker: new DockerodeEngine(),
        git: baselineGit(),
        comments: octokit ? createPullRequestComments(octokit) : null,
        summary: actionsJobSummary(),
        log: {
          info: core.info,
          warning: core.warning,
          detail: core.info,
          group: (title, body) => {
            core.startGroup(title);
            core.info(body);
            core.endGroup();
          },
          fold: (title, fn) => core.group(title, fn),
        },
        reportStore,
        storeHistory: storeHistory(workspace),
      },
    );
    for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value);
    if (result.failure) core.setFailed(result.failure);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

await main();
