// Image references as Docker spells them: [host[:port]/]path[:tag][@digest].

export interface ImageReference {
  /** Registry host as written (docker.io for Docker Hub). */
  host: string;
  repository: string;
  tag: string | null;
  digest: string | null;
}

const DOCKER_HUB = 'docker.io';
const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:]+\])(?::\d+)?$/;
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[A-Za-z0-9=_-]+$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;

export function parseReference(ref: string): ImageReference {
  let rest = ref.trim();
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const first = rest.split('/')[0] ?? '';
  const hasHost = rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  let host = hasHost ? first : DOCKER_HUB;
  let repository = hasHost ? rest.slice(first.length + 1) : rest;
  if (host === 'index.docker.io') host = DOCKER_HUB;
  if (host === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  const invalid = (why: string) => new Error(`"${ref}" is not an image reference: ${why}`);
  if (!HOST.test(host)) throw invalid(`"${host}" is not a registry host`);
  if (!REPOSITORY.test(repository)) {
    throw invalid(
      `"${repository}" is not a repository name (lowercase letters, digits and . _ - / separators)`,
    );
  }
  if (tag !== null && !TAG.test(tag)) throw invalid(`"${tag}" is not a tag`);
  if (digest !== null && !(DIGEST.test(digest) && (!digest.startsWith('sha256:') || SHA256.test(digest)))) {
    throw invalid(`"${digest}" is not a digest (algorithm:hex, e.g. sha256: and 64 hex digits)`);
  }
  if (!tag && !digest) tag = 'latest';
  return { host, repository, tag, digest };
}

/** True when the reference names a registry explicitly (it cannot be a purely local tag). */
export function namesRegistry(ref: string): boolean {
  const first = ref.split('/')[0] ?? '';
  return ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
}

export function formatReference(r: ImageReference): string {
  return `${r.host}/${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}
