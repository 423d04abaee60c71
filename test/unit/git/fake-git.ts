// A scripted stand-in for git: each test says how commands answer; every call is recorded.
import type { Git, GitResult } from '../../../src/git/git-runner.js';

export type Answer = Partial<GitResult> | number;
/** Returns the answer for a command, or undefined to fall through to the defaults. */
export type Script = (args: string[]) => Answer | undefined;

export interface FakeGit extends Git {
  calls: string[][];
  /** The recorded commands whose first words match, joined by spaces, for readable assertions. */
  commands(prefix: string): string[];
}

// A healthy repository: it is one, the remote exists, ref names are valid, it is not shallow, it has nothing.
const defaults: Script = (args) => {
  const command = args.join(' ');
  if (command === 'rev-parse --git-dir') return { stdout: '.git\n' };
  if (command === 'rev-parse --is-shallow-repository') return { stdout: 'false\n' };
  if (command.startsWith('remote get-url')) return { stdout: 'https://example.invalid/repo.git\n' };
  if (command.startsWith('check-ref-format')) return 0;
  if (command.startsWith('rev-parse --verify')) return 1;
  return undefined;
};

export function fakeGit(script: Script): FakeGit {
  const calls: string[][] = [];
  return {
    calls,
    commands: (prefix) => calls.map((args) => args.join(' ')).filter((command) => command.startsWith(prefix)),
    async run(_dir, args) {
      calls.push([...args]);
      const answer = script([...args]) ?? defaults([...args]);
      if (answer === undefined) throw new Error(`fake git has no answer for: git ${args.join(' ')}`);
      const result = typeof answer === 'number' ? { exitCode: answer } : answer;
      return { exitCode: 0, stdout: '', stderr: '', ...result };
    },
  };
}

/** Answers `rev-parse --verify ... <rev>^{commit}` from a table of revisions the clone has. */
export function revisions(table: Record<string, string>): Script {
  return (args) => {
    if (args[0] !== 'rev-parse' || args[1] !== '--verify') return undefined;
    const revision = args.at(-1)!.replace(/\^\{commit\}$/, '');
    const sha = table[revision];
    return sha ? { stdout: `${sha}\n` } : 1;
  };
}

export function firstOf(...scripts: Script[]): Script {
  return (args) => {
    for (const script of scripts) {
      const answer = script(args);
      if (answer !== undefined) return answer;
    }
    return undefined;
  };
}
