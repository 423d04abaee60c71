// The aggregator's inputs (aggregate/action.yml) and the `image-size-gate aggregate` flags: same names,
// parsed once. Errors name the input and say how to fix it.
import type { GateMode, MissingBaselinePolicy, Platform } from '../core/model.js';
import { type InputError, parseCommentKey, parsePlatforms } from '../inputs/inputs.js';
import type { ExpectedLeg } from './model.js';

export const AGGREGATE_INPUT_NAMES = [
  'reports',
  'expect',
  'github-token',
  'comment',
  'comment-key',
  'summary',
  'pull-request',
  'mode',
  'on-missing-baseline',
  'report-file',
  'markdown-file',
] as const;

export type AggregateInputName = (typeof AGGREGATE_INPUT_NAMES)[number];

export interface AggregateInputs {
  /** Files or globs, relative to the workspace; empty on workflow_run: the triggering run's artifacts. */
  reports: string[];
  expected: ExpectedLeg[] | null;
  githubToken: string | null;
  comment: boolean;
  commentKey: string;
  summary: boolean;
  pullRequest: number | null;
  mode: GateMode;
  onMissing: MissingBaselinePolicy;
  reportFile: string | null;
  markdownFile: string | null;
}

export class AggregateInputError extends Error {
  constructor(
    readonly input: AggregateInputName,
    problem: string,
  ) {
    super(`input \`${input}\`: ${problem}`);
  }
}

export function parseAggregateInputs(read: (name: AggregateInputName) => string): AggregateInputs {
  const text = (name: AggregateInputName) => read(name).trim();
  const bool = (name: AggregateInputName, fallback: boolean) => {
    const value = text(name);
    if (value === '') return fallback;
    if (/^(true|yes|1|on)$/i.test(value)) return true;
    if (/^(false|no|0|off)$/i.test(value)) return false;
    throw new AggregateInputError(name, `"${value}" is not a boolean: write true or false`);
  };
  const oneOf = <T extends string>(name: AggregateInputName, fallback: T, allowed: readonly T[]): T => {
    const value = text(name) || fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new AggregateInputError(name, `"${value}" is not one of ${allowed.join(' | ')}`);
  };
  const pr = text('pull-request');
  if (pr !== '' && !/^[1-9]\d{0,9}$/.test(pr)) {
    throw new AggregateInputError('pull-request', `"${pr}" is not a pull request number`);
  }
  let commentKey: string;
  try {
    commentKey = parseCommentKey(text('comment-key') || 'default');
  } catch (error) {
    throw new AggregateInputError(
      'comment-key',
      (error as InputError).message.replace(/^input `[^`]+`: /, ''),
    );
  }
  return {
    reports: read('reports')
      .split(/\r?\n|,/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
    expected: parseExpect(read('expect')),
    githubToken: text('github-token') || null,
    comment: bool('comment', true),
    commentKey,
    summary: bool('summary', true),
    pullRequest: pr === '' ? null : Number(pr),
    mode: oneOf('mode', 'fail', ['fail', 'warn'] as const),
    onMissing: oneOf('on-missing-baseline', 'warn', ['fail', 'warn', 'pass'] as const),
    reportFile: text('report-file') || null,
    markdownFile: text('markdown-file') || null,
  };
}

/** `IMAGE PLATFORM[,PLATFORM…]` a line: IMAGE is the build context (or context:target, or the image repository). */
export function parseExpect(value: string): ExpectedLeg[] | null {
  const lines = value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length === 0) return null;
  const byImage = new Map<string, Platform[]>();
  lines.forEach((line, index) => {
    const [image, ...rest] = line.split(/\s+/);
    if (!image || rest.length === 0) {
      throw new AggregateInputError(
        'expect',
        `line ${index + 1} ("${line}") is not IMAGE PLATFORMS: write e.g. services/api linux/amd64,linux/arm64`,
      );
    }
    let platforms: Platform[];
    try {
      platforms = parsePlatforms(rest.join(','));
    } catch (error) {
      throw new AggregateInputError(
        'expect',
        `line ${index + 1}: ${(error as InputError).message.replace(/^input `[^`]+`: /, '')}`,
      );
    }
    byImage.set(image, [...new Set([...(byImage.get(image) ?? []), ...platforms])]);
  });
  return [...byImage].map(([image, platforms]) => ({ image, platforms }));
}
