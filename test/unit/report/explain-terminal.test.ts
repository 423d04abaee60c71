import { describe, expect, it } from 'vitest';
import type { ImageMeasure } from '../../../src/core/model.js';
import { renderMarkdown } from '../../../src/report/render/markdown.js';
import { renderTerminal } from '../../../src/report/render/terminal.js';
import { layer, platformMeasure } from '../core/fixtures.js';
import {
  ARCHES,
  bloatedExplanation,
  cannotStartReport,
  explainedReport,
  hostileExplanation,
  hugeExplanation,
  noBaseReport,
} from './explanations.js';
import { HOSTILE } from './hostile.js';
import { failingReport } from './reports.js';
import { controlCharacters, ESC, stripAnsi } from './terminal-text.js';

/** The terminal report's lines, without the layer tables. */
const lines = (report: Parameters<typeof renderTerminal>[0]) =>
  renderTerminal(report, { layers: false }).split('\n');

/** Every byte figure and percentage, in order: the facts a reader compares. */
const figures = (text: string) =>
  [...text.replace(/&#\d+;/g, '').matchAll(/[+\-±]?\d[\d,.]*(?: (?:B|KB|MB|GB)\b|%)/g)].map((m) => m[0]);

describe('the "why it grew" block of the terminal report', () => {
  it('follows the violations and the platform table, before the layers', () => {
    const text = renderTerminal(explainedReport());
    expect(text).not.toContain(ESC);
    const over = text.indexOf('Over the threshold:');
    const table = text.indexOf('linux/arm64  uncompressed');
    const why = text.indexOf(
      '\nWhy linux/amd64 grew\nFiles of linux/amd64: 7.71 MB → 91.2 MB, +83.4 MB uncompressed',
    );
    const layers = text.indexOf('Layers of linux/amd64');
    expect(over).toBeGreaterThan(0);
    expect(table).toBeGreaterThan(over);
    expect(why).toBeGreaterThan(table);
    expect(layers).toBeGreaterThan(why);
  });

  it('states the same facts as the comment, in the same order', () => {
    for (const report of [explainedReport(), noBaseReport(), cannotStartReport(), failingReport()]) {
      // Less the pie that only draws the composition list above it: the terminal says that list once.
      const comment = renderMarkdown(report, { maxLength: 10_000_000 }).replace(
        /```mermaid\npie\n {4}title What \S+ is made of[^`]*```/g,
        '',
      );
      const terminal = renderTerminal(report);
      expect(figures(terminal).length).toBeGreaterThan(20);
      expect(figures(terminal)).toEqual(figures(comment));
    }
  });

  it('gives the composition of an image without a base once: the list, not the pie that draws it too', () => {
    const terminal = renderTerminal(noBaseReport());
    expect(terminal).toContain('  - Go binaries: 14.9 MB (16.4%)');
    expect(terminal).not.toContain('is made of (uncompressed):');
    expect(renderMarkdown(noBaseReport())).toContain('    title What linux/amd64 is made of (uncompressed)');
  });

  it('renders the causes, the changed binary with its modules, and the findings with their fixes', () => {
    expect(renderTerminal(explainedReport(), { layers: false })).toMatchSnapshot();
  });

  it('renders the causes, the binary, its modules and the findings as the comment words them', () => {
    const out = lines(explainedReport());
    expect(out).toContain(
      '  1. /usr/lib/x86_64-linux-gnu +35.0 MB in 412 files: libcrypto.so.3 +4.71 MB · libc.so.6 +2.13 MB · libsqlite3.so.0 +1.45 MB',
    );
    expect(out).toContain(
      '  - /app/server 5.51 MB → 14.9 MB (+9.42 MB), go1.24.4, not stripped (-ldflags="-s -w" saves 4.39 MB), dynamic (needs /lib64/ld-linux-x86-64.so.2, libsqlite3.so.0, libc.so.6). Modules: 1 added, 1 removed, 1 upgraded; grew most: github.com/mattn/go-sqlite3 +1.20 MB, std +438 KB, example.com/go-service +20.8 KB.',
    );
    expect(out).toContain(
      '  github.com/mattn/go-sqlite3  added     v1.14.22                           0 B              1.20 MB  +1.20 MB',
    );
    expect(out).toContain('    Fix: go build -ldflags="-s -w" -trimpath');
    expect(out).toContain(
      "  Wasted bytes: 0 B uncompressed in 0 copies of files that a later layer overwrites or deletes (they still ship). Efficiency (dive's formula): 100.0%; potential wasted space (dive's formula) 0 B uncompressed.",
    );
    expect(out).toContain(
      'Other platforms (details below): linux/arm64 files +79.4 MB uncompressed, 3 findings',
    );
  });

  it('shows what the image is made of without a base', () => {
    const text = renderTerminal(noBaseReport(), { layers: false });
    expect(text).toMatchSnapshot();
    expect(text).toContain(
      'linux/amd64 holds 91.2 MB of files (uncompressed) in 5,930 files; no base to compare with.',
    );
    expect(text).toContain('  - base image (1 layer): 74.8 MB (82.0%)');
  });

  it('says the baseline holds no files when it has figures only (a stored report)', () => {
    const stored = explainedReport({ maxIncrease: 5_000_000 }, [
      bloatedExplanation(ARCHES.amd64, false),
      bloatedExplanation(ARCHES.arm64, false),
    ]);
    const text = renderTerminal(stored, { layers: false });
    expect(text).toContain(
      'linux/amd64 holds 91.2 MB of files (uncompressed) in 5,930 files; the baseline gives its figures but not its files (a stored report keeps none), so no file is compared.',
    );
    expect(text).not.toContain('no base to compare with');
  });

  it('says loudly when a binary cannot start, the error first', () => {
    const out = lines(cannotStartReport());
    const findings = out.slice(out.indexOf('Findings:') + 1);
    expect(findings[0]).toBe(
      '  - ERROR    /app/server cannot start: it needs /lib64/ld-linux-x86-64.so.2, libc.so.6, which the image does not have',
    );
    expect(findings[1]).toBe(
      '    Fix: build it static (CGO_ENABLED=0), or use a base image that provides /lib64/ld-linux-x86-64.so.2',
    );
    expect(out.join('\n')).toContain('cannot start: the image has no /lib64/ld-linux-x86-64.so.2, libc.so.6');
  });

  it('prints nothing without explanations, or when asked not to', () => {
    expect(renderTerminal(failingReport())).not.toContain('Why ');
    expect(renderTerminal(failingReport())).toBe(renderTerminal(explainedReport(), { explain: false }));
  });

  it('colours only when asked', () => {
    const coloured = renderTerminal(explainedReport(), { color: true, layers: false });
    expect(coloured).toContain(`${ESC}[33mWARNING${ESC}[39m`);
    expect(coloured).toContain(`${ESC}[1mWhy linux/amd64 grew${ESC}[22m`);
    expect(stripAnsi(coloured)).toBe(renderTerminal(explainedReport(), { layers: false }));
  });

  it('prints no control sequence and no line break that came from the image', () => {
    const platform = 'linux/amd64\u001b[1A';
    const image = (seed: string): ImageMeasure => ({
      ref: seed,
      source: 'docker',
      platforms: [platformMeasure(platform, [layer('RUN true', seed, 10, 5)])],
    });
    const report = explainedReport({}, [hostileExplanation(platform, HOSTILE)], image('head'), image('base'));
    const text = renderTerminal(report);
    expect(controlCharacters(text.replace(/\t/g, ''))).toEqual([]);
    expect(text).toContain('line1 ↵ line2 ↵ ## heading ↵ third');
  });

  it('keeps a huge explanation to a few rows per table, and counts the rest', () => {
    const out = lines(explainedReport({}, [hugeExplanation('linux/amd64', HOSTILE)]));
    expect(out.filter((l) => /^ {2}\S.* added +\S/.test(l)).length).toBeGreaterThan(0);
    expect(out).toContain('  and 275 more modules');
  });
});
