import { describe, expect, it } from 'vitest';
import type { ImageMeasure } from '../../../src/core/model.js';
import { renderTerminal } from '../../../src/report/render/terminal.js';
import { bloatedHead, layer, platformMeasure } from '../core/fixtures.js';
import { failingReport, reportFor } from './reports.js';
import { controlCharacters, ESC, stripAnsi } from './terminal-text.js';

describe('renderTerminal', () => {
  it('renders the failing fixture as aligned plain text', () => {
    const text = renderTerminal(failingReport());
    expect(text).not.toContain(ESC);
    expect(text).toMatchSnapshot();
  });

  it('renders no-baseline with the reason', () => {
    const text = renderTerminal(
      reportFor(bloatedHead(), null, { maxSize: 100_000_000 }, 'baseline: none was asked for'),
      { layers: false },
    );
    expect(text).toMatchSnapshot();
    expect(text).not.toContain('Layers of');
  });

  it('aligns the columns of every row', () => {
    const lines = renderTerminal(failingReport(), { layers: false }).split('\n');
    const header = lines.find((l) => l.startsWith('Platform'))!;
    const rows = lines.filter((l) => /^(linux\/\S+\s+uncompressed|\s+compressed)/.test(l));
    expect(rows).toHaveLength(4);
    // Right-aligned figures end where their header ends.
    const changeEnd = header.lastIndexOf('%') + 1;
    for (const row of rows) expect(row.length).toBe(changeEnd);
  });

  it('colours only when asked', () => {
    const coloured = renderTerminal(failingReport(), { color: true });
    expect(coloured).toContain(`${ESC}[`);
    expect(coloured).toContain('\u001b[31mfail\u001b[39m');
    expect(stripAnsi(coloured)).toBe(renderTerminal(failingReport()));
  });

  it('prints no control sequence that came from the image', () => {
    const evil = 'RUN /bin/sh -c echo \u001b]0;pwned\u0007\u001b[2J\nrm -rf / # buildkit';
    const image = (seed: string): ImageMeasure => ({
      ref: `app:\u001b[31mred`,
      source: 'docker',
      platforms: [platformMeasure('linux/amd64\u001b[1A', [layer(evil, seed, 10, 5)])],
    });
    const text = renderTerminal(reportFor(image('head'), image('base'), { maxIncrease: 0 }));
    expect(controlCharacters(text)).toEqual([]);
    expect(text).toContain('RUN echo \ufffd]0;pwned\ufffd\ufffd[2J rm -rf /');
  });

  it('says the step failed for a missing baseline, as the comment does', () => {
    const report = {
      ...failingReport(),
      missingBaseline: { policy: 'fail', message: 'no stored report of 1a2b3c4' },
    } as never;
    expect(renderTerminal(report)).toContain(
      '\nFailed for a missing baseline: no stored report of 1a2b3c4.\n',
    );
  });
});
