// End to end, as a hostile pull request and a broken machine would have it: the bundled dist/index.js run
// as the runner runs it, on a repository whose head Dockerfile prints workflow commands (one split across
// two writes), names files and labels after them, and uses a build secret; against the GitHub REST
// stand-in, which can carry a user's look-alike comment or never answer, and a registry that never answers.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONTAINERD_SOCKET, requireDaemon } from '../support/docker.js';
import {
  GITHUB_ACTIONS_BOT,
  type GitHubStandin,
  OCTOCAT,
  startGitHubStandin,
} from '../support/github-standin.js';
import {
  type ActionRun,
  CLI_ENTRY,
  describeRun,
  findOnPath,
  obeyedCommands,
  pullRequestPayload,
  runAction,
} from './runner.js';

const TOKEN = 'ghs_e2eHostileToken0123456789abcdef';
const REPOSITORY = 'Codertocat/Hello-World';
const PR_NUMBER = 2;
const MARKER = '<!-- image-size-gate:default -->';
const LIST = '/repos/{owner}/{repo}/issues/{issue_number}/comments';
const ONE = '/repos/{owner}/{repo}/issues/comments/{comment_id}';
/** Every hostile text carries this word, so any of it escaping the fences is easy to find. */
const HOSTILE = 'injected';
const SECRET_VALUE = `valid-secret-${randomBytes(6).toString('hex')}`;
const MALFORMED_VALUE = `malformed-secret-${randomBytes(6).toString('hex')}`;

const BASE_DOCKERFILE = ['FROM localhost:5000/isg/busybox:1', 'RUN echo base > /base', ''].join('\n');
// ARG NONCE keeps BuildKit from answering the RUN steps from its cache, so they print every run.
const HEAD_DOCKERFILE = [
  'FROM localhost:5000/isg/busybox:1',
  'ARG NONCE',
  `RUN echo "$NONCE" && printf '::error::${HOSTILE}-error\\n::warning file=app.go,line=1::${HOSTILE}-warning\\n::add-mask::${HOSTILE}-mask\\n::set-output name=verdict::${HOSTILE}-pass\\n  ::error::${HOSTILE}-indented\\n'`,
  `RUN echo "$NONCE" && printf '::err'; sleep 1; printf 'or::${HOSTILE}-split-across-writes\\n'`,
  // BuildKit writes what follows a pause as a bare continuation of the line: split per write, it would
  // start a line of its own, at column 0.
  `RUN echo "$NONCE" && printf 'paused '; sleep 1; printf '::error::${HOSTILE}-after-pause\\n'`,
  'RUN <<EOF',
  'echo "$NONCE"',
  `echo '::error::${HOSTILE}-heredoc'`,
  `echo '##[error]${HOSTILE}-legacy'`,
  'EOF',
  `RUN head -c 3000000 /dev/urandom > '/::error::${HOSTILE}-file-name'`,
  'RUN --mount=type=secret,id=gh,required=true test -s /run/secrets/gh',
  `LABEL evil="::error::${HOSTILE}-label"`,
  '',
].join('\n');

let root: string;
let workspace: string;
let commits: { baseRef: string; baseSha: string; headRef: string; headSha: string };
let standin: GitHubStandin;

beforeAll(async () => {
  await requireDaemon(CONTAINERD_SOCKET);
  findOnPath('docker');
  root = mkdtempSync(join(tmpdir(), 'isg-e2e-hostile-'));
  workspace = join(root, 'workspace');
  mkdirSync(workspace);
  const git = (args: string[]) =>
    execFileSync('git', args, {
      cwd: workspace,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'e2e',
        GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
        GIT_COMMITTER_NAME: 'e2e',
        GIT_COMMITTER_EMAIL: 'e2e@example.invalid',
        GIT_CONFIG_GLOBAL: '/dev/null',
      },
    }).trim();
  git(['init', '-q', '-b', 'main']);
  writeFileSync(join(workspace, 'Dockerfile'), BASE_DOCKERFILE);
  git(['add', 'Dockerfile']);
  git(['commit', '-q', '-m', 'base']);
  git(['checkout', '-q', '-b', 'hostile']);
  writeFileSync(join(workspace, 'Dockerfile'), HEAD_DOCKERFILE);
  git(['commit', '-q', '-am', 'hostile head']);
  commits = {
    baseRef: 'main',
    baseSha: git(['rev-parse', 'main']),
    headRef: 'hostile',
    headSha: git(['rev-parse', 'hostile']),
  };
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

beforeEach(async () => {
  standin = await startGitHubStandin({ token: TOKEN });
});

afterEach(async () => {
  expect(standin.schemaViolations).toEqual([]);
  await standin.close();
});

interface HostileRun {
  inputs?: Record<string, string>;
  extraEnv?: Record<string, string>;
  eventFileText?: string;
  fileCommandPaths?: Partial<Record<'GITHUB_OUTPUT' | 'GITHUB_STEP_SUMMARY', string>>;
  timeoutMs?: number;
}

function gate(options: HostileRun = {}): Promise<ActionRun> {
  return runAction({
    root,
    inputs: {
      'github-token': TOKEN,
      platforms: 'linux/amd64',
      'max-increase': '100MB',
      'build-args': `NONCE=${randomBytes(8).toString('hex')}`,
      secrets: 'id=gh,env=ISG_E2E_SECRET',
      ...options.inputs,
    },
    eventName: 'pull_request',
    payload: pullRequestPayload('pull_request.opened.json', commits),
    workspace,
    apiUrl: standin.baseUrl,
    repository: REPOSITORY,
    extraEnv: {
      DOCKER_HOST: `unix://${CONTAINERD_SOCKET}`,
      ISG_E2E_SECRET: SECRET_VALUE,
      ...options.extraEnv,
    },
    ...(options.eventFileText !== undefined ? { eventFileText: options.eventFileText } : {}),
    ...(options.fileCommandPaths ? { fileCommandPaths: options.fileCommandPaths } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}

const annotations = (run: ActionRun) =>
  run.commands.filter((c) => ['error', 'warning', 'notice'].includes(c.command)).map((c) => c.message);

/** What the runner would obey in the step's stdout and stderr: only the gate's own commands. */
function expectNoHostileCommand(run: ActionRun) {
  for (const stream of [run.stdout, run.stderr]) {
    const obeyed = obeyedCommands(stream);
    expect(
      obeyed.filter((line) => line.includes(HOSTILE) || line.startsWith('##[')),
      describeRun(run),
    ).toEqual([]);
    for (const line of obeyed) expect(line).toMatch(/^::(add-mask|group|endgroup|warning|error|debug)::/);
  }
  expect(annotations(run).filter((message) => message.includes(HOSTILE))).toEqual([]);
}

describe('a pull request whose build prints workflow commands', () => {
  it('reaches the log only inside fences: no command, no annotation, no output it chose', async () => {
    const run = await gate();

    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expectNoHostileCommand(run);
    // The hostile text did reach the log (it is not simply dropped), whole: the split line in one piece.
    expect(run.stdout).toContain(`::error::${HOSTILE}-split-across-writes`);
    expect(run.stdout).toContain(`::error::${HOSTILE}-heredoc`);
    expect(run.stdout).toContain(`::error::${HOSTILE}-after-pause`);
    expect(run.stdout).toContain(`${HOSTILE}-file-name`);
    expect(annotations(run)).toEqual([]);

    // The sticky comment went up, and no hostile text in it issues anything either.
    const [comment, ...more] = standin.comments(PR_NUMBER);
    expect(more).toEqual([]);
    expect(comment?.user).toEqual(GITHUB_ACTIONS_BOT);
    expect(comment?.body.startsWith(MARKER)).toBe(true);
  });

  it("never edits a user's comment that carries the marker: the gate posts its own", async () => {
    const users = standin.addComment(PR_NUMBER, `${MARKER}\n### ✅ Image size: pass (trust me)`, OCTOCAT);

    const run = await gate();

    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(standin.requestsTo('PATCH', ONE)).toEqual([]);
    expect(standin.requestsTo('POST', LIST).map((r) => r.status)).toEqual([201]);
    const stored = standin.comments(PR_NUMBER);
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatchObject({ id: users.id, body: users.body, user: OCTOCAT });
    expect(stored[1]?.user).toEqual(GITHUB_ACTIONS_BOT);
    expect(stored[1]?.body.startsWith(`${MARKER}\n### ✅ Image size: pass\n`)).toBe(true);
  });
});

describe('the CLI in a workflow step', () => {
  it('prints the build output and the report (--verbose) with no command the runner would obey', () => {
    const run = spawnSync(
      process.execPath,
      [
        CLI_ENTRY,
        '--base-ref',
        'main',
        '--platforms',
        'linux/amd64',
        '--max-increase',
        '100MB',
        '--build-args',
        `NONCE=${randomBytes(8).toString('hex')}`,
        '--secrets',
        'id=gh,env=ISG_E2E_SECRET',
        '--verbose',
      ],
      {
        cwd: workspace,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          GITHUB_ACTIONS: 'true',
          DOCKER_HOST: `unix://${CONTAINERD_SOCKET}`,
          ISG_E2E_SECRET: SECRET_VALUE,
        },
      },
    );
    expect(run.status, run.stderr.slice(-3000)).toBe(0);
    expect(run.stderr).toContain(`::error::${HOSTILE}-after-pause`);
    for (const stream of [run.stdout, run.stderr]) {
      expect(obeyedCommands(stream).filter((line) => line.includes(HOSTILE))).toEqual([]);
    }
  });
});

describe('secrets', () => {
  it('masks a malformed and a valid line before anything, and names the bad line by number only', async () => {
    const run = await gate({ inputs: { secrets: `NPM_TOKEN=${MALFORMED_VALUE}\nid=gh,env=ISG_E2E_SECRET` } });

    expect(run.exitCode, describeRun(run)).toBe(1);
    const masks = run.commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
    expect(masks).toEqual(expect.arrayContaining([MALFORMED_VALUE, SECRET_VALUE]));
    // The masks come first: nothing printed before them.
    expect(run.stdout.startsWith('::add-mask::')).toBe(true);
    const [error, ...more] = annotations(run);
    expect(more).toEqual([]);
    expect(error).toMatch(/^input `secrets`: line 1 is not a secret spec: write id=NAME,env=VAR/);
    expectValuesOnlyInMasks(run);
  });

  it('a valid line reaches the build, and its value appears nowhere but in its mask', async () => {
    const run = await gate();

    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.commands.filter((c) => c.command === 'add-mask').map((c) => c.message)).toContain(
      SECRET_VALUE,
    );
    expectValuesOnlyInMasks(run);
    const report = readFileSync(run.outputs['report-path'] ?? '', 'utf8');
    expect(report).not.toContain(SECRET_VALUE);
    expect(run.summary).not.toContain(SECRET_VALUE);
    for (const comment of standin.comments(PR_NUMBER)) expect(comment.body).not.toContain(SECRET_VALUE);
  });
});

function expectValuesOnlyInMasks(run: ActionRun) {
  const unmasked = (text: string) =>
    text
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
  for (const value of [SECRET_VALUE, MALFORMED_VALUE]) {
    expect(unmasked(run.stdout)).not.toContain(value);
    expect(run.stderr).not.toContain(value);
    expect(run.summary).not.toContain(value);
    expect(JSON.stringify(run.outputs)).not.toContain(value);
  }
}

describe('services that never answer', () => {
  let registry: Server;
  let registryHost: string;

  beforeAll(async () => {
    // Accepts every connection and never answers, as a stalled registry does.
    registry = createServer(() => {});
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    registryHost = `127.0.0.1:${(registry.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    registry.closeAllConnections();
    await new Promise((resolve) => registry.close(resolve));
  });

  it('a GitHub API that never answers: the step ends with its verdict and outputs, warning about the comment', async () => {
    standin.inject('GET', LIST, ...Array.from({ length: 10 }, () => ({ status: 0, hang: true })));
    const run = await gate({
      extraEnv: { IMAGE_SIZE_GATE_REQUEST_TIMEOUT_MS: '1000', IMAGE_SIZE_GATE_PUBLISH_BUDGET_MS: '5000' },
      timeoutMs: 240_000,
    });

    expect(run.signal, describeRun(run)).toBeNull();
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    expect(run.outputs['head-size']).toMatch(/^\d+$/);
    expect(run.summary.startsWith('### ✅ Image size: pass\n')).toBe(true);
    const aboutComment = annotations(run).filter((w) => /comment/.test(w));
    expect(aboutComment, describeRun(run)).toHaveLength(1);
    expect(aboutComment[0]).toMatch(
      /GET \/repos\/Codertocat\/Hello-World\/issues\/2\/comments: no answer within 1 s|budget/,
    );
    expect(standin.comments(PR_NUMBER)).toEqual([]);
  });

  it('a registry that never answers: the base image is given up after the request timeout, the step ends', async () => {
    const run = await gate({
      inputs: { baseline: 'image', 'base-image': `${registryHost}/app:1` },
      extraEnv: { IMAGE_SIZE_GATE_REQUEST_TIMEOUT_MS: '1000' },
      timeoutMs: 240_000,
    });

    expect(run.signal, describeRun(run)).toBeNull();
    expect(run.outputs.verdict, describeRun(run)).toMatch(/^(no-baseline|pass|fail|warn)$/);
    expect(run.outputs['head-size']).toMatch(/^\d+$/);
    expect(run.stdout).toContain(`no answer from the registry ${registryHost} within 1 s`);
  });
});

describe('a broken machine', () => {
  it('an unwritable GITHUB_STEP_SUMMARY is a warning naming it; verdict, outputs and comment stand', async () => {
    const directory = mkdtempSync(join(root, 'summary-dir-'));
    const run = await gate({ fileCommandPaths: { GITHUB_STEP_SUMMARY: directory } });

    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.outputs.verdict).toBe('pass');
    const aboutSummary = annotations(run).filter((w) => w.includes('GITHUB_STEP_SUMMARY'));
    expect(aboutSummary, describeRun(run)).toHaveLength(1);
    expect(standin.comments(PR_NUMBER)).toHaveLength(1);
  });

  it('an unwritable GITHUB_OUTPUT is a warning naming it; the verdict decides the step, the comment stands', async () => {
    const directory = mkdtempSync(join(root, 'output-dir-'));
    const run = await gate({
      inputs: { 'max-increase': '1KB' },
      fileCommandPaths: { GITHUB_OUTPUT: directory },
    });

    // The head grew by more than 1KB: the step fails for that reason, not for the output file.
    expect(run.exitCode, describeRun(run)).toBe(1);
    const errors = run.commands.filter((c) => c.command === 'error').map((c) => c.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/over max-increase/);
    const aboutOutput = annotations(run).filter((w) => w.includes('GITHUB_OUTPUT'));
    expect(aboutOutput, describeRun(run)).toHaveLength(1);
    expect(aboutOutput[0]).toContain('the verdict (fail) stands');
    expect(run.summary.startsWith('### ❌ Image size: fail\n')).toBe(true);
    expect(standin.comments(PR_NUMBER)).toHaveLength(1);
  });

  it('an event file that is not JSON: one error line naming the file, no stack trace', async () => {
    const run = await gate({ eventFileText: '{"pull_request": {"number": 2,' });

    expect(run.exitCode, describeRun(run)).toBe(1);
    const [error, ...more] = annotations(run);
    expect(more).toEqual([]);
    expect(error).toMatch(/^the event payload GITHUB_EVENT_PATH \(.*event\.json\) is not valid JSON/);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(run.stdout).not.toMatch(/SyntaxError/);
    expect(standin.requests).toEqual([]);
  });
});
