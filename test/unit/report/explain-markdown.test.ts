import { describe, expect, it } from 'vitest';
import type { ImageMeasure, LayerMeasure } from '../../../src/core/model.js';
import type { PlatformExplanation } from '../../../src/explain/explain.js';
import { explanationBlocks } from '../../../src/report/document/explanation.js';
import type { Report } from '../../../src/report/json.js';
import {
  DEFAULT_MARKDOWN_LIMIT,
  GITHUB_COMMENT_LIMIT,
  renderDocumentMarkdown,
  renderMarkdown,
} from '../../../src/report/render/markdown.js';
import { renderTerminal } from '../../../src/report/render/terminal.js';
import { escapeMarkdown } from '../../../src/report/text.js';
import { layer, platformMeasure } from '../core/fixtures.js';
import {
  ARCHES,
  bloatedExplanation,
  cannotStartReport,
  explainedReport,
  hostileExplanation,
  hugeExplanation,
  MERMAID_BREAKER,
  noBaseReport,
} from './explanations.js';
import { HOSTILE } from './hostile.js';

const ZWJ = '\u200d';

function comment(report: Report, maxLength?: number): string {
  return renderMarkdown(report, maxLength ? { maxLength } : {});
}

interface Section {
  heading: string;
  body: string;
  collapsed?: true;
}

/** "Why it grew" alone, rendered, as its top-level sections: the visible one and each collapsed block. */
function explainSections(report: Report, options: { maxLength?: number } = {}): Section[] {
  return parseSections(
    renderDocumentMarkdown({ blocks: explanationBlocks(report) }, options.maxLength ?? 10_000_000),
  );
}

/** The "#### " sections and top-level <details> blocks of rendered markdown, outside code fences. */
function parseSections(markdown: string): Section[] {
  const sections: Section[] = [];
  let current: { heading: string; lines: string[]; collapsed: boolean } | null = null;
  let depth = 0;
  let fence: string | null = null;
  const close = () => {
    if (current) {
      sections.push({
        heading: current.heading,
        body: current.lines.join('\n').trim(),
        ...(current.collapsed ? { collapsed: true as const } : {}),
      });
    }
    current = null;
  };
  for (const line of markdown.split('\n')) {
    if (fence !== null) {
      if (line === fence) fence = null;
      current?.lines.push(line);
      continue;
    }
    const opening = /^(`{3,})[a-z]*$/.exec(line);
    if (opening) {
      fence = opening[1]!;
      current?.lines.push(line);
      continue;
    }
    const details = /^<details><summary>(.*)<\/summary>$/.exec(line);
    if (depth === 0 && details) {
      close();
      current = { heading: details[1]!, lines: [], collapsed: true };
      depth = 1;
      continue;
    }
    if (depth === 0 && line.startsWith('#### ')) {
      close();
      current = { heading: line.slice(5), lines: [], collapsed: false };
      continue;
    }
    if (line.startsWith('<details>')) depth++;
    if (line === '</details>') {
      depth--;
      if (depth === 0) {
        close();
        continue;
      }
    }
    current?.lines.push(line);
  }
  close();
  return sections;
}

interface Fenced {
  fence: string;
  info: string;
  lines: string[];
}

/** Splits markdown into fenced blocks and the text around them; fails on a fence that never closes. */
function parseFences(markdown: string): { text: string[]; blocks: Fenced[] } {
  const text: string[] = [];
  const blocks: Fenced[] = [];
  let open: Fenced | null = null;
  for (const line of markdown.split('\n')) {
    if (open) {
      if (line === open.fence) {
        blocks.push(open);
        open = null;
      } else {
        open.lines.push(line);
      }
      continue;
    }
    const start = /^(`{3,})([a-z]*)$/.exec(line);
    if (start) open = { fence: start[1]!, info: start[2]!, lines: [] };
    else text.push(line);
  }
  expect(open, 'every fence closes').toBeNull();
  return { text, blocks };
}

/** Every table's rows have its header's cells; the <details> blocks balance. */
function expectWellFormed(markdown: string) {
  const { text } = parseFences(markdown);
  let columns: number | null = null;
  for (const line of text) {
    if (!line.startsWith('|')) {
      columns = null;
      continue;
    }
    const pipes = line.split('|').length - 1;
    columns ??= pipes;
    expect(pipes, line).toBe(columns);
  }
  // Code shows its text as text: only the tags outside it count.
  const outside = text.join('\n');
  const opened = outside.match(/<details>/g)?.length ?? 0;
  expect(outside.match(/<\/details>/g)?.length ?? 0).toBe(opened);
}

describe('explainSections on the fixture (lean busybox + static Go vs glibc + CGO unstripped)', () => {
  const report = explainedReport();
  const sections = explainSections(report);
  const markdown = comment(report);

  it('renders the comment with "why it grew"', () => {
    expectWellFormed(markdown);
    expect(markdown).toMatchSnapshot();
  });

  it('leads with a visible section for the platform that grew most, then collapsed details', () => {
    expect(sections[0]).toMatchObject({ heading: 'Why linux/amd64 grew' });
    expect(sections[0]!.collapsed).toBeUndefined();
    expect(sections.slice(1).every((s) => s.collapsed)).toBe(true);
    expect(sections.map((s) => s.heading.replace(/:.*/, ''))).toEqual([
      'Why linux/amd64 grew',
      'Go modules of /app/server on linux/amd64',
      'linux/amd64 in detail',
      'linux/arm64 in detail',
      'go version -m /app/server (linux/amd64)',
      'go version -m /app/server (linux/arm64)',
    ]);
    const table = markdown.indexOf('| linux/arm64 |');
    const why = markdown.indexOf('#### Why linux/amd64 grew');
    const layers = markdown.indexOf('<details><summary>Layers of linux/amd64');
    expect(why).toBeGreaterThan(table);
    expect(layers).toBeGreaterThan(why);
  });

  it('names the three biggest causes with bytes and their largest files, on the uncompressed basis', () => {
    const body = sections[0]!.body;
    expect(body).toContain(
      'Files of **linux/amd64**: 7.71 MB → 91.2 MB, **+83.4 MB** uncompressed (5,842 added, 399 removed, 1 grown, 0 shrunk).',
    );
    expect(body).toContain('**Biggest causes** (uncompressed):');
    expect(body).toContain(
      '1. **/usr/lib/x86&#95;64-linux-gnu +35.0 MB** in 412 files: libcrypto.so.3 +4.71 MB · libc.so.6 +2.13 MB · libsqlite3.so.0 +1.45 MB',
    );
    expect(body).toContain('2. **/usr/share +19.4 MB** in 2,904 files: misc/magic.mgc +5.19 MB');
    expect(body).toContain('3. **/usr/bin +14.2 MB** in 431 files');
    expect(body).not.toMatch(/^4\. /m);
  });

  it('shows the changed Go binary: size, strip state, linkage, and the modules that grew most', () => {
    expect(sections[0]!.body).toContain(
      '- **/app/server** 5.51 MB → 14.9 MB (+9.42 MB), go1.24.4, **not stripped** (`-ldflags="-s -w"` saves 4.39 MB), ' +
        '**dynamic** (needs /lib64/ld-linux-x86-64.so.2, libsqlite3.so.0, libc.so.6). ' +
        'Modules: 1 added, 1 removed, 1 upgraded; grew most: github.com/mattn/go-sqlite3 +1.20 MB, std +438 KB, example.com/go-service +20.8 KB.',
    );
    const modules = sections[1]!.body.split('\n');
    expect(modules.slice(0, 3)).toEqual([
      '| Module | Change | Version | Base (uncompressed) | Head (uncompressed) | Δ |',
      '| :-- | :-- | :-- | --: | --: | --: |',
      '| github.com/mattn/go-sqlite3 | added | v1.14.22 | 0 B | 1.20 MB | +1.20 MB |',
    ]);
    expect(modules).toContain(
      '| golang.org/x/sys | upgraded | v0.20.0 → v0.25.0 | 88.1 KB | 96.5 KB | +8.41 KB |',
    );
    expect(modules.at(-3)).toBe('| github.com/pkg/errors | removed | v0.9.1 | 21.3 KB | 0 B | -21.3 KB |');
    // The packages that grew inside the modules that grew (the fixture gives std's).
    expect(modules.at(-1)).toBe(
      'Grew most inside std: runtime/cgo +201 KB, runtime +41.0 KB, os/user +30.7 KB.',
    );
  });

  it('lists the findings with icon, bytes at stake and the fix, commands in code spans', () => {
    const body = sections[0]!.body;
    const findings = body.slice(body.indexOf('**Findings:**')).split('\n');
    expect(findings.filter((l) => l.startsWith('- '))).toEqual([
      expect.stringMatching(
        /^- ⚠️ \/app\/server is dynamically linked .* · \*\*74\.8 MB\*\* at stake \(uncompressed\)$/,
      ),
      expect.stringMatching(
        /^- ⚠️ \/app\/server keeps its symbol table .* · \*\*4\.39 MB\*\* at stake \(uncompressed\)$/,
      ),
      expect.stringMatching(
        /^- ℹ️ the base image is 82% of the image .* · \*\*74\.8 MB\*\* at stake \(uncompressed\)$/,
      ),
    ]);
    expect(findings).toContain('  - Fix: `go build -ldflags="-s -w" -trimpath`');
    expect(findings).toContain(
      '  - Fix: build with `CGO_ENABLED=0` (add `-tags netgo,osusergo` if it uses net or os/user) and use `FROM scratch` or a distroless static base',
    );
  });

  it('draws what the growth is made of: the top five roll-ups and the rest', () => {
    const { blocks } = parseFences(sections[0]!.body);
    const pie = blocks.find((b) => b.info === 'mermaid')!;
    expect(pie.lines).toEqual([
      'pie',
      '    title What grew in linux/amd64 (+83.4 MB uncompressed net)',
      '    "/usr/lib/x86_64-linux-gnu 35.0 MB" : 35046462',
      '    "/usr/share 19.4 MB" : 19350286',
      '    "/usr/bin 14.2 MB" : 14208712',
      '    "/app 9.42 MB" : 9417408',
      '    "/var/lib/dpkg 3.11 MB" : 3112909',
      '    "everything else 3.44 MB" : 3444608',
    ]);
    // The slices add up to the growth of the growing directories.
    const growing = bloatedExplanation(ARCHES.amd64)
      .diff!.directories.filter((d) => d.delta > 0)
      .reduce((n, d) => n + d.delta, 0);
    expect(pie.lines.slice(2).reduce((n, l) => n + Number(l.split(' : ')[1]), 0)).toBe(growing);
  });

  it('keeps the details collapsed: every platform, go version -m, wasted bytes, duplicates, dive efficiency', () => {
    const arm = sections.find((s) => s.heading.startsWith('linux/arm64 in detail'))!;
    expect(arm.heading).toBe(
      "linux/arm64 in detail: 5,930 files, 86.7 MB uncompressed, 0 B wasted, efficiency (dive's formula) 100.0%",
    );
    expect(arm.body).toContain('Files: 7.30 MB → 86.7 MB, **+79.4 MB** uncompressed.');
    expect(arm.body).toContain("**Efficiency (dive's formula):** 100.0%");
    expect(arm.body).toContain('**Go modules of /app/server**: 1 added, 1 removed, 1 upgraded');
    const goVersion = sections.find((s) => s.heading === 'go version -m /app/server (linux/amd64)')!;
    const { blocks } = parseFences(goVersion.body);
    expect(blocks).toHaveLength(1);
    expect(`${blocks[0]!.lines.join('\n')}\n`).toBe(
      report.platforms[0]!.explanation!.binaries[0]!.goVersionM,
    );
    expect(sections[0]!.body).toContain(
      'Other platforms (details below): **linux/arm64** files +79.4 MB uncompressed, 3 findings',
    );
  });

  it('shows wasted files and duplicates when there are some', () => {
    const e = bloatedExplanation(ARCHES.amd64);
    const wasteful: PlatformExplanation = {
      ...e,
      wasted: {
        bytes: 20_971_520,
        files: 1,
        largest: [{ path: '/tmp/go.tgz', bytes: 20_971_520, writtenBy: 3, removedBy: 4, reason: 'deleted' }],
      },
      efficiency: { score: 0.81234, wastedBytes: 20_971_520 },
      duplicates: [{ path: '/app/server', layers: [3, 5], redundantBytes: 14_926_712 }],
    };
    const out = explainSections(explainedReport(undefined, [wasteful]));
    const detail = out.find((s) => s.heading.startsWith('linux/amd64 in detail'))!;
    expect(detail.heading).toContain("21.0 MB wasted, efficiency (dive's formula) 81.2%");
    expect(detail.body).toContain('| /tmp/go.tgz | 21.0 MB | 4 | 5 | deleted |');
    expect(detail.body).toContain('| /app/server | 4, 6 | 14.9 MB |');
    expect(detail.body).toContain(
      "**Efficiency (dive's formula):** 81.2%; potential wasted space (dive's formula) 21.0 MB uncompressed.",
    );
  });

  it('gives nothing without explanations', () => {
    expect(explainSections(explainedReport(undefined, []))).toEqual([]);
  });
});

describe('explainSections without a base', () => {
  const report = noBaseReport();
  const sections = explainSections(report);

  it('shows what the image is made of and the findings', () => {
    const markdown = comment(report);
    expectWellFormed(markdown);
    expect(markdown).toMatchSnapshot();
    const body = sections[0]!.body;
    expect(sections[0]!.heading).toBe('What linux/amd64 is made of');
    expect(body).toContain('- base image (1 layer): 74.8 MB (82.0%)');
    expect(body).toMatch(
      /^- Go binaries: 14\.9 MB \(16\.4%\): \/app\/server 14\.9 MB, \*\*not stripped\*\*/m,
    );
    expect(body).toContain('- everything else: 1.45 MB (1.6%)');
    expect(body).toContain('**Findings:**');
    expect(body).not.toContain('Biggest causes');
    const pie = parseFences(body).blocks.find((b) => b.info === 'mermaid')!;
    expect(pie.lines.slice(2)).toEqual([
      '    "base image 74.8 MB" : 74783642',
      '    "Go binaries 14.9 MB" : 14926712',
      '    "everything else 1.45 MB" : 1448616',
    ]);
  });

  it('says when the base image is not known', () => {
    const e = { ...bloatedExplanation(ARCHES.amd64, false), baseImage: null };
    const body = explainSections(explainedReport({}, [e]))[0]!.body;
    expect(body).toContain('- base image: not known (no Dockerfile to tell which layers it has)');
    expect(body).toContain('"everything but Go binaries 76.2 MB"');
  });
});

describe('explainSections when the binary cannot start', () => {
  const report = cannotStartReport();
  const sections = explainSections(report);

  it('puts the error first and says so on the binary, without a one-slice picture', () => {
    const markdown = comment(report);
    expectWellFormed(markdown);
    expect(markdown).toMatchSnapshot();
    const body = sections[0]!.body;
    const items = body.split('\n').filter((l) => /^- (⛔|⚠️|ℹ️)/.test(l));
    expect(items[0]).toBe(
      '- ⛔ /app/server cannot start&#58; it needs /lib64/ld-linux-x86-64.so.2, libc.so.6, which the image does not have',
    );
    expect(body).toContain('**cannot start: the image has no /lib64/ld-linux-x86-64.so.2, libc.so.6**');
    expect(body).toContain('Go toolchain go1.23.6 → go1.24.4');
    expect(body).not.toContain('```mermaid');
  });

  it('says "what changed" when the files did not grow', () => {
    const e = bloatedExplanation(ARCHES.amd64);
    const shrunk: PlatformExplanation = { ...e, diff: { ...e.diff!, delta: -5, directories: [] } };
    const out = explainSections(explainedReport({}, [shrunk]));
    expect(out[0]!.heading).toBe('What changed in linux/amd64');
    expect(out[0]!.body).not.toContain('```mermaid');
  });
});

describe('explainSections on hostile text from the image', () => {
  const platform = `linux/amd64 ${MERMAID_BREAKER} ${HOSTILE[3]}`;
  const layers = [layer('RUN true', 'hostile-1', 1_000, 500)];
  const head: ImageMeasure = {
    ref: 'app:pr',
    source: 'build',
    platforms: [platformMeasure(platform, layers)],
  };
  const base: ImageMeasure = {
    ref: 'app:main',
    source: 'build',
    platforms: [platformMeasure(platform, [layer('RUN true', 'hostile-0', 10, 5)])],
  };
  const report = explainedReport({}, [hostileExplanation(platform, HOSTILE)], head, base);
  const sections = explainSections(report, { maxLength: 1_000_000 });
  const markdown = comment(report, 1_000_000);
  const { text, blocks } = parseFences(markdown);
  const outside = text.join('\n');

  it('renders every block, and no text from the image opens or closes one', () => {
    expectWellFormed(markdown);
    expect(sections.length).toBe(1 + HOSTILE.length + 1 + 1 + (HOSTILE.length + 1));
    expect(blocks.filter((b) => b.info === 'text')).toHaveLength(HOSTILE.length + 1);
    expect(blocks.filter((b) => b.info === 'mermaid')).toHaveLength(1);
    // The go version -m text is inside its fence, whole, with its backticks and HTML as text.
    const text0 = blocks.find((b) => b.info === 'text')!;
    expect(text0.fence.length).toBeGreaterThan(7);
    expect(text0.lines.join('\n')).toContain('</details> <img src=x onerror=alert(1)>');
  });

  it('lets no HTML through outside code but its own <details> and <summary>', () => {
    expect(outside.replace(/<\/?(details|summary)>/g, '')).not.toMatch(/[<>]/);
  });

  it('mentions nobody and links no issue outside code (GitHub links neither in code)', () => {
    expect(outside).not.toMatch(new RegExp(`@(?!${ZWJ})`));
    const hashes = outside
      .replace(/&#\d+;/g, '')
      .replace(/^#+ /gm, '')
      .replace(/^\| # \|/gm, '');
    expect(hashes).not.toMatch(new RegExp(`#(?!${ZWJ})`));
  });

  it('puts only its own words in code spans, and starts no construct from the text', () => {
    const spans = [...outside.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
    const own = new Set([
      'CGO_ENABLED=0',
      '-tags netgo,osusergo',
      'FROM scratch',
      '-ldflags="-s -w"',
      'go build -ldflags="-s -w" -trimpath',
    ]);
    for (const span of spans) expect(own.has(span!) || /^sha256:[0-9a-f]{12}$/.test(span!), span).toBe(true);
    expect(outside.replace(/`[^`\n]+`/g, '')).not.toContain('`');
    expect(outside).not.toMatch(/[[\]$~\\]/);
    for (const line of text) {
      expect(
        line.startsWith('line2') || line.startsWith('## heading') || line.startsWith('> quote'),
        line,
      ).toBe(false);
    }
  });

  it('keeps every mermaid label inside its quotes and every statement on its line', () => {
    const pie = blocks.find((b) => b.info === 'mermaid')!;
    expect(pie.lines[0]).toBe('pie');
    expect(pie.lines[1]).toMatch(/^ {4}title [^"`;#<>&%{}\n]+$/);
    for (const line of pie.lines.slice(2)) expect(line).toMatch(/^ {4}"[^"`;#<>&%{}]*" : \d+$/);
    expect(pie.lines.slice(2).some((l) => l.includes('x click A call alert(1) init'))).toBe(true);
  });
});

// Renders a document of 80 go version -m texts and 4,000 layers several times: heavy, not slow to fail.
describe('explainSections under the comment size limit', { timeout: 30_000 }, () => {
  const platforms = ['linux/amd64', 'linux/arm64'];
  const manyLayers = (seed: string, grow: number): LayerMeasure[] =>
    Array.from({ length: 2_000 }, (_, i) =>
      layer(
        `RUN /bin/sh -c step-${i} ${HOSTILE[i % HOSTILE.length]} # buildkit`,
        `${seed}:${i}`,
        10_000 + i * grow,
        5_000,
      ),
    );
  const image = (ref: string, grow: number): ImageMeasure => ({
    ref,
    source: 'build',
    platforms: platforms.map((p) => platformMeasure(p, manyLayers(`${ref}:${p}`, grow))),
  });
  const report = explainedReport(
    { maxIncrease: 0 },
    platforms.map((p) => hugeExplanation(p, HOSTILE)),
    image('app:pr', 3),
    image('app:main', 0),
  );
  const markdown = comment(report);

  it('keeps the main section whole, and says in one note what it cut and left out', () => {
    const main = parseSections(markdown).find((x) => x.heading === 'Why linux/amd64 grew')!;
    const body = main.body;
    expect(body.match(/^\d\. \*\*/gm)).toHaveLength(3);
    expect(body.match(/^- (⛔|⚠️|ℹ️)/gm)).toHaveLength(8);
    expect(body).toContain('- and 52 more in the details below');
    expect(body).toContain('- and 35 more in the details below');
    expect(markdown.match(/\*\*Note:\*\*/g)).toHaveLength(1);
    expect(markdown).toContain(
      "**Note:** to stay under GitHub's 65,536-character comment limit, this comment cuts the layer table of linux/amd64 (",
    );
    expect(markdown).toMatch(/ and leaves out .* and \d+ more; the JSON report has everything\.$/m);
  });

  it('drops go version -m first, then other platforms, and keeps the lead platform longest', () => {
    for (const budget of [5_000, 10_000, 20_000, 40_000, 80_000]) {
      const cut = explainSections(report, { maxLength: budget });
      const has = (prefix: string) => cut.some((x) => x.heading.startsWith(prefix));
      if (has('linux/arm64 in detail')) expect(has('linux/amd64 in detail')).toBe(true);
      if (has('linux/amd64 in detail')) expect(has('Why linux/amd64 grew')).toBe(true);
    }
    const tight = parseSections(comment(report, 12_000));
    expect(tight.map((x) => x.heading)).toContain('Why linux/amd64 grew');
    expect(tight.some((x) => x.heading.startsWith('Layers of'))).toBe(false);
  });

  it('leaves the layer detail room in a comment under the limit', () => {
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MARKDOWN_LIMIT);
    expect(`<!-- image-size-gate:${'k'.repeat(200)} -->\n${markdown}`.length).toBeLessThan(
      GITHUB_COMMENT_LIMIT,
    );
    expect(markdown).toContain('#### Why linux/amd64 grew');
    expect(markdown).toMatch(/Showing [\d,]+ of 2,000 layers/);
    expect(markdown).toContain('<details><summary>Layers of linux/arm64');
    expectWellFormed(markdown);
  });

  it('caps each table and list in the details and counts the rest', () => {
    const all = explainSections(report, { maxLength: 10_000_000 });
    const detail = all.find((s) => s.heading.startsWith('linux/amd64 in detail'))!;
    expect(detail.body.length).toBeLessThan(40_000);
    expect(detail.body).toMatch(/\*and 4,9\d\d more changed files\.\*/);
    expect(detail.body).toMatch(/\*and 1,9\d\d more directories\.\*/);
    expect(detail.body).toMatch(/- and \d+ more \(the JSON report has them all\)$/);
    expectWellFormed(detail.body);
  });

  it('cuts long go version -m text at a line end and says so', () => {
    const goVersion = explanationBlocks(report).filter((b) => b.label?.startsWith('go version -m'))[0]!;
    const [block] = parseSections(renderDocumentMarkdown({ blocks: [goVersion] }, 7_000));
    expect(block!.body.length).toBeLessThan(7_000);
    expect(block!.body).toMatch(/\n`{3,}\n\n\*and \d+ more lines; the JSON report has the whole text\.\*$/);
    const original =
      report.platforms[0]!.explanation!.binaries[0]!.goVersionM!.split(/\r\n|[\r\n\u2028\u2029]/);
    const kept = parseFences(block!.body).blocks[0]!.lines;
    expect(kept.length).toBeGreaterThan(20);
    expect(kept.length).toBeLessThan(original.length);
    kept.forEach((line, i) => {
      // Controls (but the tab) and bidi overrides show as U+FFFD.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is what is tested
      const shown = original[i]!.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/g, '\ufffd');
      if (line.startsWith('\tdep\t')) expect(line).toBe(shown);
    });
    expect(kept.at(-1)).toMatch(/^\tdep\t.*\th1:A{43}=$/);
  });
});

describe('explainSections when the head wastes bytes the file diff cannot show', () => {
  const wasteful = (): PlatformExplanation => ({
    ...bloatedExplanation(ARCHES.amd64),
    wasted: {
      bytes: 21_000_000,
      files: 1,
      largest: [{ path: '/tmp/seed.bin', bytes: 21_000_000, writtenBy: 3, removedBy: 4, reason: 'deleted' }],
    },
    baseWastedBytes: 0,
  });

  it('adds the wasted growth next to the file growth, with the file and both layers', () => {
    const report = explainedReport(undefined, [wasteful(), bloatedExplanation(ARCHES.arm64)]);
    const text = explainSections(report)
      .map((s) => s.body)
      .join('\n');
    expect(text).toContain(
      'Plus **+21.0 MB** uncompressed in files that a later layer deletes or overwrites: the container never sees them, but they still ship (largest: /tmp/seed.bin, 21.0 MB, written by layer 4 and removed by layer 5).',
    );
  });

  it('says nothing of it when the base wasted as much', () => {
    const report = explainedReport(undefined, [
      { ...wasteful(), baseWastedBytes: 21_000_000 },
      bloatedExplanation(ARCHES.arm64),
    ]);
    expect(
      explainSections(report)
        .map((s) => s.body)
        .join('\n'),
    ).not.toContain('in files that a later layer deletes or overwrites');
  });
});

describe('a moved runtime base image', () => {
  const AAA = `sha256:${'a'.repeat(64)}`;
  const BBB = `sha256:${'b'.repeat(64)}`;
  const moved = (from: string, to: string) => {
    const e = bloatedExplanation(ARCHES.amd64);
    e.baseImageMove = {
      from: { name: from, digest: AAA },
      to: { name: to, digest: BBB },
      layersOnly: false,
      delta: 1_200_000,
    };
    return explainedReport(undefined, [e, bloatedExplanation(ARCHES.arm64)]);
  };

  it('leads "why it grew" with both digests, in the comment and the terminal', () => {
    const report = moved('busybox:1', 'busybox:1');
    const [main] = explainSections(report);
    expect(main!.body.split('\n\n')[0]).toBe(
      `**runtime base moved: ${escapeMarkdown('busybox:1')} ${escapeMarkdown(`@${AAA}`)} → ${escapeMarkdown(`@${BBB}`)} (+1.20 MB uncompressed)**`,
    );
    expect(renderTerminal(report).split('\n')).toContain(
      `runtime base moved: busybox:1 @${AAA} → @${BBB} (+1.20 MB uncompressed)`,
    );
    // GitHub would @-mention a user named sha256.
    expect(comment(report)).not.toContain('@sha256');
  });

  it('escapes a hostile base name from the Dockerfile', () => {
    const markdown = comment(moved('busybox:1', '@admin <img src=x> **x**'));
    expectWellFormed(markdown);
    expect(markdown).not.toContain('@admin');
    expect(markdown).not.toContain('<img');
  });
});

describe('the 63,000-character case: 120 layers on each of two platforms, 20,000 changed files', () => {
  const platforms = ['linux/amd64', 'linux/arm64'] as const;
  const layers = (seed: string, grow: number): LayerMeasure[] =>
    Array.from({ length: 120 }, (_, i) =>
      layer(
        `RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends package-${i} libssl-dev zlib1g-dev && rm -rf /var/lib/apt/lists/* /tmp/* /var/tmp/* # buildkit`,
        `${seed}:${i}`,
        1_000_000 + i * grow,
        400_000,
      ),
    );
  const image = (ref: string, grow: number): ImageMeasure => ({
    ref,
    source: 'build',
    platforms: platforms.map((p) => platformMeasure(p, layers(`${ref}:${p}`, grow))),
  });
  const explanation = (arch: keyof typeof ARCHES): PlatformExplanation => {
    const e = bloatedExplanation(ARCHES[arch]);
    const files = Array.from({ length: 20_000 }, (_, i) => ({
      ...e.diff!.files[0]!,
      path: `/usr/share/app/assets/${arch}/generated/bundle-${i}.js`,
      delta: 20_000 - i,
    }));
    return { ...e, diff: { ...e.diff!, files: files.slice(0, 5_000), filesOmitted: 15_000 } };
  };
  const report = explainedReport(
    { maxIncrease: 0 },
    [explanation('amd64'), explanation('arm64')],
    image('app:pr', 7_000),
    image('app:main', 0),
  );
  const whole = renderMarkdown(report, { maxLength: 10_000_000 });
  const markdown = comment(report);

  it('is over the limit whole, and fits with the note saying what was cut or left out', () => {
    expect(whole.length).toBeGreaterThan(DEFAULT_MARKDOWN_LIMIT);
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MARKDOWN_LIMIT);
    expect(markdown.match(/\*\*Note:\*\*/g)).toHaveLength(1);
    const note = markdown.split('\n').find((l) => l.startsWith('**Note:**'))!;
    expect(note).toMatch(
      /^\*\*Note:\*\* to stay under GitHub's 65,536-character comment limit, this comment (cuts|leaves out) /,
    );
    // What the note does not name is whole: every layer row of a table it does not name as cut.
    for (const p of platforms) {
      const cut = note.includes(`the layer table of ${p} (`);
      const rows = markdown.split(`<details><summary>Layers of ${p}`)[1]?.split('</details>')[0] ?? '';
      if (!cut && !note.includes(`the layer table of ${p}`))
        expect(rows.match(/^\| \d+ \|/gm)).toHaveLength(120);
    }
    expectWellFormed(markdown);
  });

  it('keeps the summary and "why it grew" whole: only lower blocks give way', () => {
    expect(markdown).toContain('#### Why linux/amd64 grew');
    const main = (text: string) =>
      text.slice(text.indexOf('#### Why'), text.indexOf('<details>', text.indexOf('#### Why')));
    expect(main(markdown)).toBe(main(whole));
    expect(markdown.slice(0, markdown.indexOf('**Note:**'))).toBe(
      whole.slice(0, markdown.indexOf('**Note:**')),
    );
  });
});
