// The gate on real Docker, both image stores: the demo's lean base commit (static, stripped binary
// on busybox) against its bloated head (CGO on a glibc base, symbols kept), linux/amd64 and
// linux/arm64. Every figure is checked to the byte against readers that share no code with the gate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerBuildx } from '../../../src/buildx/buildx.js';
import { createDemoRepository } from '../../../src/demo/demo.js';
import { DockerodeEngine } from '../../../src/docker/engine.js';
import { type GateResult, runGate } from '../../../src/gate/run-gate.js';
import { baselineGit } from '../../../src/git/baseline.js';
import { type Inputs, parseInputs } from '../../../src/inputs/inputs.js';
import { dockerEnv, REGISTRY, requireDaemon, requireRegistry, STORES } from '../../support/docker.js';
import { type RegistryPlatform, readBack } from '../../support/registry-readback.js';

const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
const uncompressedByStore = new Map<string, Record<string, number>>();

function git(dir: string, args: string[]) {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
}

describe.each(STORES)('gate on the $store image store', ({ store, socket }) => {
  const runnerTemp = mkdtempSync(join(tmpdir(), `isg-gate-${store}-temp-`));
  const repo = mkdtempSync(join(tmpdir(), `isg-gate-${store}-repo-`));
  const registryRepo = `${REGISTRY}/isg-gate-it/${store}`;
  const logs: string[] = [];
  let result: GateResult;

  const run = (overrides: Record<string, string>): Promise<GateResult> => {
    const inputs: Inputs = parseInputs(
      (name) =>
        ({
          'base-ref': 'main',
          platforms: PLATFORMS.join(','),
          // The classic store has no OCI exporter: pushing makes its compressed figures exact.
          ...(store === 'classic' ? { registry: registryRepo } : {}),
          ...overrides,
        })[name as string] ?? '',
      { workspace: repo, eventBaseRef: null },
    );
    return runGate(
      inputs,
      { eventName: 'pull_request', workspace: repo, pullRequest: null, defaultReportFile: null },
      {
        buildx: new DockerBuildx({ DOCKER_HOST: `unix://${socket}`, RUNNER_TEMP: runnerTemp }),
        docker: new DockerodeEngine(new Docker({ socketPath: socket })),
        git: baselineGit({ tempRoot: runnerTemp }),
        comments: null,
        summary: null,
        log: {
          info: (l) => logs.push(l),
          warning: (l) => logs.push(`warning: ${l}`),
          detail: () => {},
          group: () => {},
        },
      },
    );
  };

  beforeAll(async () => {
    await requireDaemon(socket);
    await requireRegistry();
    createDemoRepository(repo);
    process.env.RUNNER_TEMP = runnerTemp;
    result = await run({ 'max-increase': '5MB' });
  });

  afterAll(() => {
    delete process.env.RUNNER_TEMP;
    rmSync(repo, { recursive: true, force: true });
    rmSync(runnerTemp, { recursive: true, force: true });
  });

  it('fails max-increase 5MB, naming each platform, the figure, the limit and the basis', () => {
    expect(result.decision.verdict).toBe('fail');
    for (const platform of PLATFORMS) {
      expect(result.failure).toMatch(
        new RegExp(`${platform}: uncompressed size grew by \\+[\\d.]+ MB .*max-increase 5\\.00 MB`),
      );
    }
    expect(Number(result.outputs.delta)).toBe(
      Number(result.outputs['head-size']) - Number(result.outputs['base-size']),
    );
  });

  it('passes max-increase 100MB', async () => {
    const again = await run({ 'max-increase': '100MB' });
    expect(again.decision.verdict).toBe('pass');
    expect(again.failure).toBeNull();
  });

  it('logs the duration of each phase', () => {
    for (const phase of ['preflight', 'head', 'baseline']) {
      expect(logs.some((l) => new RegExp(`^\\[phase\\] ${phase}: \\d+\\.\\d\\d s$`).test(l))).toBe(true);
    }
  });

  it('compressed bytes equal manifest + config + layers read back from the registry after a push of the same build', () => {
    const pushed = pushedImages(store, repo, registryRepo);
    for (const role of ['head', 'base'] as const) {
      for (const platform of PLATFORMS) {
        const measured = platformOf(result, role, platform);
        const back = pushed(role, platform);
        expect(measured.manifestDigest, `${role} ${platform} manifest`).toBe(back.manifestDigest);
        expect(measured.manifestBytes).toBe(back.manifestBytes);
        expect(measured.configBytes).toBe(back.configBytes);
        expect(measured.sizes.compressed, `${role} ${platform} compressed`).toBe(back.compressed);
        // Uncompressed: the regular-file bytes (and symlink target lengths) GNU tar lists in each layer.
        expect(layersOf(result, role, platform).map((l) => l.sizes.uncompressed)).toEqual(
          back.uncompressedLayers,
        );
        expect(measured.sizes.uncompressed).toBe(back.uncompressedLayers.reduce((a, b) => a + b, 0));
      }
    }
    uncompressedByStore.set(
      store,
      Object.fromEntries(
        (['head', 'base'] as const).flatMap((role) =>
          PLATFORMS.map((p) => [`${role} ${p}`, platformOf(result, role, p).sizes.uncompressed]),
        ),
      ),
    );
  });

  // Only the classic store's history sizes are file bytes (the containerd store's are block-rounded disk usage).
  if (store === 'classic')
    it('classic store: uncompressed bytes equal the Engine API history sizes', async () => {
      const docker = new Docker({ socketPath: socket });
      for (const role of ['head', 'base'] as const) {
        for (const platform of PLATFORMS) {
          const tag = `${registryRepo}:isg-${role}-${platform.replace('/', '-')}`;
          const history = (await docker.getImage(tag).history()) as { Size: number }[];
          const total = history.reduce((n, h) => n + h.Size, 0);
          expect(total, `${role} ${platform}`).toBe(platformOf(result, role, platform).sizes.uncompressed);
        }
      }
    });

  if (store === 'classic') {
    it('classic store without a registry: exact uncompressed bytes through the Engine API export, compressed labelled as an estimate', async () => {
      const local = await run({ registry: '' });
      for (const role of ['head', 'base'] as const) {
        for (const platform of PLATFORMS) {
          const exported = platformOf(local, role, platform);
          expect(exported.compressedEstimated).toBe(true);
          expect(exported.sizes.uncompressed).toBe(platformOf(result, role, platform).sizes.uncompressed);
          // gzip of the same tars lands close to what BuildKit pushed.
          const exact = platformOf(result, role, platform).sizes.compressed;
          expect(Math.abs(exported.sizes.compressed - exact) / exact).toBeLessThan(0.05);
        }
      }
      expect(local.markdown).toContain('≈');
    });
  }

  it('leaves no worktree and no temporary directory behind', () => {
    expect(git(repo, ['worktree', 'list']).split('\n')).toHaveLength(1);
    expect(readdirSync(runnerTemp)).toEqual([]);
  });
});

describe('both image stores', () => {
  it('measure the same uncompressed bytes for every platform of head and base', () => {
    const containerd = uncompressedByStore.get('containerd');
    const classic = uncompressedByStore.get('classic');
    expect(containerd).toBeDefined();
    expect(Object.keys(containerd!)).toHaveLength(4);
    expect(classic).toEqual(containerd);
  });
});

function platformOf(result: GateResult, role: 'head' | 'base', platform: string) {
  const p = result.report.platforms.find((x) => x.platform === platform);
  const side = p?.[role];
  if (!side) throw new Error(`no ${role} measurement for ${platform}`);
  return side;
}

function layersOf(result: GateResult, role: 'head' | 'base', platform: string) {
  const p = result.report.platforms.find((x) => x.platform === platform)!;
  return p.layers
    .map((l) => l[role])
    .filter((l): l is NonNullable<typeof l> => l !== null)
    .sort((a, b) => a.index - b.index);
}

/**
 * Where the same build sits in the registry. The classic-store gate pushed it itself; on the
 * containerd store the test pushes the same build (BuildKit reuses the same compressed blobs).
 */
function pushedImages(store: string, repo: string, registryRepo: string) {
  if (store === 'classic') {
    return (role: string, platform: string): RegistryPlatform =>
      readBack(registryRepo, `isg-${role}-${platform.replace('/', '-')}`, platform);
  }
  const env = dockerEnv('/var/run/docker.sock');
  const base = mkdtempSync(join(tmpdir(), 'isg-base-checkout-'));
  try {
    git(repo, ['worktree', 'add', '--detach', base, 'main']);
    for (const [role, dir] of [
      ['head', repo],
      ['base', base],
    ] as const) {
      execFileSync(
        'docker',
        [
          'buildx',
          'build',
          '--platform',
          PLATFORMS.join(','),
          '--output',
          `type=image,name=${registryRepo}:${role},push=true,oci-mediatypes=true`,
          dir,
        ],
        { env, stdio: 'pipe' },
      );
    }
  } finally {
    git(repo, ['worktree', 'remove', '--force', base]);
  }
  return (role: string, platform: string): RegistryPlatform => readBack(registryRepo, role, platform);
}
