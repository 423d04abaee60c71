// Opens the store the `store` input names, with what each kind needs from the run.
import type { GitHubClient } from '../github/client.js';
import type { StoreSpec } from '../inputs/inputs.js';
import { ActionsStore, actionsArtifactUploader } from './actions-store.js';
import { DirStore } from './dir-store.js';
import { RegistryStore } from './registry-store.js';
import type { ReportStore } from './store.js';

export interface StoreRun {
  /** owner/name of this repository (GITHUB_REPOSITORY), for the actions store. */
  repository: string | null;
  github: GitHubClient | null;
  token: string | null;
  tempRoot?: string;
}

export async function openStore(spec: StoreSpec, run: StoreRun): Promise<ReportStore> {
  if (spec.kind === 'dir') return new DirStore(spec.path);
  if (spec.kind === 'registry') {
    // `docker login` credentials win; the workflow token serves ghcr.io when none are configured.
    const ghcr = spec.repository.startsWith('ghcr.io/') && run.token;
    return new RegistryStore(spec.repository, {
      fallbackCredentials: ghcr ? Buffer.from(`x-access-token:${run.token}`).toString('base64') : null,
    });
  }
  const [owner, repo] = (run.repository ?? '').split('/');
  if (!owner || !repo)
    throw new Error('`store: actions` needs GITHUB_REPOSITORY (it runs inside GitHub Actions)');
  return new ActionsStore({
    owner,
    repo,
    github: run.github,
    token: run.token,
    uploader: await actionsArtifactUploader(),
    ...(run.tempRoot ? { tempRoot: run.tempRoot } : {}),
  });
}
