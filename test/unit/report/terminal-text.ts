// What the terminal renderers' tests check text for: colour codes and control characters.

export const ESC = '\u001b';

export function stripAnsi(text: string): string {
  return text
    .split(ESC)
    .map((part, i) => (i === 0 ? part : part.replace(/^\[\d+m/, '')))
    .join('');
}

/** C0 controls but the line feed, DEL and C1 controls. */
export function controlCharacters(text: string): string[] {
  return Array.from(text).filter((c) => {
    const code = c.codePointAt(0)!;
    return (code < 0x20 && c !== '\n') || (code >= 0x7f && code <= 0x9f);
  });
}
