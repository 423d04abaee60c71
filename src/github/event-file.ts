// Checks GITHUB_EVENT_PATH before @actions/github reads it. That library parses the file while it is being
// imported, so invalid JSON there would end the step with a raw stack trace before any of our code runs.
// Imported first by the action's entry (module evaluation follows import order): a file that does not parse
// is recorded here and hidden from the library, and the entry fails the step with one line naming it.
import { existsSync, readFileSync } from 'node:fs';

function checkEventFile(): string | null {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path || !existsSync(path)) return null;
  try {
    JSON.parse(readFileSync(path, 'utf8'));
    return null;
  } catch (error) {
    delete process.env.GITHUB_EVENT_PATH;
    const why =
      error instanceof SyntaxError ? 'is not valid JSON' : `cannot be read (${(error as Error).message})`;
    return `the event payload GITHUB_EVENT_PATH (${path}) ${why}: the runner writes this file; re-run the job`;
  }
}

/** Why the event file cannot be used, or null when it parses (or there is none). */
export const eventFileProblem: string | null = checkEventFile();
