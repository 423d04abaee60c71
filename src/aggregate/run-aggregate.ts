// The aggregator, top to bottom: read the legs' reports (files, or the triggering run's artifacts), refuse
// what does not hold up, merge them into images, decide one verdict, write the merged report, the summary,
// and the one comment for the comment-key. The action and the CLI both call runAggregate. A failure to
// comment or summarise costs that output only, never the verdict.
import { glob, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import type { CommentTarget, ListedComment, PullRequestComments } from '../github/comments.js';
import type { HeadQuery, PullRequests } from '../github/pull-requests.js';
import type { JobSummary } from '../github/summary.js';
import { writeText } from '../process/write-text.js';
import { GITHUB_COMMENT_LIMIT, renderDocumentMarkdown } from '../report/render/markdown.js';
import type { ArtifactRead } from '../store/run-artifacts.js';
import { MAX_STORED_REPORT_BYTES } from '../store/validate.js';
import { aggregateDocument } from './document.js';
import type { AggregateInputs } from './inputs.js';
import { type AggregateReport, buildAggregateReport } from './json.js';
import { mergeReports } from './merge.js';
import type { AggregateDecision, LegReport, RefusedReport } from './model.js';
import { readLegReport } from './validate.js';

/** Where the comment goes, as the event (never a report) says. */
export type AggregateTarget =
  | { kind: 'pull-request'; owner: string; repo: string; number: number; headSha: string | null }
  | { kind: 'workflow-run'; owner: string; repo: string; runId: number; head: HeadQuery }
  | { kind: 'none'; reason: string };

export interface AggregateContext {
  workspace: string;
  target: AggregateTarget;
  /** Where the merged report goes when report-file is unset; null: nowhere. */
  defaultReportFile: string | null;
}

export interface AggregateServices {
  /** The triggering run's report artifacts; null outside a workflow_run (or without a token). */
  runReports: ((runId: number) => Promise<ArtifactRead[]>) | null;
  pullRequests: PullRequests | null;
  comments: PullRequestComments | null;
  summary: JobSummary | null;
  log: { info(line: string): void; warning(line: string): void };
}

export interface AggregateResult {
  decision: AggregateDecision;
  report: AggregateReport;
  markdown: string;
  reportPath: string | null;
  failure: string | null;
  outputs: Record<'verdict' | 'report-path' | 'pull-request', string>;
}

/** Report files one `reports` input may name. */
export const MAX_REPORT_FILES = 256;
const HEAD_MARKER =
  /^<!-- image-size-gate:[A-Za-z0-9._-]+ -->\n<!-- image-size-gate-head:([0-9a-f]{7,64}) -->/;

/** The hidden line after the marker: which head the comment describes, so an older run never overwrites it. */
export function headMarker(sha: string): string {
  return `<!-- image-size-gate-head:${sha} -->`;
}

/** The head SHA one of our comments says it describes; null for comments without one (the single gate's). */
export function recordedHead(body: string | null | undefined): string | null {
  return HEAD_MARKER.exec((body ?? '').trimStart())?.[1] ?? null;
}

export async function runAggregate(
  inputs: AggregateInputs,
  context: AggregateContext,
  services: AggregateServices,
): Promise<AggregateResult> {
  const { log } = services;
  const { target } = context;

  // 1. The reports: the files named, or the artifacts of the run that triggered this one.
  let reads: ArtifactRead[];
  if (inputs.reports.length > 0) reads = await readReportFiles(inputs.reports, context.workspace);
  else if (target.kind === 'workflow-run' && services.runReports) {
    log.info(`reading the report artifacts of workflow run ${target.runId}`);
    reads = await services.runReports(target.runId);
  } else {
    throw new Error(
      target.kind === 'workflow-run'
        ? 'input `github-token`: needed to download the triggering run’s artifacts (actions: read)'
        : 'input `reports`: name the leg reports (files or globs), e.g. reports/**/report.json',
    );
  }

  if (reads.length === 0) {
    const where = inputs.reports.length > 0 ? inputs.reports.join(', ') : `workflow run artifacts`;
    reads = [
      { source: where, error: 'no report was found there (no leg uploaded one, or the pattern is wrong)' },
    ];
  }

  // 2. The head they must describe: the event's, or the pull request's current one for a given number.
  let headSha =
    target.kind === 'workflow-run' ? target.head.sha : target.kind === 'pull-request' ? target.headSha : null;
  const pullRequest = inputs.pullRequest ?? (target.kind === 'pull-request' ? target.number : null);
  if (headSha === null && pullRequest !== null && target.kind !== 'none' && services.pullRequests) {
    headSha = await services.pullRequests
      .get(target.owner, target.repo, pullRequest)
      .then((pr) => pr.headSha)
      .catch(() => null);
  }

  // 3. Every report is untrusted: read only what holds up, refuse the rest with the reason.
  const legs: LegReport[] = [];
  const refused: RefusedReport[] = [];
  for (const read of reads) {
    if ('error' in read) {
      refused.push({ source: read.source, reason: read.error });
      continue;
    }
    const checked = readLegReport(read.bytes, read.source, { headSha });
    if ('leg' in checked) legs.push(checked.leg);
    else refused.push(checked.refused);
  }
  for (const r of refused) log.warning(`refused ${r.source}: ${r.reason}`);
  log.info(`${legs.length} leg reports read, ${refused.length} refused`);

  // 4. One decision.
  const decision = mergeReports(legs, refused, {
    expected: inputs.expected,
    onMissing: inputs.onMissing,
    mode: inputs.mode,
  });
  for (const m of decision.missing)
    log.warning(`missing: ${m.image}${m.platform ? ` ${m.platform}` : ''}: ${m.reason}`);

  // 5. Rendered once; the marker lines go in front, so the body leaves room for them.
  const document = aggregateDocument(decision, { headSha });
  const markdown = renderDocumentMarkdown(document, GITHUB_COMMENT_LIMIT - 1_536);
  const report = buildAggregateReport(decision, legs, {
    tool: { name: pkg.name, version: pkg.version },
    headSha,
  });

  const write = (file: string, text: string) => {
    const path = resolve(context.workspace, file);
    return writeText(path, text).then(
      () => path,
      (error: Error) => {
        log.warning(`could not write ${path} (${error.message}); the verdict stands`);
        return null;
      },
    );
  };
  const wanted = inputs.reportFile ?? context.defaultReportFile;
  const reportPath = wanted ? await write(wanted, `${JSON.stringify(report, null, 2)}\n`) : null;
  if (inputs.markdownFile) await write(inputs.markdownFile, markdown);

  if (inputs.summary && services.summary) {
    const written = await services.summary.write(markdown).catch((error: Error) => ({
      written: false as const,
      reason: error.message,
    }));
    if (!written.written) log.warning(`job summary not written: ${written.reason}`);
  }

  // 6. The one comment for this key.
  const commented = inputs.comment
    ? await comment(inputs, context, services, markdown, headSha, pullRequest)
    : null;

  const failure =
    decision.verdict === 'fail'
      ? [
          ...decision.violations.map((v) => v.message),
          ...(decision.policy === 'fail'
            ? decision.missing.map(
                (m) => `missing: ${m.image}${m.platform ? ` ${m.platform}` : ''}: ${m.reason}`,
              )
            : []),
        ].join('\n') || 'the aggregate verdict is fail'
      : null;
  return {
    decision,
    report,
    markdown,
    reportPath,
    failure,
    outputs: {
      verdict: decision.verdict,
      'report-path': reportPath ?? '',
      'pull-request': commented === null ? '' : String(commented),
    },
  };
}

/** Posts or updates the comment; returns the pull request's number when it was written, else null. */
async function comment(
  inputs: AggregateInputs,
  context: AggregateContext,
  services: AggregateServices,
  markdown: string,
  headSha: string | null,
  given: number | null,
): Promise<number | null> {
  const { log } = services;
  const { target } = context;
  if (target.kind === 'none' && given === null) {
    log.info(`no comment: ${target.reason}`);
    return null;
  }
  if (!services.comments || !services.pullRequests || target.kind === 'none') {
    log.warning('no `github-token`: the pull request comment was skipped (the verdict stands)');
    return null;
  }
  const { owner, repo } = target;
  try {
    let number = given;
    if (number === null && target.kind === 'workflow-run') {
      const found = await services.pullRequests.findByHead(owner, repo, target.head);
      if (found.kind === 'refused') {
        log.info(`no comment: ${found.reason}; nothing was posted`);
        return null;
      }
      number = found.number;
    }
    if (number === null) return null;
    const pullRequests = services.pullRequests;
    // Never let an older head's report replace a newer one: check the head right before writing.
    const moved = async (): Promise<string | null> => {
      if (headSha === null) return null;
      const now = await pullRequests.get(owner, repo, number);
      return now.headSha === headSha
        ? null
        : `pull request #${number}'s head is now ${now.headSha.slice(0, 7)}, and this run describes ${headSha.slice(0, 7)}: the run for the newer head comments`;
    };
    const stale = await moved();
    if (stale) {
      log.info(`no comment: ${stale}`);
      return null;
    }
    const commentTarget: CommentTarget = { owner, repo, issueNumber: number };
    const body = headSha ? `${headMarker(headSha)}\n${markdown}` : markdown;
    const result = await services.comments.upsert(commentTarget, inputs.commentKey, body, undefined, {
      settle: true,
      skipIf: (ours: ListedComment) => (recordedHead(ours.body) === headSha ? null : moved()),
    });
    if (result.kind === 'forbidden') {
      log.warning(
        `could not comment on pull request #${number}: ${result.reason} The job summary and outputs still carry the report.`,
      );
      return null;
    }
    if (result.kind === 'skipped') {
      log.info(`no comment: ${result.reason}`);
      return null;
    }
    log.info(`${result.kind} comment ${result.htmlUrl}`);
    return number;
  } catch (error) {
    log.warning(`could not comment: ${(error as Error).message} (the verdict stands)`);
    return null;
  }
}

/** The files the patterns name, relative to the workspace, each read only when under the size cap. */
async function readReportFiles(patterns: readonly string[], workspace: string): Promise<ArtifactRead[]> {
  const files = new Set<string>();
  for (const pattern of patterns) {
    const before = files.size;
    for await (const match of glob(pattern, { cwd: workspace })) {
      files.add(isAbsolute(match) ? match : join(workspace, match));
      if (files.size >= MAX_REPORT_FILES) break;
    }
    if (files.size === before && !/[*?[{]/.test(pattern))
      files.add(isAbsolute(pattern) ? pattern : join(workspace, pattern));
  }
  const reads: ArtifactRead[] = [];
  for (const file of [...files].sort()) {
    const source = relative(workspace, file) || file;
    try {
      const info = await stat(file);
      if (!info.isFile()) continue;
      if (info.size > MAX_STORED_REPORT_BYTES) {
        reads.push({
          source,
          error: `it is ${info.size} bytes, over the ${MAX_STORED_REPORT_BYTES / 1_000_000} MB (10^6 bytes) a report may be`,
        });
        continue;
      }
      reads.push({ source, bytes: await readFile(file) });
    } catch (error) {
      reads.push({
        source,
        error: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      });
    }
  }
  return reads;
}
