// Hand-written stand-ins for the gate's adapters. The builder writes a real OCI layout, so the gate's own
// OciDirReader measures it; git makes a real temporary directory for the base worktree.
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BuildSpec } from '../../../src/buildx/argv.js';
import { BuildError, type BuilderInfo, type BuildMetadata, type Buildx } from '../../../src/buildx/buildx.js';
import { type LabelEvent, lastLabelEvent, type OverrideEvidence } from '../../../src/core/override.js';
import type { DockerEngine, HistoryItem, ImageStore } from '../../../src/docker/engine.js';
import type { Logger } from '../../../src/gate/run-gate.js';
import {
  type BaseCommit,
  type BaselineGit,
  BaselineGitError,
  type BaseSelector,
} from '../../../src/git/baseline.js';
import type { RepositoryTags } from '../../../src/git/tags.js';
import type { CommentResult, CommentTarget, PullRequestComments } from '../../../src/github/comments.js';
import type { OverrideEvidenceSource } from '../../../src/github/override-evidence.js';
import type { JobSummary, SummaryResult } from '../../../src/github/summary.js';
import type { RegistryImages } from '../../../src/measure/registry-reader.js';
import { RegistryError } from '../../../src/registry/client.js';
import { type PlatformImage, type WrittenPlatform, writeOciLayout } from './oci-layout.js';

export type Role = 'head' | 'base';

/** What a build of one side produces: images per platform, or a failure with buildx's output tail. */
export type BuildPlan =
  | PlatformImage[]
  | { fail: string }
  /** Fails with each tail in turn (one build each), then builds the images. */
  | { failFirst: string[]; afterwards: PlatformImage[] };

export class FakeBuildx implements Buildx {
  readonly builds: { role: Role; spec: BuildSpec }[] = [];
  readonly written: Partial<Record<Role, WrittenPlatform[]>> = {};

  constructor(
    private readonly plans: Record<Role, BuildPlan>,
    /** Tells the base worktree's builds from the head's. */
    private readonly roleOf: (spec: BuildSpec) => Role,
    /** Called as each build starts (the timing test moves the clock here). */
    private readonly onBuild: (role: Role) => void = () => {},
  ) {}

  async version(): Promise<string> {
    return 'github.com/docker/buildx v0.0.0-fake';
  }

  async inspect(builder: string | null): Promise<BuilderInfo> {
    return { name: builder ?? 'fake-builder', driver: 'docker-container' };
  }

  async build(spec: BuildSpec, log: (line: string) => void): Promise<BuildMetadata> {
    const role = this.roleOf(spec);
    this.builds.push({ role, spec: structuredClone(spec) });
    this.onBuild(role);
    log(`fake buildx: building ${role} for ${spec.platforms.join(',')}`);
    // What real buildx would say about paths the gate got wrong.
    if (!existsSync(spec.context) || !statSync(spec.context).isDirectory()) {
      throw new BuildError('docker buildx build failed (exit 1)', `ERROR: context ${spec.context} not found`);
    }
    if (!existsSync(spec.file)) {
      throw new BuildError(
        'docker buildx build failed (exit 1)',
        `ERROR: failed to read dockerfile: ${spec.file}`,
      );
    }
    let plan = this.plans[role];
    if ('failFirst' in plan) {
      const tail = plan.failFirst[this.builds.filter((b) => b.role === role).length - 1];
      plan = tail === undefined ? plan.afterwards : { fail: tail };
    }
    if ('fail' in plan) {
      throw new BuildError('docker buildx build failed (exit 1); the end of its output:', plan.fail);
    }
    if (spec.output.kind !== 'oci-dir')
      throw new Error(`the fake builder writes OCI layouts, not ${spec.output.kind}`);
    const images = plan.filter((image) => spec.platforms.includes(image.platform));
    this.written[role] = await writeOciLayout(spec.output.dest, images);
    const metadata = { 'containerimage.digest': `sha256:${'0'.repeat(64)}` };
    await writeFile(spec.metadataFile, JSON.stringify(metadata));
    return { digest: metadata['containerimage.digest'], configDigest: null, imageName: null, imageId: null };
  }
}

export class FakeDocker implements DockerEngine {
  pings = 0;

  constructor(private readonly onPing: () => void = () => {}) {}

  async ping(): Promise<void> {
    this.pings += 1;
    this.onPing();
  }

  async version(): Promise<string> {
    return '0.0.0-fake';
  }

  async imageStore(): Promise<ImageStore> {
    return 'containerd';
  }

  async hasImage(): Promise<boolean> {
    return false;
  }

  async exportImage(ref: string): Promise<never> {
    throw new Error(`the fake daemon has no image ${ref}`);
  }

  async history(): Promise<HistoryItem[]> {
    return [];
  }

  async imageId(): Promise<string | null> {
    return null;
  }

  async removeIfUntagged(): Promise<boolean> {
    return false;
  }

  async tag(): Promise<void> {}

  async removeTag(): Promise<boolean> {
    return false;
  }
}

/** A registry that holds no image: each one asked for is missing, as its 404 would say; the asks are kept. */
export function emptyRegistry(asked: string[] = []): RegistryImages {
  return (ref) => {
    asked.push(ref);
    throw new RegistryError(`GET ${ref} answered 404 Not Found: check the repository and tag`);
  };
}

export class FakeGit implements BaselineGit {
  readonly resolved: BaseSelector[] = [];
  readonly asked: string[] = [];
  readonly worktrees: string[] = [];
  readonly removed: string[] = [];

  constructor(
    private readonly options: {
      baseSha: string;
      /** Workspace-relative path of the Dockerfile in the base commit; null when the base has none. */
      dockerfileAtBase: string | null;
      /** Where base worktrees are made. */
      worktreeRoot: string;
      /** The repository's top directory; null: "not a git repository". */
      repositoryRoot: string | null;
      /** Set: resolving the base commit fails with this (a commit that cannot be fetched, say). */
      resolveError?: BaselineGitError;
      /** The repository's tags; none when absent. */
      tags?: RepositoryTags;
    },
  ) {}

  async repositoryRoot(dir: string): Promise<string> {
    if (this.options.repositoryRoot === null) {
      throw new BaselineGitError('not-a-repository', `${dir} is not inside a git repository (fake git).`);
    }
    return this.options.repositoryRoot;
  }

  readonly repoDirs: string[] = [];

  async resolveBaseCommit(repoDir: string, selector: BaseSelector): Promise<BaseCommit> {
    this.resolved.push(selector);
    this.repoDirs.push(repoDir);
    if (this.options.resolveError) throw this.options.resolveError;
    return { sha: this.options.baseSha, how: 'base commit from the event (fake git)' };
  }

  async tags(_repoDir: string): Promise<RepositoryTags> {
    return this.options.tags ?? { tags: [], atHead: [] };
  }

  async fileExistsAtCommit(_repoDir: string, sha: string, path: string): Promise<boolean> {
    this.asked.push(path);
    return sha === this.options.baseSha && path === this.options.dockerfileAtBase;
  }

  async withBaseWorktree<T>(_repoDir: string, sha: string, fn: (dir: string) => Promise<T>): Promise<T> {
    if (sha !== this.options.baseSha) throw new Error(`fake git knows no commit ${sha}`);
    const dir = await mkdtemp(join(this.options.worktreeRoot, 'base-'));
    this.worktrees.push(dir);
    try {
      if (this.options.dockerfileAtBase) {
        const dockerfile = join(dir, this.options.dockerfileAtBase);
        await mkdir(dirname(dockerfile), { recursive: true });
        await writeFile(dockerfile, 'FROM scratch\n');
      }
      return await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
      this.removed.push(dir);
    }
  }

  async isShallow(): Promise<boolean> {
    return false;
  }
}

export class FakeComments implements PullRequestComments {
  readonly calls: { target: CommentTarget; key: string; body: string }[] = [];

  /** A fixed result, or another PullRequestComments to pass the call on to. */
  constructor(private readonly answer: CommentResult | PullRequestComments) {}

  async upsert(
    target: CommentTarget,
    key: string,
    body: string,
    signal?: AbortSignal,
  ): Promise<CommentResult> {
    this.calls.push({ target, key, body });
    return 'upsert' in this.answer ? this.answer.upsert(target, key, body, signal) : this.answer;
  }
}

/**
 * A pull request's labels and label events as GitHub keeps them, and the repository's roles: applying or
 * removing a label records an event, and the permission asked for is the last applier's (as the adapter
 * asks only for that one). `failWith` makes the API fail; `hang` makes it never answer.
 */
export class FakeOverrideEvidence implements OverrideEvidenceSource {
  readonly labels: string[] = [];
  readonly events: LabelEvent[] = [];
  readonly roles = new Map<string, string>();
  readonly reads: { target: CommentTarget; label: string }[] = [];
  failWith: Error | null = null;
  hang = false;
  private clock = Date.parse('2026-12-01T10:00:00Z');

  apply(label: string, login: string): string {
    const at = this.tick();
    if (!this.labels.includes(label)) this.labels.push(label);
    this.events.push({ event: 'labeled', label, login, at });
    return at;
  }

  remove(label: string, login: string): void {
    this.labels.splice(this.labels.indexOf(label), 1);
    this.events.push({ event: 'unlabeled', label, login, at: this.tick() });
  }

  async read(target: CommentTarget, label: string, signal?: AbortSignal): Promise<OverrideEvidence> {
    this.reads.push({ target, label });
    if (this.hang) {
      return new Promise((_, reject) =>
        signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
      );
    }
    if (this.failWith) throw this.failWith;
    const last = lastLabelEvent(this.events, label);
    const role = last?.event === 'labeled' && last.login ? this.roles.get(last.login) : undefined;
    const legacy = role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role;
    return {
      labels: [...this.labels],
      events: [...this.events],
      permission: role === undefined ? null : { permission: legacy ?? 'none', roleName: role },
    };
  }

  private tick(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

export class FakeSummary implements JobSummary {
  readonly written: string[] = [];

  async write(markdown: string): Promise<SummaryResult> {
    this.written.push(markdown);
    return { written: true, path: '/fake/step-summary' };
  }
}

export class RecordingLog implements Logger {
  readonly infos: string[] = [];
  readonly warnings: string[] = [];
  readonly details: string[] = [];
  readonly groups: { title: string; body: string }[] = [];

  info = (line: string) => {
    this.infos.push(line);
  };
  warning = (line: string) => {
    this.warnings.push(line);
  };
  detail = (line: string) => {
    this.details.push(line);
  };
  group = (title: string, body: string) => {
    this.groups.push({ title, body });
  };
}
