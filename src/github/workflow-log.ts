// Text for the runner's log that can never act as a workflow command. The runner reads every line of a
// step's stdout and stderr (split at \n and at \r) and obeys a line that, after leading spaces, starts with
// `::` (or carries the legacy `##[`). Build output, file names, labels, instructions and git refs come from
// the pull request, so any text that could hold a command is fenced: `::stop-commands::TOKEN` turns command
// processing off until the line `::TOKEN::`, and the token is fresh and random for each block, so the text
// inside cannot know it to end the fence early.
import { randomBytes } from 'node:crypto';

/** True when some line of the text could be read as a workflow command (v2 `::` or legacy `##[`). */
export function couldIssueCommand(text: string): boolean {
  return text.includes('::') || text.includes('##[');
}

/** The text unchanged when it holds nothing command-like, else fenced between stop- and resume lines. */
export function fenceCommands(text: string, token: string = stopToken()): string {
  if (!couldIssueCommand(text)) return text;
  return `::stop-commands::${token}\n${text}\n::${token}::`;
}

function stopToken(): string {
  return `isg-${randomBytes(16).toString('hex')}`;
}
