#!/usr/bin/env node
// `image-size-gate`: the same gate as the action, run locally before pushing. Flags share the action's
// input names. Prints a table, writes the JSON report and the markdown when asked, exits 1 on fail.
import { parseArgs } from 'node:util';
import { runDemo } from './demo/demo.js';
import { runLocalGate } from './gate/local.js';
import { INPUT_NAMES, InputError, type InputName, parseInputs } from './inputs/inputs.js';

/** Inputs that only make sense inside GitHub Actions. */
const ACTION_ONLY: readonly InputName[] = [
  'github-token',
  'comment',
  'comment-key',
  'summary',
  'allow-untrusted-build',
];
const FLAGS = INPUT_NAMES.filter((name) => !ACTION_ONLY.includes(name));

const USAGE = `Usage: image-size-gate [--flag value ...]      gate the image built from the current directory
       image-size-gate demo [--dir DIR]           build a lean and a bloated example commit and gate them

Flags (the action's inputs): ${FLAGS.map((f) => `--${f}`).join(', ')}
Other: --verbose (show build output), --help
Example: image-size-gate --base-ref main --max-increase 5MB --report-file report.json
Exit status: 0 pass / warn / no baseline, 1 fail, 2 usage or setup error.`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'demo') return runDemo(argv.slice(1));
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(FLAGS.map((name) => [name, { type: 'string' as const }])),
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const flags = values as Record<string, string | boolean | undefined>;
  const workspace = process.cwd();
  const inputs = parseInputs(
    (name) => {
      const value = flags[name];
      return typeof value === 'string' ? value : '';
    },
    { workspace, eventBaseRef: null },
  );
  const result = await runLocalGate(inputs, {
    workspace,
    defaultReportFile: null,
    verbose: flags.verbose === true,
  });
  return result.decision.verdict === 'fail' ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`image-size-gate: ${message}\n`);
    if (!(error instanceof InputError)) process.stderr.write('run with --verbose for the build output\n');
    process.exitCode = 2;
  },
);
