import { describe, expect, it } from 'vitest';
import { LineBuffer } from '../../../src/buildx/buildx.js';

function linesOf(chunks: (string | Buffer)[]): string[] {
  const lines: string[] = [];
  const buffer = new LineBuffer((line) => lines.push(line));
  for (const chunk of chunks) buffer.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  buffer.end();
  return lines;
}

describe('LineBuffer', () => {
  it('hands on a line written in several pieces once, whole', () => {
    expect(linesOf(['#7 0.4 ::err', 'or::x\n#7 DONE', ' 1.0s\n'])).toEqual([
      '#7 0.4 ::error::x',
      '#7 DONE 1.0s',
    ]);
  });

  it('keeps a multi-byte character split between writes', () => {
    const bytes = Buffer.from('größe ✓\n');
    expect(linesOf([bytes.subarray(0, 3), bytes.subarray(3, 9), bytes.subarray(9)])).toEqual(['größe ✓']);
  });

  it('drops empty lines and CRLF endings, and hands on an unfinished last line at the end', () => {
    expect(linesOf(['a\r\n\r\n\nb\r', '\nc'])).toEqual(['a', 'b', 'c']);
  });

  it('does not hold an endless line in memory', () => {
    const lines = linesOf(['x'.repeat(100_000), 'y\n']);
    expect(lines.length).toBe(2);
    expect(lines.join('')).toBe(`${'x'.repeat(100_000)}y`);
  });
});
