// The classic store without a registry estimates compressed sizes, which costs CPU for every layer. With
// a report store, a pull request's head takes the stored baseline's estimates of the layers it shares with
// the base (the same digest is the same bytes), so only the layers the change made are estimated; the
// figures are the ones a run without a store gets, to the byte.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerBuildx } from '../../../src/buildx/buildx.js';
import { type GateResult, runGate } from '../../../src/gate/run-gate.js';
import { storeHistory } from '../../../src/git/history.js';
import { parseInputs } from '../../../src/inputs/inputs.js';
import { DirStore } from '../../../src/store/dir-store.js';
import { BUSYBOX_BASE, CLASSIC_SOCKET, requireDaemon, requireRegistry } from '../../support/docker.js';
import { pushOrPullRequest, realGateServices } from '../../support/gate-services.js';
import { git } from '../git/git-fixture.js';

const root = mkdtempSync(join(tmpdir(), 'isg-classic-stored-'));
const repo = join(root, 'repo');
const runnerTemp = join(root, 'temp');
const store = new DirStore(join(root, 'reports'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  push?: string;
  base?: string;
  useStore: boolean;
}

async function gate(run: Run): Promise<{ result: GateResult; logs: string[] }> {
  const inputs = parseInputs(
    (name) =>
      ({ platforms: 'linux/amd64', 'size-basis': 'compressed', store: 'dir://unused' })[name as string] ?? '',
    { workspace: repo, eventBaseRef: run.push ? null : 'main', publishByDefault: run.push !== undefined },
  );
  const logs: string[] = [];
  const services = realGateServices({
    buildx: new DockerBuildx({ DOCKER_HOST: `unix://${CLASSIC_SOCKET}`, RUNNER_TEMP: runnerTemp }),
    socket: CLASSIC_SOCKET,
    runnerTemp,
    logs,
  });
  const head = git(repo, 'rev-parse', 'HEAD');
  const result = await runGate(inputs, pushOrPullRequest(repo, run, 'notes', head), {
    ...services,
    // The reuse is told at detail level; keep it with the rest.
    log: { ...services.log, detail: (line) => logs.push(line) },
    reportStore: run.useStore ? store : null,
    storeHistory: run.useStore ? storeHistory(repo) : null,
  });
  return { result, logs };
}

const headLayers = (result: GateResult) =>
  result.report.platforms[0]!.layers.flatMap((l) => (l.head ? [l.head] : []));

describe('classic store without a registry, with a report store', () => {
  let main: string;
  let published: GateResult;
  let fromStore: { result: GateResult; logs: string[] };
  let withoutStore: { result: GateResult; logs: string[] };

  beforeAll(async () => {
    await requireDaemon(CLASSIC_SOCKET);
    await requireRegistry();
    mkdirSync(repo, { recursive: true });
    mkdirSync(runnerTemp, { recursive: true });
    writeFileSync(join(repo, 'Dockerfile'), `FROM ${BUSYBOX_BASE}\nCOPY notes.txt /notes.txt\n`);
    writeFileSync(join(repo, 'notes.txt'), 'the first notes\n'.repeat(100));
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'first notes');
    main = git(repo, 'rev-parse', 'HEAD');
    published = (await gate({ push: main, useStore: true })).result;
    git(repo, 'checkout', '-q', '-b', 'notes');
    writeFileSync(join(repo, 'notes.txt'), 'more notes, a line after another\n'.repeat(20_000));
    git(repo, 'commit', '-q', '-am', 'more notes');
    fromStore = await gate({ base: main, useStore: true });
    withoutStore = await gate({ base: main, useStore: false });
  });

  it('the push run stored estimated figures', async () => {
    expect(published.report.platforms[0]!.head!.compressedEstimated).toBe(true);
    const read = await store.get({ commit: main, fingerprint: published.report.run!.fingerprint.id });
    expect(read.kind).toBe('found');
  });

  it("the pull request's head takes the stored estimate of the base layer it shares, and estimates only its own", () => {
    expect(fromStore.result.report.baseline).toMatchObject({ source: 'store', commit: main });
    // Found before the head was measured, and nothing built for the base.
    const phases = Object.keys(fromStore.result.report.timings);
    expect(phases.indexOf('baseline')).toBeLessThan(phases.indexOf('head'));
    expect(phases.filter((p) => p.startsWith('base '))).toEqual([]);
    expect(fromStore.logs).toContain(
      'image-size-gate/head:linux-amd64: reused the gzip estimates of 1 layer that the stored baseline or an image measured before in this run has',
    );
    const stored = headLayers(published);
    const head = headLayers(fromStore.result);
    expect(head[0]!.digest).toBe(stored[0]!.digest);
    expect(head[0]!.sizes.compressed).toBe(stored[0]!.sizes.compressed);
    expect(head[1]!.digest).not.toBe(stored[1]!.digest);
  });

  it('gives the figures a run that built the base gives, to the byte', () => {
    expect(withoutStore.result.report.baseline.source).toBe('build');
    // That run estimated the head first, then took its figure for the shared layer when it measured the base.
    expect(withoutStore.logs).toContain(
      'image-size-gate/base:linux-amd64: reused the gzip estimates of 1 layer that the stored baseline or an image measured before in this run has',
    );
    expect(headLayers(fromStore.result)).toEqual(headLayers(withoutStore.result));
    const sizes = (r: GateResult) => r.report.platforms.map((p) => [p.head?.sizes, p.base?.sizes]);
    expect(sizes(fromStore.result)).toEqual(sizes(withoutStore.result));
    expect(fromStore.result.decision.verdict).toBe(withoutStore.result.decision.verdict);
  });
});
