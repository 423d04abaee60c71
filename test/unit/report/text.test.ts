import { describe, expect, it } from 'vitest';
import { engineSentence } from '../../../src/report/document/sentences.js';
import { renderDocumentMarkdown } from '../../../src/report/render/markdown.js';
import { escapeMarkdown, plainText } from '../../../src/report/text.js';
import { HOSTILE } from './hostile.js';
import { failingReport } from './reports.js';

const ZWJ = '\u200d';

describe('escapeMarkdown', () => {
  it.each(HOSTILE)('leaves nothing with markdown or HTML meaning in %j', (text) => {
    const out = escapeMarkdown(text);
    expect(out).not.toMatch(/[|<>`*_[\]~$\\\n\r\u202e]/);
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\u0000');
    // Every & starts a character reference.
    expect(out.replace(/&(#\d+|amp|lt|gt);/g, '')).not.toContain('&');
    // No @-mention, no issue reference, no www autolink.
    expect(out).not.toMatch(new RegExp(`@(?!${ZWJ})`));
    expect(out.replace(/&#\d+;/g, '')).not.toMatch(new RegExp(`#(?!${ZWJ})`));
    expect(out).not.toMatch(/GH-\d/i);
    expect(out).not.toMatch(/www\./i);
  });

  it('keeps what a reader needs to recognise the text', () => {
    expect(escapeMarkdown('COPY /out/server /app/server')).toBe('COPY /out/server /app/server');
    expect(escapeMarkdown('a | b')).toBe('a &#124; b');
    expect(escapeMarkdown('<b>')).toBe('&lt;b&gt;');
    expect(escapeMarkdown('@org/team')).toBe(`@${ZWJ}org/team`);
    expect(escapeMarkdown('#123')).toBe(`#${ZWJ}123`);
    expect(escapeMarkdown('x\ny')).toBe('x ↵ y');
  });

  it('cuts long text by code points before escaping, so no reference is split', () => {
    const out = escapeMarkdown(`${'|'.repeat(10)}🙂🙂🙂`, 12);
    expect(out).toBe(`${'&#124;'.repeat(10)}🙂…`);
  });
});

describe('plainText', () => {
  it('removes what a terminal would interpret', () => {
    expect(plainText('a\u001b[2Jb\u0007c\u009bd')).toBe('a\ufffd[2Jb\ufffdc\ufffdd');
    expect(plainText('x\r\ny\tz')).toBe('x ↵ y z');
    expect(plainText('\u202eevil')).toBe('\ufffdevil');
  });

  it('cuts to a number of code points', () => {
    expect(plainText('abcdef', 4)).toBe('abc…');
    expect(plainText('abc', 4)).toBe('abc');
  });
});

describe('engineSentence', () => {
  const engine = {
    name: 'Docker Engine',
    version: '28.5.2+dfsg4',
    imageStore: 'containerd' as const,
    buildx: '0.29.1+ds1',
    builder: 'isg-container',
    driver: 'docker-container',
  };
  /** The sentence as the comment renders it. */
  const sentence = (e: typeof engine | null) => {
    const spans = engineSentence({ ...failingReport(), engine: e });
    return spans === null
      ? null
      : renderDocumentMarkdown({ blocks: [{ kind: 'paragraph', priority: 100, spans }] }).trimEnd();
  };

  it('names the engine, its version, the store, buildx, the builder and its driver', () => {
    expect(sentence(engine)).toBe(
      'Built with Docker Engine 28.5.2+dfsg4 (containerd image store), buildx 0.29.1+ds1, builder isg-container (docker-container driver).',
    );
    expect(sentence({ ...engine, buildx: null, builder: null, driver: null } as never)).toBe(
      'Measured on Docker Engine 28.5.2+dfsg4 (containerd image store).',
    );
    expect(sentence(null)).toBeNull();
  });

  it.each(HOSTILE)('makes a hostile builder name or version harmless: %j', (text) => {
    const out = sentence({ ...engine, version: text, builder: text })!;
    expect(out).toContain(escapeMarkdown(text, 80));
    expect(out).not.toContain('\n');
  });
});
