// What the "why it grew" renderers (comment and terminal) pick out of the explanations, chosen in one place
// so both say the same: the platform to lead with, its biggest causes, the Go binaries that changed with
// their module changes, the findings worth showing, and what the image is made of when there is no base.
// Every byte figure here is file bytes: the uncompressed basis.
import type { GoModuleDiff } from '../../analysis/gobinary/index.js';
import type { DirectoryChange, FileChange } from '../../analysis/layers/index.js';
import { formatBytes, formatDelta } from '../../core/bytes.js';
import type { BinaryFacts, PlatformExplanation, WasteFacts } from '../../explain/explain.js';
import type { Finding } from '../../explain/findings.js';
import type { PlatformReport } from '../json.js';
import { counted } from '../text.js';
import { code, type Span, spans, strong, text, untrusted } from './model.js';

export interface Explained {
  report: PlatformReport;
  explanation: PlatformExplanation;
}

/** What the explanation needs of a report: its platforms and which one the headline names. */
export interface ExplainedReport {
  platforms: readonly PlatformReport[];
  headline: { platform: string } | null;
}

export function explainedPlatforms(report: ExplainedReport): Explained[] {
  return report.platforms.flatMap((p) => (p.explanation ? [{ report: p, explanation: p.explanation }] : []));
}

/**
 * The platform the comment leads with: the headline's (the largest growth on the gated basis) when it was
 * explained; otherwise the one whose files grew most; without any base, the largest.
 */
export function leadPlatform(explained: readonly Explained[], report: ExplainedReport): Explained | null {
  const headline = explained.find((e) => e.report.platform === report.headline?.platform);
  if (headline) return headline;
  const growth = (e: Explained) => e.explanation.diff?.delta ?? Number.NEGATIVE_INFINITY;
  return explained.reduce<Explained | null>((best, e) => {
    if (best === null) return e;
    const byGrowth = growth(e) - growth(best);
    if (byGrowth !== 0) return byGrowth > 0 ? e : best;
    return e.explanation.fileBytes > best.explanation.fileBytes ? e : best;
  }, null);
}

/** The directory roll-ups with the largest change, as many as asked. */
export function topCauses(e: PlatformExplanation, count: number): DirectoryChange[] {
  return (e.diff?.directories ?? []).filter((d) => d.delta !== 0).slice(0, count);
}

/**
 * Growth the file diff cannot show: bytes a later layer deletes or overwrites still ship. null when
 * the head wastes no more than the base (or there is no base).
 */
export function wastedGrowth(
  e: PlatformExplanation,
): { delta: number; largest: WasteFacts['largest'][number] | null } | null {
  if (e.baseWastedBytes === null) return null;
  const delta = e.wasted.bytes - e.baseWastedBytes;
  return delta > 0 ? { delta, largest: e.wasted.largest[0] ?? null } : null;
}

export interface BinaryChange {
  facts: BinaryFacts;
  /** The file's size change; null when the file diff does not list it (same size, or past its limit). */
  file: FileChange | null;
  /** Module changes; null when the base has no Go binary at this path. */
  modules: GoModuleDiff | null;
}

export function moduleDiffChanged(d: GoModuleDiff): boolean {
  return (
    d.goVersion !== null ||
    d.added.length > 0 ||
    d.removed.length > 0 ||
    d.upgraded.length > 0 ||
    d.growth.some((g) => g.delta !== 0)
  );
}

/** Go binaries of the head that are new, changed in size, or changed in their modules; largest change first. */
export function changedGoBinaries(e: PlatformExplanation): BinaryChange[] {
  if (e.diff === null) return [];
  const files = new Map(e.diff.files.map((f) => [f.path, f]));
  const modules = new Map(e.modules.map((m) => [m.path, m.diff]));
  return e.binaries
    .filter((b) => b.kind === 'go')
    .map((facts) => ({
      facts,
      file: files.get(facts.path) ?? null,
      modules: modules.get(facts.path) ?? null,
    }))
    .filter((b) => b.file !== null || b.modules === null || moduleDiffChanged(b.modules))
    .sort(
      (a, b) =>
        Math.abs(b.file?.delta ?? 0) - Math.abs(a.file?.delta ?? 0) ||
        b.facts.bytes - a.facts.bytes ||
        compare(a.facts.path, b.facts.path),
    );
}

export type ModuleChangeKind = 'added' | 'removed' | 'upgraded' | 'grew' | 'shrank';

export interface ModuleRow {
  module: string;
  change: ModuleChangeKind;
  /** The version (for an upgrade, "from → to"); null for std and modules the build info does not list. */
  version: string | null;
  /** Bytes in the base and the head binary; null when either side could not be attributed. */
  baseBytes: number | null;
  headBytes: number | null;
  delta: number | null;
  /** The name is a module root guessed from import paths (the binary lists no modules). */
  guessed: boolean;
}

/** The sentence "why it grew" leads with when the runtime base moved; null when it did not. Names and
 * digests come from the Dockerfile and the build: untrusted. */
export function baseMoveSentence(e: PlatformExplanation): Span[] | null {
  const m = e.baseImageMove;
  if (!m) return null;
  const bytes = `(${formatDelta(m.delta)} ${BASIS_WORD})`;
  if (m.layersOnly) {
    const base = m.to.name ?? m.from.name;
    return spans('base layers changed: ', base === null ? 'the base image' : name(base), ` ${bytes}`);
  }
  const side = (r: { name: string | null; digest: string | null }, withName: boolean): Span[] => {
    const parts: Span[] = [];
    if (withName) parts.push(r.name === null ? text('the base image') : name(r.name));
    // The @ is untrusted text too: in markdown a bare "@sha256" would mention a user called sha256.
    if (r.digest) parts.push(...(parts.length > 0 ? [text(' ')] : []), name(`@${r.digest}`));
    return parts;
  };
  const sameName = m.from.name === m.to.name;
  return spans('runtime base moved: ', ...side(m.from, true), ' → ', ...side(m.to, !sameName), ` ${bytes}`);
}

/** The size basis every explanation figure is in: file bytes, as the container sees them. */
export const BASIS_WORD = 'uncompressed';

/** How a module name reads in a table: a guessed one says so. */
export function moduleLabel(name: string, guessed: boolean): string {
  return guessed ? `${name} (guessed)` : name;
}

/** The packages that grew most inside the modules that grew most: "inside std: runtime/cgo +201 kB, …". */
export function grownPackages(d: GoModuleDiff, modules = 2): { module: string; packages: string }[] {
  return d.growth
    .filter((g) => g.delta > 0 && g.packages.length > 0)
    .slice(0, modules)
    .map((g) => ({
      module: g.module,
      packages: g.packages.map((p) => `${p.package} ${formatDelta(p.delta)}`).join(', '),
    }));
}

/** Added, removed and upgraded modules with their bytes, and the modules that only changed in size; most growth first. */
export function moduleRows(d: GoModuleDiff): ModuleRow[] {
  const growth = new Map(d.growth.map((g) => [g.module, g]));
  const rows = new Map<string, ModuleRow>();
  const bytesOf = (module: string) => {
    const g = growth.get(module);
    return g
      ? { baseBytes: g.baseBytes, headBytes: g.headBytes, delta: g.delta, guessed: g.kind === 'inferred' }
      : { baseBytes: null, headBytes: null, delta: null, guessed: false };
  };
  for (const m of d.added)
    rows.set(m.module, { module: m.module, change: 'added', version: m.version, ...bytesOf(m.module) });
  for (const m of d.removed) {
    rows.set(m.module, { module: m.module, change: 'removed', version: m.version, ...bytesOf(m.module) });
  }
  for (const m of d.upgraded) {
    rows.set(m.module, {
      module: m.module,
      change: 'upgraded',
      version: `${m.from} → ${m.to}`,
      ...bytesOf(m.module),
    });
  }
  for (const g of d.growth) {
    if (rows.has(g.module) || g.delta === 0) continue;
    rows.set(g.module, {
      module: g.module,
      // The standard library and the main module are in no dependency list, yet can be new too.
      change: g.baseBytes === 0 ? 'added' : g.delta > 0 ? 'grew' : 'shrank',
      version: null,
      baseBytes: g.baseBytes,
      headBytes: g.headBytes,
      delta: g.delta,
      guessed: g.kind === 'inferred',
    });
  }
  const order: Record<ModuleChangeKind, number> = { added: 0, upgraded: 1, grew: 2, shrank: 3, removed: 4 };
  return [...rows.values()].sort(
    (a, b) =>
      (b.delta ?? Number.NEGATIVE_INFINITY) - (a.delta ?? Number.NEGATIVE_INFINITY) ||
      order[a.change] - order[b.change] ||
      compare(a.module, b.module),
  );
}

/** "1 added, 2 upgraded" for what occurs. */
export function moduleCounts(d: GoModuleDiff): string {
  const parts = [
    [d.added.length, 'added'],
    [d.removed.length, 'removed'],
    [d.upgraded.length, 'upgraded'],
  ] as const;
  const text = parts.filter(([n]) => n > 0).map(([n, word]) => `${n} ${word}`);
  return text.length > 0 ? text.join(', ') : 'no module added, removed or upgraded';
}

export interface ShownFinding {
  finding: Finding;
  /** null for the lead platform's own findings. */
  platform: string | null;
}

/** The lead platform's findings, then those of other platforms whose kind the lead does not have. */
export function findingsToShow(explained: readonly Explained[], lead: Explained): ShownFinding[] {
  const ids = new Set(lead.explanation.findings.map((f) => f.id));
  const shown: ShownFinding[] = lead.explanation.findings.map((finding) => ({ finding, platform: null }));
  for (const e of explained) {
    if (e === lead) continue;
    for (const finding of e.explanation.findings) {
      if (!ids.has(finding.id)) shown.push({ finding, platform: e.report.platform });
    }
  }
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return shown.sort(
    (a, b) =>
      rank[a.finding.severity] - rank[b.finding.severity] || (b.finding.bytes ?? 0) - (a.finding.bytes ?? 0),
  );
}

export interface Composition {
  total: number;
  /** The FROM image's layer bytes; null when the Dockerfile was not there to tell. */
  baseImage: { layers: number; bytes: number } | null;
  /** Go binaries the build added (not the base image's own). */
  goBinaries: { bytes: number; paths: string[] };
  /** What is left: never below 0 (the base figure counts layer bytes, which may include hidden copies). */
  other: number;
}

export function composition(e: PlatformExplanation): Composition {
  const own = e.binaries.filter(
    (b) => b.kind === 'go' && (e.baseImage === null || b.layerIndex >= e.baseImage.layers),
  );
  const goBytes = own.reduce((n, b) => n + b.bytes, 0);
  return {
    total: e.fileBytes,
    baseImage: e.baseImage,
    goBinaries: { bytes: goBytes, paths: own.map((b) => b.path) },
    other: Math.max(0, e.fileBytes - goBytes - (e.baseImage?.bytes ?? 0)),
  };
}

export interface Slice {
  label: string;
  bytes: number;
}

/** What the growth is made of: the largest growing roll-ups and the rest; null when nothing grew. */
export function growthSlices(e: PlatformExplanation, count: number): Slice[] | null {
  const diff = e.diff;
  if (diff === null || diff.delta <= 0) return null;
  const growing = diff.directories.filter((d) => d.delta > 0);
  if (growing.length === 0) return null;
  const slices: Slice[] = growing.slice(0, count).map((d) => ({ label: d.path, bytes: d.delta }));
  const listed = diff.directories.reduce((n, d) => n + d.delta, 0);
  const rest = growing.slice(count).reduce((n, d) => n + d.delta, 0) + Math.max(0, diff.delta - listed);
  if (rest > 0) slices.push({ label: 'everything else', bytes: rest });
  return slices;
}

/** The path below a directory, for listing a roll-up's files; the whole path when it is not below. */
export function below(dir: string, path: string): string {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return path.startsWith(prefix) && path.length > prefix.length ? path.slice(prefix.length) : path;
}

/** A share as "82.0%" (not a change, so no sign). */
export function share(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : 'n/a';
}

/** dive's efficiency score as dive prints it. */
export function efficiencyPercent(score: number): string {
  return `${(score * 100).toFixed(1)}%`;
}

/** A fix that is one shell command made only of our own words (findings.ts), fit for a code span. */
export function isCommand(fix: string): boolean {
  return /^(go|docker|CGO_ENABLED=\S+ go) [A-Za-z0-9 _=,."/:+-]*$/.test(fix);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const LISTED_NAMES = 6;
const NAME_CHARS = 100;
/** A path or library name from the image. */
const name = (value: string): Span => untrusted(value, NAME_CHARS);

/** Strip state and linkage in words, the missing pieces loudly: one wording for every renderer. */
export function binaryTraits(b: BinaryFacts): Span[] {
  const list = (names: readonly string[]): Span[] => [
    ...names.slice(0, LISTED_NAMES).flatMap((n, i) => (i > 0 ? [text(', '), name(n)] : [name(n)])),
    ...(names.length > LISTED_NAMES ? [text(', …')] : []),
  ];
  const parts: Span[][] = [];
  if (b.strip) {
    parts.push(
      b.strip.savingBytes > 0
        ? spans(
            strong('not stripped'),
            ' (',
            code('-ldflags="-s -w"'),
            ` saves ${formatBytes(b.strip.savingBytes)})`,
          )
        : spans('stripped'),
    );
  }
  if (b.linkage) {
    const needs = [b.linkage.interpreter, ...b.linkage.needed].filter((x): x is string => x !== null);
    parts.push(
      b.linkage.kind === 'dynamic'
        ? spans(strong('dynamic'), ...(needs.length > 0 ? [text(' (needs '), ...list(needs), text(')')] : []))
        : spans(b.linkage.kind),
    );
    if (b.linkage.missing.length > 0) {
      parts.push([strong('cannot start: the image has no ', ...list(b.linkage.missing))]);
    }
  }
  return parts.flatMap((p, i) => (i > 0 ? [text(', '), ...p] : p));
}

/**
 * "Plus +21.0 MB uncompressed in files that a later layer deletes or overwrites: …": the growth the file diff
 * cannot show; null when the head wastes no more than the base.
 */
export function hiddenGrowthSentence(e: PlatformExplanation): Span[] | null {
  const hidden = wastedGrowth(e);
  if (!hidden) return null;
  const l = hidden.largest;
  const where = l
    ? spans(
        ' (largest: ',
        name(l.path),
        `, ${formatBytes(l.bytes)}, written by layer ${l.writtenBy + 1} and removed by layer ${l.removedBy + 1})`,
      )
    : [];
  return spans(
    'Plus ',
    strong(formatDelta(hidden.delta)),
    ` ${BASIS_WORD} in files that a later layer deletes or overwrites: the container never sees them, but they still ship`,
    ...where,
    '.',
  );
}

/** The wasted bytes and dive's efficiency of one platform. */
export function wastedSentence(e: PlatformExplanation): Span[] {
  const w = e.wasted;
  return spans(
    strong('Wasted bytes:'),
    ` ${formatBytes(w.bytes)} ${BASIS_WORD} in ${counted(w.files, 'copy', 'copies')} of files that a later layer overwrites or deletes (they still ship). `,
    strong("Efficiency (dive's formula):"),
    ` ${efficiencyPercent(e.efficiency.score)}; potential wasted space (dive's formula) ${formatBytes(e.efficiency.wastedBytes)} ${BASIS_WORD}.`,
  );
}
