// The one seam through which this project runs git: tests hand in a fake, production runs the real binary
// through @actions/exec.
import { debug, isDebug } from '@actions/core';
import { getExecOutput } from '@actions/exec';

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Git {
  /** Runs `git <args>` in `dir`. Resolves with the exit code whatever it is; rejects only when git cannot start. */
  run(dir: string, args: readonly string[]): Promise<GitResult>;
}

export interface ExecGitOptions {
  /** Echo each git command and its output to the debug log. Default: the runner's debug flag (RUNNER_DEBUG=1). */
  debug?: boolean;
}

export function execGit(options: ExecGitOptions = {}): Git {
  return {
    async run(dir, args) {
      const verbose = options.debug ?? isDebug();
      try {
        const result = await getExecOutput('git', [...args], {
          cwd: dir,
          silent: true,
          ignoreReturnCode: true,
          // A credential prompt would hang a CI job until its timeout; fail fast instead.
          env: { ...definedEnv(process.env), GIT_TERMINAL_PROMPT: '0' },
        });
        // Echoed as one ::debug:: command, whose data the runner never reads as a command: git's output
        // carries ref names, file names and commit messages from the pull request.
        if (verbose) debug([`git ${args.join(' ')}`, result.stdout, result.stderr].join('\n').trimEnd());
        return result;
      } catch (error) {
        throw new Error(
          `Could not run git in ${dir}: ${error instanceof Error ? error.message : String(error)}. ` +
            'Install git and put it on PATH.',
          { cause: error },
        );
      }
    },
  };
}

function definedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}

/** The last lines of git's stderr, for error messages that show what git said without flooding the log. */
export function stderrTail(result: GitResult, lines = 5): string {
  const text = result.stderr.trim() || result.stdout.trim();
  if (text === '') return `git exited with code ${result.exitCode}`;
  return text.split('\n').slice(-lines).join('\n');
}
