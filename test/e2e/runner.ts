// Runs the bundled action the way a GitHub-hosted runner does: `node dist/index.js` as a child process,
// inputs as INPUT_<NAME> variables (action.yml's defaults filled in, as the runner fills them), the event
// payload in GITHUB_EVENT_PATH, and the file commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, ...) as files
// that the test reads back afterwards.
import { spawn } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
// ISG_E2E_ACTION_ENTRY runs another bundle (e.g. an older dist/, to see a test fail before a fix).
export const ACTION_ENTRY = process.env.ISG_E2E_ACTION_ENTRY ?? join(REPO_ROOT, 'dist', 'index.js');
export const AGGREGATE_ENTRY = join(REPO_ROOT, 'dist', 'aggregate.js');
export const CLI_ENTRY = process.env.ISG_E2E_CLI_ENTRY ?? join(REPO_ROOT, 'dist', 'cli.js');
export const EVENT_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'events');

interface ActionManifest {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; main: string };
}

export function actionManifest(path = 'action.yml'): ActionManifest {
  return parseYaml(readFileSync(join(REPO_ROOT, path), 'utf8')) as ActionManifest;
}

/**
 * The name the runner gives an input's variable: upper-cased, spaces to '_', dashes kept
 * (INPUT_MAX-INCREASE); @actions/core's getInput reads exactly this name.
 */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** action.yml's defaults, as the runner sets them for inputs a workflow leaves out. Expressions are left to the caller. */
export function defaultInputs(manifest = 'action.yml'): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const [name, input] of Object.entries(actionManifest(manifest).inputs)) {
    if (input.default === undefined || String(input.default).includes('${{')) continue;
    defaults[name] = String(input.default);
  }
  return defaults;
}

/**
 * Parses the GITHUB_OUTPUT file: `name<<DELIMITER` heredocs (what @actions/core writes) and plain
 * `name=value` lines. A later value for the same name wins, as on the runner.
 */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, end] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== end; i++) value.push(lines[i] as string);
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: heredoc for "${name}" never ends (${end})`);
      outputs[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`GITHUB_OUTPUT: cannot parse line ${JSON.stringify(line)}`);
    outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

/** Workflow commands (`::warning::...`) from stdout, their data unescaped as the runner unescapes it. */
export interface WorkflowCommand {
  command: string;
  message: string;
}

export function workflowCommands(stdout: string): WorkflowCommand[] {
  const found: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line);
    if (!match) continue;
    found.push({ command: match[1] as string, message: unescapeData(match[2] as string) });
  }
  return found;
}

function unescapeData(data: string): string {
  return data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** A pull-request event payload from the fixtures, pointed at local commits. */
export function pullRequestPayload(
  fixture: 'pull_request.opened.json' | 'pull_request_target.opened.json',
  commits: { baseRef: string; baseSha: string; headRef: string; headSha: string },
): Record<string, unknown> {
  const payload = JSON.parse(readFileSync(join(EVENT_FIXTURES, fixture), 'utf8')) as {
    pull_request: { base: { ref: string; sha: string }; head: { ref: string; sha: string } };
  };
  payload.pull_request.base.ref = commits.baseRef;
  payload.pull_request.base.sha = commits.baseSha;
  payload.pull_request.head.ref = commits.headRef;
  payload.pull_request.head.sha = commits.headSha;
  return payload as unknown as Record<string, unknown>;
}

/**
 * A `docker` on PATH ahead of the real one that records every invocation's arguments (one JSON array a
 * line) and then runs the real CLI, so a test can tell whether anything was built. With `withoutBuildx`
 * it answers `docker buildx ...` as a Docker CLI without the buildx plugin does.
 */
export interface DockerRecorder {
  binDir: string;
  /** Invocations so far, e.g. [['buildx', 'build', ...], ...]. */
  invocations(): string[][];
  /** The `docker buildx build` invocations so far. */
  builds(): string[][];
}

export function dockerRecorder(
  realDocker: string,
  dir: string,
  options: { withoutBuildx?: boolean } = {},
): DockerRecorder {
  const binDir = join(dir, 'bin');
  const log = join(dir, 'docker-invocations.jsonl');
  mkdirSync(binDir, { recursive: true });
  writeFileSync(log, '');
  const script = [
    `#!${process.execPath}`,
    "const { appendFileSync } = require('node:fs');",
    "const { spawnSync } = require('node:child_process');",
    'const args = process.argv.slice(2);',
    `appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');`,
    options.withoutBuildx
      ? "if (args[0] === 'buildx') { process.stderr.write(\"docker: 'buildx' is not a docker command.\\nSee 'docker --help'\\n\"); process.exit(1); }"
      : '',
    `const result = spawnSync(${JSON.stringify(realDocker)}, args, { stdio: 'inherit' });`,
    'process.exit(result.status ?? 1);',
  ].join('\n');
  const shim = join(binDir, 'docker');
  writeFileSync(shim, `${script}\n`);
  chmodSync(shim, 0o755);
  const invocations = () =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string[]);
  return {
    binDir,
    invocations,
    builds: () => invocations().filter((args) => args[0] === 'buildx' && args[1] === 'build'),
  };
}

/** The real Docker CLI on PATH; throws (the test fails) when there is none. */
export function findOnPath(command: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  throw new Error(`${command} is not on PATH: run \`sudo bash scripts/setup-test-env.sh\` first`);
}

export interface ActionRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  commands: WorkflowCommand[];
  outputs: Record<string, string>;
  /** The GITHUB_STEP_SUMMARY file's content. */
  summary: string;
  /** The step's RUNNER_TEMP, and what is left in it after the step. */
  runnerTemp: string;
  runnerTempEntries: string[];
  durationMs: number;
}

export interface ActionRunOptions {
  /** Inputs as a workflow's `with:` names them; action.yml's defaults fill in the rest. */
  inputs: Record<string, string>;
  eventName: string;
  payload: Record<string, unknown>;
  workspace: string;
  apiUrl: string;
  repository: string;
  /** Directories put ahead of PATH (the docker recorder). */
  pathPrefix?: string[];
  /** Further machine variables, e.g. DOCKER_HOST. */
  extraEnv?: Record<string, string>;
  /** GITHUB_SERVER_URL; default apiUrl. @actions/artifact refuses to upload unless it looks like github.com. */
  serverUrl?: string;
  /** A directory for this step's files (event, file commands, RUNNER_TEMP); removed by the caller. */
  root: string;
  timeoutMs?: number;
  /** The event file's text as is, instead of the payload as JSON (a broken event file). */
  eventFileText?: string;
  /** Another action of the repository: its manifest (for the defaults) and its bundled entry. */
  action?: { manifest: string; entry: string };
  /** File commands pointed elsewhere, e.g. at a directory, which cannot be written. */
  fileCommandPaths?: Partial<Record<'GITHUB_OUTPUT' | 'GITHUB_STEP_SUMMARY', string>>;
}

/** What a runner passes through from the machine; everything else comes from the step. */
const MACHINE_VARIABLES = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TMPDIR', 'DOCKER_CONFIG'];

export async function runAction(options: ActionRunOptions): Promise<ActionRun> {
  const step = mkdtempSync(join(options.root, 'step-'));
  const runnerTemp = join(step, 'runner-temp');
  const files = join(step, 'files');
  mkdirSync(runnerTemp);
  mkdirSync(files);
  const eventPath = join(files, 'event.json');
  writeFileSync(eventPath, options.eventFileText ?? JSON.stringify(options.payload, null, 2));
  const fileCommands: Record<string, string> = {};
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH']) {
    fileCommands[name] = join(files, name.toLowerCase());
    writeFileSync(fileCommands[name], '');
  }
  Object.assign(fileCommands, options.fileCommandPaths);

  const env: Record<string, string> = {};
  for (const name of MACHINE_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, options.extraEnv);
  if (options.pathPrefix?.length) env.PATH = [...options.pathPrefix, env.PATH ?? ''].join(delimiter);
  const [owner = ''] = options.repository.split('/');
  const pullRequest = options.payload.pull_request as
    | { number: number; head: { ref: string; sha: string }; base: { ref: string } }
    | undefined;
  Object.assign(env, {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'image-size-gate e2e',
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: options.serverUrl ?? options.apiUrl,
    GITHUB_GRAPHQL_URL: `${options.apiUrl}/graphql`,
    GITHUB_REPOSITORY: options.repository,
    GITHUB_REPOSITORY_OWNER: owner,
    // A push event's commit and ref are its payload's `after` and `ref`, as the runner sets them.
    GITHUB_SHA: pullRequest?.head.sha ?? String(options.payload.after ?? ''),
    GITHUB_REF: pullRequest ? `refs/pull/${pullRequest.number}/merge` : String(options.payload.ref ?? ''),
    GITHUB_HEAD_REF: pullRequest?.head.ref ?? '',
    GITHUB_BASE_REF: pullRequest?.base.ref ?? '',
    GITHUB_ACTOR: owner,
    GITHUB_WORKFLOW: 'image size',
    GITHUB_JOB: 'gate',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTION: 'image-size-gate',
    ...fileCommands,
  });
  for (const [name, value] of Object.entries({
    ...defaultInputs(options.action?.manifest),
    ...options.inputs,
  })) {
    env[inputVariable(name)] = value;
  }

  const started = performance.now();
  const child = spawn(process.execPath, [options.action?.entry ?? ACTION_ENTRY], {
    cwd: options.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timeoutMs = options.timeoutMs ?? 300_000;
  const { exitCode, signal } = await new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('close', (code, sig) => {
        clearTimeout(timer);
        resolve({ exitCode: code, signal: sig });
      });
    },
  );

  return {
    exitCode,
    signal,
    stdout,
    stderr,
    commands: workflowCommands(stdout),
    outputs: parseOutputFile(readIfFile(fileCommands.GITHUB_OUTPUT as string)),
    summary: readIfFile(fileCommands.GITHUB_STEP_SUMMARY as string),
    runnerTemp,
    runnerTempEntries: listTree(runnerTemp),
    durationMs: Math.round(performance.now() - started),
  };
}

function readIfFile(path: string): string {
  return statSync(path).isFile() ? readFileSync(path, 'utf8') : '';
}

/**
 * The commands the runner would obey in a step's output, read as the runner reads it: lines split at \n
 * and \r, leading spaces trimmed, `::name …::data` (and the legacy `##[`), nothing between
 * `::stop-commands::TOKEN` and `::TOKEN::`; a fence that never closes counts as a command obeyed.
 */
export function obeyedCommands(output: string): string[] {
  const commands: string[] = [];
  let stopToken: string | null = null;
  for (const raw of output.split(/\r\n|\r|\n/)) {
    const line = raw.trimStart();
    if (stopToken !== null) {
      if (line === `::${stopToken}::`) stopToken = null;
      continue;
    }
    const v2 = /^::([^\s:]+)(?: [^:]*)?::(.*)$/.exec(line);
    if (v2?.[1] === 'stop-commands') stopToken = v2[2] ?? '';
    else if (v2) commands.push(line);
    else if (line.includes('##[')) commands.push(line.slice(line.indexOf('##[')));
  }
  if (stopToken !== null) commands.push(`::stop-commands::${stopToken} (never resumed)`);
  return commands;
}

/** Every path under `dir`, relative, sorted. */
function listTree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).map(String).sort();
}

/** Explains a run in an assertion message. */
export function describeRun(run: ActionRun): string {
  return `exit ${run.exitCode}${run.signal ? ` (${run.signal})` : ''} after ${run.durationMs} ms\n--- stdout ---\n${run.stdout.slice(-6000)}\n--- stderr ---\n${run.stderr.slice(-3000)}`;
}
