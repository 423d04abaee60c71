// The image's filesystem, built by applying its layers in order as OCI image-spec layer.md says:
// an entry replaces what lower layers had at its path (a directory over a directory only takes the new
// attributes), `.wh.<name>` deletes <name> and everything below it, `.wh..wh..opq` hides everything lower
// layers put in its directory. Whiteouts only act on lower layers, wherever they sit in the tar, so what
// the same layer writes before or after a marker stays. Parent directories are reached through symlinks,
// as containerd and dockerd do when they unpack a layer.
//
// Memory: one small node per path (name, kind, size, mode, link target, layer); no content, no full paths.
import type { EntryKind, LayerEntry } from '../../oci/layer-stream.js';
import { absolutePath, childPath, climbsAboveRoot, pathParts } from './paths.js';

export interface FileRecord {
  /** Absolute path: "/usr/bin/app". */
  path: string;
  kind: EntryKind;
  /** Regular-file bytes; 0 for directories, links and the rest. */
  size: number;
  mode: number;
  /** Symlink target (verbatim) or hard link target (absolute); null otherwise. */
  linkname: string | null;
  /** Index (0-based, bottom first) of the layer whose entry put this path here. */
  layerIndex: number;
}

/** Why a path's earlier version stopped being visible. */
export type RemovalReason =
  /** A later entry at the same path replaced it. */
  | 'overwritten'
  /** A `.wh.` whiteout named it or a directory above it. */
  | 'deleted'
  /** An opaque marker (`.wh..wh..opq`) in a directory above it hid it. */
  | 'opaque'
  /** A directory above it was replaced by something that is not a directory (or the reverse). */
  | 'replaced';

export interface Removal {
  /** The layer whose entry removed it. */
  layerIndex: number;
  reason: RemovalReason;
  /** The path the removing entry names: the whiteout's target, the opaque directory, the new entry. */
  cause: string;
}

export type AnomalyKind =
  | 'symlink-loop'
  | 'escapes-root'
  | 'invalid-whiteout'
  | 'duplicate-in-layer'
  | 'root-not-directory';

export interface Anomaly {
  layerIndex: number;
  path: string;
  kind: AnomalyKind;
  detail: string;
}

export interface FilesystemListener {
  /** Called for every node a layer removes (files, links, directories), bottom-up within a subtree. */
  removed?(record: FileRecord, removal: Removal): void;
  anomaly?(anomaly: Anomaly): void;
}

/** What queries need from a final filesystem; LayeredFilesystem implements it. */
export interface FilesystemView {
  /** The entry at exactly this path (no symlink is followed). */
  get(path: string): FileRecord | undefined;
  /** The entry this path leads to, following symlinks in every component, as the kernel does. */
  resolve(path: string): FileRecord | undefined;
  /** Every entry but the root, parents before children, siblings by name. */
  walk(): Iterable<FileRecord>;
}

/** A handle on an applied entry, stable until a later entry removes it. */
export interface FileNode {
  readonly kind: EntryKind;
  readonly size: number;
  readonly layer: number;
}

const MAX_SYMLINK_HOPS = 40; // Linux's limit (MAXSYMLINKS)

class Node implements FileNode {
  constructor(
    public kind: EntryKind,
    public size: number,
    public mode: number,
    public linkname: string | null,
    public layer: number,
    /** A directory that exists only because something below it does: no tar entry of its own. */
    public implicit: boolean,
    public children: Map<string, Node> | null,
  ) {}
}

class SymlinkLoop extends Error {}

export interface AppliedEntry {
  /** Where the entry landed (symlinks in its parents resolved). */
  path: string;
  node: FileNode;
}

export class LayeredFilesystem implements FilesystemView {
  private readonly root = new Node('directory', 0, 0o755, null, -1, true, new Map());
  private layer = -1;

  constructor(private readonly listener: FilesystemListener = {}) {}

  /** Layers must be applied bottom first; each entry of layer `index` follows this call. */
  beginLayer(index: number): void {
    if (!Number.isInteger(index) || index <= this.layer) {
      throw new Error(`layers must be applied in order: layer ${index} after layer ${this.layer}`);
    }
    this.layer = index;
  }

  get currentLayer(): number {
    return this.layer;
  }

  /** Applies one entry of the current layer. Returns where a non-whiteout entry landed, else null. */
  apply(entry: LayerEntry): AppliedEntry | null {
    if (this.layer < 0) throw new Error('beginLayer must be called before apply');
    if (climbsAboveRoot(entry.path)) {
      this.report('escapes-root', entry.path, 'a ".." climbs above the root; applied at the root instead');
    }
    const parts = pathParts(entry.path);
    const base = parts.pop();
    if (base === undefined) {
      if (entry.kind !== 'directory')
        this.report('root-not-directory', '/', `the root entry is a ${entry.kind}`);
      else this.root.mode = entry.mode;
      return null;
    }
    try {
      if (base.startsWith('.wh.')) {
        this.applyWhiteout(parts, base, entry.path);
        return null;
      }
      return this.applyEntry(parts, base, entry);
    } catch (error) {
      if (!(error instanceof SymlinkLoop)) throw error;
      this.report(
        'symlink-loop',
        absolutePath([...parts, base]),
        'its parent path loops through symlinks; skipped',
      );
      return null;
    }
  }

  private applyEntry(parentParts: string[], base: string, entry: LayerEntry): AppliedEntry {
    let parent = this.walkPlainDirectories(parentParts);
    let path: string;
    if (parent) {
      path = childPath(absolutePath(parentParts), base);
    } else {
      const located = this.locate(parentParts, true, true)!;
      parent = located.node;
      path = childPath(absolutePath(located.names), base);
    }
    const existing = parent.children!.get(base);
    if (existing?.kind === 'directory' && entry.kind === 'directory') {
      existing.mode = entry.mode;
      existing.layer = this.layer;
      existing.implicit = false;
      return { path, node: existing };
    }
    if (existing) {
      if (existing.layer === this.layer && !existing.implicit) {
        this.report('duplicate-in-layer', path, 'the layer holds this path twice; the later entry wins');
      }
      parent.children!.delete(base);
      this.discard(existing, path, { layerIndex: this.layer, reason: 'overwritten', cause: path });
    }
    const node = new Node(
      entry.kind,
      entry.kind === 'file' ? entry.size : 0,
      entry.mode,
      entry.kind === 'hardlink' && entry.linkname !== null ? `/${entry.linkname}` : entry.linkname,
      this.layer,
      false,
      entry.kind === 'directory' ? new Map() : null,
    );
    parent.children!.set(base, node);
    return { path, node };
  }

  private applyWhiteout(parentParts: string[], base: string, rawPath: string): void {
    if (base === '.wh..wh..opq') {
      // The marker says its directory exists in this layer: make it if the layer has no entry for it.
      const located = this.locate(parentParts, true, true)!;
      const path = absolutePath(located.names);
      this.hideLower(located.node, path, { layerIndex: this.layer, reason: 'opaque', cause: path });
      return;
    }
    if (base.startsWith('.wh..wh.')) return; // aufs bookkeeping (.wh..wh.plnk and the like): never content
    const name = base.slice('.wh.'.length);
    if (name === '' || name === '.' || name === '..') {
      this.report('invalid-whiteout', `/${rawPath}`, 'a whiteout must name an entry; ignored');
      return;
    }
    const located = this.locate(parentParts, false, true);
    if (located?.node.kind !== 'directory') return; // nothing below to delete
    const target = located.node.children!.get(name);
    if (!target) return;
    const path = childPath(absolutePath(located.names), name);
    if (!this.removeLower(target, path, { layerIndex: this.layer, reason: 'deleted', cause: path })) {
      located.node.children!.delete(name);
    }
  }

  /** Removes what lower layers put in a directory, keeping what the current layer wrote. */
  private hideLower(dir: Node, path: string, removal: Removal): void {
    for (const [name, child] of dir.children!) {
      if (!this.removeLower(child, childPath(path, name), removal)) dir.children!.delete(name);
    }
  }

  /**
   * Removes `node` and its subtree where lower layers wrote them. Returns true when the node stays: it
   * was written by the current layer, or it is a directory that still holds something that was.
   */
  private removeLower(node: Node, path: string, removal: Removal): boolean {
    if (node.kind !== 'directory') {
      if (node.layer === this.layer) return true;
      this.discard(node, path, removal);
      return false;
    }
    let keepsSome = false;
    for (const [name, child] of node.children!) {
      if (this.removeLower(child, childPath(path, name), removal)) keepsSome = true;
      else node.children!.delete(name);
    }
    if (node.layer === this.layer) return true;
    if (keepsSome) {
      // Only this layer's content remains in it: it is this layer's directory now.
      node.layer = this.layer;
      return true;
    }
    this.notifyRemoved(node, path, removal);
    return false;
  }

  /** Reports a removed node and its subtree, children first. */
  private discard(node: Node, path: string, removal: Removal): void {
    if (node.children) {
      for (const [name, child] of node.children) this.discard(child, childPath(path, name), removal);
    }
    this.notifyRemoved(node, path, removal);
  }

  private notifyRemoved(node: Node, path: string, removal: Removal): void {
    this.listener.removed?.(recordOf(node, path), removal);
  }

  private report(kind: AnomalyKind, path: string, detail: string): void {
    this.listener.anomaly?.({ layerIndex: this.layer, path, kind, detail });
  }

  /**
   * The common case, fast: every component is a directory or missing (missing ones are made). Null,
   * with nothing changed, when a symlink or a non-directory is in the way: `locate` handles those.
   */
  private walkPlainDirectories(parts: readonly string[]): Node | null {
    let dir = this.root;
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i]!;
      const child = dir.children!.get(name);
      if (child === undefined) {
        // Nothing exists below a missing directory, so the rest of the walk only makes directories.
        for (let k = i; k < parts.length; k++) {
          const made = new Node('directory', 0, 0o755, null, this.layer, true, new Map());
          dir.children!.set(parts[k]!, made);
          dir = made;
        }
        return dir;
      }
      if (child.kind !== 'directory') return null;
      dir = child;
    }
    return dir;
  }

  /**
   * Walks `parts` from the root, following symlinks in every component (the last one too). With
   * `create`, missing directories are made and non-directories in the way replaced, as unpacking does;
   * the result is then always a directory. Without it, the walk ends at whatever the path names, or null.
   */
  private locate(
    parts: readonly string[],
    create: boolean,
    followLast: boolean,
  ): { node: Node; names: string[] } | null {
    const dirs: Node[] = [this.root];
    const names: string[] = [];
    const pending = parts.slice().reverse();
    let hops = 0;
    while (pending.length > 0) {
      const name = pending.pop()!;
      if (name === '' || name === '.') continue;
      if (name === '..') {
        if (dirs.length > 1) {
          dirs.pop();
          names.pop();
        }
        continue;
      }
      const dir = dirs[dirs.length - 1]!;
      const last = pending.length === 0;
      let child = dir.children!.get(name);
      if (child?.kind === 'symlink' && (followLast || !last)) {
        if (++hops > MAX_SYMLINK_HOPS) throw new SymlinkLoop();
        const target = child.linkname ?? '';
        if (target.startsWith('/')) {
          dirs.length = 1;
          names.length = 0;
        }
        const targetParts = target.split('/');
        for (let k = targetParts.length - 1; k >= 0; k--) pending.push(targetParts[k]!);
        continue;
      }
      if (!create) {
        if (!child) return null;
        if (child.kind !== 'directory' && !last) return null;
        dirs.push(child);
        names.push(name);
        continue;
      }
      if (child?.kind !== 'directory') {
        const path = childPath(absolutePath(names), name);
        if (child) {
          dir.children!.delete(name);
          this.discard(child, path, { layerIndex: this.layer, reason: 'replaced', cause: path });
        }
        child = new Node('directory', 0, 0o755, null, this.layer, true, new Map());
        dir.children!.set(name, child);
      }
      dirs.push(child);
      names.push(name);
    }
    return { node: dirs[dirs.length - 1]!, names };
  }

  get(path: string): FileRecord | undefined {
    let node: Node | undefined = this.root;
    const parts = pathParts(path);
    for (const part of parts) {
      node = node.children?.get(part);
      if (!node) return undefined;
    }
    return recordOf(node, absolutePath(parts));
  }

  resolve(path: string): FileRecord | undefined {
    let located: { node: Node; names: string[] } | null;
    try {
      located = this.locate(pathParts(path), false, true);
    } catch (error) {
      if (error instanceof SymlinkLoop) return undefined;
      throw error;
    }
    return located ? recordOf(located.node, absolutePath(located.names)) : undefined;
  }

  /** The live node at a path, for callers that keep per-node data (see content capture). */
  nodeAt(path: string): FileNode | undefined {
    let node: Node | undefined = this.root;
    for (const part of pathParts(path)) {
      node = node.children?.get(part);
      if (!node) return undefined;
    }
    return node;
  }

  *walk(): Generator<FileRecord> {
    yield* walkNode(this.root, '/');
  }

  /**
   * The bytes dive attributes to a whiteout of `path` (see dive-efficiency.ts): the regular-file bytes
   * lower layers have below it when it is a directory that has its own tar entry, 0 otherwise.
   */
  lowerBytesBelow(path: string): number {
    let node: Node | undefined = this.root;
    for (const part of pathParts(path)) {
      node = node.children?.get(part);
      if (!node) return 0;
    }
    if (node.kind !== 'directory' || node.implicit) return 0;
    return lowerBytes(node, this.layer);
  }

  totals(): FilesystemTotals {
    const totals: FilesystemTotals = {
      bytes: 0,
      files: 0,
      directories: 0,
      symlinks: 0,
      hardlinks: 0,
      other: 0,
    };
    for (const record of this.walk()) {
      totals.bytes += record.size;
      if (record.kind === 'file') totals.files++;
      else if (record.kind === 'directory') totals.directories++;
      else if (record.kind === 'symlink') totals.symlinks++;
      else if (record.kind === 'hardlink') totals.hardlinks++;
      else totals.other++;
    }
    return totals;
  }
}

export interface FilesystemTotals {
  /** Regular-file bytes. */
  bytes: number;
  files: number;
  directories: number;
  symlinks: number;
  hardlinks: number;
  other: number;
}

function lowerBytes(node: Node, currentLayer: number): number {
  let bytes = node.layer < currentLayer ? node.size : 0;
  if (node.children) for (const child of node.children.values()) bytes += lowerBytes(child, currentLayer);
  return bytes;
}

function recordOf(node: Node, path: string): FileRecord {
  return {
    path,
    kind: node.kind,
    size: node.size,
    mode: node.mode,
    linkname: node.linkname,
    layerIndex: node.layer,
  };
}

function* walkNode(dir: Node, path: string): Generator<FileRecord> {
  const names = [...dir.children!.keys()].sort();
  for (const name of names) {
    const child = dir.children!.get(name)!;
    const childAt = childPath(path, name);
    yield recordOf(child, childAt);
    if (child.children) yield* walkNode(child, childAt);
  }
}

/** Applies every entry of one layer, in tar order, to `fs`. */
export async function applyLayer(
  fs: LayeredFilesystem,
  layerIndex: number,
  entries: AsyncIterable<LayerEntry> | Iterable<LayerEntry>,
): Promise<void> {
  fs.beginLayer(layerIndex);
  for await (const entry of entries) fs.apply(entry);
}
