// The classic store holds one image per tag: each run moves image-size-gate/head:<platform> to the new
// build. The image the tag named before must go, and nothing the gate did not tag may.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, expect, it } from 'vitest';
import { DockerBuildx } from '../../../src/buildx/buildx.js';
import { DockerodeEngine } from '../../../src/docker/engine.js';
import { runGate } from '../../../src/gate/run-gate.js';
import { baselineGit } from '../../../src/git/baseline.js';
import { parseInputs } from '../../../src/inputs/inputs.js';
import { registryImages } from '../../../src/measure/registry-reader.js';
import { CLASSIC_SOCKET, docker, requireDaemon } from '../../support/docker.js';

const root = mkdtempSync(join(tmpdir(), 'isg-classic-leftovers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function gateOnce(
  content: string,
  engine = new DockerodeEngine(new Docker({ socketPath: CLASSIC_SOCKET })),
) {
  writeFileSync(join(root, 'Dockerfile'), 'FROM scratch\nCOPY app /app\n');
  writeFileSync(join(root, 'app'), content);
  return runGate(
    parseInputs((name) => ({ platforms: 'linux/amd64', baseline: 'none' })[name as string] ?? '', {
      workspace: root,
      eventBaseRef: null,
    }),
    { eventName: 'local', workspace: root, defaultReportFile: null, pullRequest: null },
    {
      buildx: new DockerBuildx({ DOCKER_HOST: `unix://${CLASSIC_SOCKET}` }),
      docker: engine,
      registry: registryImages(),
      git: baselineGit(),
      comments: null,
      summary: null,
      log: { info: () => {}, warning: () => {}, detail: () => {}, group: () => {} },
    },
  );
}

const idOf = (ref: string) => docker(CLASSIC_SOCKET, ['image', 'inspect', '--format', '{{.Id}}', ref]).trim();
const exists = (id: string) => {
  try {
    idOf(id);
    return true;
  } catch {
    return false;
  }
};

it('removes the image its tag named before, and keeps one another tag still names', async () => {
  await requireDaemon(CLASSIC_SOCKET);
  const tag = 'image-size-gate/head:linux-amd64';
  await gateOnce(`first ${root}`);
  const first = idOf(tag);
  // A user's own tag on the first build: that image is not the gate's to remove.
  const kept = `isg-test/kept-${process.pid}:1`;
  docker(CLASSIC_SOCKET, ['tag', first, kept]);
  await gateOnce(`second ${root}`);
  const second = idOf(tag);
  expect(second).not.toBe(first);
  expect(exists(first)).toBe(true);
  docker(CLASSIC_SOCKET, ['rmi', kept]);

  await gateOnce(`third ${root}`);
  expect(idOf(tag)).not.toBe(second);
  expect(exists(second)).toBe(false);
}, 300_000);

it("keeps a run's build while another run on the same daemon moves the tag, and removes it once measured", async () => {
  await requireDaemon(CLASSIC_SOCKET);
  const tag = 'image-size-gate/head:linux-amd64';
  // Run A stops just before it reads its export, until run B has built, measured and tidied up.
  let atExport!: () => void;
  const reachedExport = new Promise<void>((resolve) => {
    atExport = resolve;
  });
  let goOn!: () => void;
  const mayExport = new Promise<void>((resolve) => {
    goOn = resolve;
  });
  class PausedEngine extends DockerodeEngine {
    override async exportImage(ref: string) {
      atExport();
      await mayExport;
      return super.exportImage(ref);
    }
  }
  const runA = gateOnce(`A ${root}`, new PausedEngine(new Docker({ socketPath: CLASSIC_SOCKET })));
  await reachedExport;
  const buildA = idOf(tag);

  const runB = await gateOnce(`B ${root}`);
  const buildB = idOf(tag);
  expect(buildB).not.toBe(buildA);
  expect(runB.decision.verdict).toBe('no-baseline');
  // B moved the tag and removes what it named before when nothing names it: A's build is still named.
  expect(exists(buildA)).toBe(true);

  goOn();
  const resultA = await runA;
  expect(resultA.report.platforms[0]!.head!.sizes.uncompressed).toBeGreaterThan(0);
  // A let go of its own tag; the shared one had moved, so A's build went with it.
  expect(exists(buildA)).toBe(false);
  expect(idOf(tag)).toBe(buildB);
  const tags = docker(CLASSIC_SOCKET, ['images', 'image-size-gate/head', '--format', '{{.Tag}}']).split('\n');
  expect(tags.filter((t) => t.includes('-run-'))).toEqual([]);
}, 300_000);
