// The gate outside GitHub (the CLI and the demo): no comment, no job summary; progress on stderr, the
// report table on stdout.
import { execFileSync } from 'node:child_process';
import { DockerBuildx } from '../buildx/buildx.js';
import { DockerodeEngine } from '../docker/engine.js';
import { baselineGit } from '../git/baseline.js';
import type { Inputs } from '../inputs/inputs.js';
import { renderTerminal } from '../report/terminal.js';
import { type GateResult, runGate } from './run-gate.js';

export interface LocalRun {
  workspace: string;
  defaultReportFile: string | null;
  /** Show build output and every log line, not only phases and warnings. */
  verbose: boolean;
}

function headCommit(dir: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

export async function runLocalGate(inputs: Inputs, run: LocalRun): Promise<GateResult> {
  const err = (line: string) => process.stderr.write(`${line}\n`);
  const brief = (line: string) => line.startsWith('[phase]') || line.startsWith('base commit');
  const result = await runGate(
    { ...inputs, comment: false, summary: false },
    {
      eventName: 'local',
      workspace: run.workspace,
      pullRequest: null,
      defaultReportFile: run.defaultReportFile,
      headSha: headCommit(run.workspace),
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
    },
  );
  const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(`${renderTerminal(result.report, { color })}\n`);
  if (result.reportPath) err(`report: ${result.reportPath}`);
  if (inputs.markdownFile) err(`markdown: ${inputs.markdownFile}`);
  return result;
}
