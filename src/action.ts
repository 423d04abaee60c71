// The GitHub Action's entry: read the inputs and the event, run the gate, set the outputs. The only
// place that fails the step.
// First, before @actions/github parses the event file on import (see event-file.ts).
import './github/event-file.js';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { DockerBuildx } from './buildx/buildx.js';
import { DockerodeEngine } from './docker/engine.js';
import type { GateOutputs } from './gate/outputs.js';
import { runGate } from './gate/run-gate.js';
import { baselineGit } from './git/baseline.js';
import { storeHistory } from './git/history.js';
import { createGitHubClient } from './github/client.js';
import { createPullRequestComments } from './github/comments.js';
import { pullRequestContextFrom } from './github/event.js';
import { eventFileProblem } from './github/event-file.js';
import { createOverrideEvidenceSource } from './github/override-evidence.js';
import { actionsJobSummary } from './github/summary.js';
import { fenceCommands } from './github/workflow-log.js';
import { parseInputs, secretTexts } from './inputs/inputs.js';
import { registryImages } from './measure/registry-reader.js';
import { maskRegistrySecretsWith } from './registry/credentials.js';
import { actionsArtifactUploader } from './store/actions-store.js';
import { openStore } from './store/open-store.js';

/** core.info for text that may hold anything: it can never act as a workflow command. */
const info = (text: string) => core.info(fenceCommands(text));

/** Masks the token, the secrets input and every value it names before anything else can print them. */
function maskSecrets() {
  const smallFile = (path: string) => {
    try {
      return statSync(path).size <= 64 * 1024 ? readFileSync(path, 'utf8') : null;
    } catch {
      return null;
    }
  };
  for (const text of secretTexts(core.getInput('secrets'), process.env, smallFile)) core.setSecret(text);
  const token = core.getInput('github-token');
  if (token) core.setSecret(token);
  // Credentials from the Docker config's helpers are only known when a registry asks for them.
  maskRegistrySecretsWith((secret) => core.setSecret(secret));
}

/** Sets the outputs; a GITHUB_OUTPUT that cannot be written costs the outputs, never the verdict. */
function setOutputs(outputs: GateOutputs) {
  try {
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
  } catch (error) {
    core.warning(
      `could not write the step outputs to GITHUB_OUTPUT (${process.env.GITHUB_OUTPUT}): ${(error as Error).message}; the verdict (${outputs.verdict}) stands`,
    );
  }
}

function numberFromEnv(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

async function main(): Promise<void> {
  try {
    maskSecrets();
    if (eventFileProblem) throw new Error(eventFileProblem);
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
    // Internal knobs for tests; the defaults are what a runner gets.
    const requestTimeoutMs = numberFromEnv('IMAGE_SIZE_GATE_REQUEST_TIMEOUT_MS');
    const publishBudgetMs = numberFromEnv('IMAGE_SIZE_GATE_PUBLISH_BUDGET_MS');
    const octokit = inputs.githubToken
      ? createGitHubClient({
          token: inputs.githubToken,
          log: info,
          ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
        })
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
        ...(publishBudgetMs ? { publishBudgetMs } : {}),
      },
      {
        buildx: new DockerBuildx(),
        docker: new DockerodeEngine(),
        registry: registryImages(),
        git: baselineGit(),
        comments: octokit ? createPullRequestComments(octokit) : null,
        overrideEvidence: octokit ? createOverrideEvidenceSource(octokit) : null,
        summary: actionsJobSummary(),
        log: {
          info,
          warning: core.warning,
          detail: info,
          group: (title, body) => {
            core.startGroup(title);
            info(body);
            core.endGroup();
          },
          fold: (title, fn) => core.group(title, fn),
        },
        reportStore,
        storeHistory: storeHistory(workspace),
        reportUploader: inputs.uploadReport ? await actionsArtifactUploader() : null,
      },
    );
    setOutputs(result.outputs);
    if (result.failure) core.setFailed(result.failure);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

await main();
