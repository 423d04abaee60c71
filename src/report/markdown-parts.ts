// The pieces the comment's renderers share: the limit, the section shape, a section's rendering and the
// markdown table rows (explain-markdown builds sections, markdown.ts places and fits them).
import { count, escapeMarkdown } from './text.js';

/** GitHub rejects issue comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** The default cap leaves 1,536 characters for the hidden marker the comment module puts in front. */
export const DEFAULT_MARKDOWN_LIMIT = 64_000;

/** How every note of the fitters names the limit. */
export const LIMIT_TEXT = `GitHub's ${count(GITHUB_COMMENT_LIMIT)}-character comment limit`;

/**
 * A section another part of the tool adds (for example "why it grew"), placed after the platform table and
 * before the layer detail. heading is plain text (escaped here); body is markdown that its producer has
 * already made safe (escapeMarkdown from ./text.js for anything taken from an image or a repository).
 */
export interface MarkdownSection {
  heading: string;
  body: string;
  /** Wrap the body in a <details> block with the heading as its summary. */
  collapsed?: boolean;
}

/** The characters a section adds to the body: its rendering and the blank line before it. */
export function markdownSectionLength(section: MarkdownSection): number {
  return renderSection(section).length + 2;
}

export function renderSection(section: MarkdownSection): string {
  const heading = escapeMarkdown(section.heading);
  if (section.collapsed) {
    return `<details><summary>${heading}</summary>\n\n${section.body.trim()}\n\n</details>`;
  }
  return `#### ${heading}\n\n${section.body.trim()}`;
}

/** One row of a markdown table; its cells are already escaped. */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** A markdown table's header and alignment rows. */
export function tableHead(header: readonly string[], sides: readonly ('left' | 'right')[]): string {
  return `${tableRow(header)}\n${tableRow(sides.map((s) => (s === 'left' ? ':--' : '--:')))}`;
}
