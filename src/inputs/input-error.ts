// The names every input and flag share, the error that names one, and the one rule for choice inputs.

/** Every input's name, as action.yml and the CLI spell it. */
export const INPUT_NAMES = [
  'context',
  'file',
  'target',
  'build-args',
  'secrets',
  'platforms',
  'builder',
  'image',
  'base-image',
  'base-ref',
  'release-tags',
  'baseline',
  'store',
  'publish',
  'store-depth',
  'history',
  'on-missing-baseline',
  'max-increase',
  'max-increase-percent',
  'max-size',
  'size-basis',
  'mode',
  'github-token',
  'comment',
  'comment-key',
  'override-label',
  'summary',
  'upload-report',
  'allow-untrusted-build',
  'registry',
  'report-file',
  'markdown-file',
] as const;

export type InputName = (typeof INPUT_NAMES)[number];

export class InputError extends Error {
  constructor(
    readonly input: InputName,
    readonly problem: string,
  ) {
    super(`input \`${input}\`: ${problem}`);
  }
}

/**
 * A choice input's value. Choices match whatever the case (`Compressed`, `WARN`), as booleans do: YAML
 * authors capitalise, and no two choices differ only in case.
 */
export function oneOf<T extends string>(name: InputName, value: string, allowed: readonly T[]): T {
  const found = allowed.find((choice) => choice === value.trim().toLowerCase());
  if (found !== undefined) return found;
  throw new InputError(name, `"${value}" is not one of ${allowed.join(' | ')}`);
}
