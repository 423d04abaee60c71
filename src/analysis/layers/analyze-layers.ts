// One pass over an image's layers, bottom first, each streamed from its compressed blob: the final
// filesystem, wasted bytes, paths written more than once, dive's efficiency, and the inspected content of
// chosen files. Whoever knows where the blobs live (OCI layout, Engine API export, registry) hands in
// a way to open each one; nothing here knows or cares which.
import type { Readable } from 'node:stream';
import { type LayerCompression, type LayerEntry, openLayer, readTarEntries } from '../../oci/layer-stream.js';
import {
  type CapturedResult,
  type ContentCapture,
  DEFAULT_MAX_CAPTURE_BYTES,
  HEAD_BYTES,
  isElf,
  readHead,
  type SkippedCapture,
  withSpooledFile,
} from './content-capture.js';
import { compareText, type DiveEfficiency, DiveEfficiencyMeter } from './dive-efficiency.js';
import { type Anomaly, type FileNode, type FilesystemTotals, LayeredFilesystem } from './filesystem.js';
import { type DuplicatePath, type WastedBytes, WasteLedger } from './wasted.js';

export interface LayerBlobSource {
  /** Digest of the blob as stored (for messages and reports). */
  digest: string;
  /** The layer's media type, if known; the blob's first bytes decide the compression anyway. */
  mediaType?: string;
  /** Opens the (compressed) blob; called once, up to `concurrency` layers ahead of the one being applied. */
  open: () => Promise<Readable>;
}

export interface LayerContents {
  index: number;
  digest: string;
  /** What the blob's first bytes say. */
  compression: LayerCompression;
  /** Bytes of the decompressed tar (the layer's diff_id content). */
  tarBytes: number;
  /** Regular-file bytes in the tar's headers (hard links count zero). */
  fileBytes: number;
  /** Bytes of symlink targets (lstat's size of a symlink); the classic store's layer size adds them. */
  symlinkBytes: number;
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
  /** Files to inspect (the Go binary doctor's ELF files, say). */
  capture?: ContentCapture<T>;
  /** Longest list kept in the result (wasted files, causes, duplicates, dive's inefficient files). Default 1000. */
  listLimit?: number;
  /**
   * Layers decompressed at the same time (default 2). Decompression is most of the work and runs on
   * libuv's thread pool, so a second layer in flight uses a second core; only the entry list (names and
   * sizes) of a layer waits in memory for its turn, and captured files are read one at a time.
   */
  concurrency?: number;
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
  /** Files of the final filesystem that were wanted but too large to read. */
  capturesSkipped: SkippedCapture[];
  anomalies: Anomaly[];
  /** Anomalies beyond the ones listed. */
  anomaliesOmitted: number;
}

const MAX_ANOMALIES = 100;

/** What one layer's stream gave, kept until the layers below it are applied. */
export interface ScannedLayer<T> {
  summary: LayerContents;
  entries: LayerEntry[];
  /** By entry index. */
  captured: Map<number, { value: T } | { skipped: string }>;
}

/**
 * Analyses an image's layers (bottom first). Layers stream in parallel (see `concurrency`), and are
 * applied to the filesystem model strictly in order. Memory: the filesystem model, the entry lists of
 * the layers in flight, and one captured file.
 */
export async function analyzeLayers<T = never>(
  layers: readonly LayerBlobSource[],
  options: AnalyzeLayersOptions<T> = {},
): Promise<LayersAnalysis<T>> {
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const abort = new AbortController();
  const captureTurn = new Turns();
  // A layer's scan is dropped once applied, so only the entry lists of layers in flight stay in memory.
  const scans: (Promise<ScannedLayer<T>> | undefined)[] = [];
  const startScan = (index: number) => {
    const layer = layers[index]!;
    const scan = scanLayer(layer, index, options.capture, captureTurn, abort.signal).catch(
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`layer ${index + 1} of ${layers.length} (${layer.digest}): ${message}`, {
          cause: error,
        });
      },
    );
    scan.catch(() => {
      // Awaited in order below; this only keeps a failure of a layer ahead from going unhandled.
    });
    scans[index] = scan;
  };
  for (let index = 0; index < Math.min(concurrency, layers.length); index++) startScan(index);
  try {
    return await applyScannedLayers(
      layers.length,
      async (index) => {
        const scanned = await scans[index]!;
        scans[index] = undefined;
        if (index + concurrency < layers.length) startScan(index + concurrency);
        return scanned;
      },
      options,
    );
  } finally {
    abort.abort();
  }
}

/**
 * Scans one layer blob on its own: for sources that deliver layers in no useful order (an image
 * export), each layer is scanned as it streams by and the scans are applied in order afterwards.
 */
export function scanLayerBlob<T>(
  layer: LayerBlobSource,
  index: number,
  capture?: ContentCapture<T>,
): Promise<ScannedLayer<T>> {
  return scanLayer(layer, index, capture, new Turns(), new AbortController().signal);
}

/** Applies layer scans bottom first; `scanAt(i)` is awaited in order. */
export async function applyScannedLayers<T>(
  count: number,
  scanAt: (index: number) => Promise<ScannedLayer<T>>,
  options: Pick<AnalyzeLayersOptions<T>, 'listLimit'> = {},
): Promise<LayersAnalysis<T>> {
  const listLimit = options.listLimit ?? 1000;
  const ledger = new WasteLedger();
  const captures = new Map<FileNode, CapturedResult<T> | SkippedCapture>();
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

  for (let index = 0; index < count; index++) {
    const scanned = await scanAt(index);
    filesystem.beginLayer(index);
    dive.beginLayer();
    for (const [entryIndex, entry] of scanned.entries.entries()) {
      dive.observe(entry, lowerBytes);
      const applied = filesystem.apply(entry);
      const captured = scanned.captured.get(entryIndex);
      if (!applied || !captured) continue;
      const where = { path: applied.path, layerIndex: index, size: entry.size };
      captures.set(
        applied.node,
        'value' in captured ? { ...where, value: captured.value } : { ...where, reason: captured.skipped },
      );
    }
    dive.endLayer();
    summaries.push({ ...scanned.summary, index });
    // Results of files that this layer removed or replaced no longer describe the image.
    for (const [node, result] of captures) {
      if (filesystem.nodeAt(result.path) !== node) captures.delete(node);
    }
  }

  const captured: CapturedResult<T>[] = [];
  const capturesSkipped: SkippedCapture[] = [];
  for (const result of captures.values()) {
    if ('value' in result) captured.push(result);
    else capturesSkipped.push(result);
  }
  const duplicates = ledger.duplicates(filesystem, listLimit);
  return {
    layers: summaries,
    filesystem,
    totals: filesystem.totals(),
    wasted: ledger.result(count, listLimit),
    duplicates: duplicates.paths,
    duplicatesOmitted: duplicates.omitted,
    efficiency: dive.result(listLimit),
    captured: captured.sort((a, b) => compareText(a.path, b.path)),
    capturesSkipped: capturesSkipped.sort((a, b) => compareText(a.path, b.path)),
    anomalies,
    anomaliesOmitted: anomaliesSeen - anomalies.length,
  };
}

async function scanLayer<T>(
  layer: LayerBlobSource,
  index: number,
  capture: ContentCapture<T> | undefined,
  captureTurn: Turns,
  signal: AbortSignal,
): Promise<ScannedLayer<T>> {
  const wants = capture?.wants ?? isElf;
  const maxCaptureBytes = capture?.maxBytes ?? DEFAULT_MAX_CAPTURE_BYTES;
  const blob = await layer.open();
  const { tar, compression } = await openLayer(blob, layer.mediaType);
  const counted = countBytes(tar);
  const summary: LayerContents = {
    index,
    digest: layer.digest,
    compression,
    tarBytes: 0,
    fileBytes: 0,
    symlinkBytes: 0,
    entries: 0,
    files: 0,
    directories: 0,
    symlinks: 0,
    hardlinks: 0,
    other: 0,
    whiteouts: 0,
    opaqueDirectories: 0,
  };
  const entries: LayerEntry[] = [];
  const captured: ScannedLayer<T>['captured'] = new Map();
  for await (const { entry, body } of readTarEntries(counted.stream)) {
    if (signal.aborted) break; // another layer failed: stop reading, which releases this stream
    const entryIndex = entries.length;
    entries.push(entry);
    summary.entries++;
    summary.fileBytes += entry.size;
    const base = entry.path.slice(entry.path.lastIndexOf('/') + 1);
    const marker = base.startsWith('.wh.');
    if (base === '.wh..wh..opq') summary.opaqueDirectories++;
    else if (marker && !base.startsWith('.wh..wh.')) summary.whiteouts++;
    else if (entry.kind === 'file') summary.files++;
    else if (entry.kind === 'directory') summary.directories++;
    else if (entry.kind === 'symlink') {
      summary.symlinks++;
      summary.symlinkBytes += entry.linknameBytes ?? 0;
    } else if (entry.kind === 'hardlink') summary.hardlinks++;
    else summary.other++;

    if (!capture || marker || entry.kind !== 'file' || entry.size === 0) continue;
    const head = await readHead(body, HEAD_BYTES);
    if (!wants(entry, head)) continue;
    if (entry.size > maxCaptureBytes) {
      captured.set(entryIndex, { skipped: `larger than the ${maxCaptureBytes}-byte capture limit` });
      continue;
    }
    // One captured file at a time, whichever layer it comes from.
    const value = await captureTurn.take(() =>
      withSpooledFile(head, body, (content) =>
        capture.inspect({ path: `/${entry.path}`, layerIndex: index, mode: entry.mode, content }),
      ),
    );
    captured.set(entryIndex, { value });
  }
  summary.tarBytes = counted.bytes();
  return { summary, entries, captured };
}

/** Runs tasks one after another, in the order they ask. */
class Turns {
  private last: Promise<unknown> = Promise.resolve();

  take<R>(task: () => Promise<R>): Promise<R> {
    const run = this.last.then(task, task);
    this.last = run.catch(() => undefined);
    return run;
  }
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
