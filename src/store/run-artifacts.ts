// The leg reports another workflow run uploaded, read through the REST API (list the run's artifacts, then
// each zip through its signed redirect), as @actions/artifact's download does when given a run id,
// repository and token. Not that client itself: it unpacks the whole zip to disk without a cap, and these
// zips come from a fork's run. Here each zip is capped and only its report.json is read (yauzl).
import type { GitHubClient } from '../github/client.js';
import { downloadArtifactZip, readZipEntry } from './actions-store.js';
import { MAX_STORED_REPORT_BYTES } from './validate.js';

/** What upload-report names its artifacts; a workflow that uploads reports itself uses the same prefix. */
export const REPORT_ARTIFACT_PREFIX = 'image-size-gate-report-';
export const REPORT_ARTIFACT_FILE = 'report.json';
/** A run with more report artifacts than this is not read past it. */
export const MAX_REPORT_ARTIFACTS = 256;

export type ArtifactRead = { source: string; bytes: Buffer } | { source: string; error: string };

interface ListedArtifact {
  id: number;
  name: string;
  size_in_bytes: number;
  expired: boolean;
}

export async function readRunReports(
  octokit: GitHubClient,
  options: { owner: string; repo: string; runId: number; token: string; apiUrl?: string },
): Promise<ArtifactRead[]> {
  const artifacts = (await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
    owner: options.owner,
    repo: options.repo,
    run_id: options.runId,
    per_page: 100,
  })) as ListedArtifact[];
  const reports = artifacts
    .filter((a) => a.name.startsWith(REPORT_ARTIFACT_PREFIX))
    .slice(0, MAX_REPORT_ARTIFACTS);
  const cap = MAX_STORED_REPORT_BYTES + 64 * 1024;
  const reads: ArtifactRead[] = [];
  for (const artifact of reports) {
    const source = `artifact ${artifact.name}`;
    if (artifact.expired) {
      reads.push({ source, error: 'the artifact expired' });
      continue;
    }
    if (artifact.size_in_bytes > cap) {
      reads.push({
        source,
        error: `the artifact is ${artifact.size_in_bytes} bytes, over the ${cap} a report zip may be`,
      });
      continue;
    }
    try {
      const zip = await downloadArtifactZip(options, artifact.id, cap);
      const entry = await readZipEntry(zip, REPORT_ARTIFACT_FILE, MAX_STORED_REPORT_BYTES);
      reads.push(typeof entry === 'string' ? { source, error: entry } : { source, bytes: entry });
    } catch (error) {
      reads.push({ source, error: (error as Error).message });
    }
  }
  return reads;
}
