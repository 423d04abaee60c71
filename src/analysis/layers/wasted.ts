// Wasted bytes: regular-file bytes a layer ships that nobody can see in the final filesystem, because a
// later layer overwrote or deleted them (or the same layer wrote the path twice). Layers are immutable,
// so those bytes are still pulled and stored. Each one is tied to the layer that wrote it and the layer
// that made it invisible, which is what a reviewer needs to fix the Dockerfile (delete in the same RUN,
// or not copy it in the first place).
import { compareText } from './dive-efficiency.js';
import type { FileRecord, FilesystemView, Removal, RemovalReason } from './filesystem.js';

export interface WastedFile {
  /** Absolute path of the file that was removed. */
  path: string;
  bytes: number;
  /** Layer that wrote these bytes. */
  writtenBy: number;
  /** Layer that removed or overwrote them. */
  removedBy: number;
  reason: RemovalReason;
  /** The path the removing entry names (a deleted directory, say, for every file under it). */
  cause: string;
}

/** One removing action (a whiteout, an opaque marker, an overwrite) and all it made waste of. */
export interface WasteCause {
  removedBy: number;
  reason: RemovalReason;
  cause: string;
  bytes: number;
  files: number;
  /** Layers whose bytes it wasted, ascending. */
  writtenBy: number[];
}

export interface LayerWaste {
  layerIndex: number;
  /** Bytes this layer wrote that later entries removed (they ship in this layer for nothing). */
  wastedBytesWritten: number;
  /** Bytes of earlier writes (this layer's or lower ones') that this layer removed. */
  wastedBytesCaused: number;
}

export interface WastedBytes {
  bytes: number;
  files: number;
  /** Largest first; at most `limit`. */
  largestFiles: WastedFile[];
  largestFilesOmitted: number;
  /** Grouped by removing action, largest first; at most `limit`. */
  causes: WasteCause[];
  causesOmitted: number;
  /** One per layer, in layer order. */
  byLayer: LayerWaste[];
}

/** A path that received regular-file content in more than one entry (usually in more than one layer). */
export interface DuplicatePath {
  path: string;
  /** Every write, bottom layer first. */
  writes: { layerIndex: number; bytes: number }[];
  /** Bytes of all writes added up: what the image ships for this path. */
  shippedBytes: number;
  /** Bytes of the writes that are not the one visible in the final filesystem. */
  redundantBytes: number;
}

/** Collects removals from a LayeredFilesystem (pass `ledger.removed` as its listener's `removed`). */
export class WasteLedger {
  private readonly wasted: WastedFile[] = [];

  readonly removed = (record: FileRecord, removal: Removal): void => {
    if (record.kind !== 'file' || record.size === 0) return;
    this.wasted.push({
      path: record.path,
      bytes: record.size,
      writtenBy: record.layerIndex,
      removedBy: removal.layerIndex,
      reason: removal.reason,
      cause: removal.cause,
    });
  };

  result(layerCount: number, limit = Number.POSITIVE_INFINITY): WastedBytes {
    const byLayer: LayerWaste[] = Array.from({ length: layerCount }, (_, layerIndex) => ({
      layerIndex,
      wastedBytesWritten: 0,
      wastedBytesCaused: 0,
    }));
    const causes = new Map<string, WasteCause>();
    let bytes = 0;
    for (const file of this.wasted) {
      bytes += file.bytes;
      const written = byLayer[file.writtenBy];
      if (written) written.wastedBytesWritten += file.bytes;
      const caused = byLayer[file.removedBy];
      if (caused) caused.wastedBytesCaused += file.bytes;
      const key = `${file.removedBy}\u0000${file.reason}\u0000${file.cause}`;
      let cause = causes.get(key);
      if (!cause) {
        cause = {
          removedBy: file.removedBy,
          reason: file.reason,
          cause: file.cause,
          bytes: 0,
          files: 0,
          writtenBy: [],
        };
        causes.set(key, cause);
      }
      cause.bytes += file.bytes;
      cause.files++;
      if (!cause.writtenBy.includes(file.writtenBy)) cause.writtenBy.push(file.writtenBy);
    }
    const sortedFiles = [...this.wasted].sort(
      (a, b) => b.bytes - a.bytes || compareText(a.path, b.path) || a.writtenBy - b.writtenBy,
    );
    const sortedCauses = [...causes.values()].sort(
      (a, b) => b.bytes - a.bytes || a.removedBy - b.removedBy || compareText(a.cause, b.cause),
    );
    const largestFiles = sortedFiles.slice(0, limit);
    const listedCauses = sortedCauses.slice(0, limit);
    for (const cause of listedCauses) cause.writtenBy.sort((a, b) => a - b);
    return {
      bytes,
      files: this.wasted.length,
      largestFiles,
      largestFilesOmitted: sortedFiles.length - largestFiles.length,
      causes: listedCauses,
      causesOmitted: sortedCauses.length - listedCauses.length,
      byLayer,
    };
  }

  /**
   * Paths written with content more than once: every earlier write is in this ledger, the last one
   * (when it survived) is in the final filesystem.
   */
  duplicates(
    finalFilesystem: FilesystemView,
    limit = Number.POSITIVE_INFINITY,
  ): {
    paths: DuplicatePath[];
    omitted: number;
  } {
    const writes = new Map<string, { layerIndex: number; bytes: number }[]>();
    for (const file of this.wasted) {
      const list = writes.get(file.path);
      if (list) list.push({ layerIndex: file.writtenBy, bytes: file.bytes });
      else writes.set(file.path, [{ layerIndex: file.writtenBy, bytes: file.bytes }]);
    }
    const paths: DuplicatePath[] = [];
    for (const [path, earlier] of writes) {
      const redundantBytes = earlier.reduce((sum, write) => sum + write.bytes, 0);
      const all = [...earlier];
      const survivor = finalFilesystem.get(path);
      if (survivor?.kind === 'file' && survivor.size > 0)
        all.push({ layerIndex: survivor.layerIndex, bytes: survivor.size });
      if (all.length < 2) continue;
      all.sort((a, b) => a.layerIndex - b.layerIndex);
      paths.push({
        path,
        writes: all,
        shippedBytes: all.reduce((sum, write) => sum + write.bytes, 0),
        redundantBytes,
      });
    }
    paths.sort((a, b) => b.redundantBytes - a.redundantBytes || compareText(a.path, b.path));
    const listed = paths.slice(0, limit);
    return { paths: listed, omitted: paths.length - listed.length };
  }
}
