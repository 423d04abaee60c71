// The CLI's composition root (the action's is src/action.ts): the gate outside GitHub, for the CLI and the
// demo. No comment, no job summary; progress on stderr, the report table on stdout.
import { DockerBuildx } from '../buildx/buildx.js';
import { DockerodeEngine } from '../docker/engine.js';
import { type GateResult, runGate } from '../gate/run-gate.js';
import { baselineGit, execGit, type Git } from '../git/baseline.js';
import { storeHistory } from '../git/history.js';
import { fenceInWorkflow as safe } from '../github/workflow-log.js';
import type { Inputs } from '../inputs/inputs.js';
import { registryImages } from '../measure/registry-reader.js';
import { renderTerminal } from '../report/render/terminal.js';
import { openStore } from '../store/open-store.js';

export interface LocalRun {
  workspace: string;
  defaultReportFile: string | null;
  /** Show build output and every log line, not only phases and warnings. */
  verbose: boolean;
}

/** One line of git's output in dir; null when git fails (not a repository, no such ref) or is missing. */
async function gitLine(git: Git, dir: string, args: string[]): Promise<string | null> {
  const result = await git.run(dir, args).catch(() => null);
  return result?.exitCode === 0 ? result.stdout.trim() : null;
}

/** Where a pull request would usually go: origin's HEAD branch, else main or master if there is one. */
export async function defaultBranch(dir: string, git: Git = execGit()): Promise<string | null> {
  const originHead = await gitLine(git, dir, ['rev-parse', '--abbrev-ref', 'origin/HEAD']);
  if (originHead?.startsWith('origin/')) return originHead.slice('origin/'.length);
  for (const branch of ['main', 'master']) {
    for (const ref of [`refs/heads/${branch}`, `refs/remotes/origin/${branch}`]) {
      if (await gitLine(git, dir, ['rev-parse', '--verify', '--quiet', ref])) return branch;
    }
  }
  return null;
}

export async function runLocalGate(inputs: Inputs, run: LocalRun): Promise<GateResult> {
  const git = execGit();
  const err = (line: string) => process.stderr.write(`${safe(line)}\n`);
  const brief = (line: string) =>
    line.startsWith('[phase]') ||
    line.startsWith('base commit') ||
    line.startsWith('baseline:') ||
    line.startsWith('stored ');
  const reportStore = inputs.store
    ? await openStore(inputs.store, { repository: null, github: null, token: null }).catch((error: Error) => {
        err(`warning: the report store could not be opened: ${error.message}`);
        return null;
      })
    : null;
  const result = await runGate(
    { ...inputs, comment: false, summary: false },
    {
      eventName: 'local',
      workspace: run.workspace,
      pullRequest: null,
      defaultReportFile: run.defaultReportFile,
      headSha: await gitLine(git, run.workspace, ['rev-parse', 'HEAD']),
      dirty: ((await gitLine(git, run.workspace, ['status', '--porcelain'])) ?? '') !== '',
      ref: await gitLine(git, run.workspace, ['symbolic-ref', '--quiet', 'HEAD']),
    },
    {
      buildx: new DockerBuildx(),
      docker: new DockerodeEngine(),
      registry: registryImages(),
      git: baselineGit({ git }),
      comments: null,
      summary: null,
      log: {
        info: (line) => (run.verbose || brief(line) ? err(line) : undefined),
        warning: (line) => err(`warning: ${line}`),
        detail: (line) => (run.verbose ? err(line) : undefined),
        group: () => {},
        // Printed to stdout below, in colour where that is a terminal; never twice with --verbose.
        report: () => {},
      },
      reportStore,
      storeHistory: storeHistory(run.workspace, { git }),
    },
  );
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(`${safe(renderTerminal(result.report, { color }))}\n`);
  if (result.reportPath) err(`report: ${result.reportPath}`);
  if (inputs.markdownFile) err(`markdown: ${inputs.markdownFile}`);
  return result;
}
