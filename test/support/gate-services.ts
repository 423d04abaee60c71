// The gate's real adapters for integration tests: one daemon, git with its own temp root, no GitHub, and a
// log kept in an array (warnings prefixed) so a test can read what the gate said.
import Docker from 'dockerode';
import type { Buildx } from '../../src/buildx/buildx.js';
import { DockerodeEngine } from '../../src/docker/engine.js';
import type { GateContext, GateServices } from '../../src/gate/run-gate.js';
import { baselineGit } from '../../src/git/baseline.js';
import { registryImages } from '../../src/measure/registry-reader.js';

export function realGateServices(options: {
  buildx: Buildx;
  socket: string;
  runnerTemp: string;
  logs: string[];
}): GateServices {
  const { logs } = options;
  return {
    buildx: options.buildx,
    docker: new DockerodeEngine(new Docker({ socketPath: options.socket })),
    registry: registryImages(),
    git: baselineGit({ tempRoot: options.runnerTemp }),
    comments: null,
    summary: null,
    log: {
      info: (l) => logs.push(l),
      warning: (l) => logs.push(`warning: ${l}`),
      detail: () => {},
      group: () => {},
    },
  };
}

/**
 * A push of `push` to main, or else pull request #1 of acme/api from `headRef` (at `headSha`) into main at
 * `base`: the two runs a report store sees.
 */
export function pushOrPullRequest(
  workspace: string,
  run: { push?: string; base?: string },
  headRef: string,
  headSha: string,
): GateContext {
  return {
    eventName: run.push ? 'push' : 'pull_request',
    workspace,
    pullRequest: run.push
      ? null
      : {
          owner: 'acme',
          repo: 'api',
          number: 1,
          baseRef: 'main',
          baseSha: run.base!,
          headRef,
          headSha,
          headRepoFullName: 'acme/api',
          isFork: false,
        },
    defaultReportFile: null,
    headSha: run.push ?? null,
    ref: run.push ? 'refs/heads/main' : 'refs/pull/1/merge',
  };
}
