// Terminal colours and aligned columns, for the CLI's tables.

export type Colour = 'red' | 'green' | 'yellow' | 'cyan' | 'bold' | 'dim';

const ANSI: Record<Colour, [string, string]> = {
  red: ['\u001b[31m', '\u001b[39m'],
  green: ['\u001b[32m', '\u001b[39m'],
  yellow: ['\u001b[33m', '\u001b[39m'],
  cyan: ['\u001b[36m', '\u001b[39m'],
  bold: ['\u001b[1m', '\u001b[22m'],
  dim: ['\u001b[2m', '\u001b[22m'],
};

/** Wraps text in a colour when colours are on; empty text and no colour pass through. */
export function painter(enabled: boolean | undefined): (text: string, colour?: Colour) => string {
  return (text, colour) =>
    enabled && colour && text !== '' ? `${ANSI[colour][0]}${text}${ANSI[colour][1]}` : text;
}

export interface Cell {
  text: string;
  colour?: Colour | undefined;
}

/** Rows of cells in columns two spaces apart, each as wide as its widest cell (in code points). */
export function alignColumns(
  rows: readonly (readonly Cell[])[],
  sides: readonly ('left' | 'right')[],
  paint: (text: string, colour?: Colour) => string = (text) => text,
): string[] {
  const widths = sides.map((_, c) =>
    Math.max(0, ...rows.map((row) => Array.from(row[c]?.text ?? '').length)),
  );
  return rows.map((row) =>
    row
      .map((cell, c) => {
        const gap = ' '.repeat(widths[c]! - Array.from(cell.text).length);
        const text = paint(cell.text, cell.colour);
        return sides[c] === 'right' ? gap + text : text + gap;
      })
      .join('  ')
      .trimEnd(),
  );
}
