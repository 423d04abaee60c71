// The job summary (the markdown GitHub shows on the run's page), behind an interface so the gate can be
// run and tested without a runner.

import * as core from '@actions/core';

export {
  EventPayloadError,
  isPullRequestTarget,
  type PullRequestContext,
  pullRequestContextFrom,
  untrustedBuildRefusal,
} from './event.js';

export type SummaryResult =
  | { written: true; path: string }
  /** failed: the file is there to write and could not be (a warning), rather than no file at all. */
  | { written: false; reason: string; failed?: boolean };

export interface JobSummary {
  /** Appends the markdown to this step's summary. */
  write(markdown: string): Promise<SummaryResult>;
}

/** The runner's job summary (GITHUB_STEP_SUMMARY); outside a runner it reports why nothing was written. */
export function actionsJobSummary(): JobSummary {
  return {
    async write(markdown) {
      const path = process.env.GITHUB_STEP_SUMMARY;
      if (!path)
        return { written: false, reason: 'GITHUB_STEP_SUMMARY is not set (not running on a GitHub runner)' };
      try {
        await core.summary.addRaw(markdown, true).write();
      } catch (error) {
        core.summary.emptyBuffer();
        return {
          written: false,
          failed: true,
          reason: `GITHUB_STEP_SUMMARY (${path}) could not be written: ${(error as Error).message}`,
        };
      }
      return { written: true, path };
    },
  };
}
