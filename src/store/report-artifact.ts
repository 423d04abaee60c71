// upload-report: the leg's JSON report as a workflow artifact, the hand-over to the aggregator (same
// workflow, or a workflow_run one). Named from comment-key, the image and the platforms, plus the
// fingerprint so that legs never collide. A failed upload costs the artifact only, never the verdict.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Report, renderJson } from '../report/json.js';
import type { ArtifactUploader } from './actions-store.js';
import { REPORT_ARTIFACT_FILE, REPORT_ARTIFACT_PREFIX } from './run-artifacts.js';

/** Artifact names may not hold " : < > | * ? \ / or line breaks; ours keep to letters, digits, . _ -. */
function part(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|-+$/g, '');
}

export function reportArtifactName(report: Report, commentKey: string): string {
  const parts = report.run?.fingerprint.parts;
  const image = parts?.image ?? (parts?.context === '.' ? 'root' : (parts?.context ?? 'image'));
  const target = parts?.target ? `-${parts.target}` : '';
  const platforms = report.platforms.map((p) => p.platform).join('_');
  const fingerprint = report.run?.fingerprint.id.slice(0, 12) ?? 'unfingerprinted';
  const readable = [commentKey, `${image}${target}`, platforms].map(part).join('-').slice(0, 160);
  return `${REPORT_ARTIFACT_PREFIX}${readable}-${fingerprint}`;
}

/** Uploads the report; the artifact's name, or null with a warning when it could not be uploaded. */
export async function uploadReportArtifact(
  uploader: ArtifactUploader,
  report: Report,
  commentKey: string,
  options: { tempRoot?: string; warn: (line: string) => void; info: (line: string) => void },
): Promise<string | null> {
  const name = reportArtifactName(report, commentKey);
  const dir = await mkdtemp(join(options.tempRoot ?? tmpdir(), 'image-size-gate-upload-'));
  try {
    const file = join(dir, REPORT_ARTIFACT_FILE);
    await writeFile(file, renderJson(report));
    await uploader.upload(name, file, dir);
    options.info(`uploaded the report as artifact ${name}`);
    return name;
  } catch (error) {
    options.warn(
      `could not upload the report as an artifact: ${(error as Error).message} (the verdict stands)`,
    );
    return null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
