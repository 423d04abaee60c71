// Terminal colours, for the CLI's tables when stdout is a terminal.

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
