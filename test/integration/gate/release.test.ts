// Release gating on real git and real Docker: a tag push for v1.1.0 compares with the previous release
// v1.0.0 (not the pre-release v1.1.0-rc.1, not the tag that is no version), from the store when v1.0.0's tag
// push published its report, and by building v1.0.0's commit when it did not; max-increase fails it.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildSpec } from '../../../src/buildx/argv.js';
import { DockerBuildx } from '../../../src/buildx/buildx.js';
import { createDemoRepository } from '../../../src/demo/demo.js';
import { type GateResult, runGate } from '../../../src/gate/run-gate.js';
import { storeHistory } from '../../../src/git/history.js';
import { parseInputs } from '../../../src/inputs/inputs.js';
import { DirStore } from '../../../src/store/dir-store.js';
import type { ReportStore } from '../../../src/store/store.js';
import { CONTAINERD_SOCKET, requireDaemon } from '../../support/docker.js';
import { realGateServices } from '../../support/gate-services.js';
import { git } from '../git/git-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'isg-release-it-'));
const repo = join(root, 'repo');
const runnerTemp = join(root, 'temp');

class CountingBuildx extends DockerBuildx {
  readonly contexts: string[] = [];
  override build(spec: BuildSpec, log: (line: string) => void) {
    this.contexts.push(spec.context);
    return super.build(spec, log);
  }
}

/** A tag-push run for `tag`, with its commit checked out, as the action runs it. */
async function tagPush(tag: string, store: ReportStore) {
  git(repo, 'checkout', '-q', tag);
  const inputs = parseInputs(
    (name) =>
      ({ platforms: 'linux/amd64', 'max-increase': '5MB', store: 'dir://unused' })[name as string] ?? '',
    { workspace: repo, eventBaseRef: null, publishByDefault: true },
  );
  const buildx = new CountingBuildx({ DOCKER_HOST: `unix://${CONTAINERD_SOCKET}`, RUNNER_TEMP: runnerTemp });
  const logs: string[] = [];
  const result = await runGate(
    inputs,
    {
      eventName: 'push',
      workspace: repo,
      pullRequest: null,
      defaultReportFile: null,
      headSha: git(repo, 'rev-parse', 'HEAD'),
      ref: `refs/tags/${tag}`,
    },
    {
      ...realGateServices({ buildx, socket: CONTAINERD_SOCKET, runnerTemp, logs }),
      reportStore: store,
      storeHistory: storeHistory(repo),
    },
  );
  return { result, buildx, logs };
}

let lean: string;
let bloated: string;

beforeAll(async () => {
  await requireDaemon(CONTAINERD_SOCKET);
  mkdirSync(runnerTemp);
  createDemoRepository(repo);
  lean = git(repo, 'rev-parse', 'main');
  bloated = git(repo, 'rev-parse', 'bloat');
  git(repo, 'tag', 'v1.0.0', lean);
  // The pre-release and the tag that is no version sit on the bloated commit: either one as the base would
  // give no growth at all, and the gate would pass.
  git(repo, 'tag', 'v1.1.0-rc.1', bloated);
  git(repo, 'tag', 'vnext', bloated);
  git(repo, 'tag', '-a', '-m', 'release 1.1.0', 'v1.1.0', bloated);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a tag push for v1.1.0', () => {
  let published: ReportStore;
  let fromStore: { result: GateResult; buildx: CountingBuildx; logs: string[] };
  let built: { result: GateResult; buildx: CountingBuildx; logs: string[] };

  beforeAll(async () => {
    published = new DirStore(join(root, 'published'));
    const first = await tagPush('v1.0.0', published);
    // The first release has no release below it: a missing baseline, said so, and its report is stored.
    expect(first.result.decision.missingBaseline?.message).toContain(
      'no release tag matching v* is below v1.0.0',
    );
    expect(first.result.report.run?.commit).toBe(lean);
    fromStore = await tagPush('v1.1.0', published);
    built = await tagPush('v1.1.0', new DirStore(join(root, 'empty')));
  });

  it("compares with v1.0.0's stored report when v1.0.0 was published, building only the head", () => {
    const { report } = fromStore.result;
    expect(report.baseline).toMatchObject({ source: 'store', commit: lean, release: 'v1.0.0' });
    expect(report.baseline.stored?.ref).toBe('refs/tags/v1.0.0');
    expect(fromStore.buildx.contexts).toEqual([repo]);
    expect(fromStore.result.markdown).toContain(
      `base: release v1.0.0 (stored report of ${lean.slice(0, 7)})`,
    );
  });

  it('builds v1.0.0 when its report was never stored', () => {
    const { report } = built.result;
    expect(report.baseline).toMatchObject({ source: 'build', commit: lean, release: 'v1.0.0' });
    expect(built.buildx.contexts).toHaveLength(2);
    expect(built.buildx.contexts[1]).not.toBe(repo);
    expect(built.result.markdown).toContain(`base: release v1.0.0 (built from ${lean.slice(0, 7)})`);
  });

  it.each([
    ['from the store', () => fromStore],
    ['built', () => built],
  ])('fails max-increase 5MB against the release (%s), naming it', (_, run) => {
    const { result, logs } = run();
    expect(result.decision.verdict).toBe('fail');
    expect(result.failure).toContain('release v1.0.0');
    expect(result.outputs.delta).not.toBe('');
    expect(Number(result.outputs.delta)).toBeGreaterThan(5_000_000);
    expect(logs.join('\n')).toContain('release-tags v*: ignored vnext (not semantic versions)');
    expect(logs.join('\n')).toContain('base: the previous release v1.0.0');
  });

  it('stores the release its own report, so the next release finds it', async () => {
    const read = await published.get({
      commit: bloated,
      fingerprint: fromStore.result.report.run!.fingerprint.id,
    });
    expect(read.kind).toBe('found');
  });
});
