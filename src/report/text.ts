// How every output says the basics (verdict words, counts, digests), and how text that comes from an image,
// a repository or the API is made harmless before it is printed.
import type { Verdict } from '../core/model.js';

export const VERDICT_WORD: Record<Verdict, string> = {
  pass: 'pass',
  fail: 'fail',
  warn: 'warn',
  'no-baseline': 'no baseline',
  overridden: 'overridden',
};

// C0/C1 controls (ESC starts terminal escape sequences), and bidirectional overrides that make text read
// differently from what it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAK = /\r\n|[\r\n\u2028\u2029]/g;

/** A line of code-like text (`go version -m`) with its tabs kept: controls and bidi overrides as U+FFFD. */
export function printableCodeLine(line: string): string {
  return line.replace(CONTROL, '\ufffd').replace(BIDI, '\ufffd');
}

/** "sha256:dc8710927ec9" for a digest of hex; null for anything else (the caller escapes that as text). */
export function shortDigest(digest: string): string | null {
  const match = /^([a-z0-9]+):([0-9a-f]{12})[0-9a-f]*$/.exec(digest);
  return match ? `${match[1]}:${match[2]}` : null;
}

/** A count as every renderer prints it: "6,231". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A count with its noun: "1 layer", "6,231 layers", "2 copies" (given the plural). */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${count(n)} ${n === 1 ? noun : plural}`;
}

/**
 * Text from an image or a repository, made printable on one line: line breaks shown as " ↵ ", tabs as a
 * space, controls and bidi overrides as U+FFFD; cut to maxChars code points with "…".
 */
export function plainText(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const points = Array.from(text);
  const cut = points.length > maxChars ? `${points.slice(0, Math.max(0, maxChars - 1)).join('')}…` : text;
  return cut
    .replace(LINE_BREAK, ' ↵ ')
    .replace(/\t/g, ' ')
    .replace(CONTROL, '\ufffd')
    .replace(BIDI, '\ufffd');
}

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

// Characters with inline meaning in GitHub markdown: tables (|), HTML (<>&), escapes (\), code (`),
// emphasis (*_~), links and footnotes ([]!^), math ($), emoji shortcodes and autolinks (:). A character
// reference is always literal text to a markdown parser and to HTML. Quotes stay: untrusted text never
// goes into an HTML attribute.
const MARKDOWN_SPECIAL = /[&<>|\\`*_[\]~!^$:@#]/g;

/**
 * Untrusted text for a markdown table cell, a paragraph, or HTML such as <summary>: one line, every
 * character with markdown or HTML meaning as a character reference, and a zero-width joiner after each
 * @ and # (and GH-) so GitHub neither @-mentions anyone nor links an issue; "www." is not auto-linked either.
 */
export function escapeMarkdown(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  return plainText(text, maxChars)
    .replace(/\b(GH)-(?=\d)/gi, '$1-\u200d')
    .replace(MARKDOWN_SPECIAL, (c) => {
      if (c === '@' || c === '#') return `${c}\u200d`;
      return ENTITY[c] ?? `&#${c.charCodeAt(0)};`;
    })
    .replace(/\b(www)\./gi, '$1&#46;');
}
