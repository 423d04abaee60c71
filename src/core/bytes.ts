// The one way byte figures are parsed and rendered. MB = 10^6 bytes, MiB = 2^20 bytes.

const UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
};

export class ByteSizeError extends Error {}

/** Parses "5MB", "512KiB", "1.5 GB", "0", "1048576" (bare numbers are bytes). Units are case-insensitive. */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) {
    throw new ByteSizeError(
      `"${text}" is not a size: write a non-negative number with an optional unit, e.g. 5MB, 512KiB or 0 (MB = 10^6 bytes, MiB = 2^20)`,
    );
  }
  const unit = (match[2] ?? '').toUpperCase() || 'B';
  const factor = UNITS[unit];
  if (factor === undefined) {
    throw new ByteSizeError(
      `"${text}" has an unknown unit "${match[2]}": use B, KB, MB, GB, TB (powers of 10) or KiB, MiB, GiB, TiB (powers of 2)`,
    );
  }
  // Exact decimal arithmetic: 4.1 * 1e9 in floating point is not a whole number, but 4.1 GB is.
  const [whole = '', fraction = ''] = (match[1] ?? '').split('.');
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt(whole + fraction) * BigInt(factor);
  if (scaled % scale !== 0n) {
    throw new ByteSizeError(`"${text}" is not a whole number of bytes`);
  }
  const bytes = scaled / scale;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ByteSizeError(`"${text}" is too large: write at most ${formatBytes(Number.MAX_SAFE_INTEGER)}`);
  }
  return Number(bytes);
}

/** Renders a byte count in decimal units with three significant figures: "12.4 MB", "980 kB" is written "980 KB", "0 B". */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  const sign = bytes < 0 ? '-' : '';
  if (abs < 1000) return `${sign}${abs} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  // Round first, then choose the unit and decimals from the rounded figure, so 999,999 B reads "1.00 MB"
  // rather than "1000 KB", and 9,999 B "10.0 KB" rather than "10.00 KB".
  let value = abs / 1000;
  let unit = 0;
  let rounded = roundToThreeFigures(value);
  while (rounded >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
    rounded = roundToThreeFigures(value);
  }
  return `${sign}${rounded.toFixed(decimalsFor(rounded))} ${units[unit]}`;
}

function decimalsFor(value: number): number {
  return value >= 100 ? 0 : value >= 10 ? 1 : 2;
}

function roundToThreeFigures(value: number): number {
  return Number(value.toFixed(decimalsFor(value)));
}

/** A signed delta: "+12.4 MB", "-3.10 KB", "±0 B". */
export function formatDelta(bytes: number): string {
  if (bytes === 0) return '±0 B';
  return bytes > 0 ? `+${formatBytes(bytes)}` : formatBytes(bytes);
}

/** A signed percentage with one decimal: "+12.5%", "-0.3%"; null (no base) renders "n/a". */
export function formatPercent(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return 'n/a';
  if (percent === 0) return '±0.0%';
  return `${percent > 0 ? '+' : ''}${percent.toFixed(1)}%`;
}

/** Exact figure with thousands separators, for tables that must be checkable to the byte: "5,517,312 B". */
export function formatExactBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} B`;
}
