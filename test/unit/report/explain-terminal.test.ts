import { describe, expect, it } from 'vitest';
import type { ImageMeasure } from '../../../src/core/model.js';
import { explainTerminalLines } from '../../../src/report/explain-terminal.js';
import { renderTerminal } from '../../../src/report/terminal.js';
import { layer, platformMeasure } from '../core/fixtures.js';
import {
  cannotStartReport,
  explainedReport,
  hostileExplanation,
  hugeExplanation,
  noBaseReport,
} from './explanations.js';
import { HOSTILE } from './hostile.js';
import { failingReport } from './reports.js';
import { controlCharacters, ESC, stripAnsi } from './terminal-text.js';

describe('the "why it grew" block of the terminal report', () => {
  it('follows the platform table and the violations, before the layers', () => {
    const text = renderTerminal(explainedReport());
    expect(text).not.toContain(ESC);
    const table = text.indexOf('linux/arm64  uncompressed');
    const over = text.indexOf('Over the threshold:');
    const why = text.indexOf('\nWhy linux/amd64 grew: files 7.71 MB → 91.2 MB, +83.4 MB uncompressed');
    const layers = text.indexOf('Layers of linux/amd64');
    expect(table).toBeGreaterThan(0);
    expect(over).toBeGreaterThan(table);
    expect(why).toBeGreaterThan(over);
    expect(layers).toBeGreaterThan(why);
  });

  it('renders the causes, the changed binary with its modules, and the findings with their fixes', () => {
    expect(renderTerminal(explainedReport(), { layers: false })).toMatchSnapshot();
  });

  it('states the same facts as the comment', () => {
    const lines = explainTerminalLines(explainedReport());
    expect(lines).toContain(
      '    1. /usr/lib/x86_64-linux-gnu +35.0 MB in 412 files: libcrypto.so.3 +4.71 MB, libc.so.6 +2.13 MB, libsqlite3.so.0 +1.45 MB',
    );
    expect(lines).toContain(
      '    /app/server  5.51 MB → 14.9 MB (+9.42 MB), go1.24.4, not stripped (-ldflags="-s -w" saves 4.39 MB), dynamic (needs /lib64/ld-linux-x86-64.so.2, libsqlite3.so.0, libc.so.6)',
    );
    expect(lines).toContain('        added     github.com/mattn/go-sqlite3  v1.14.22           +1.20 MB');
    expect(lines).toContain('        upgraded  golang.org/x/sys             v0.20.0 → v0.25.0  +8.41 KB');
    expect(lines).toContain('             fix: go build -ldflags="-s -w" -trimpath');
    expect(lines).toContain(
      "  Wasted bytes: 0 B uncompressed in 0 copies of files that a later layer overwrites or deletes (they still ship). Efficiency (dive's formula): 100.0%; potential wasted space (dive's formula) 0 B uncompressed.",
    );
    expect(lines.at(-1)).toBe(
      '  Also linux/arm64: files +79.4 MB uncompressed; biggest: /usr/lib/aarch64-linux-gnu +31.6 MB; 3 findings (the JSON report has the details)',
    );
  });

  it('shows what the image is made of without a base', () => {
    const text = renderTerminal(noBaseReport(), { layers: false });
    expect(text).toMatchSnapshot();
    expect(text).toContain(
      'What linux/amd64 is made of: 91.2 MB of files (uncompressed) in 5,930 files, no base to compare with',
    );
    expect(text).toContain('    base image (1 layer)  74.8 MB  82.0%');
  });

  it('says loudly when a binary cannot start, the error first', () => {
    const lines = explainTerminalLines(cannotStartReport());
    const findings = lines.slice(lines.indexOf('  Findings:') + 1);
    expect(findings[0]).toBe(
      '    ERROR    /app/server cannot start: it needs /lib64/ld-linux-x86-64.so.2, libc.so.6, which the image does not have',
    );
    expect(findings[1]).toBe(
      '             fix: build it static (CGO_ENABLED=0), or use a base image that provides /lib64/ld-linux-x86-64.so.2',
    );
    expect(lines.join('\n')).toContain(
      'cannot start: the image has no /lib64/ld-linux-x86-64.so.2, libc.so.6',
    );
  });

  it('prints nothing without explanations, or when asked not to', () => {
    expect(explainTerminalLines(failingReport())).toEqual([]);
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
    const lines = explainTerminalLines(report);
    expect(controlCharacters(lines.join('\n'))).toEqual([]);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    expect(lines.join('\n')).toContain('line1 ↵ line2 ↵ ## heading ↵ third');
  });

  it('keeps a huge explanation to a screenful per binary', () => {
    const lines = explainTerminalLines(explainedReport({}, [hugeExplanation('linux/amd64', HOSTILE)]));
    expect(lines.filter((l) => /^ {8}added /.test(l)).length).toBe(40 * 8);
    expect(lines).toContain('        and 292 more (the JSON report has them all)');
  });
});
