// One pass over an image's layers, bottom first, each streamed from its compressed blob: the final
// filesystem, wasted bytes, paths written more than once, dive's efficiency, and the inspected content of
// chosen files. Whoever knows where the blobs live (OCI layout, Engine API export, registry) hands in
// a way to open each one; nothing here knows or cares which.
import type { Readable } from 'node:stream';
import { type LayerCompression, openLayer, readTarEntries } from '../../oci/layer-stream.js';
import {
  type CapturedResult,
  type ContentCapture,
  DEFAULT_MAX_CAPTURE_BYTES,
  HEAD_BYTES,
  isElf,
  readHead,
  readWhole,
  type SkippedCapture,
} from './content-capture.js';
import { compareText, type DiveEfficiency, DiveEfficiencyMeter } from './dive-efficiency.js';
import { type Anomaly, type FileNode, type FilesystemTotals, LayeredFilesystem } from './filesystem.js';
import { type DuplicatePath, type WastedBytes, WasteLedger } from './wasted.js';

export interface LayerBlobSource {
  /** Digest of the blob as stored (for messages and reports). */
  digest: string;
  /** The layer's media type, if known; the blob's first bytes decide the compression anyway. */
  mediaType?: string;
  /** Opens the (compressed) blob; called once, when the layer's turn comes. */
  open: () => Promise<Readable>;
}

export interface LayerContents {
  index: number;
  digest: string;
  /** What the blob's first bytes say. */
  compression: LayerCompression;
  /** Bytes of the decompressed tar (the layer's diff_id content). */
  tarBytes: number;
  /** Regular-file bytes in the tar's headers: the "uncompressed" size of the layer. */
  fileBytes: number;
  entries: number;
  files: number;
  directories: number;
  symlinks: number;
  hardlinks: number;
  other: number;
  /** `.wh.<name>` entries. */
  whiteouts: number;
  /** `.wh..wh..opq` entries. */
  opaqueDirectories: number;
}

export interface AnalyzeLayersOptions<T> {
  /** Files to read whole and inspect (the Go binary doctor's ELF files, say). */
  capture?: ContentCapture<T>;
  /** Longest list kept in the result (wasted files, causes, duplicates, dive's inefficient files). Default 1000. */
  listLimit?: number;
}

export interface LayersAnalysis<T> {
  layers: LayerContents[];
  /** The final filesystem, to query (get, resolve, walk); not meant for a JSON report as a whole. */
  filesystem: LayeredFilesystem;
  totals: FilesystemTotals;
  wasted: WastedBytes;
  duplicates: DuplicatePath[];
  duplicatesOmitted: number;
  efficiency: DiveEfficiency;
  /** Inspection results for the files the final filesystem holds, by path. */
  captured: CapturedResult<T>[];
  capturesSkipped: SkippedCapture[];
  anomalies: Anomaly[];
  /** Anomalies beyond the ones listed. */
  anomaliesOmitted: number;
}

const MAX_ANOMALIES = 100;

/** Analyses an image's layers (bottom first). Memory: the filesystem model plus one captured file. */
export async function analyzeLayers<T = never>(
  layers: readonly LayerBlobSource[],
  options: AnalyzeLayersOptions<T> = {},
): Promise<LayersAnalysis<T>> {
  const listLimit = options.listLimit ?? 1000;
  const capture = options.capture;
  const wants = capture?.wants ?? isElf;
  const maxCaptureBytes = capture?.maxBytes ?? DEFAULT_MAX_CAPTURE_BYTES;

  const ledger = new WasteLedger();
  const captures = new Map<FileNode, CapturedResult<T>>();
  const capturesSkipped: SkippedCapture[] = [];
  const anomalies: Anomaly[] = [];
  let anomaliesSeen = 0;
  const filesystem = new LayeredFilesystem({
    removed: (record, removal) => {
      ledger.removed(record, removal);
    },
    anomaly: (anomaly) => {
      anomaliesSeen++;
      if (anomalies.length < MAX_ANOMALIES) anomalies.push(anomaly);
    },
  });
  const dive = new DiveEfficiencyMeter();
  const lowerBytes = (path: string) => filesystem.lowerBytesBelow(path);
  const summaries: LayerContents[] = [];

  for (const [index, layer] of layers.entries()) {
    filesystem.beginLayer(index);
    dive.beginLayer();
    try {
      const blob = await layer.open();
      const { tar, compression } = await openLayer(blob, layer.mediaType);
      const counted = countBytes(tar);
      const summary: LayerContents = {
        index,
        digest: layer.digest,
        compression,
        tarBytes: 0,
        fileBytes: 0,
        entries: 0,
        files: 0,
        directories: 0,
        symlinks: 0,
        hardlinks: 0,
        other: 0,
        whiteouts: 0,
        opaqueDirectories: 0,
      };
      for await (const { entry, body } of readTarEntries(counted.stream)) {
        summary.entries++;
        summary.fileBytes += entry.size;
        const base = entry.path.slice(entry.path.lastIndexOf('/') + 1);
        if (base === '.wh..wh..opq') summary.opaqueDirectories++;
        else if (base.startsWith('.wh.') && !base.startsWith('.wh..wh.')) summary.whiteouts++;
        else if (entry.kind === 'file') summary.files++;
        else if (entry.kind === 'directory') summary.directories++;
        else if (entry.kind === 'symlink') summary.symlinks++;
        else if (entry.kind === 'hardlink') summary.hardlinks++;
        else summary.other++;

        dive.observe(entry, lowerBytes);
        const applied = filesystem.apply(entry);
        if (!capture || !applied || entry.kind !== 'file' || entry.size === 0) continue;
        const head = await readHead(body, HEAD_BYTES);
        if (!wants(entry, head)) continue;
        if (entry.size > maxCaptureBytes) {
          capturesSkipped.push({
            path: applied.path,
            layerIndex: index,
            size: entry.size,
            reason: `larger than the ${maxCaptureBytes}-byte capture limit`,
          });
          continue;
        }
        const bytes = await readWhole(head, body);
        const value = await capture.inspect({
          path: applied.path,
          layerIndex: index,
          mode: entry.mode,
          bytes,
        });
        captures.set(applied.node, { path: applied.path, layerIndex: index, size: entry.size, value });
      }
      summary.tarBytes = counted.bytes();
      summaries.push(summary);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`layer ${index + 1} of ${layers.length} (${layer.digest}): ${message}`, {
        cause: error,
      });
    }
    dive.endLayer();
    // Results of files that this layer removed or replaced no longer describe the image.
    for (const node of captures.keys()) {
      if (filesystem.nodeAt(captures.get(node)!.path) !== node) captures.delete(node);
    }
  }

  const duplicates = ledger.duplicates(filesystem, listLimit);
  return {
    layers: summaries,
    filesystem,
    totals: filesystem.totals(),
    wasted: ledger.result(layers.length, listLimit),
    duplicates: duplicates.paths,
    duplicatesOmitted: duplicates.omitted,
    efficiency: dive.result(listLimit),
    captured: [...captures.values()].sort((a, b) => compareText(a.path, b.path)),
    capturesSkipped,
    anomalies,
    anomaliesOmitted: anomaliesSeen - anomalies.length,
  };
}

function countBytes(stream: AsyncIterable<Uint8Array>): {
  stream: AsyncIterable<Uint8Array>;
  bytes: () => number;
} {
  let total = 0;
  return {
    stream: {
      async *[Symbol.asyncIterator]() {
        for await (const chunk of stream) {
          total += chunk.byteLength;
          yield chunk;
        }
      },
    },
    bytes: () => total,
  };
}
