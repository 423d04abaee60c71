// The gate, top to bottom: check the request, measure the head, get a baseline, compare, decide,
// report. The action and the CLI both call runGate; neither decides anything on its own.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { BuildError, type Buildx } from '../buildx/buildx.js';
import { compareImages } from '../core/compare.js';
import type { Decision } from '../core/model.js';
import { decide } from '../core/verdict.js';
import type { DockerEngine } from '../docker/engine.js';
import { explainPlatform, explainSide, type PlatformExplanation } from '../explain/explain.js';
import { type BaselineGit, BaselineGitError } from '../git/baseline.js';
import type { CommentTarget, PullRequestComments } from '../github/comments.js';
import { type PullRequestContext, untrustedBuildRefusal } from '../github/event.js';
import type { JobSummary } from '../github/summary.js';
import { InputError, type Inputs } from '../inputs/inputs.js';
import type { MeasuredImage } from '../measure/image-reader.js';
import { explainSections } from '../report/explain-markdown.js';
import { buildReport, type Report, renderJson } from '../report/json.js';
import { renderMarkdown } from '../report/markdown.js';
import { renderTerminal } from '../report/terminal.js';
import {
  type BuildRequest,
  type BuildStrategy,
  buildAndMeasure,
  chooseStrategy,
  type ImageServices,
  measureExisting,
} from './images.js';

export interface Logger {
  info(line: string): void;
  warning(line: string): void;
  /** Build output and other detail: shown in the log, folded where the runner can fold. */
  detail(line: string): void;
  /** A titled block of text, folded where the runner can fold. */
  group(title: string, body: string): void;
  /** Runs fn with everything it logs folded under title, where the runner can fold. */
  fold?<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

export interface GateServices {
  buildx: Buildx;
  docker: DockerEngine;
  git: BaselineGit;
  /** null when there is no token to comment with. */
  comments: PullRequestComments | null;
  summary: JobSummary | null;
  log: Logger;
}

export interface GateContext {
  eventName: string;
  workspace: string;
  pullRequest: PullRequestContext | null;
  /** Where to put the JSON report when `report-file` is unset; null: do not write one. */
  defaultReportFile: string | null;
  /** The commit under test when there is no pull request (a local run), to name the head. */
  headSha?: string | null;
}

export interface GateResult {
  report: Report;
  explanations: PlatformExplanation[];
  markdown: string;
  decision: Decision;
  reportPath: string | null;
  /** The one-line reason the step fails; null when it passes (or only warns). */
  failure: string | null;
  outputs: Record<'verdict' | 'report-path' | 'head-size' | 'base-size' | 'delta', string>;
}

export class GateRefusedError extends Error {}

type Phase = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

interface Baseline {
  image: MeasuredImage | null;
  reason: string | null;
  /** The base commit's Dockerfile, to tell its base-image layers from its own. */
  dockerfile: string | null;
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

  const strategy = await phase('preflight', async () => {
    await services.docker.ping();
    if (!buildsHead && inputs.baseline !== 'build') return null;
    const version = await services.buildx.version();
    const builder = await services.buildx.inspect(inputs.builder);
    const store = await services.docker.imageStore();
    const chosen = chooseStrategy(builder.driver, store);
    log.info(
      `${version}; builder ${builder.name} (driver ${builder.driver}); ${store} image store: ${describe(chosen)}`,
    );
    if (chosen === 'per-platform-image' && !inputs.registry) {
      log.info(
        'compressed sizes will be estimates (gzip of each layer): set `registry` to push and measure them exactly, or use the containerd image store',
      );
    }
    return chosen;
  });

  const images = imageServices(services, phase);
  const request = (role: 'head' | 'base', root: string, label: string): BuildRequest => ({
    role,
    context: join(root, relative(context.workspace, inputs.context)),
    file: join(root, relative(context.workspace, inputs.file)),
    target: inputs.target,
    buildArgs: inputs.buildArgs,
    secrets: inputs.secrets,
    platforms: inputs.platforms,
    builder: inputs.builder,
    registry: inputs.registry,
    label,
  });

  const headSha = context.pullRequest?.headSha ?? context.headSha ?? null;
  const headLabel = inputs.image ?? `head${headSha ? ` (${headSha.slice(0, 7)})` : ''}`;
  const head = await phase('head', () =>
    inputs.image
      ? measureExisting(inputs.image, inputs.platforms, services.docker)
      : buildAndMeasure(request('head', context.workspace, headLabel), strategy!, images),
  );

  const baseline = await phase('baseline', () =>
    getBaseline(inputs, context, services, images, strategy, request),
  );
  if (baseline.reason)
    (inputs.baseline === 'none' ? log.info : log.warning)(`no baseline: ${baseline.reason}`);

  const explanations = await phase('explain', async () =>
    explainImages(
      head,
      inputs.image ? null : await readFile(inputs.file, 'utf8').catch(() => null),
      baseline,
      inputs.target,
    ),
  );
  const comparison = compareImages(
    head.measure,
    baseline.image?.measure ?? null,
    baseline.reason ?? undefined,
  );
  const decision = decide(comparison, {
    maxIncrease: inputs.maxIncrease,
    maxIncreasePercent: inputs.maxIncreasePercent,
    maxSize: inputs.maxSize,
    basis: inputs.sizeBasis,
    mode: inputs.mode,
  });
  const report = buildReport({
    comparison,
    decision,
    tool: { name: pkg.name, version: pkg.version },
    timings,
    explanations,
  });
  const markdown = renderMarkdown(report, { sections: explainSections(report) });

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

  const h = decision.headline;
  const failure =
    decision.verdict === 'fail'
      ? decision.violations.map((v) => v.message).join('\n') || 'the gate failed'
      : null;
  for (const v of decision.violations) (decision.verdict === 'warn' ? log.warning : log.info)(v.message);
  return {
    report,
    explanations,
    markdown,
    decision,
    reportPath,
    failure,
    outputs: {
      verdict: decision.verdict,
      'report-path': reportPath ?? '',
      'head-size': h ? String(h.headSize) : '',
      'base-size': h?.baseSize != null ? String(h.baseSize) : '',
      delta: h?.delta != null ? String(h.delta) : '',
    },
  };
}

/** Explains each head platform, against the same platform of the base when there is one. */
function explainImages(
  head: MeasuredImage,
  headDockerfile: string | null,
  baseline: Baseline,
  target: string | null,
): PlatformExplanation[] {
  const side = (image: MeasuredImage, dockerfile: string | null, platform: string) =>
    explainSide(image, dockerfile, target, platform);
  return head.measure.platforms.map((p) => {
    const base = baseline.image ? side(baseline.image, baseline.dockerfile, p.platform) : null;
    return explainPlatform(side(head, headDockerfile, p.platform)!, base);
  });
}

function imageServices(services: GateServices, phase: Phase): ImageServices {
  const { log } = services;
  return {
    phase,
    buildx: services.buildx,
    docker: services.docker,
    log: (line) => log.detail(line),
    fold: (title, fn) => (log.fold ? log.fold(title, fn) : fn()),
  };
}

function describe(strategy: BuildStrategy): string {
  return strategy === 'oci-layout'
    ? 'building every platform into one OCI layout'
    : 'building one platform at a time into the image store (the classic store cannot load a manifest list)';
}

async function getBaseline(
  inputs: Inputs,
  context: GateContext,
  services: GateServices,
  images: ImageServices,
  strategy: BuildStrategy | null,
  request: (role: 'base', root: string, label: string) => BuildRequest,
): Promise<Baseline> {
  const none = (reason: string): Baseline => ({
    image: null,
    reason: reason.replace(/\.+$/, ''),
    dockerfile: null,
  });
  if (inputs.baseline === 'none') return none('`baseline: none` was set');
  if (inputs.baseline === 'image') {
    try {
      const image = await measureExisting(inputs.baseImage!, inputs.platforms, services.docker);
      return { image, reason: null, dockerfile: null };
    } catch (error) {
      return none(`base image ${inputs.baseImage} could not be measured: ${(error as Error).message}`);
    }
  }

  const baseSha = context.pullRequest?.baseSha;
  const baseRef = inputs.baseRef ?? undefined;
  if (!baseSha && !baseRef) {
    return none('this is not a pull request and `base-ref` is not set, so there is no base to build');
  }
  let sha: string;
  try {
    const found = await services.git.resolveBaseCommit(context.workspace, {
      ...(baseSha ? { baseSha } : {}),
      ...(baseRef ? { baseRef } : {}),
    });
    sha = found.sha;
    services.log.info(`base commit ${sha.slice(0, 12)}: ${found.how}`);
  } catch (error) {
    // A branch the user named that does not exist is a mistake to fix, not a missing baseline.
    if (!baseSha && error instanceof BaselineGitError && error.code === 'base-ref-not-found') {
      throw new InputError('base-ref', error.message.replace(/\.$/, ''));
    }
    return none(`the base commit could not be found: ${(error as Error).message}`);
  }
  const dockerfile = relative(context.workspace, inputs.file);
  if (!(await services.git.fileExistsAtCommit(context.workspace, sha, dockerfile))) {
    return none(`the base commit ${sha.slice(0, 7)} has no ${dockerfile}`);
  }
  try {
    let text: string | null = null;
    const image = await services.git.withBaseWorktree(context.workspace, sha, async (dir) => {
      const built = request('base', dir, `base (${sha.slice(0, 7)})`);
      text = await readFile(built.file, 'utf8').catch(() => null);
      return buildAndMeasure(built, strategy!, images);
    });
    return { image, reason: null, dockerfile: text };
  } catch (error) {
    if (error instanceof BuildError) {
      services.log.warning(`the base commit's build failed; its output ends with:\n${error.tail}`);
      return none(`the base commit ${sha.slice(0, 7)} failed to build (see the log)`);
    }
    throw error;
  }
}

async function publish(
  inputs: Inputs,
  context: GateContext,
  services: GateServices,
  report: Report,
  markdown: string,
) {
  const { log } = services;
  log.info(renderTerminal(report));
  log.group('The report as markdown (what the comment and the job summary show)', markdown);
  if (inputs.summary && services.summary) {
    const written = await services.summary.write(markdown);
    if (!written.written) log.info(`job summary not written: ${written.reason}`);
  }
  const pr = context.pullRequest;
  if (!inputs.comment || !pr) return;
  if (!services.comments) {
    log.warning('no `github-token`: the pull request comment was skipped (the verdict stands)');
    return;
  }
  const target: CommentTarget = { owner: pr.owner, repo: pr.repo, issueNumber: pr.number };
  try {
    const result = await services.comments.upsert(target, inputs.commentKey, markdown);
    if (result.kind === 'forbidden') {
      log.warning(
        `could not comment on pull request #${pr.number}: ${result.reason} The job summary and outputs still carry the report.`,
      );
    } else {
      log.info(`${result.kind} comment ${result.htmlUrl}`);
    }
  } catch (error) {
    log.warning(
      `could not comment on pull request #${pr.number}: ${(error as Error).message} (the verdict stands)`,
    );
  }
}

async function writeText(path: string, text: string) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}
