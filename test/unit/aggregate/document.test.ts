// The multi-image comment as a document: tested on its blocks and spans, not on markdown.
import { describe, expect, it } from 'vitest';
import { aggregateDocument, MAX_UNTRUSTED_CHARS } from '../../../src/aggregate/document.js';
import { mergeReports } from '../../../src/aggregate/merge.js';
import type { Block, Span } from '../../../src/report/document/model.js';
import { PRIORITY } from '../../../src/report/document/model.js';
import { renderDocumentMarkdown } from '../../../src/report/render/markdown.js';
import { spansText } from '../../../src/report/render/terminal.js';
import { legReport } from './legs.js';

const options = { expected: null, onMissing: 'warn' as const, mode: 'fail' as const };
const plain = (spans: readonly Span[]): string => spansText(spans);

function threeLegs() {
  return mergeReports(
    [
      {
        source: 'api-amd64',
        report: legReport({ platforms: ['linux/amd64'], thresholds: { maxIncrease: 5_000_000 } }),
      },
      { source: 'api-arm64', report: legReport({ platforms: ['linux/arm64'] }) },
      {
        source: 'worker',
        report: legReport({ context: 'services/worker', platforms: ['linux/amd64'], head: 'same' }),
      },
    ],
    [],
    { ...options, expected: [{ image: 'services/billing', platforms: ['linux/arm64'] }] },
  );
}

describe('aggregateDocument', () => {
  const doc = aggregateDocument(threeLegs(), { headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821' });
  const kinds = doc.blocks.map((b) => b.kind);

  it('opens with the verdict and the image and platform that grew most', () => {
    const [heading, headline] = doc.blocks as [Block & { kind: 'heading' }, Block & { kind: 'paragraph' }];
    expect(plain(heading.spans)).toBe('Image size: fail (2 images, 3 platforms, head ec26c3e)');
    expect(plain(headline.spans)).toMatch(
      /^Largest growth: services\/api on linux\/(amd64|arm64), \+[\d.]+ MB uncompressed\.$/,
    );
    expect(heading.priority).toBe(PRIORITY.essential);
  });

  it('lists each violation by image and platform, and each missing leg', () => {
    const lists = doc.blocks.filter((b): b is Block & { kind: 'list' } => b.kind === 'list');
    expect(lists.map((l) => l.items.map((i) => plain(i.spans)))).toEqual([
      [expect.stringMatching(/^services\/api, linux\/amd64: uncompressed size grew by/)],
      [
        'services/billing linux/arm64: no report for this image (the leg crashed, was cancelled or uploaded nothing)',
      ],
    ]);
  });

  it('has one table row per image, with the change per platform', () => {
    const table = doc.blocks.find((b): b is Block & { kind: 'table' } => b.kind === 'table')!;
    expect(table.columns.map((c) => (typeof c.header === 'string' ? c.header : plain(c.header)))).toEqual([
      'Image',
      'Verdict',
      'linux/amd64 change (uncompressed)',
      'linux/arm64 change (uncompressed)',
    ]);
    expect(table.rows.map((r) => r.cells.map(plain))).toEqual([
      [
        'services/api',
        'fail',
        expect.stringMatching(/^\+[\d.]+ MB \(\+\d+\.\d%\)$/),
        expect.stringMatching(/^\+[\d.]+ MB/),
      ],
      ['services/worker', 'pass', '±0 B (±0.0%)', '—'],
    ]);
  });

  it('ends with one collapsible section per image, the most-changed keeping its detail longest', () => {
    expect(kinds.slice(-2)).toEqual(['details', 'details']);
    const details = doc.blocks.filter((b): b is Block & { kind: 'details' } => b.kind === 'details');
    expect(details.map((d) => plain(d.summary).split(':')[0])).toEqual(['services/api', 'services/worker']);
    expect(details[0]!.priority).toBeGreaterThan(details[1]!.priority);
    expect(details[1]!.priority).toBeGreaterThan(PRIORITY.detail);
    expect(details[0]!.priority).toBeLessThan(PRIORITY.summary);
    const platforms = details[0]!.blocks.find((b): b is Block & { kind: 'table' } => b.kind === 'table')!;
    expect(
      platforms.rows.map((r) => `${plain(r.cells[0]!)} ${plain(r.cells[1]!)} ${plain(r.cells[6]!)}`),
    ).toEqual([
      'linux/amd64 uncompressed api-amd64',
      'linux/amd64 compressed api-amd64',
      'linux/arm64 uncompressed api-arm64',
      'linux/arm64 compressed api-arm64',
    ]);
  });

  it('cuts untrusted strings and never marks them up itself', () => {
    const huge = `${'<!-- image-size-gate:default --> @octocat <b>x</b> '.repeat(500)}`;
    const decision = mergeReports(
      [{ source: huge, report: legReport({ context: huge.slice(0, 3000), platforms: ['linux/amd64'] }) }],
      [{ source: huge, reason: huge }],
      options,
    );
    const document = aggregateDocument(decision);
    const texts: string[] = [];
    const walk = (spans: readonly Span[]) => {
      for (const s of spans) {
        if (s.kind === 'tone' || s.kind === 'strong' || s.kind === 'emphasis') walk(s.spans);
        else if (s.kind === 'untrusted') texts.push(Array.from(s.text).slice(0, s.max).join(''));
        else if (s.kind !== 'icon') texts.push(s.text);
      }
    };
    const visit = (blocks: readonly Block[]) => {
      for (const b of blocks) {
        if (b.kind === 'heading' || b.kind === 'paragraph') walk(b.spans);
        if (b.kind === 'list') for (const i of b.items) walk(i.spans);
        if (b.kind === 'table') for (const r of b.rows) r.cells.forEach(walk);
        if (b.kind === 'details') {
          walk(b.summary);
          visit(b.blocks);
        }
      }
    };
    visit(document.blocks);
    expect(Math.max(...texts.map((t) => Array.from(t).length))).toBeLessThanOrEqual(MAX_UNTRUSTED_CHARS * 4);
    // Rendered: nothing posted raw.
    const markdown = renderDocumentMarkdown(document, 64_000);
    expect(markdown).not.toContain('<!--');
    expect(markdown).not.toContain('<b>');
    expect(markdown).not.toMatch(/@octocat/);
  });

  it('says so when no leg reported anything', () => {
    const empty = aggregateDocument(mergeReports([], [], options));
    expect(plain((empty.blocks[1] as Block & { kind: 'paragraph' }).spans)).toBe('No leg reported an image.');
  });
});

describe('the markdown of many images', () => {
  it("shows under each image what a single image's comment shows: its layer tables, nested", () => {
    const md = renderDocumentMarkdown(aggregateDocument(threeLegs()), 10_000_000);
    const start = md.indexOf('<details><summary><code>services/api</code>');
    const end = md.indexOf('<details><summary><code>services/worker</code>');
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const api = md.slice(start, end);
    expect(api).toContain('<details><summary>Layers of linux/amd64');
    expect(api).toContain('<details><summary>Layers of linux/arm64');
    expect(md.slice(end)).not.toContain('Layers of linux/arm64');
  });

  it('gives up the least-changed image detail first to fit, and says what it cut or left out', () => {
    const doc = aggregateDocument(threeLegs());
    const full = renderDocumentMarkdown(doc, 10_000_000);
    const fitted = renderDocumentMarkdown(doc, full.length - 10);
    expect(fitted.length).toBeLessThanOrEqual(full.length - 10);
    expect(fitted).toMatch(/\*\*Note:\*\* to stay under .* of services\/worker/);
    // Tighter and tighter: the worker's detail goes whole before anything of the api's is cut.
    let limit = full.length;
    let out = full;
    while (out.includes('<details><summary><code>services/worker</code>')) {
      limit -= 200;
      out = renderDocumentMarkdown(doc, limit);
      if (out.includes('<details><summary><code>services/worker</code>')) {
        expect(out).not.toMatch(/Note.* of services\/api/);
      }
    }
    expect(out).toMatch(/this comment .*leaves out the detail of services\/worker/);
    expect(out).toContain('<details><summary><code>services/api</code>');
  });
});
