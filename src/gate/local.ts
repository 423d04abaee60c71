// The gate outside GitHub (the CLI and the demo): no comment, no job summary; progress on stderr, the
// report table on stdout.
import { execFileSync } from 'node:child_process';
import { DockerBuildx } from '../buildx/buildx.js';
import { DockerodeEngine } from '../docker/engine.js';
import { baselineGit } from '../git/baseline.js';
import { storeHistory } from '../git/history.js';
import { fenceInWorkflow as safe } from '../github/workflow-log.js';
import type { Inputs } from '../inputs/inputs.js';
import { renderTerminal } from '../report/terminal.js';
import { openStore } from '../store/open-store.js';
import { type GateResult, runGate } from './run-gate.js';

export interface LocalRun {
  workspace: string;
  defaultReportFile: string | null;
  /** Show build output and every log line, not only phases and warnings. */
  verbose: boolean;
}

/** One line of git's output in dir; null when git fails (not a repository, no such ref). */
function gitLine(dir: string, args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

function headCommit(dir: string): string | null {
  return gitLine(dir, ['rev-parse', 'HEAD']);
}

/** Where a pull request would usually go: origin's HEAD branch, else main or master if there is one. */
export function defaultBranch(dir: string): string | null {
  const originHead = gitLine(dir, ['rev-parse', '--abbrev-ref', 'origin/HEAD']);
  if (originHead?.startsWith('origin/')) return originHead.slice('origin/'.length);
  for (const branch of ['main', 'master']) {
    if (gitLine(dir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])) return branch;
    if (gitLine(dir, ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/${branch}`])) return branch;
  }
  return null;
}

export async function runLocalGate(inputs: Inputs, run: LocalRun): Promise<GateResult> {
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
      headSha: headCommit(run.workspace),
      dirty: (gitLine(run.workspace, ['status', '--porcelain']) ?? '') !== '',
      ref: gitLine(run.workspace, ['symbolic-ref', '--quiet', 'HEAD']),
    },
    {
      buildx: new DockerBuildx(),
      docker: new DockerodeEngine(),
      git: baselineGit(),
      comments: null,
      summary: null,
      log: {
        info: (line) => (run.verbose || brief(line) ? err(line) : undefined),
        warning: (line) => err(`warning: ${line}`),
        detail: (line) => (run.verbose ? err(line) : undefined),
        group: () => {},
      },
      reportStore,
      storeHistory: storeHistory(run.workspace),
    },
  );
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(`${safe(renderTerminal(result.report, { color }))}\n`);
  if (result.reportPath) err(`report: ${result.reportPath}`);
  if (inputs.markdownFile) err(`markdown: ${inputs.markdownFile}`);
  return result;
}
