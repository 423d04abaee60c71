#!/usr/bin/env node
// `image-size-gate`: the same gate as the action, run locally before pushing. Flags share the action's
// input names. Prints a table, writes the JSON report and the markdown when asked, exits 1 on fail.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { AGGREGATE_USAGE, runAggregateCommand } from './aggregate/command.js';
import { BuildError } from './buildx/buildx.js';
import { defaultBranch, runLocalGate } from './cli/local-gate.js';
import { runDemo } from './demo/demo.js';
import { fenceInWorkflow } from './github/workflow-log.js';
import { INPUT_NAMES, type InputName, parseInputs } from './inputs/inputs.js';
import { runStoreCommand } from './store/store-command.js';

/** Where the CLI keeps reports when `--store` is not given: inside the repository. */
const DEFAULT_STORE = 'dir://.image-size-gate/reports';

/** Inputs that only make sense inside GitHub Actions. */
const ACTION_ONLY: readonly InputName[] = [
  'github-token',
  'comment',
  'comment-key',
  'override-label',
  'summary',
  'upload-report',
  'allow-untrusted-build',
];
const FLAGS = INPUT_NAMES.filter((name) => !ACTION_ONLY.includes(name));

/** Where a flag's default differs from the input's (there is no push event to key on): said after its description. */
const CLI_DIFFERENCES: Record<string, string> = {
  store: `In the CLI: ${DEFAULT_STORE} unless given.`,
  publish: 'In the CLI: off unless --publish is given.',
  'report-file': 'In the CLI: no JSON report unless given.',
};

/** The flags with what action.yml says of each input: one source for the action and the CLI. */
function usage(): string {
  const described = new Map<string, { description?: string; default?: unknown }>();
  try {
    // action.yml ships next to dist/ in the package and in a checkout.
    const manifest = parseYaml(readFileSync(join(import.meta.dirname, '..', 'action.yml'), 'utf8')) as {
      inputs?: Record<string, { description?: string; default?: unknown }>;
    };
    for (const [name, input] of Object.entries(manifest.inputs ?? {})) described.set(name, input);
  } catch {
    // Without action.yml the flags are still listed, only without their descriptions.
  }
  const flags = FLAGS.map((flag) => {
    const input = described.get(flag);
    const fallback = input?.default === undefined ? '' : ` (default: ${String(input.default)})`;
    const local = CLI_DIFFERENCES[flag] ? ` ${CLI_DIFFERENCES[flag]}` : '';
    return `  --${flag.padEnd(22)}${(input?.description ?? '').replace(/\s+/g, ' ').trim()}${fallback}${local}`;
  });
  return [
    'Usage: image-size-gate [--flag value ...]   gate the image built from the current git checkout',
    '       image-size-gate demo [--dir DIR]     build a lean and a bloated example commit and gate them',
    '       image-size-gate store ls [--store S] [--history]   list stored reports (commit, ref, date, fingerprint, sizes), or chart them per fingerprint',
    '       image-size-gate store get SHA [--store S]   print the stored report of a commit',
    AGGREGATE_USAGE,
    '',
    "Flags (the action's inputs, same names):",
    ...flags,
    '  --verbose               show the build output and every log line',
    '  --help                  this text',
    '',
    "With no --base-ref it compares with origin's HEAD branch, else main or master.",
    'Example: image-size-gate --max-increase 5MB --report-file report.json',
    'Exit status: 0 pass / warn / no baseline, 1 fail or a head build that fails, 2 usage or setup error.',
  ].join('\n');
}

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

async function main(argv: string[]): Promise<number> {
  if (NODE_MAJOR < 24) {
    throw new SetupError(
      `Node ${process.versions.node} is too old: image-size-gate needs Node 24 (after npm ci, put node_modules/.bin first on PATH)`,
    );
  }
  if (argv[0] === 'demo') return runDemo(argv.slice(1));
  if (argv[0] === 'aggregate')
    return runAggregateCommand(argv.slice(1), {
      workspace: process.cwd(),
      out: (text) => process.stdout.write(fenceInWorkflow(text)),
      err: (text) => process.stderr.write(fenceInWorkflow(text)),
    });
  if (argv[0] === 'store')
    return runStoreCommand(argv.slice(1), { workspace: process.cwd(), defaultStore: DEFAULT_STORE });
  const { values } = parseFlags(argv);
  if (values.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const flags = values as Record<string, string | boolean | undefined>;
  const workspace = process.cwd();
  const inputs = parseInputs(
    (name) => {
      const value = flags[name];
      return typeof value === 'string' ? value : value === true ? 'true' : '';
    },
    { workspace, eventBaseRef: await defaultBranch(workspace), defaultStore: DEFAULT_STORE },
  );
  if (!flags['base-ref'] && (inputs.baseline === 'build' || inputs.baseline === 'auto') && inputs.baseRef) {
    process.stderr.write(
      `comparing with ${inputs.baseRef} (set --base-ref to compare with another branch)\n`,
    );
  }
  const result = await runLocalGate(inputs, {
    workspace,
    defaultReportFile: null,
    verbose: flags.verbose === true,
  });
  return result.decision.verdict === 'fail' ? 1 : 0;
}

const OPTIONS = {
  ...Object.fromEntries(FLAGS.map((name) => [name, { type: 'string' as const }])),
  // `--publish` alone, as a switch: the input's `true`.
  publish: { type: 'boolean' as const },
  verbose: { type: 'boolean' as const },
  help: { type: 'boolean' as const, short: 'h' },
};

/** The flags, or an error that names the unknown one and the flag it most likely meant. */
function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: false });
  } catch (error) {
    const unknown = /^Unknown option '--([^']+)'/.exec((error as Error).message)?.[1];
    if (unknown === undefined) throw error;
    // A flag cut short or run on (`--platform`, `--max-increas`) is the usual slip.
    const near = Object.keys(OPTIONS).filter((name) => name.startsWith(unknown) || unknown.startsWith(name));
    const hint = near.length > 0 ? `; did you mean ${near.map((n) => `--${n}`).join(' or ')}?` : '';
    throw new Error(`unknown flag --${unknown}${hint} (image-size-gate --help lists them)`);
  }
}

/** A problem with the machine rather than the flags. */
class SetupError extends Error {}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${fenceInWorkflow(`image-size-gate: ${message}`)}\n`);
    // A head that does not build is a failed run, not a usage error.
    if (error instanceof BuildError) process.stderr.write('run with --verbose for the whole build output\n');
    process.exitCode = error instanceof BuildError ? 1 : 2;
  },
);
