// Which tag is the previous release: tags that match the `release-tags` glob, read as semantic versions
// (semver 2.0.0 precedence, build metadata ignored), the highest release below the current one. Pure.
// Written here rather than taken from the `semver` package: precedence is all we need, in a few lines.

export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** Dot-separated pre-release identifiers; empty for a release. */
  prerelease: string[];
}

export interface Tag {
  name: string;
  /** The commit the tag points at (peeled). */
  commit: string;
}

export interface ReleaseSelection {
  /** The previous release, or null when there is none. */
  previous: (Tag & { version: Version }) | null;
  /** The version this run is, when known (the tag pushed, or a tag at HEAD). */
  current: string | null;
  /** Matching tags that are not versions, for the log. */
  ignored: string[];
  /** Why there is no previous release, when there is none. */
  reason: string | null;
}

const NUMBER = '0|[1-9]\\d*';
const IDENT = '[0-9A-Za-z-]+';
const VERSION = new RegExp(
  `^(${NUMBER})\\.(${NUMBER})\\.(${NUMBER})(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+${IDENT}(?:\\.${IDENT})*)?$`,
);

/** The version a tag names: the tag without the glob's literal prefix (`release-` of `release-*`), `v` optional. */
export function parseVersion(tag: string, glob = 'v*'): Version | null {
  const prefix = glob.split(/[*?[]/)[0] ?? '';
  const stripped = prefix !== '' && tag.startsWith(prefix);
  const m = VERSION.exec(stripped ? tag.slice(prefix.length) : tag.replace(/^v/, ''));
  if (!m) return null;
  const prerelease = m[4] ? m[4].split('.') : [];
  // Numeric identifiers take no leading zeros (semver 2.0.0 §9).
  if (prerelease.some((id) => /^0\d+$/.test(id))) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease };
}

/** Semver precedence: negative when a < b; a pre-release is below its release. */
export function compareVersions(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] - b[key];
  }
  if (a.prerelease.length === 0 || b.prerelease.length === 0)
    return b.prerelease.length - a.prerelease.length;
  for (let i = 0; i < Math.min(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i]!;
    const y = b.prerelease[i]!;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    if (xn && yn) return Number(x) - Number(y);
    if (xn !== yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.prerelease.length - b.prerelease.length;
}

/** A shell-style glob (`*`, `?`) over a whole tag name; `*` also crosses `/`, as git's tag patterns do. */
export function matchesGlob(name: string, glob: string): boolean {
  const pattern = glob.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${pattern}$`).test(name);
}

/**
 * The previous release: the highest matching tag that is a release (not a pre-release) and below the
 * current version. The current version is `currentTag` (the tag pushed) when it is one, else the highest
 * matching tag among `headTags` (the tags at HEAD); without either, the highest release overall.
 */
export function selectPreviousRelease(
  tags: readonly Tag[],
  glob: string,
  currentTag: string | null,
  headTags: readonly string[] = [],
): ReleaseSelection {
  const ignored: string[] = [];
  const versions: (Tag & { version: Version })[] = [];
  for (const tag of tags) {
    if (!matchesGlob(tag.name, glob)) continue;
    const version = parseVersion(tag.name, glob);
    if (version) versions.push({ ...tag, version });
    else ignored.push(tag.name);
  }
  const versionOf = (name: string) => versions.find((v) => v.name === name) ?? null;
  const current =
    (currentTag ? versionOf(currentTag) : null) ??
    headTags
      .map(versionOf)
      .filter((v) => v !== null)
      .sort((a, b) => compareVersions(b.version, a.version))[0] ??
    null;
  const candidates = versions
    .filter((v) => v.version.prerelease.length === 0)
    .filter((v) => current === null || compareVersions(v.version, current.version) < 0)
    .sort((a, b) => compareVersions(b.version, a.version));
  const previous = candidates[0] ?? null;
  const reason = previous
    ? null
    : versions.length === 0
      ? `no tag matches release-tags ${glob} as a version`
      : `no release tag matching ${glob} is below ${current?.name ?? 'the current version'}`;
  return { previous, current: current?.name ?? null, ignored, reason };
}
