// Gets the measurement of one side (head or base) of the comparison: by building it with buildx, or
// by reading an image that already exists in the daemon or a registry.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goBinaryCapture } from '../analysis/gobinary/binary-capture.js';
import type { BuildOptions, BuildOutput, BuildSpec } from '../buildx/argv.js';
import { BuildError, type Buildx, transientBuildFailure } from '../buildx/buildx.js';
import type { ImageMeasure, Platform, PlatformMeasure } from '../core/model.js';
import type { DockerEngine, ImageStore } from '../docker/engine.js';
import { ArchiveReader, type GzipEstimates } from '../measure/archive-reader.js';
import {
  type ImageReader,
  type LayerAnalysis,
  type MeasuredImage,
  measureImage,
  measurePlatform,
  resolvePlatforms,
} from '../measure/image-reader.js';
import { OciDirReader } from '../measure/oci-dir-reader.js';
import type { RegistryImages } from '../measure/registry-reader.js';
import { onInterruptOrExit } from '../process/interrupts.js';
import { namesRegistry } from '../registry/reference.js';
import { counted } from '../report/text.js';

export type Role = 'head' | 'base';

export interface BuildRequest extends BuildOptions {
  role: Role;
  /** Repository to push classic-store builds to, for exact compressed sizes. */
  registry: string | null;
  /** Human name for the report, e.g. "head (a1b2c3d)". */
  label: string;
}

export interface ImageServices {
  buildx: Buildx;
  docker: DockerEngine;
  registry: RegistryImages;
  log: (line: string) => void;
  /** Folds a build's output under a title in the log. */
  fold: <T>(title: string, fn: () => Promise<T>) => Promise<T>;
  /** Times a step of the gate (reported and logged as a phase). */
  phase: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  /** The gzip estimates of classic-store layers this run knows (the stored baseline's and its own). */
  gzipEstimates: GzipEstimates;
}

/** How this builder can hand back what it built. */
export type BuildStrategy =
  /** One build of every platform into an OCI layout: exact compressed blobs, no daemon state touched. */
  | 'oci-layout'
  /** The docker driver on the classic store: one `--load` per platform (it cannot load a manifest list). */
  | 'per-platform-image';

export function chooseStrategy(driver: string, store: ImageStore): BuildStrategy {
  // The docker driver only exports OCI layouts when the daemon uses the containerd image store.
  return driver === 'docker' && store === 'classic' ? 'per-platform-image' : 'oci-layout';
}

/** The tag a classic-store build leaves behind, documented in the README. */
export function classicTag(role: Role, platform: Platform, registry: string | null): string {
  const suffix = platform.replaceAll('/', '-');
  return registry ? `${registry}:isg-${role}-${suffix}` : `image-size-gate/${role}:${suffix}`;
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'image-size-gate-'));
  // An interrupt stops the build first (see onInterruptOrExit), then the directory goes.
  const emergency = onInterruptOrExit(() => rmSync(dir, { recursive: true, force: true }));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
    emergency.unregister();
  }
}

export async function buildAndMeasure(
  request: BuildRequest,
  strategy: BuildStrategy,
  services: ImageServices,
): Promise<MeasuredImage> {
  return withTempDir(async (dir) => {
    const { role, registry, label, ...options } = request;
    const spec = (platforms: Platform[], output: BuildOutput, name: string): BuildSpec => ({
      ...options,
      platforms,
      output,
      metadataFile: join(dir, `${name}.metadata.json`),
      iidFile: output.kind === 'image' ? join(dir, `${name}.iid`) : null,
    });
    const build = (buildSpec: BuildSpec, what: string) =>
      services.phase(`${role} build${what}`, () =>
        services.fold(`docker buildx build: ${label}, ${buildSpec.platforms.join(', ')}`, () =>
          buildOnceMore(buildSpec, services),
        ),
      );
    const platforms: PlatformMeasure[] = [];
    const analyses = new Map<Platform, LayerAnalysis>();
    const measure = async (reader: ImageReader | (() => Promise<ImageReader>), platform: Platform) => {
      const result = await services.phase(`${role} measure ${platform}`, async () => {
        const ready = typeof reader === 'function' ? await reader() : reader;
        const manifests = await resolvePlatforms(ready, [platform]);
        return measurePlatform(ready, platform, manifests.get(platform)!);
      });
      platforms.push(result.measure);
      analyses.set(platform, result.analysis);
    };

    if (strategy === 'oci-layout') {
      const layout = join(dir, 'oci');
      await build(spec(request.platforms, { kind: 'oci-dir', dest: layout }, 'all'), '');
      const reader = new OciDirReader(layout, goBinaryCapture);
      for (const platform of request.platforms) await measure(reader, platform);
    } else {
      for (const platform of request.platforms) {
        const name = classicTag(role, platform, registry);
        const push = registry !== null;
        const replaced = await services.docker.imageId(name);
        const built = await build(
          spec([platform], { kind: 'image', name, push }, platform.replaceAll('/', '-')),
          ` ${platform}`,
        );
        const fromRegistry = push && built.digest !== null;
        const hold = !fromRegistry && built.imageId ? await holdImage(built.imageId, name, services) : null;
        try {
          await measure(
            async () =>
              fromRegistry
                ? services.registry(`${registry}@${built.digest}`, goBinaryCapture)
                : readExport(built.imageId ?? name, services, name),
            platform,
          );
        } finally {
          await hold?.release();
        }
        // The tag moved to the new build: the image it named before would be left dangling, run after run.
        if (replaced && replaced !== built.imageId && (await services.docker.removeIfUntagged(replaced))) {
          services.log(
            `removed the previous ${name} (${replaced.slice(0, 19)}), which nothing names any more`,
          );
        }
      }
    }
    return { measure: { ref: label, source: 'build', platforms }, analyses };
  });
}

/**
 * Names a classic-store build with a tag of this run's own until it is measured. Another run on the
 * same daemon moves the shared tag to its own build, then removes the image the tag named before when
 * nothing names it: without this tag, that could be this run's build, before its export is read. When
 * the shared tag has moved meanwhile, letting go of this tag removes the image, as that run would have.
 */
async function holdImage(
  id: string,
  name: string,
  services: ImageServices,
): Promise<{ release: () => Promise<void> }> {
  const [repository, tag] = [name.slice(0, name.lastIndexOf(':')), name.slice(name.lastIndexOf(':') + 1)];
  const held = `${tag}-run-${randomUUID().slice(0, 8)}`;
  const ref = `${repository}:${held}`;
  await services.docker.tag(id, repository, held);
  // An interrupted run still lets go of it (the docker CLI is there: buildx runs through it).
  const emergency = onInterruptOrExit(() => {
    spawnSync('docker', ['rmi', '--no-prune', ref], { stdio: 'ignore', timeout: 10_000 });
  });
  return {
    release: async () => {
      emergency.unregister();
      try {
        if (await services.docker.removeTag(ref)) {
          services.log(
            `${name} moved to another run's build while this one was measured: removed this run's (${id.slice(0, 19)})`,
          );
        }
      } catch (error) {
        // Tidying up costs the tidying only, never the measurement.
        services.log(
          `could not remove the tag ${ref} (${(error as Error).message}): \`docker rmi ${ref}\` removes it`,
        );
      }
    },
  };
}

/**
 * Lets the head take a stored baseline's gzip estimates for the layers it shares with it (the same
 * digest is the same bytes), so that only the layers the change made are estimated. The figures come
 * from a report this repository's own runs stored; a shared layer shows the same figure on both
 * sides, so its delta is zero, as it is.
 */
export function reuseStoredEstimates(stored: ImageMeasure, services: ImageServices): void {
  for (const platform of stored.platforms) {
    if (!platform.compressedEstimated) continue;
    for (const layer of platform.layers) services.gzipEstimates.set(layer.digest, layer.sizes.compressed);
  }
}

/** Reads the daemon's export of an image, taking the gzip estimates this run knows of its layers. */
async function readExport(ref: string, services: ImageServices, name = ref): Promise<ArchiveReader> {
  const reader = await ArchiveReader.read(
    await services.docker.exportImage(ref),
    goBinaryCapture,
    services.gzipEstimates,
  );
  const n = reader.reusedEstimates;
  if (n > 0) {
    services.log(
      `${name}: reused the gzip estimates of ${counted(n, 'layer')} that the stored baseline or an image measured before in this run has`,
    );
  }
  return reader;
}

/** Builds, and builds once more when BuildKit failed in one of the ways a second try gets past. */
async function buildOnceMore(spec: BuildSpec, services: ImageServices) {
  try {
    return await services.buildx.build(spec, services.log);
  } catch (error) {
    const transient = error instanceof BuildError ? transientBuildFailure(error.tail) : null;
    if (transient === null) throw error;
    services.log(`BuildKit failed with a known transient error (${transient}); retrying the build once`);
    if (spec.output.kind === 'oci-dir') await rm(spec.output.dest, { recursive: true, force: true });
    return services.buildx.build(spec, services.log);
  }
}

/**
 * Measures an image that already exists: from the daemon when it has it (Engine API export), else
 * from the registry its name points at.
 */
export async function measureExisting(
  ref: string,
  platforms: Platform[],
  services: ImageServices,
  /** A baseline: measure the platforms it has; the comparison says which it lacks. */
  partial = false,
): Promise<MeasuredImage> {
  const { docker, registry } = services;
  if (await docker.hasImage(ref)) {
    return measureImage(await readExport(ref, services), platforms, ref, 'docker', partial);
  }
  if (!namesRegistry(ref)) {
    throw new Error(
      `image "${ref}" is not in the Docker daemon and names no registry: build or pull it first`,
    );
  }
  return measureImage(registry(ref), platforms, ref, 'registry', partial);
}
