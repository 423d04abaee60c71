// The gate, top to bottom: check the request, find the baseline, measure the head, build or measure the
// base where the baseline is one, compare, decide, report. The action and the CLI both call runGate;
// neither decides anything on its own.
import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { BuildError, type Buildx, buildxVersionNumber } from '../buildx/buildx.js';
import { compareImages } from '../core/compare.js';
import type { BaselineCause, Decision } from '../core/model.js';
import { applyOverride } from '../core/override.js';
import { selectPreviousRelease } from '../core/release.js';
import { decide } from '../core/verdict.js';
import type { DockerEngine } from '../docker/engine.js';
import type { PlatformExplanation } from '../explain/explain.js';
import { explainImages } from '../explain/images.js';
import { type BaselineGit, BaselineGitError, type BaseSelector } from '../git/baseline.js';
import type { CommentTarget, PullRequestComments } from '../github/comments.js';
import { isPullRequestEvent, type PullRequestContext, untrustedBuildRefusal } from '../github/event.js';
import type { OverrideEvidenceSource } from '../github/override-evidence.js';
import type { JobSummary } from '../github/summary.js';
import { InputError, type Inputs } from '../inputs/inputs.js';
import type { MeasuredImage } from '../measure/image-reader.js';
import type { RegistryImages } from '../measure/registry-reader.js';
import { writeText } from '../process/write-text.js';
import { buildHistory, type StoredPoint } from '../report/history.js';
import {
  type BaselineOrigin,
  buildReport,
  REPORT_SCHEMA_VERSION,
  type Report,
  type ReportEngine,
  renderJson,
} from '../report/json.js';
import { renderMarkdown } from '../report/render/markdown.js';
import { renderTerminal } from '../report/render/terminal.js';
import type { ArtifactUploader } from '../store/actions-store.js';
import { fingerprintOf } from '../store/fingerprint.js';
import { readStoredHistory } from '../store/history.js';
import { lookupStoredBaseline, type StoreHistory } from '../store/lookup.js';
import { uploadReportArtifact } from '../store/report-artifact.js';
import type { ReportStore } from '../store/store.js';
import { measureFromStoredReport } from '../store/stored-baseline.js';
import {
  type BuildRequest,
  type BuildStrategy,
  buildAndMeasure,
  chooseStrategy,
  type ImageServices,
  measureExisting,
  reuseStoredEstimates,
} from './images.js';
import { type GateOutputs, gateOutputs } from './outputs.js';
import { lookUpOverride } from './override.js';

export interface Logger {
  info(line: string): void;
  warning(line: string): void;
  /** Build output and other detail: shown in the log, folded where the runner can fold. */
  detail(line: string): void;
  /** A titled block of text, folded where the runner can fold. */
  group(title: string, body: string): void;
  /** Runs fn with everything it logs folded under title, where the runner can fold. */
  fold?<T>(title: string, fn: () => Promise<T>): Promise<T>;
  /** The report as plain terminal text; where absent, `info` logs it. (The CLI prints its own.) */
  report?(text: string): void;
}

export interface GateServices {
  buildx: Buildx;
  docker: DockerEngine;
  /** Opens images in registries (a baseline image, a pushed classic-store build). */
  registry: RegistryImages;
  git: BaselineGit;
  /** null when there is no token to comment with. */
  comments: PullRequestComments | null;
  /** Who applied override-label and with what permission; null (or absent) without a token. */
  overrideEvidence?: OverrideEvidenceSource | null;
  summary: JobSummary | null;
  log: Logger;
  /** The store `store` names, opened by the caller; null or absent without one. */
  reportStore?: ReportStore | null;
  /** What the store lookup asks git about the repository's history. */
  storeHistory?: StoreHistory | null;
  /** Uploads workflow artifacts (upload-report); null or absent outside a runner. */
  reportUploader?: ArtifactUploader | null;
}

export interface GateContext {
  eventName: string;
  workspace: string;
  pullRequest: PullRequestContext | null;
  /** Where to put the JSON report when `report-file` is unset; null: do not write one. */
  defaultReportFile: string | null;
  /** The commit under test when there is no pull request (a local run), to name the head. */
  headSha?: string | null;
  /** How long the job summary and the comment may take together; past it they are given up. Default 120 s. */
  publishBudgetMs?: number;
  /** The working tree has uncommitted changes: the head is not headSha itself. */
  dirty?: boolean;
  /** GITHUB_REF (refs/heads/main, refs/tags/v1.2.0), stored with the report. */
  ref?: string | null;
}

export interface GateResult {
  report: Report;
  explanations: PlatformExplanation[];
  markdown: string;
  decision: Decision;
  reportPath: string | null;
  /** The one-line reason the step fails; null when it passes (or only warns). */
  failure: string | null;
  outputs: GateOutputs;
}

export class GateRefusedError extends Error {}

/**
 * What preflight found the run must do: build the head with a strategy, or measure the head image as found;
 * strategy is then what a base build uses (`baseline: build`), null when nothing is built.
 */
type Plan =
  | { kind: 'build'; strategy: BuildStrategy }
  | { kind: 'existing'; image: string; strategy: BuildStrategy | null };

interface Preflight {
  plan: Plan;
  engine: ReportEngine;
}

type Phase = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** A base found, that is still to be built or measured (after the head, which it is given). */
type AcquireBaseline = (head: MeasuredImage) => Promise<Baseline>;

/** The baseline, or why there is none (the cause a stored report would also give). */
interface Baseline {
  image: MeasuredImage | null;
  reason: string | null;
  cause: BaselineCause | null;
  /** The base commit's Dockerfile, to tell its base-image layers from its own. */
  dockerfile: string | null;
  /** Where it came from, for the report; without it: a build when there is an image. */
  origin?: Partial<BaselineOrigin>;
}

export async function runGate(
  inputs: Inputs,
  context: GateContext,
  services: GateServices,
): Promise<GateResult> {
  const { log } = services;
  const timings: Record<string, number> = {};
  const phase: Phase = async (name, fn) => {
    const start = performance.now();
    try {
      return await fn();
    } finally {
      timings[name] = Math.round(performance.now() - start);
      log.info(`[phase] ${name}: ${(timings[name] / 1000).toFixed(2)} s`);
    }
  };

  const buildsHead = inputs.image === null;
  const refusal = buildsHead ? untrustedBuildRefusal(context.eventName, inputs.allowUntrustedBuild) : null;
  if (refusal) throw new GateRefusedError(refusal);

  const { plan, engine } = await phase('preflight', async (): Promise<Preflight> => {
    await services.docker.ping();
    const store = await services.docker.imageStore();
    const engine: ReportEngine = {
      name: 'Docker Engine',
      version: await services.docker.version(),
      imageStore: store,
      buildx: null,
      builder: null,
      driver: null,
    };
    const daemon = `${engine.name} ${engine.version}, ${store} image store`;
    if (inputs.image !== null && inputs.baseline !== 'build') {
      log.info(daemon);
      return { plan: { kind: 'existing', image: inputs.image, strategy: null }, engine };
    }
    const version = await services.buildx.version();
    const builder = await services.buildx.inspect(inputs.builder);
    const chosen = chooseStrategy(builder.driver, store);
    const built = { buildx: buildxVersionNumber(version), builder: builder.name, driver: builder.driver };
    log.info(
      `${daemon}; ${version}; builder ${builder.name} (driver ${builder.driver}): ${describe(chosen)}`,
    );
    if (chosen === 'per-platform-image' && !inputs.registry) {
      log.info(
        'compressed sizes will be estimates (gzip of each layer): set `registry` to push and measure them exactly, or use the containerd image store',
      );
    }
    const plan: Plan = inputs.image
      ? { kind: 'existing', image: inputs.image, strategy: chosen }
      : { kind: 'build', strategy: chosen };
    return { plan, engine: { ...engine, ...built } };
  });

  const images = imageServices(services, phase);
  const request = (
    role: 'head' | 'base',
    paths: Pick<BuildRequest, 'context' | 'file'>,
    label: string,
  ): BuildRequest => ({
    role,
    ...paths,
    target: inputs.target,
    buildArgs: inputs.buildArgs,
    secrets: inputs.secrets,
    platforms: inputs.platforms,
    builder: inputs.builder,
    registry: inputs.registry,
    label,
  });

  const headSha = context.pullRequest?.headSha ?? context.headSha ?? null;
  const headLabel =
    inputs.image ??
    (context.dirty && headSha
      ? `working tree (uncommitted changes on ${headSha.slice(0, 7)})`
      : `head${headSha ? ` (${headSha.slice(0, 7)})` : ''}`);
  const run = {
    commit: headSha,
    ref: context.ref ?? null,
    event: context.eventName,
    fingerprint: fingerprintOf({
      ...inputs,
      workspace: context.workspace,
      measuring: inputs.image
        ? 'as-found'
        : plan.strategy === 'per-platform-image' && !inputs.registry
          ? 'estimated-compressed'
          : 'exact',
      schemaMajor: REPORT_SCHEMA_VERSION,
    }),
  };
  // The commit the head is a build of, exactly: a clean checkout built here (a pull request builds its merge).
  const builtCommit = plan.kind === 'build' && !context.dirty && !context.pullRequest ? headSha : null;
  /** Finds the baseline; without the head, a base that is still to be built or measured is left to the caller. */
  const findBaseline = (head: MeasuredImage | null) =>
    phase('baseline', async () => {
      const previous = await previousRelease(inputs, context, services);
      const found = await getBaseline(
        inputs,
        context,
        services,
        images,
        plan.strategy,
        request,
        run.fingerprint.id,
        previous,
        builtCommit,
      );
      return { previous, found: typeof found === 'function' && head ? await found(head) : found };
    });
  // Where the head's compressed sizes are estimated and a stored report may serve, the baseline is
  // found first: the stored estimates of the layers the head shares with it spare estimating them again.
  // Otherwise the head goes first, so that a head that fails to build never fetches the base.
  const storeFirst =
    run.fingerprint.parts.measuring === 'estimated-compressed' &&
    services.reportStore &&
    (inputs.baseline === 'auto' || inputs.baseline === 'store');
  const foundFirst = storeFirst ? await findBaseline(null) : null;
  const stored = typeof foundFirst?.found === 'object' ? foundFirst.found : null;
  if (stored?.image && stored.origin?.source === 'store') reuseStoredEstimates(stored.image.measure, images);
  const head = await phase('head', () =>
    plan.kind === 'existing'
      ? measureExisting(plan.image, inputs.platforms, images)
      : buildAndMeasure(
          request('head', { context: inputs.context, file: inputs.file }, headLabel),
          plan.strategy,
          images,
        ),
  );
  const { previous, found } = foundFirst ?? (await findBaseline(head));
  const acquired = typeof found === 'function' ? await phase('base', () => found(head)) : found;
  const baseline =
    previous && 'tag' in previous
      ? { ...acquired, origin: { ...acquired.origin, release: previous.tag } }
      : acquired;
  if (baseline.cause === 'baseline-none') log.info(`no baseline: ${baseline.reason}`);
  const history = await storedHistory(inputs, services, baseline.origin?.commit, run.fingerprint.id, phase);

  const explanations = await phase('explain', async () =>
    explainImages(
      {
        image: head,
        dockerfile: inputs.image ? null : await readFile(inputs.file, 'utf8').catch(() => null),
      },
      baseline.image && { image: baseline.image, dockerfile: baseline.dockerfile },
      inputs.target,
    ),
  );
  const comparison = compareImages(
    head.measure,
    baseline.image?.measure ?? null,
    baseline.reason ?? undefined,
    baseline.cause,
  );
  const decided = decide(
    comparison,
    {
      maxIncrease: inputs.maxIncrease,
      maxIncreasePercent: inputs.maxIncreasePercent,
      maxSize: inputs.maxSize,
      basis: inputs.sizeBasis,
      mode: inputs.mode,
    },
    inputs.onMissingBaseline,
  );
  const override = await lookUpOverride(
    inputs.overrideLabel,
    decided.verdict === 'fail',
    context.pullRequest,
    services.overrideEvidence ?? null,
  );
  const decision = applyOverride(decided, override);
  const missing = decision.missingBaseline;
  if (missing) (missing.policy === 'pass' ? log.info : log.warning)(missing.message);
  const report = buildReport({
    comparison,
    decision,
    tool: { name: pkg.name, version: pkg.version },
    timings,
    explanations,
    baseline: {
      source: baseline.image ? 'build' : 'none',
      commit: null,
      reason: null,
      stored: null,
      ...baseline.origin,
    },
    run,
    engine,
    history:
      history &&
      buildHistory(
        history,
        { commit: headSha, generatedAt: new Date().toISOString(), platforms: head.measure.platforms },
        inputs.sizeBasis,
        inputs.history,
      ),
  });
  const markdown = renderMarkdown(report);

  // A report that cannot be written costs the file, never the verdict.
  const write = async (path: string, text: string) =>
    writeText(path, text).then(
      () => path,
      (error: Error) => {
        log.warning(`could not write ${path} (${error.message}); the verdict stands`);
        return null;
      },
    );
  const wanted = inputs.reportFile ?? context.defaultReportFile;
  const reportPath = wanted ? await write(wanted, renderJson(report)) : null;
  if (inputs.markdownFile) await write(inputs.markdownFile, markdown);

  await publish(inputs, context, services, report, markdown);
  // The hand-over to the aggregator; like the comment, a failure costs the artifact only.
  const artifact =
    inputs.uploadReport && services.reportUploader
      ? await phase('upload report', () =>
          uploadReportArtifact(services.reportUploader!, report, inputs.commentKey, {
            info: log.info,
            warn: log.warning,
          }),
        )
      : null;
  if (inputs.uploadReport && !services.reportUploader)
    log.warning('upload-report: no artifact client here (not on a runner)');
  if (inputs.publish) await phase('store publish', () => storeReport(context, services, report));

  const failure =
    decision.verdict === 'fail'
      ? [
          ...decision.violations.map((v) => v.message),
          ...(missing?.policy === 'fail' ? [missing.message] : []),
        ].join('\n') || 'the gate failed'
      : null;
  const release = report.baseline.release;
  const named =
    failure && release && report.baseline.source !== 'none'
      ? `${failure}\n(base: release ${release})`
      : failure;
  for (const v of decision.violations) (decision.verdict === 'warn' ? log.warning : log.info)(v.message);
  return {
    report,
    explanations,
    markdown,
    decision,
    reportPath,
    failure: named,
    outputs: gateOutputs(decision, reportPath, artifact),
  };
}

function imageServices(services: GateServices, phase: Phase): ImageServices {
  const { log } = services;
  return {
    phase,
    buildx: services.buildx,
    docker: services.docker,
    registry: services.registry,
    log: (line) => log.detail(line),
    fold: (title, fn) => (log.fold ? log.fold(title, fn) : fn()),
    gzipEstimates: new Map(),
  };
}

function describe(strategy: BuildStrategy): string {
  return strategy === 'oci-layout'
    ? 'building every platform into one OCI layout'
    : 'building one platform at a time into the image store (the classic store cannot load a manifest list)';
}

/**
 * The baseline, or why there is none; or, where the base is still to be built or measured, the function
 * that does it (the gate calls it after measuring the head).
 */
async function getBaseline(
  inputs: Inputs,
  context: GateContext,
  services: GateServices,
  images: ImageServices,
  strategy: BuildStrategy | null,
  request: (role: 'base', paths: Pick<BuildRequest, 'context' | 'file'>, label: string) => BuildRequest,
  fingerprint: string,
  release: Release | null,
  builtCommit: string | null,
): Promise<Baseline | AcquireBaseline> {
  let origin: Partial<BaselineOrigin> = {};
  const none = (cause: BaselineCause, reason: string): Baseline => ({
    image: null,
    reason: reason.replace(/\.+$/, ''),
    cause,
    dockerfile: null,
    origin,
  });
  if (inputs.baseline === 'none') return none('baseline-none', '`baseline: none` was set');
  if (release && 'cause' in release) return none(release.cause, release.reason);
  const baseImage = async (): Promise<Baseline> => {
    // `ghcr.io/acme/api:{tag}` names the previous release's image.
    const reference = release ? inputs.baseImage!.replaceAll('{tag}', release.tag) : inputs.baseImage!;
    try {
      const image = await measureExisting(reference, inputs.platforms, images, true);
      return { image, reason: null, cause: null, dockerfile: null, origin: { ...origin, source: 'image' } };
    } catch (error) {
      return none(
        'base-image-unavailable',
        `base image ${reference} could not be measured (${(error as Error).message}): check the reference, that its registry answers, and that this job is logged in to it`,
      );
    }
  };
  if (inputs.baseline === 'image') return baseImage;

  const base = await baseCommit(inputs, context, services, none, release);
  if (inputs.baseline === 'auto' || inputs.baseline === 'store') {
    const stored = 'sha' in base ? await storedBaseline(inputs, base, services, images, fingerprint) : null;
    if (stored?.image) return stored;
    const reason =
      stored?.reason ?? ('sha' in base ? 'the store did not serve' : (base.reason ?? 'no base commit'));
    origin = { commit: 'sha' in base ? base.sha : null, reason };
    const store = (cause: BaselineCause, text: string) =>
      'sha' in base ? none(cause, text) : { ...base, origin };
    if (inputs.baseline === 'store')
      return store('stored-report-unavailable', `\`baseline: store\`: ${reason}`);
    if (inputs.baselineFallback === 'image') return baseImage;
    if (inputs.baselineFallback === 'none')
      return store('baseline-none', `the report store did not serve: ${reason}`);
  }
  if (!('sha' in base)) return { ...base, origin };
  const { root, sha } = base;
  if (sha === builtCommit) {
    // On the base branch itself: the head is already this commit's build, so it is not built twice.
    return async (head) => {
      services.log.info(
        `the base commit ${sha.slice(0, 7)} is the commit the head was built from (a clean checkout): the head's build stands for it`,
      );
      return {
        image: { ...head, measure: { ...head.measure, ref: `base (${sha.slice(0, 7)})` } },
        reason: null,
        cause: null,
        dockerfile: await readFile(inputs.file, 'utf8').catch(() => null),
        origin: { ...origin, source: 'build', commit: sha },
      };
    };
  }
  // inputs.ts allows a base build only where preflight planned one (the head is built, or `baseline: build`).
  if (!strategy) throw new Error('a base build was reached without a build strategy');
  const buildStrategy = strategy;

  // Paths inside the repository, so that they can be found again in the base commit's worktree.
  const inRepo = async (path: string) => relative(root, await realParent(path));
  const paths = { context: await inRepo(inputs.context), file: await inRepo(inputs.file) };
  if (!(await services.git.fileExistsAtCommit(inputs.context, sha, paths.file))) {
    return none('base-dockerfile-missing', `the base commit ${sha.slice(0, 7)} has no ${paths.file}`);
  }
  return async () => {
    try {
      let text: string | null = null;
      const image = await services.git.withBaseWorktree(inputs.context, sha, async (dir) => {
        const built = request(
          'base',
          { context: join(dir, paths.context), file: join(dir, paths.file) },
          `base (${sha.slice(0, 7)})`,
        );
        text = await readFile(built.file, 'utf8').catch(() => null);
        return buildAndMeasure(built, buildStrategy, images);
      });
      return {
        image,
        reason: null,
        cause: null,
        dockerfile: text,
        origin: { ...origin, source: 'build', commit: sha },
      };
    } catch (error) {
      if (error instanceof BuildError) {
        services.log.warning(`the base commit's build failed; its output ends with:\n${error.tail}`);
        return none('base-build-failed', `the base commit ${sha.slice(0, 7)} failed to build (see the log)`);
      }
      throw error;
    }
  };
}

/** The base commit and the repository it is in, or why there is none (as a missing baseline). */
async function baseCommit(
  inputs: Inputs,
  context: GateContext,
  services: GateServices,
  none: (cause: BaselineCause, reason: string) => Baseline,
  release: { tag: string; sha: string } | null,
): Promise<{ root: string; sha: string } | Baseline> {
  const local = context.eventName === 'local';
  // How the user sets an input, in the words of where they run.
  const set = (name: string, value: string) => (local ? `--${name} ${value}` : `\`${name}: ${value}\``);
  // The repository is the one that holds the context: a checkout may sit in a subfolder of the workspace.
  let root: string;
  try {
    root = await services.git.repositoryRoot(inputs.context);
  } catch (error) {
    return none(
      'not-a-repository',
      `${inputs.context} is not inside a git repository, so there is no base commit to build: ${local ? 'run the CLI inside a git checkout' : 'run actions/checkout before this step'}, or set ${set('baseline', 'none')} (${(error as Error).message.replace(/\.$/, '')})`,
    );
  }

  if (release) return { root, sha: release.sha };

  const pr = context.pullRequest;
  const baseRef = inputs.baseRef;
  let selector: BaseSelector;
  let why: string;
  if (baseRef && (inputs.baseRefSet || !pr)) {
    selector = { baseRef };
    why = inputs.baseRefSet
      ? `base-ref ${baseRef} is set${pr ? `, so it wins over the pull request's base ${pr.baseRef}` : ''}`
      : local
        ? `${baseRef} is the default branch (set --base-ref to compare with another)`
        : `${baseRef} is the pull request's base branch`;
  } else if (pr) {
    selector = { baseSha: pr.baseSha };
    why = `it is the pull request's base (${pr.baseRef}); set base-ref to compare with another branch`;
  } else if (isPullRequestEvent(context.eventName)) {
    return none(
      'event-missing',
      `this is a ${context.eventName} run, but the event payload (GITHUB_EVENT_PATH) carries no pull request, so the base is unknown: set base-ref to the base branch`,
    );
  } else if (local) {
    return none(
      'no-base-ref',
      `looked for a base branch in ${root} (origin's HEAD branch, then main, then master) and found none: set --base-ref BRANCH, or --baseline none`,
    );
  } else {
    return none(
      'no-base-ref',
      'this is not a pull request and `base-ref` is not set, so there is no base to build: set base-ref, or `baseline: none`',
    );
  }

  let sha: string;
  try {
    const found = await services.git.resolveBaseCommit(inputs.context, selector);
    sha = found.sha;
    services.log.info(`base commit ${sha.slice(0, 12)}: ${found.how}; used because ${why}`);
  } catch (error) {
    // A branch the user named that does not exist is a mistake to fix, not a missing baseline.
    if (selector.baseRef && error instanceof BaselineGitError && error.code === 'base-ref-not-found') {
      throw new InputError('base-ref', error.message.replace(/\.$/, ''));
    }
    const cause =
      error instanceof BaselineGitError && error.code === 'not-a-repository'
        ? 'not-a-repository'
        : 'base-commit-unavailable';
    return none(cause, `the base commit could not be found: ${(error as Error).message}`);
  }
  return { root, sha };
}

type Release = { tag: string; sha: string } | { cause: BaselineCause; reason: string };

/**
 * The previous release as the base, on a tag push or a release event (unless base-ref names a branch) or
 * with `base-ref: previous-release`; null when this run is not after one, or there is no repository (the
 * base commit's lookup says so).
 */
async function previousRelease(
  inputs: Inputs,
  context: GateContext,
  services: GateServices,
): Promise<Release | null> {
  const pushedTag = context.ref?.startsWith('refs/tags/') ? context.ref.slice('refs/tags/'.length) : null;
  const asked = inputs.baseRefSet && inputs.baseRef === 'previous-release';
  const releaseRun =
    !inputs.baseRefSet && !context.pullRequest && (pushedTag !== null || context.eventName === 'release');
  // A fixed base-image (no `{tag}`) is the base whatever the tags say.
  const fixedImage = inputs.baseline === 'image' && !inputs.baseImage?.includes('{tag}');
  if (inputs.baseline === 'none' || fixedImage || !(asked || releaseRun)) return null;
  const why = asked
    ? '`base-ref: previous-release` is set'
    : `this run is for the tag ${pushedTag ?? '(unknown)'}`;
  let read: Awaited<ReturnType<BaselineGit['tags']>>;
  try {
    read = await services.git.tags(await services.git.repositoryRoot(inputs.context));
  } catch (error) {
    if (error instanceof BaselineGitError && error.code === 'not-a-repository') return null;
    return {
      cause: 'base-commit-unavailable',
      reason: `the tags could not be read: ${(error as Error).message}`,
    };
  }
  const selected = selectPreviousRelease(read.tags, inputs.releaseTags, pushedTag, read.atHead);
  if (selected.ignored.length > 0) {
    services.log.info(
      `release-tags ${inputs.releaseTags}: ignored ${selected.ignored.join(', ')} (not semantic versions)`,
    );
  }
  if (!selected.previous) {
    return {
      cause: 'no-base-ref',
      reason: `${why}, so the base is the previous release, but ${selected.reason}: fetch the tags (actions/checkout with fetch-depth: 0), set release-tags to the tags' pattern, or set base-ref to a branch`,
    };
  }
  const { name: tag, commit: sha } = selected.previous;
  services.log.info(
    `base: the previous release ${tag} (${sha.slice(0, 12)}), below ${selected.current ?? 'every release tag'} among the tags matching ${inputs.releaseTags}; used because ${why}`,
  );
  return { tag, sha };
}

/** The base commit's stored report (or a near hit's) as the baseline, or why there is none. */
async function storedBaseline(
  inputs: Inputs,
  { root, sha: base }: { root: string; sha: string },
  services: GateServices,
  images: ImageServices,
  fingerprint: string,
): Promise<Baseline> {
  const miss = (reason: string): Baseline => ({
    image: null,
    reason,
    cause: null,
    dockerfile: null,
    origin: { reason, commit: base },
  });
  const store = services.reportStore;
  if (!store || !services.storeHistory) return miss('no report store was opened');
  // Repository-relative, as git diff takes them; an image run has no build context to prove unchanged.
  const paths = inputs.image
    ? []
    : [...new Set([inputs.context, inputs.file].map((p) => relative(root, p) || '.'))];
  const found = await images.phase('store lookup', () =>
    lookupStoredBaseline(store, services.storeHistory!, {
      base,
      fingerprint,
      depth: inputs.storeDepth,
      paths,
    }),
  );
  if (found.kind === 'miss') {
    services.log.warning(`report store ${store.name}: ${found.reason}`);
    return miss(found.reason);
  }
  const { report } = found;
  services.log.info(
    found.kind === 'exact'
      ? `baseline: the stored report of ${base.slice(0, 12)} from ${store.name}`
      : `baseline: ${found.reason} (${store.name})`,
  );
  return {
    image: { measure: measureFromStoredReport(report, `base (${base.slice(0, 7)})`), analyses: new Map() },
    reason: null,
    cause: null,
    dockerfile: null,
    origin: {
      source: 'store',
      commit: base,
      reason: found.kind === 'near' ? found.reason : null,
      stored: {
        commit: found.commit,
        ref: report.run?.ref ?? null,
        event: report.run?.event ?? 'unknown',
        generatedAt: report.generatedAt,
        distance: found.kind === 'near' ? found.distance : 0,
      },
    },
  };
}

/** The base branch's stored reports for the size history; null when off, without a store or a base commit. */
async function storedHistory(
  inputs: Inputs,
  services: GateServices,
  base: string | null | undefined,
  fingerprint: string,
  phase: Phase,
): Promise<StoredPoint[] | null> {
  const { reportStore: store, storeHistory: git } = services;
  if (inputs.history <= 0 || !store || !git || !base) return null;
  const read = await phase('history', () =>
    readStoredHistory(store, git, { base, fingerprint, count: inputs.history }),
  );
  const skipped = read.skipped ? `; ${read.skipped} skipped (${read.reasons.join('; ')})` : '';
  services.log.info(
    `history: ${read.points.length} stored reports in ${read.reads} reads from ${store.name}${skipped}`,
  );
  return read.points;
}

/** Stores the report for later runs' baselines; a failure costs the store only, never the verdict. */
async function storeReport(context: GateContext, services: GateServices, report: Report) {
  const { log } = services;
  const store = services.reportStore;
  if (!store) return;
  if (context.pullRequest) {
    log.info("not publishing: a pull request's report is never a baseline for anyone");
    return;
  }
  if (!report.run?.commit) {
    log.warning('not publishing: the commit this run measured is unknown (the verdict stands)');
    return;
  }
  try {
    await store.put(report);
    log.info(`stored the report of ${report.run.commit.slice(0, 12)} in ${store.name}`);
  } catch (error) {
    log.warning(
      `could not store the report in ${store.name}: ${(error as Error).message} (the verdict stands)`,
    );
  }
}

/** path with the links above it resolved, as git spells the repository root (the file itself may be a link). */
async function realParent(path: string): Promise<string> {
  return join(await realpath(dirname(path)), basename(path));
}

async function publish(
  inputs: Inputs,
  context: GateContext,
  services: GateServices,
  report: Report,
  markdown: string,
) {
  const { log } = services;
  const text = renderTerminal(report);
  if (log.report) log.report(text);
  else log.info(text);
  log.group('The report as markdown (what the comment and the job summary show)', markdown);
  // A stalled API or summary file costs what it would have published, never the verdict or the outputs.
  const budgetMs = context.publishBudgetMs ?? 120_000;
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(), budgetMs);
  const expired = new Promise<'expired'>((resolve) =>
    budget.signal.addEventListener('abort', () => resolve('expired'), { once: true }),
  );
  const overBudget = (what: string) =>
    log.warning(
      `${what} gave up: publishing took longer than its ${budgetMs < 1000 ? `${budgetMs} ms` : `${Math.round(budgetMs / 1000)} s`} budget (the verdict stands)`,
    );
  try {
    if (inputs.summary && services.summary) {
      const written = await Promise.race([
        services.summary.write(markdown).catch((error: Error) => ({
          written: false as const,
          reason: error.message,
          failed: true,
        })),
        expired,
      ]);
      if (written === 'expired') return overBudget('the job summary');
      if (!written.written)
        (written.failed ? log.warning : log.info)(`job summary not written: ${written.reason}`);
    }
    const pr = context.pullRequest;
    if (!inputs.comment || !pr) return;
    if (!services.comments) {
      log.warning('no `github-token`: the pull request comment was skipped (the verdict stands)');
      return;
    }
    const target: CommentTarget = { owner: pr.owner, repo: pr.repo, issueNumber: pr.number };
    try {
      const result = await Promise.race([
        services.comments.upsert(target, inputs.commentKey, markdown, budget.signal),
        expired,
      ]);
      if (result === 'expired') return overBudget(`commenting on pull request #${pr.number}`);
      if (result.kind === 'forbidden') {
        log.warning(
          `could not comment on pull request #${pr.number}: ${result.reason} The job summary and outputs still carry the report.`,
        );
      } else {
        log.info(`${result.kind} comment ${'htmlUrl' in result ? result.htmlUrl : result.reason}`);
      }
    } catch (error) {
      if (budget.signal.aborted) return overBudget(`commenting on pull request #${pr.number}`);
      log.warning(
        `could not comment on pull request #${pr.number}: ${(error as Error).message} (the verdict stands)`,
      );
    }
  } finally {
    clearTimeout(timer);
  }
}
