import { describe, expect, it } from 'vitest';
import type { ImageMeasure, LayerMeasure } from '../../../src/core/model.js';
import { code, PRIORITY, paragraph, text, untrusted } from '../../../src/report/document/model.js';
import {
  DEFAULT_MARKDOWN_LIMIT,
  GITHUB_COMMENT_LIMIT,
  renderMarkdown,
} from '../../../src/report/render/markdown.js';
import { bloatedHead, layer, leanBase, platformMeasure } from '../core/fixtures.js';
import { HOSTILE } from './hostile.js';
import { failingReport, reportFor } from './reports.js';

const ZWJ = '\u200d';
const PLATFORM_COLUMNS = 9;
const LAYER_COLUMNS = 8;

/** Every table line has exactly its columns' pipes: nothing from the image split or merged a cell. */
function expectWellFormedTables(markdown: string) {
  for (const line of markdown.split('\n').filter((l) => l.startsWith('|'))) {
    const pipes = line.split('|').length - 1;
    expect([PLATFORM_COLUMNS + 1, LAYER_COLUMNS + 1], line).toContain(pipes);
  }
  const opened = markdown.match(/<details>/g)?.length ?? 0;
  expect(markdown.match(/<\/details>/g)?.length ?? 0).toBe(opened);
}

describe('renderMarkdown on the fixture (lean busybox + static Go vs glibc + CGO unstripped)', () => {
  it('renders the failing comment', () => {
    const markdown = renderMarkdown(failingReport());
    expectWellFormedTables(markdown);
    expect(markdown).toMatchSnapshot();
  });

  it('opens with the verdict and the largest change', () => {
    const lines = renderMarkdown(failingReport()).split('\n');
    expect(lines[0]).toBe('### ❌ Image size: fail');
    expect(lines[2]).toBe(
      '**linux/amd64** grew the most: uncompressed +83.4 MB (+1082.4%, 7.71 MB → 91.2 MB); compressed +31.6 MB (+928.6%, 3.40 MB → 35.0 MB).',
    );
  });

  it.each([
    [{}, '### ✅ Image size: pass'],
    [{ maxIncrease: 5_000_000, mode: 'warn' as const }, '### ⚠️ Image size: warn'],
    [{ maxIncrease: 5_000_000, basis: 'compressed' as const }, '### ❌ Image size: fail'],
  ])('headed by the verdict for %j', (thresholds, heading) => {
    const markdown = renderMarkdown(failingReport(thresholds));
    expect(markdown.startsWith(`${heading}\n`)).toBe(true);
  });

  it('says so when no platform grew', () => {
    const markdown = renderMarkdown(reportFor(leanBase(), leanBase(), { maxIncrease: 0 }));
    expect(markdown.split('\n').slice(0, 3)).toEqual([
      '### ✅ Image size: pass',
      '',
      'No platform grew in uncompressed size. **linux/amd64**: uncompressed ±0 B (±0.0%, 7.71 MB → 7.71 MB); compressed ±0 B (±0.0%, 3.40 MB → 3.40 MB).',
    ]);
    expect(markdown).not.toContain('Over the threshold');
  });

  it('lists each violation in warn mode and says the check does not fail', () => {
    const markdown = renderMarkdown(
      failingReport({ maxIncrease: 5_000_000, maxIncreasePercent: 1_000, mode: 'warn' }),
    );
    expect(markdown).toContain('**Over the threshold** (mode: warn, so the check does not fail):');
    expect(markdown).toContain(
      '- linux/amd64&#58; uncompressed size grew by +83.4 MB (83,449,217 B), over max-increase 5.00 MB (5,000,000 B)',
    );
    expect(markdown).toContain('over max-increase-percent 1000%');
    expect(markdown.match(/^- linux/gm)).toHaveLength(4);
  });

  it('puts the gated basis first and labels both bases in every column', () => {
    const markdown = renderMarkdown(failingReport({ basis: 'compressed' }));
    expect(markdown).toContain(
      '| Platform | Base (compressed) | Head (compressed) | Δ compressed | % compressed | Base (uncompressed) | Head (uncompressed) | Δ uncompressed | % uncompressed |',
    );
    expect(markdown).toContain(
      '| linux/arm64 | 3.16 MB | 32.9 MB | +29.8 MB | +942.4% | 7.30 MB | 86.7 MB | +79.4 MB | +1088.6% |',
    );
    expect(markdown).toContain('**linux/amd64** grew the most: compressed +31.6 MB');
  });

  it('renders no-baseline with the reason, and max-size still applied', () => {
    const reason = 'the base commit 1a2b3c4 has no Dockerfile at docker/Dockerfile';
    const markdown = renderMarkdown(
      reportFor(bloatedHead(), null, { maxIncrease: 0, maxSize: 100_000_000 }, reason),
    );
    expect(markdown).toMatchSnapshot();
    expect(markdown).toContain(`**No baseline:** ${reason}.`);
    const failing = renderMarkdown(reportFor(bloatedHead(), null, { maxSize: 50_000_000 }, reason));
    expect(failing.split('\n')[0]).toBe('### ❌ Image size: fail');
    expect(failing).toContain('over max-size 50.0 MB (50,000,000 B)');
  });

  it('says which platforms only one side has', () => {
    const head: ImageMeasure = { ...bloatedHead(), platforms: bloatedHead().platforms.slice(0, 1) };
    const base: ImageMeasure = { ...leanBase(), platforms: leanBase().platforms.slice(1) };
    const markdown = renderMarkdown(reportFor(head, base, {}));
    expect(markdown).toContain('| linux/amd64 | — | 91.2 MB | n/a | n/a | — | 35.0 MB | n/a | n/a |');
    expect(markdown).toContain('| linux/arm64 | 7.30 MB | — | n/a | n/a | 3.16 MB | — | n/a | n/a |');
    expect(markdown).toContain(
      '- linux/amd64: no baseline (`base-platform-missing`): the base image localhost&#58;5000/isg/demo&#58;main has no linux/amd64 platform.',
    );
    expect(markdown).toContain('- linux/arm64: only in the base image.');
  });

  it('places added sections after the platform table and before the layer detail', () => {
    const markdown = renderMarkdown(failingReport(), {
      sections: [
        { kind: 'heading', level: 4, priority: PRIORITY.explanation, spans: [text('Why it grew')] },
        {
          kind: 'list',
          priority: PRIORITY.explanation,
          items: [{ spans: [code('/usr/lib'), text(' +72.8 MB')] }],
        },
        {
          kind: 'details',
          priority: PRIORITY.explanation,
          summary: [untrusted('Go modules <changed>')],
          blocks: [paragraph(PRIORITY.explanation, 'a b')],
        },
      ],
    });
    const table = markdown.indexOf('| linux/arm64 |');
    const why = markdown.indexOf('#### Why it grew\n\n- `/usr/lib` +72.8 MB');
    const modules = markdown.indexOf('<details><summary>Go modules &lt;changed&gt;</summary>\n\na b');
    const layers = markdown.indexOf('<details><summary>Layers of linux/amd64');
    expect(table).toBeGreaterThan(0);
    expect(why).toBeGreaterThan(table);
    expect(modules).toBeGreaterThan(why);
    expect(layers).toBeGreaterThan(modules);
  });
});

describe('renderMarkdown on hostile text from the image and the repository', () => {
  const layers = HOSTILE.map((text, i) => layer(text, `hostile-head-${i}`, 1_000 + i, 500));
  const baseLayers = HOSTILE.map((text, i) => layer(text, `hostile-base-${i}`, 10, 5));
  const platform = HOSTILE.join(' ');
  const head: ImageMeasure = {
    ref: HOSTILE.join(' '),
    source: 'docker',
    platforms: [platformMeasure(platform, layers)],
  };
  const base: ImageMeasure = {
    ref: 'feature/@evil|#1',
    source: 'registry',
    platforms: [platformMeasure(platform, baseLayers)],
  };
  const markdown = renderMarkdown(reportFor(head, base, { maxIncrease: 0 }), { title: HOSTILE[2]! });

  it('keeps every table row intact', () => {
    expectWellFormedTables(markdown);
    const layerRows = markdown.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(layerRows).toHaveLength(HOSTILE.length);
  });

  it('lets no HTML through but its own <details> and <summary>', () => {
    const withoutOwnTags = markdown.replace(/<\/?(details|summary)>/g, '');
    expect(withoutOwnTags).not.toMatch(/[<>]/);
    expect(markdown).not.toContain('<!--');
  });

  it('mentions nobody and links no issue', () => {
    expect(markdown).not.toMatch(new RegExp(`@(?!${ZWJ})`));
    // Our own: character references, the heading, the layer table's "#" column.
    const hashes = markdown
      .replace(/&#\d+;/g, '')
      .replace(/^#+ /gm, '')
      .replace(/^\| # \|/gm, '');
    expect(hashes).not.toMatch(new RegExp(`#(?!${ZWJ})`));
  });

  it('starts no markdown construct: no code, emphasis, links, math, or new lines from the text', () => {
    const withoutDigests = markdown.replace(/`sha256:[0-9a-f]{12}`/g, '');
    expect(withoutDigests).not.toContain('`');
    expect(markdown).not.toMatch(/[[\]$~\\]/);
    // Our own bold spans hold no asterisk; one from the text would be left over.
    expect(markdown.replace(/\*\*[^*\n]+\*\*/g, '')).not.toContain('*');
    for (const raw of ['**bold**', '_em_', '[link]', '![img]', '~~s~~', '$x^2$', ':rocket:', '<!--']) {
      expect(markdown).not.toContain(raw);
    }
    for (const line of markdown.split('\n')) {
      expect(line.startsWith('line2') || line.startsWith('## heading') || line.startsWith('> quote')).toBe(
        false,
      );
    }
  });
});

describe('renderMarkdown under the comment size limit', () => {
  function hugeImage(ref: string, seed: string, layersPerPlatform: number, grow: number): ImageMeasure {
    const platformLayers = (arch: string): LayerMeasure[] =>
      Array.from({ length: layersPerPlatform }, (_, i) =>
        layer(
          `RUN /bin/sh -c install-step --package=pkg-${i} --arch=${arch} && echo "layer ${i} of a very generated build" # buildkit`,
          `${seed}:${arch}:${i}`,
          // One change deep in the list dwarfs the rest: it must survive the cut.
          i === 4_321 && grow > 0 ? 500_000_000 : 10_000 + i * grow,
          5_000,
        ),
      );
    return {
      ref,
      source: 'build',
      platforms: [
        platformMeasure('linux/amd64', platformLayers('amd64')),
        platformMeasure('linux/arm64', platformLayers('arm64')),
      ],
    };
  }
  const report = reportFor(hugeImage('app:pr', 'head', 5_000, 3), hugeImage('app:main', 'base', 5_000, 0), {
    maxIncrease: 0,
  });
  const markdown = renderMarkdown(report);

  it('stays under the limit with room for the hidden marker, cutting only the layer detail', () => {
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MARKDOWN_LIMIT);
    expect(`<!-- image-size-gate:${'k'.repeat(200)} -->\n${markdown}`.length).toBeLessThan(
      GITHUB_COMMENT_LIMIT,
    );
    expect(markdown).toContain(
      "**Note:** to stay under GitHub's 65,536-character comment limit, this comment cuts the layer table of linux/amd64 (",
    );
    expect(markdown).toMatch(/^\| linux\/amd64 \| .* \|$/m);
    expect(markdown).toMatch(/^\| linux\/arm64 \| .* \|$/m);
    expect(markdown).toContain('- linux/amd64&#58; uncompressed size grew by');
    expectWellFormedTables(markdown);
  });

  it('shares the room between platforms and keeps the biggest change, in head order', () => {
    const notes = [...markdown.matchAll(/Showing ([\d,]+) of 5,000 layers/g)].map((m) =>
      Number(m[1]!.replace(/,/g, '')),
    );
    expect(notes).toHaveLength(2);
    expect(Math.abs(notes[0]! - notes[1]!)).toBeLessThanOrEqual(2);
    expect(notes[0]).toBeGreaterThan(100);
    const blocks = markdown.split('<details><summary>Layers of ').slice(1);
    for (const block of blocks) {
      expect(block).toContain('| 4322 | RUN install-step --package=pkg-4321');
      const numbers = [...block.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    }
  });

  it('cuts a very long instruction in the table', () => {
    const long = `RUN /bin/sh -c echo ${'x'.repeat(1_000_000)} # buildkit`;
    const image = (seed: string): ImageMeasure => ({
      ref: seed,
      source: 'build',
      platforms: [platformMeasure('linux/amd64', [layer(long, seed, 10, 5)])],
    });
    const out = renderMarkdown(reportFor(image('head'), image('base'), {}));
    expect(out.length).toBeLessThan(5_000);
    expect(out).toContain(`| 1 | RUN echo ${'x'.repeat(190)}…`);
    expect(out).not.toContain('Note:');
  });

  it('cuts rows from the biggest tables first when a few must go', () => {
    const out = renderMarkdown(failingReport(), { maxLength: 3_000 });
    expect(out.length).toBeLessThanOrEqual(3_000);
    const shown = [...out.matchAll(/Showing (\d) of 7 layers/g)].map((m) => Number(m[1]));
    expect(shown).toHaveLength(2);
    expect(shown[0]).toBeGreaterThan(0);
    // The biggest change of each platform, the base image layer, is kept; the unchanged WORKDIR goes first.
    expect(out.match(/^\| 1 \| ADD rootfs-(amd|arm)64\.tar \/ \| grew \|/gm)).toHaveLength(2);
    expect(out).not.toContain('| WORKDIR /app |');
    expectWellFormedTables(out);
  });

  it('leaves a layer table out when not even its header fits, the last first, and says so', () => {
    const out = renderMarkdown(failingReport(), { maxLength: 2_000 });
    expect(out.length).toBeLessThanOrEqual(2_000);
    expect(out).toContain('and leaves out the layer table of linux/arm64; the JSON report has everything.');
    expect(out).not.toContain('<details><summary>Layers of linux/arm64');
    expect(out).toContain('| linux/arm64 |');
    const tiny = renderMarkdown(failingReport(), { maxLength: 1_500 });
    expect(tiny).toContain(
      'this comment leaves out the layer table of linux/amd64, the layer table of linux/arm64; the JSON report has everything.',
    );
    expect(tiny).not.toContain('<details>');
  });

  it('leaves out added sections that do not fit, then cuts hard as a last resort', () => {
    const sections = [paragraph(PRIORITY.explanation, 'y'.repeat(70_000))];
    const out = renderMarkdown(failingReport(), { sections });
    expect(out.length).toBeLessThanOrEqual(DEFAULT_MARKDOWN_LIMIT);
    expect(out).toContain('this comment leaves out a paragraph; the JSON report has everything.');
    expect(out).toContain('<details><summary>Layers of linux/amd64');
    const tiny = renderMarkdown(failingReport(), { maxLength: 300 });
    expect(tiny.length).toBeLessThanOrEqual(300);
    expect(tiny).toContain('### ❌ Image size: fail');
    expect(tiny).toContain('this report is cut to stay under');
  });
});

describe('estimated compressed sizes (a classic-store image that was not pushed)', () => {
  const head = bloatedHead();
  head.platforms[0]!.compressedEstimated = true;
  const report = reportFor(head, leanBase(), { maxIncrease: 5_000_000 });

  it('marks the estimated figure and says how to measure it exactly, in markdown and in the JSON', () => {
    const markdown = renderMarkdown(report);
    const amd64 = markdown.split('\n').find((line) => line.startsWith('| linux/amd64 |'))!;
    expect(amd64).toContain('≈');
    const arm64 = markdown.split('\n').find((line) => line.startsWith('| linux/arm64 |'))!;
    expect(arm64).not.toContain('≈');
    expect(markdown).toContain('set `registry` to push and measure them exactly');
    expect(report.platforms[0]!.head!.compressedEstimated).toBe(true);
    expect(report.platforms[0]!.base!.compressedEstimated).toBe(false);
  });

  it('marks every compressed figure made from the estimate, deltas and percentages too, and no other', () => {
    const lines = renderMarkdown(report).split('\n');
    const cells = lines
      .find((line) => line.startsWith('| linux/amd64 |'))!
      .split(' | ')
      .slice(1);
    // Base, head, Δ and % uncompressed, then the same compressed: the base's figure alone was measured.
    expect(cells.map((c) => c.startsWith('≈'))).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
    const amd64Layers = lines.slice(lines.findIndex((line) => line.includes('Layers of linux/amd64')));
    const layerRows = amd64Layers
      .slice(0, amd64Layers.indexOf('</details>'))
      .filter((l) => /^\| (\d+|—) \| /.test(l));
    expect(layerRows.length).toBe(7);
    for (const row of layerRows) {
      const [, , , base, head, deltaGated, deltaOther] = row.split(' | ');
      expect([base, head, deltaGated].some((c) => c!.startsWith('≈'))).toBe(false);
      // An unchanged layer has the same figure on both sides: its ±0 is exact.
      expect(deltaOther).toMatch(/^(≈[+-]|±0 B$)/);
    }
  });

  it('marks the compressed figure of an image without a baseline', () => {
    const alone = reportFor(head, null, {});
    expect(renderMarkdown(alone)).toMatch(
      /Largest image: \*\*linux\/amd64\*\*, [\d.]+ MB uncompressed, ≈[\d.]+ MB compressed\./,
    );
  });

  it('says nothing of estimates when every figure is exact', () => {
    expect(renderMarkdown(reportFor(bloatedHead(), leanBase(), {}))).not.toContain('≈');
  });
});

describe('a verdict on estimated compressed sizes says so', () => {
  it('in the violation message and the headline', () => {
    const head = bloatedHead();
    for (const p of head.platforms) p.compressedEstimated = true;
    const report = reportFor(head, leanBase(), { maxIncrease: 5_000_000, basis: 'compressed' });
    expect(report.platforms[0]!.violations[0]!.message).toMatch(
      /^linux\/amd64: estimated compressed size grew by/,
    );
    expect(renderMarkdown(report)).toContain('grew the most: ≈ compressed +');
  });
});

describe('renderMarkdown on an override named by hostile text from the API', () => {
  const hostile = HOSTILE.join(' ');
  it.each(['accepted', 'refused'] as const)('keeps the %s sentence one harmless line', (status) => {
    const report = {
      ...failingReport(),
      verdict: status === 'accepted' ? ('overridden' as const) : ('fail' as const),
      override: { label: hostile, status, by: hostile, at: hostile, reason: hostile },
    };
    const markdown = renderMarkdown(report);
    const line = markdown.split('\n').find((l) => /^\*\*(Not overridden|Overridden):/.test(l)) ?? '';
    expect(line).toMatch(
      status === 'accepted'
        ? /^\*\*Overridden:\*\* size increase accepted by @/
        : /^\*\*Not overridden:\*\* the /,
    );
    expect(line.replace(/^\*\*[A-Za-z ]+:\*\* /, '')).not.toMatch(/[<>`[\]$~\\*]/);
    expect(markdown).not.toMatch(new RegExp(`@(?!${ZWJ})`));
    expect(markdown).not.toContain('\u001b');
    expectWellFormedTables(markdown);
  });
});
