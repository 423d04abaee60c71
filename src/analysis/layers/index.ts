// Layer content analysis: what is inside an image's layers, what it wastes, and what changed.
export {
  type AnalyzeLayersOptions,
  analyzeLayers,
  applyScannedLayers,
  type LayerBlobSource,
  type LayerContents,
  type LayersAnalysis,
  type ScannedLayer,
  scanLayerBlob,
} from './analyze-layers.js';
export {
  type CapturedFile,
  type CapturedResult,
  type ContentCapture,
  DEFAULT_MAX_CAPTURE_BYTES,
  type FileContent,
  HEAD_BYTES,
  isElf,
  type SkippedCapture,
} from './content-capture.js';
export { type DiveEfficiency, DiveEfficiencyMeter, type DiveInefficientFile } from './dive-efficiency.js';
export {
  type Anomaly,
  type AnomalyKind,
  type AppliedEntry,
  applyLayer,
  type FileRecord,
  type FilesystemListener,
  type FilesystemTotals,
  type FilesystemView,
  LayeredFilesystem,
  type Removal,
  type RemovalReason,
} from './filesystem.js';
export {
  type DiffOptions,
  type DirectoryChange,
  diffFilesystems,
  type FileChange,
  type FileChangeKind,
  type FilesystemDiff,
  rollUp,
} from './filesystem-diff.js';
export {
  type DuplicatePath,
  type LayerWaste,
  type WasteCause,
  type WastedBytes,
  type WastedFile,
  WasteLedger,
} from './wasted.js';
