// `image-size-gate aggregate REPORT…`: the aggregator on report files, outside GitHub Actions. Flags share
// the aggregate action's input names; the positional arguments are the reports (files or globs).
import { parseArgs } from 'node:util';
import { AGGREGATE_INPUT_NAMES, type AggregateInputName, parseAggregateInputs } from './inputs.js';
import { runAggregate } from './run-aggregate.js';

/** Inputs that only mean something inside GitHub Actions. */
const ACTION_ONLY: readonly AggregateInputName[] = [
  'github-token',
  'comment',
  'comment-key',
  'summary',
  'pull-request',
];
export const AGGREGATE_FLAGS = AGGREGATE_INPUT_NAMES.filter(
  (name) => !ACTION_ONLY.includes(name) && name !== 'reports',
);

export const AGGREGATE_USAGE =
  '       image-size-gate aggregate REPORT… [--expect "IMAGE PLATFORMS"] [--report-file F]   merge leg reports into one verdict';

export async function runAggregateCommand(
  argv: string[],
  io: { workspace: string; out: (text: string) => void; err: (text: string) => void },
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: Object.fromEntries(AGGREGATE_FLAGS.map((name) => [name, { type: 'string' as const }])),
    allowPositionals: true,
  });
  const flags = values as Record<string, string | undefined>;
  const inputs = parseAggregateInputs((name) =>
    name === 'reports'
      ? positionals.join('\n')
      : name === 'comment' || name === 'summary'
        ? 'false'
        : (flags[name] ?? ''),
  );
  const result = await runAggregate(
    inputs,
    {
      workspace: io.workspace,
      target: { kind: 'none', reason: 'the CLI does not comment' },
      defaultReportFile: null,
    },
    {
      runReports: null,
      pullRequests: null,
      comments: null,
      summary: null,
      log: { info: () => undefined, warning: (line) => io.err(`${line}\n`) },
    },
  );
  io.out(result.markdown);
  if (result.reportPath) io.err(`merged report: ${result.reportPath}\n`);
  return result.decision.verdict === 'fail' ? 1 : 0;
}
