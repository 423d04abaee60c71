// Head against base, per platform and per layer. Layers pair up first by identical content (digest, then
// diff ID), then by the instruction that made them, so a reader sees which instruction grew.
import type {
  BaselineCause,
  ImageComparison,
  ImageMeasure,
  LayerComparison,
  LayerMeasure,
  LayerSide,
  Percentages,
  Platform,
  PlatformComparison,
  PlatformMeasure,
  Sizes,
} from './model.js';

/**
 * The instruction as a reader wants to see it: without BuildKit's "# buildkit" suffix, its "|N KEY=value"
 * build-arg prefix, the "/bin/sh -c" shell wrapper, or the classic builder's "#(nop)"; whitespace collapsed.
 */
export function normalizeInstruction(raw: string): string {
  let text = raw.replace(/\s+/g, ' ').trim();
  text = text.replace(/\s*#\s*buildkit$/, '');
  let run = false;
  if (text.startsWith('RUN ')) {
    run = true;
    text = text.slice(4);
  }
  text = stripBuildArgs(text);
  const nop = /^\/bin\/sh -c #\(nop\)\s*/.exec(text);
  if (nop) return text.slice(nop[0].length).trim();
  const shell = /^\/bin\/sh -c /.exec(text);
  if (shell) {
    run = true;
    text = text.slice(shell[0].length);
  }
  return run ? `RUN ${text}`.trim() : text;
}

/** The key layers are matched by: the normalized instruction without the classic builder's content hashes. */
export function instructionKey(raw: string): string {
  return normalizeInstruction(raw).replace(/\b(file|dir|multi):[0-9a-f]{64}\b/g, '$1:');
}

// BuildKit writes "|2 TARGETOS=linux TARGETARCH=amd64 /bin/sh -c ..." and does not quote values with spaces,
// so when the shell wrapper follows, everything before it goes; otherwise N KEY=value words do.
function stripBuildArgs(text: string): string {
  const prefix = /^\|(\d+) /.exec(text);
  if (!prefix) return text;
  const rest = text.slice(prefix[0].length);
  const shellAt = rest.indexOf('/bin/sh -c ');
  if (shellAt >= 0) return rest.slice(shellAt);
  let remaining = rest;
  for (let i = 0; i < Number(prefix[1]); i++) {
    const pair = /^[A-Za-z_][A-Za-z0-9_]*=\S*\s*/.exec(remaining);
    if (!pair) break;
    remaining = remaining.slice(pair[0].length);
  }
  return remaining;
}

/** Percent change from base to head; 0 for 0 -> 0, null for growth from 0. */
export function percentChange(base: number, head: number): number | null {
  if (base === 0) return head === 0 ? 0 : null;
  return ((head - base) / base) * 100;
}

function sizesDelta(head: Sizes | null, base: Sizes | null): Sizes {
  return {
    compressed: (head?.compressed ?? 0) - (base?.compressed ?? 0),
    uncompressed: (head?.uncompressed ?? 0) - (base?.uncompressed ?? 0),
  };
}

function side(layer: LayerMeasure, index: number): LayerSide {
  return { ...layer, index };
}

/** Pairs head layers with base layers; rows follow head order, removed base layers sit above their lower neighbour. */
export function compareLayers(
  head: readonly LayerMeasure[],
  base: readonly LayerMeasure[],
): LayerComparison[] {
  const baseFor: (number | null)[] = head.map(() => null);
  const matchOf: (LayerComparison['matchedBy'] | null)[] = head.map(() => null);
  const baseTaken = base.map(() => false);

  const pass = (matchedBy: NonNullable<LayerComparison['matchedBy']>, keyOf: (l: LayerMeasure) => string) => {
    const waiting = new Map<string, number[]>();
    base.forEach((layer, i) => {
      const key = keyOf(layer);
      if (baseTaken[i] || key === '') return;
      const queue = waiting.get(key);
      if (queue) queue.push(i);
      else waiting.set(key, [i]);
    });
    head.forEach((layer, h) => {
      if (baseFor[h] !== null) return;
      const b = waiting.get(keyOf(layer))?.shift();
      if (b === undefined) return;
      baseFor[h] = b;
      matchOf[h] = matchedBy;
      baseTaken[b] = true;
    });
  };
  pass('digest', (l) => l.digest);
  pass('diff-id', (l) => l.diffId);
  // Instructions may legitimately be empty (imported base layers): those still pair, in order.
  pass('instruction', (l) => `=${instructionKey(l.instruction)}`);

  const rows: LayerComparison[] = head.map((layer, h) => {
    const b = baseFor[h] ?? null;
    const baseLayer = b === null ? null : base[b]!;
    const matchedBy = matchOf[h] ?? null;
    return {
      status: matchedBy === null ? 'added' : matchedBy === 'instruction' ? 'changed' : 'unchanged',
      matchedBy,
      step: normalizeInstruction(layer.instruction),
      head: side(layer, h),
      base: baseLayer && b !== null ? side(baseLayer, b) : null,
      delta: sizesDelta(layer.sizes, baseLayer?.sizes ?? null),
    };
  });

  // Place each removed base layer right after the last row whose base layer lies below it.
  const rowOfBase: number[] = base.map(() => -1);
  rows.forEach((row, r) => {
    if (row.base) rowOfBase[row.base.index] = r;
  });
  const removedAfter = new Map<number, LayerComparison[]>();
  let anchor = -1;
  base.forEach((layer, b) => {
    if (baseTaken[b]) {
      anchor = Math.max(anchor, rowOfBase[b]!);
      return;
    }
    const list = removedAfter.get(anchor) ?? [];
    list.push({
      status: 'removed',
      matchedBy: null,
      step: normalizeInstruction(layer.instruction),
      head: null,
      base: side(layer, b),
      delta: sizesDelta(null, layer.sizes),
    });
    removedAfter.set(anchor, list);
  });
  const ordered: LayerComparison[] = [...(removedAfter.get(-1) ?? [])];
  rows.forEach((row, r) => {
    ordered.push(row, ...(removedAfter.get(r) ?? []));
  });
  return ordered;
}

/** One platform; base null means no baseline for it, with the reason readers will see. */
export function comparePlatform(
  head: PlatformMeasure,
  base: PlatformMeasure | null,
  baseMissingReason = 'no baseline',
  baseMissingCause: BaselineCause | null = null,
): PlatformComparison {
  if (base === null) {
    return {
      platform: head.platform,
      presence: 'head-only',
      head,
      base: null,
      baseMissingReason,
      baseMissingCause,
      delta: null,
      percent: null,
      layers: compareLayers(head.layers, []),
    };
  }
  const percent: Percentages = {
    compressed: percentChange(base.sizes.compressed, head.sizes.compressed),
    uncompressed: percentChange(base.sizes.uncompressed, head.sizes.uncompressed),
  };
  return {
    platform: head.platform,
    presence: 'both',
    head,
    base,
    baseMissingReason: null,
    baseMissingCause: null,
    delta: sizesDelta(head.sizes, base.sizes),
    percent,
    layers: compareLayers(head.layers, base.layers),
  };
}

function basePlatformOnly(base: PlatformMeasure): PlatformComparison {
  return {
    platform: base.platform,
    presence: 'base-only',
    head: null,
    base,
    baseMissingReason: null,
    baseMissingCause: null,
    delta: null,
    percent: null,
    layers: compareLayers([], base.layers),
  };
}

/**
 * Every platform of the head against the same platform of the base. base null means no baseline at all
 * (the base has no Dockerfile, its build failed, baseline: none), with the reason readers will see.
 */
export function compareImages(
  head: ImageMeasure,
  base: ImageMeasure | null,
  baseMissingReason = 'no baseline',
  baseMissingCause: BaselineCause | null = null,
): ImageComparison {
  const byPlatform = new Map<Platform, PlatformMeasure>();
  for (const p of base?.platforms ?? []) byPlatform.set(p.platform, p);
  const platforms: PlatformComparison[] = head.platforms.map((h) => {
    if (base === null) return comparePlatform(h, null, baseMissingReason, baseMissingCause);
    const b = byPlatform.get(h.platform) ?? null;
    byPlatform.delete(h.platform);
    return comparePlatform(
      h,
      b,
      `the base image ${base.ref} has no ${h.platform} platform`,
      'base-platform-missing',
    );
  });
  for (const b of byPlatform.values()) platforms.push(basePlatformOnly(b));
  return {
    head: { ref: head.ref, source: head.source },
    base: base === null ? null : { ref: base.ref, source: base.source },
    baseMissingReason: base === null ? baseMissingReason : null,
    baseMissingCause: base === null ? baseMissingCause : null,
    platforms,
  };
}
