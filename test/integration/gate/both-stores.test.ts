// The gate on every engine the bed runs (test/support/docker.ts ENGINES: Docker 26 on both image stores,
// Docker 28 on the containerd store, and a docker-container builder on Docker 28): the demo's lean base
// commit (static, stripped binary on busybox) against its bloated head (CGO on a glibc base, symbols
// kept), linux/amd64 and linux/arm64. Every figure is checked to the byte against readers that share no
// code with the gate, and every engine measures the same uncompressed bytes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildSpec } from '../../../src/buildx/argv.js';
import { type BuildMetadata, type Buildx, DockerBuildx } from '../../../src/buildx/buildx.js';
import { createDemoRepository } from '../../../src/demo/demo.js';
import { type GateResult, runGate } from '../../../src/gate/run-gate.js';
import { type Inputs, parseInputs } from '../../../src/inputs/inputs.js';
import {
  BUSYBOX_BASE,
  CONTAINER_BUILDER,
  ENGINES,
  GLIBC_BASE,
  GO_BUILDER,
  REGISTRY,
  requireDaemon,
  requireRegistry,
  type TestEngine,
} from '../../support/docker.js';
import { realGateServices } from '../../support/gate-services.js';
import { type RegistryPlatform, readBack } from '../../support/registry-readback.js';

const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
const uncompressedByEngine = new Map<string, Record<string, number>>();

function git(dir: string, args: string[]) {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
}

describe.each(ENGINES)('gate on $title', (engine) => {
  const { id, store, socket } = engine;
  const runnerTemp = mkdtempSync(join(tmpdir(), `isg-gate-${id}-temp-`));
  const repo = mkdtempSync(join(tmpdir(), `isg-gate-${id}-repo-`));
  const registryRepo = `${REGISTRY}/isg-gate-it/${id}`;
  const logs: string[] = [];
  const layouts: OciIndex[] = [];
  let localImagesBefore: string[] = [];
  let result: GateResult;

  const run = (overrides: Record<string, string>): Promise<GateResult> => {
    const inputs: Inputs = parseInputs(
      (name) =>
        ({
          'base-ref': 'main',
          platforms: PLATFORMS.join(','),
          builder: engine.builder ?? '',
          // The classic store has no OCI exporter: pushing makes its compressed figures exact.
          ...(store === 'classic' && engine.driver === 'docker' ? { registry: registryRepo } : {}),
          ...overrides,
        })[name as string] ?? '',
      { workspace: repo, eventBaseRef: null },
    );
    return runGate(
      inputs,
      { eventName: 'pull_request', workspace: repo, pullRequest: null, defaultReportFile: null },
      realGateServices({
        buildx: new LayoutRecorder(new DockerBuildx({ ...engine.env, RUNNER_TEMP: runnerTemp }), layouts),
        socket,
        runnerTemp,
        logs,
      }),
    );
  };

  beforeAll(async () => {
    await requireDaemon(socket);
    await requireRegistry();
    createDemoRepository(repo);
    process.env.RUNNER_TEMP = runnerTemp;
    if (engine.driver === 'docker-container') {
      // The daemon's store must not hold what the build needs: BuildKit in its container pulls it.
      for (const base of [GO_BUILDER, BUSYBOX_BASE, GLIBC_BASE])
        dockerCli(engine, ['image', 'rm', '--force', base]);
      localImagesBefore = localImages(engine);
    }
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

  it('names this engine, its version, the image store, buildx, the builder and its driver (the README table is the bed)', () => {
    const named = result.report.engine;
    expect(named).toMatchObject({
      name: 'Docker Engine',
      imageStore: store,
      builder: engine.builderName,
      driver: engine.driver,
    });
    expect(named?.version.startsWith(`${engine.engine}.`), named?.version).toBe(true);
    expect(named?.buildx?.startsWith(`${engine.buildx}.`), named?.buildx ?? 'null').toBe(true);
    expect(logs).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^Docker Engine ${engine.engine.replace('.', '\\.')}\\.\\S+, ${store} image store; github\\.com/docker/buildx v?${engine.buildx.replace('.', '\\.')}\\.\\S+.*; builder ${engine.builderName} \\(driver ${engine.driver}\\)`,
        ),
      ),
    );
    expect(result.markdown).toContain(
      `(${store} image store), buildx ${named?.buildx}, builder ${engine.builderName} (${engine.driver} driver).`,
    );
  });

  it('logs the duration of each phase', () => {
    for (const phase of ['preflight', 'head', 'baseline']) {
      expect(logs.some((l) => new RegExp(`^\\[phase\\] ${phase}: \\d+\\.\\d\\d s$`).test(l))).toBe(true);
    }
  });

  it('compressed bytes equal manifest + config + layers read back from the registry after a push of the same build', () => {
    const pushed = pushedImages(engine, repo, registryRepo);
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
    uncompressedByEngine.set(
      id,
      Object.fromEntries(
        (['head', 'base'] as const).flatMap((role) =>
          PLATFORMS.map((p) => [`${role} ${p}`, platformOf(result, role, p).sizes.uncompressed]),
        ),
      ),
    );
  });

  // Only the classic store's history sizes are file bytes (the containerd store's are block-rounded disk usage).
  if (store === 'classic' && engine.driver === 'docker')
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

  if (store === 'classic' && engine.driver === 'docker') {
    it('classic store without a registry: exact uncompressed bytes through the Engine API export, compressed labelled as an estimate', async () => {
      const local = await run({ registry: '' });
      for (const role of ['head', 'base'] as const) {
        for (const platform of PLATFORMS) {
          const exported = platformOf(local, role, platform);
          expect(exported.compressedEstimated).toBe(true);
          expect(exported.sizes.uncompressed).toBe(platformOf(result, role, platform).sizes.uncompressed);
          // gzip of the same tars lands within 3% of what BuildKit pushed (issue 13's bar).
          const exact = platformOf(result, role, platform).sizes.compressed;
          expect(Math.abs(exported.sizes.compressed - exact) / exact).toBeLessThan(0.03);
        }
      }
      expect(local.markdown).toContain('≈');
    });
  }

  if (engine.driver === 'docker-container') {
    it('docker-container: BuildKit wrote provenance attestation manifests, and the gate measured only the platforms', () => {
      // Head and base of the first run, both platforms each.
      expect(layouts.length).toBeGreaterThanOrEqual(2);
      for (const [i, index] of layouts.slice(0, 2).entries()) {
        const role = i === 0 ? 'head' : 'base';
        const attestations = index.manifests.filter(
          (m) => m.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest',
        );
        expect(attestations.length, `${role} attestations`).toBe(PLATFORMS.length);
        for (const a of attestations) expect(a.platform).toEqual({ os: 'unknown', architecture: 'unknown' });
        const images = index.manifests.filter((m) => !attestations.includes(m));
        expect(images.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).sort()).toEqual([
          ...PLATFORMS,
        ]);
        for (const platform of PLATFORMS) {
          const entry = images.find((m) => `${m.platform?.os}/${m.platform?.architecture}` === platform);
          expect(platformOf(result, role, platform).manifestDigest).toBe(entry?.digest);
        }
      }
      expect(result.report.platforms.map((p) => p.platform)).toEqual([...PLATFORMS]);
    });

    it('docker-container: the builder named explicitly measures the same bytes as the current builder', async () => {
      const named = await run({ 'max-increase': '5MB', builder: CONTAINER_BUILDER });
      expect(named.report.engine).toMatchObject({ builder: CONTAINER_BUILDER, driver: 'docker-container' });
      for (const role of ['head', 'base'] as const) {
        for (const platform of PLATFORMS) {
          expect(platformOf(named, role, platform).sizes).toEqual(platformOf(result, role, platform).sizes);
        }
      }
      expect(named.decision.verdict).toBe('fail');
    });

    it('docker-container: nothing was loaded into the daemon image store, and the base images came from the registry', () => {
      expect(localImages(engine)).toEqual(localImagesBefore);
      for (const base of [GO_BUILDER, BUSYBOX_BASE, GLIBC_BASE]) {
        expect(localImagesBefore.some((line) => line.startsWith(`${base} `))).toBe(false);
      }
    });
  }

  it('leaves no worktree and no temporary directory behind', () => {
    expect(git(repo, ['worktree', 'list']).split('\n')).toHaveLength(1);
    expect(readdirSync(runnerTemp)).toEqual([]);
  });
});

describe('every engine', () => {
  it('measures the same uncompressed bytes for every platform of head and base', () => {
    const [first, ...others] = ENGINES.map((e) => uncompressedByEngine.get(e.id));
    expect(first).toBeDefined();
    expect(Object.keys(first!)).toHaveLength(4);
    for (const [i, other] of others.entries()) expect(other, ENGINES[i + 1]!.title).toEqual(first);
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
 * Where the same build sits in the registry. The classic-store gate pushed it itself; elsewhere the
 * test pushes the same build with the same builder (BuildKit reuses the same compressed blobs).
 */
function pushedImages(engine: TestEngine, repo: string, registryRepo: string) {
  if (engine.store === 'classic' && engine.driver === 'docker') {
    return (role: string, platform: string): RegistryPlatform =>
      readBack(registryRepo, `isg-${role}-${platform.replace('/', '-')}`, platform);
  }
  const base = mkdtempSync(join(tmpdir(), 'isg-base-checkout-'));
  try {
    git(repo, ['worktree', 'add', '--detach', base, 'main']);
    for (const [role, dir] of [
      ['head', repo],
      ['base', base],
    ] as const) {
      const push = () =>
        dockerCli(engine, [
          'buildx',
          'build',
          ...(engine.builder ? ['--builder', engine.builder] : []),
          '--platform',
          PLATFORMS.join(','),
          '--output',
          `type=image,name=${registryRepo}:${role},push=true,oci-mediatypes=true`,
          dir,
        ]);
      try {
        push();
      } catch (error) {
        // The test bed's registry (distribution 2.8) can answer a HEAD of a tag it is rewriting with 500
        // ("invalid checksum digest format" in its log): the containerd-store docker driver pushes the
        // tag twice, BuildKit's push then the daemon's. That is the registry, not what is tested: once more.
        if (!String((error as { stderr?: string }).stderr ?? error).includes('500 Internal Server Error'))
          throw error;
        push();
      }
    }
  } finally {
    git(repo, ['worktree', 'remove', '--force', base]);
  }
  return (role: string, platform: string): RegistryPlatform => readBack(registryRepo, role, platform);
}

function dockerCli(engine: TestEngine, args: string[]): string {
  return execFileSync('docker', args, {
    env: { ...process.env, ...engine.env },
    encoding: 'utf8',
    stdio: 'pipe',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** "name:tag id" of every image in the daemon's store, sorted. */
function localImages(engine: TestEngine): string[] {
  return dockerCli(engine, [
    'image',
    'ls',
    '--all',
    '--no-trunc',
    '--format',
    '{{.Repository}}:{{.Tag}} {{.ID}}',
  ])
    .split('\n')
    .filter(Boolean)
    .sort();
}

interface OciDescriptor {
  digest: string;
  platform?: { os: string; architecture: string };
  annotations?: Record<string, string>;
}
interface OciIndex {
  manifests: OciDescriptor[];
}

/** The gate's buildx, keeping the image index of each OCI layout it writes before the gate removes it. */
class LayoutRecorder implements Buildx {
  constructor(
    private readonly inner: Buildx,
    private readonly indexes: OciIndex[],
  ) {}
  version = () => this.inner.version();
  inspect = (builder: string | null) => this.inner.inspect(builder);
  async build(spec: BuildSpec, log: (line: string) => void): Promise<BuildMetadata> {
    const metadata = await this.inner.build(spec, log);
    if (spec.output.kind === 'oci-dir') {
      const { dest } = spec.output;
      const blob = (digest: string) =>
        JSON.parse(readFileSync(join(dest, 'blobs', ...digest.split(':')), 'utf8'));
      const top = JSON.parse(readFileSync(join(dest, 'index.json'), 'utf8')) as OciIndex;
      // buildx writes index.json pointing at the image index (or, for one platform, at the manifest).
      const nested = top.manifests.length === 1 ? (blob(top.manifests[0]!.digest) as Partial<OciIndex>) : top;
      this.indexes.push(nested.manifests ? (nested as OciIndex) : top);
    }
    return metadata;
  }
}
