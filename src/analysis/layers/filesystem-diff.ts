// What changed between the base image's final filesystem and the head's, file by file, and rolled up
// by directory, so a reviewer sees the few files behind a jump. Bytes are regular-file bytes (links and
// directories weigh nothing), the "uncompressed" basis.

import type { EntryKind } from '../../oci/layer-stream.js';
import { compareText } from './dive-efficiency.js';
import type { FilesystemView } from './filesystem.js';
import { absolutePath, pathParts } from './paths.js';

export type FileChangeKind = 'added' | 'removed' | 'grown' | 'shrunk';

export interface FileChange {
  path: string;
  change: FileChangeKind;
  /** Kind in head, or in base for a removed path. */
  kind: EntryKind;
  /** null when the path is not in base. */
  baseBytes: number | null;
  /** null when the path is not in head. */
  headBytes: number | null;
  /** headBytes - baseBytes, missing sides counting 0. */
  delta: number;
}

export interface DirectoryChange {
  /** The deepest directory that holds every change of its group (see rollUp). */
  path: string;
  delta: number;
  addedBytes: number;
  removedBytes: number;
  /** Growth of files present on both sides (positive). */
  grownBytes: number;
  /** Shrinkage of files present on both sides (positive). */
  shrunkBytes: number;
  files: number;
  /** The files with the largest |delta| in it, at most three. */
  largest: { path: string; delta: number }[];
}

export interface FilesystemDiff {
  baseBytes: number;
  headBytes: number;
  delta: number;
  counts: Record<FileChangeKind, number>;
  bytes: { added: number; removed: number; grown: number; shrunk: number };
  /** Every change sorted by |delta| (largest first), at most `fileLimit`. */
  files: FileChange[];
  filesOmitted: number;
  /** Directory roll-ups sorted by |delta|; they do not overlap and their deltas add up to `delta`. */
  directories: DirectoryChange[];
}

export interface DiffOptions {
  /** Roll-ups start at this depth ("/usr/lib" is 2). Default 2. */
  rollUpDepth?: number;
  /** And zoom in no deeper than this. Default 6. */
  maxRollUpDepth?: number;
  fileLimit?: number;
}

interface Sized {
  kind: EntryKind;
  size: number;
}

/** Compares two final filesystems. Directories themselves are not listed: they weigh nothing. */
export function diffFilesystems(
  base: FilesystemView,
  head: FilesystemView,
  options: DiffOptions = {},
): FilesystemDiff {
  const changes: FileChange[] = [];
  let baseBytes = 0;
  let headBytes = 0;
  for (const record of head.walk()) {
    if (record.kind === 'directory') continue;
    headBytes += record.size;
    const before: Sized | undefined = base.get(record.path);
    const beforeIsEntry = before !== undefined && before.kind !== 'directory';
    if (!beforeIsEntry) {
      changes.push(change(record.path, record.kind, null, record.size));
    } else if (before.size !== record.size) {
      changes.push(change(record.path, record.kind, before.size, record.size));
    }
  }
  for (const record of base.walk()) {
    if (record.kind === 'directory') continue;
    baseBytes += record.size;
    const after = head.get(record.path);
    if (after === undefined || after.kind === 'directory') {
      changes.push(change(record.path, record.kind, record.size, null));
    }
  }
  changes.sort(byImpact);

  const counts: Record<FileChangeKind, number> = { added: 0, removed: 0, grown: 0, shrunk: 0 };
  const bytes = { added: 0, removed: 0, grown: 0, shrunk: 0 };
  for (const c of changes) {
    counts[c.change]++;
    bytes[c.change] += Math.abs(c.delta);
  }
  const fileLimit = options.fileLimit ?? Number.POSITIVE_INFINITY;
  const files = changes.slice(0, fileLimit);
  return {
    baseBytes,
    headBytes,
    delta: headBytes - baseBytes,
    counts,
    bytes,
    files,
    filesOmitted: changes.length - files.length,
    directories: rollUp(changes, options.rollUpDepth ?? 2, options.maxRollUpDepth ?? 6),
  };
}

function change(
  path: string,
  kind: EntryKind,
  baseBytes: number | null,
  headBytes: number | null,
): FileChange {
  const delta = (headBytes ?? 0) - (baseBytes ?? 0);
  const kindOfChange: FileChangeKind =
    baseBytes === null ? 'added' : headBytes === null ? 'removed' : delta > 0 ? 'grown' : 'shrunk';
  return { path, change: kindOfChange, kind, baseBytes, headBytes, delta };
}

function byImpact(a: { delta: number; path: string }, b: { delta: number; path: string }): number {
  return Math.abs(b.delta) - Math.abs(a.delta) || compareText(a.path, b.path);
}

/**
 * Groups changed files by their directory at `depth` (files closer to the root group under their own
 * directory), then names each group by the deepest directory (down to `maxDepth`) that still holds all
 * of its changes: a group whose bytes all sit in /usr/lib/x86_64-linux-gnu says so instead of /usr/lib.
 * Groups never overlap, so the deltas add up. Changes of 0 bytes (empty files, links) are left out.
 */
export function rollUp(changes: readonly FileChange[], depth: number, maxDepth: number): DirectoryChange[] {
  const groups = new Map<string, { common: string[]; row: DirectoryChange; churn: number }>();
  for (const c of [...changes].sort(byImpact)) {
    if (c.delta === 0) continue;
    const dir = pathParts(c.path).slice(0, -1);
    const key = dir.slice(0, Math.min(depth, dir.length)).join('/');
    let group = groups.get(key);
    if (!group) {
      group = {
        common: dir.slice(0, Math.max(maxDepth, depth)),
        churn: 0,
        row: {
          path: '',
          delta: 0,
          addedBytes: 0,
          removedBytes: 0,
          grownBytes: 0,
          shrunkBytes: 0,
          files: 0,
          largest: [],
        },
      };
      groups.set(key, group);
    } else {
      let shared = 0;
      while (shared < group.common.length && group.common[shared] === dir[shared]) shared++;
      group.common.length = shared;
    }
    const row = group.row;
    row.delta += c.delta;
    row.files++;
    group.churn += Math.abs(c.delta);
    const magnitude = Math.abs(c.delta);
    if (c.change === 'added') row.addedBytes += magnitude;
    else if (c.change === 'removed') row.removedBytes += magnitude;
    else if (c.change === 'grown') row.grownBytes += magnitude;
    else row.shrunkBytes += magnitude;
    // Changes come largest first, so the first three are the largest.
    if (row.largest.length < 3) row.largest.push({ path: c.path, delta: c.delta });
  }
  const rows = [...groups.values()].map(({ common, row, churn }) => ({
    row: { ...row, path: absolutePath(common) },
    churn,
  }));
  rows.sort(
    (a, b) =>
      Math.abs(b.row.delta) - Math.abs(a.row.delta) ||
      b.churn - a.churn ||
      compareText(a.row.path, b.row.path),
  );
  return rows.map(({ row }) => row);
}
