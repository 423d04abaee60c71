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
  const bytes = Number(match[1]) * factor;
  if (!Number.isInteger(bytes)) {
    throw new ByteSizeError(`"${text}" is not a whole number of bytes`);
  }
  return bytes;
}

/** Renders a byte count in decimal units with three significant figures: "12.4 MB", "980 kB" is written "980 KB", "0 B". */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  const sign = bytes < 0 ? '-' : '';
  if (abs < 1000) return `${sign}${abs} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = abs;
  let unit = 'B';
  for (const u of units) {
    if (value < 999.95) break;
    value /= 1000;
    unit = u;
  }
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${sign}${value.toFixed(digits)} ${unit}`;
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
