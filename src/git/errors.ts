export type BaselineGitErrorCode =
  /** A base SHA or ref that is malformed, or neither was given. */
  | 'invalid-input'
  | 'not-a-repository'
  /** The base SHA is not in the clone and the remote would not hand it over. */
  | 'base-commit-unavailable'
  /** The base ref is neither local nor fetchable from the remote. */
  | 'base-ref-not-found'
  /** HEAD and the base ref share no commit, even with the history fetched. */
  | 'no-merge-base'
  /** git failed in a way none of the above explains (the message carries git's own words). */
  | 'git-failed';

/** Errors that say what happened and what to do; `code` lets the caller choose between failing and no-baseline. */
export class BaselineGitError extends Error {
  override readonly name = 'BaselineGitError';

  constructor(
    readonly code: BaselineGitErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
