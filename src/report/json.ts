// The versioned JSON report (documented by src/report/report.schema.json; its types in json-types.ts), built
// from the comparison, the decision and the explanations. The markdown and terminal renderers read this same
// object, so every output states the same facts.
import type { Decision, ImageComparison, PlatformMeasure, Violation } from '../core/model.js';
import type { BinaryFacts, Finding, PlatformExplanation } from '../explain/model.js';
import {
  type BaselineOrigin,
  type BinaryJson,
  type ExplanationJson,
  type FindingJson,
  type PlatformSummary,
  REPORT_SCHEMA_VERSION,
  type Report,
  type ReportEngine,
  type ReportHistory,
  type ReportImage,
  type RunIdentity,
} from './json-types.js';

export * from './json-types.js';

export interface ReportInput {
  comparison: ImageComparison;
  decision: Decision;
  tool: { name: string; version: string };
  timings?: Record<string, number>;
  generatedAt?: Date;
  /** One per head platform (explainPlatform's result), matched to the report's platforms by name. */
  explanations?: readonly PlatformExplanation[];
  /** Default: `build` when there is a base image, else `none`, with no commit. */
  baseline?: BaselineOrigin;
  run?: RunIdentity | null;
  engine?: ReportEngine | null;
  history?: ReportHistory | null;
}

function summary(measure: PlatformMeasure | null): PlatformSummary | null {
  if (measure === null) return null;
  return {
    manifestDigest: measure.manifestDigest,
    manifestBytes: measure.manifestBytes,
    configDigest: measure.configDigest,
    configBytes: measure.configBytes,
    sizes: { ...measure.sizes },
    layerCount: measure.layers.length,
    compressedEstimated: measure.compressedEstimated === true,
  };
}

export function buildReport(input: ReportInput): Report {
  const { comparison, decision } = input;
  const images: ReportImage[] = [{ role: 'head', ...comparison.head }];
  if (comparison.base) images.push({ role: 'base', ...comparison.base });
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { ...input.tool },
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
    verdict: decision.verdict,
    headline: decision.headline,
    baseMissingReason: comparison.baseMissingReason,
    baseMissingCause: comparison.baseMissingCause,
    missingBaseline: decision.missingBaseline,
    ...(decision.override ? { override: { ...decision.override } } : {}),
    thresholds: { ...decision.thresholds },
    images,
    platforms: comparison.platforms.map((p) => ({
      platform: p.platform,
      presence: p.presence,
      head: summary(p.head),
      base: summary(p.base),
      baseMissingReason: p.baseMissingReason,
      baseMissingCause: p.baseMissingCause,
      delta: p.delta,
      percent: p.percent,
      layers: p.layers,
      violations: decision.violations.filter((v) => v.platform === p.platform),
      // An explanation describes a head image: a platform only the base has gets none.
      explanation: explanationJson(
        (p.head && input.explanations?.find((e) => e.platform === p.platform)) ?? null,
      ),
    })),
    timings: { ...(input.timings ?? {}) },
    baseline: input.baseline ?? {
      source: comparison.base ? 'build' : 'none',
      commit: null,
      reason: null,
      stored: null,
    },
    run: input.run ?? null,
    engine: input.engine ? { ...input.engine } : null,
    ...(input.history ? { history: input.history } : {}),
  };
}

/**
 * explain's model in the published shape, field by field (in the order the JSON has always listed them), so
 * that a field explain adds, renames or drops changes the schema only through json-types.ts.
 */
function explanationJson(e: PlatformExplanation | null): ExplanationJson | null {
  if (e === null) return null;
  const { diff } = e;
  return {
    platform: e.platform,
    files: e.files,
    fileBytes: e.fileBytes,
    baseImage: e.baseImage && { layers: e.baseImage.layers, bytes: e.baseImage.bytes },
    wasted: {
      bytes: e.wasted.bytes,
      files: e.wasted.files,
      largest: e.wasted.largest.map((f) => ({
        path: f.path,
        bytes: f.bytes,
        writtenBy: f.writtenBy,
        removedBy: f.removedBy,
        reason: f.reason,
      })),
    },
    baseWastedBytes: e.baseWastedBytes,
    efficiency: { score: e.efficiency.score, wastedBytes: e.efficiency.wastedBytes },
    duplicates: e.duplicates.map((d) => ({
      path: d.path,
      layers: [...d.layers],
      redundantBytes: d.redundantBytes,
    })),
    binaries: e.binaries.map(binaryJson),
    diff: diff && {
      baseBytes: diff.baseBytes,
      headBytes: diff.headBytes,
      delta: diff.delta,
      counts: {
        added: diff.counts.added,
        removed: diff.counts.removed,
        grown: diff.counts.grown,
        shrunk: diff.counts.shrunk,
      },
      bytes: {
        added: diff.bytes.added,
        removed: diff.bytes.removed,
        grown: diff.bytes.grown,
        shrunk: diff.bytes.shrunk,
      },
      files: diff.files.map((f) => ({
        path: f.path,
        change: f.change,
        kind: f.kind,
        baseBytes: f.baseBytes,
        headBytes: f.headBytes,
        delta: f.delta,
      })),
      filesOmitted: diff.filesOmitted,
      directories: diff.directories.map((d) => ({
        path: d.path,
        delta: d.delta,
        addedBytes: d.addedBytes,
        removedBytes: d.removedBytes,
        grownBytes: d.grownBytes,
        shrunkBytes: d.shrunkBytes,
        files: d.files,
        largest: d.largest.map((l) => ({ path: l.path, delta: l.delta })),
      })),
    },
    ...(e.baseImageMove === undefined
      ? {}
      : {
          baseImageMove: e.baseImageMove && {
            from: { name: e.baseImageMove.from.name, digest: e.baseImageMove.from.digest },
            to: { name: e.baseImageMove.to.name, digest: e.baseImageMove.to.digest },
            layersOnly: e.baseImageMove.layersOnly,
            delta: e.baseImageMove.delta,
          },
        }),
    modules: e.modules.map(({ path, diff: d }) => ({
      path,
      diff: {
        goVersion: d.goVersion && { from: d.goVersion.from, to: d.goVersion.to },
        added: d.added.map((m) => ({ module: m.module, version: m.version })),
        removed: d.removed.map((m) => ({ module: m.module, version: m.version })),
        upgraded: d.upgraded.map((m) => ({ module: m.module, from: m.from, to: m.to })),
        growth: d.growth.map((g) => ({
          module: g.module,
          kind: g.kind,
          baseBytes: g.baseBytes,
          headBytes: g.headBytes,
          delta: g.delta,
          packages: g.packages.map((p) => ({
            package: p.package,
            baseBytes: p.baseBytes,
            headBytes: p.headBytes,
            delta: p.delta,
          })),
        })),
      },
    })),
    findings: e.findings.map(findingJson),
  };
}

function binaryJson(b: BinaryFacts): BinaryJson {
  return {
    path: b.path,
    bytes: b.bytes,
    layerIndex: b.layerIndex,
    kind: b.kind,
    goVersion: b.goVersion,
    mainModule: b.mainModule,
    goVersionM: b.goVersionM,
    settings: { ...b.settings },
    linkage: b.linkage && {
      kind: b.linkage.kind,
      interpreter: b.linkage.interpreter,
      needed: [...b.linkage.needed],
      missing: [...b.linkage.missing],
      libraryBytes: b.linkage.libraryBytes,
    },
    strip: b.strip && {
      stripped: b.strip.stripped,
      hasDwarf: b.strip.hasDwarf,
      savingBytes: b.strip.savingBytes,
    },
    modules: b.modules.map((m) => ({
      module: m.module,
      version: m.version,
      bytes: m.bytes,
      guessed: m.guessed,
    })),
    modulesOmitted: b.modulesOmitted,
    packages: b.packages.map((p) => ({
      package: p.package,
      module: p.module,
      codeBytes: p.codeBytes,
      bytes: p.bytes,
    })),
    packagesOmitted: b.packagesOmitted,
    attributedFraction: b.attributedFraction,
  };
}

function findingJson(f: Finding): FindingJson {
  return {
    id: f.id,
    severity: f.severity,
    bytes: f.bytes,
    title: f.title,
    fix: f.fix,
    paths: [...f.paths],
  };
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Every violation, platform by platform. */
export function allViolations(report: Report): Violation[] {
  return report.platforms.flatMap((p) => p.violations);
}
