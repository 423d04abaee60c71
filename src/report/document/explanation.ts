// "Why it grew": the biggest causes with bytes, the Go binaries that changed, the findings with their fixes
// and a picture, visible; everything else (every platform, module tables, `go version -m`, wasted files,
// duplicates, dive's efficiency) collapsed, each with a priority so a fitter leaves the least useful out
// first. Every byte figure here is file bytes, the uncompressed basis, and says so.
import { formatBytes, formatDelta } from '../../core/bytes.js';
import type { PlatformExplanation } from '../../explain/explain.js';
import type { Finding } from '../../explain/findings.js';
import { count, counted } from '../text.js';
import {
  BASIS_WORD,
  type BinaryChange,
  baseMoveSentence,
  below,
  binaryTraits,
  changedGoBinaries,
  composition,
  type Explained,
  type ExplainedReport,
  efficiencyPercent,
  explainedPlatforms,
  findingsToShow,
  grownPackages,
  growthSlices,
  hiddenGrowthSentence,
  isCommand,
  leadPlatform,
  moduleCounts,
  moduleLabel,
  moduleRows,
  type ShownFinding,
  type Slice,
  share,
  topCauses,
  wastedSentence,
} from './explain-facts.js';
import {
  type Block,
  code,
  type Icon,
  icon,
  type ListItem,
  PRIORITY,
  paragraph,
  type Span,
  spans,
  strong,
  type TableColumn,
  text,
  untrusted,
} from './model.js';
import { deltaSpan } from './summary.js';

/** Visible causes, binaries and findings; the rest are in the details. */
const CAUSES = 3;
const VISIBLE_BINARIES = 5;
const VISIBLE_FINDINGS = 8;
const PIE_SLICES = 5;
/** Rows of the tables and lists in the details. */
const MODULE_ROWS = 25;
const OTHER_MODULE_ROWS = 10;
const DIRECTORY_ROWS = 15;
const FILE_ROWS = 25;
const BINARY_ROWS = 20;
const WASTE_ROWS = 10;
const DETAIL_FINDINGS = 20;
/** Characters of text from the image in one place. */
const PATH_CHARS = 100;
const TITLE_CHARS = 240;

const path = (value: string): Span => untrusted(value, PATH_CHARS);

/** The explanation's blocks for a report built with explanations; none when no platform was explained. */
export function explanationBlocks(report: ExplainedReport): Block[] {
  const explained = explainedPlatforms(report);
  const lead = leadPlatform(explained, report);
  if (lead === null) return [];
  const shown = findingsToShow(explained, lead);
  const blocks: Block[] = mainSection(
    lead,
    explained.filter((e) => e !== lead),
    shown,
  );

  let tables = 0;
  for (const b of changedGoBinaries(lead.explanation)) {
    if (b.modules === null) continue;
    if (moduleRows(b.modules).length === 0 && b.modules.goVersion === null) continue;
    // The biggest change's table outlasts the lead platform's details; the others give way to the layer tables.
    const priority = tables++ === 0 ? PRIORITY.explanationDetail + 5 : PRIORITY.detail - 5;
    blocks.push({
      kind: 'details',
      priority,
      label: `the Go modules of ${b.facts.path} on ${lead.report.platform}`,
      summary: spans(
        'Go modules of ',
        path(b.facts.path),
        ' on ',
        untrusted(lead.report.platform),
        `: ${moduleCounts(b.modules)}`,
      ),
      blocks: moduleBlocks(b, MODULE_ROWS, priority),
    });
  }
  const hiddenFindings = new Set(shown.slice(VISIBLE_FINDINGS).map((s) => s.finding));
  for (const e of explained) {
    const isLead = e === lead;
    const priority = isLead ? PRIORITY.explanationDetail : PRIORITY.explanationDetail - 10;
    blocks.push({
      kind: 'details',
      priority,
      label: `the detail of ${e.report.platform}`,
      summary: platformSummary(e.explanation),
      blocks: platformDetail(
        e,
        isLead,
        isLead ? e.explanation.findings.filter((f) => hiddenFindings.has(f)) : e.explanation.findings,
        priority,
      ),
    });
  }
  for (const e of explained) {
    for (const b of e.explanation.binaries) {
      if (b.goVersionM === null) continue;
      const priority = e === lead ? PRIORITY.code : PRIORITY.code - 5;
      blocks.push({
        kind: 'details',
        priority,
        label: `go version -m of ${b.path} (${e.report.platform})`,
        summary: spans('go version -m ', path(b.path), ' (', untrusted(e.report.platform), ')'),
        blocks: [
          {
            kind: 'code',
            priority,
            language: 'text',
            lines: b.goVersionM.split(/\r\n|[\r\n\u2028\u2029]/),
            label: `go version -m of ${b.path} (${e.report.platform})`,
          },
        ],
      });
    }
  }
  return blocks;
}

// ---------------------------------------------------------------------------------------------------
// The visible section.

function mainSection(lead: Explained, others: readonly Explained[], shown: readonly ShownFinding[]): Block[] {
  const e = lead.explanation;
  const platform = lead.report.platform;
  const priority = PRIORITY.explanation;
  const label = 'why it grew';
  const blocks: Block[] = [];
  const add = (...parts: (Span | string | null | false)[]) => blocks.push(paragraph(priority, ...parts));
  let heading: Span[];
  if (e.diff !== null) {
    const d = e.diff;
    heading =
      d.delta > 0
        ? spans('Why ', untrusted(platform), ' grew')
        : spans('What changed in ', untrusted(platform));
    const moved = baseMoveSentence(e);
    if (moved) add(strong(...moved));
    add(
      'Files of ',
      strong(untrusted(platform)),
      `: ${formatBytes(d.baseBytes)} → ${formatBytes(d.headBytes)}, `,
      strong(deltaSpan(d.delta)),
      ` ${BASIS_WORD} (${count(d.counts.added)} added, ${count(d.counts.removed)} removed, ${count(d.counts.grown)} grown, ${count(d.counts.shrunk)} shrunk).`,
    );
    const hidden = hiddenGrowthSentence(e);
    if (hidden) add(...hidden);
    const causes = topCauses(e, CAUSES);
    if (causes.length > 0) {
      blocks.push({
        kind: 'list',
        priority,
        ordered: true,
        lead: spans(strong('Biggest causes'), ` (${BASIS_WORD}):`),
        items: causes.map((c) => ({
          spans: spans(
            strong(path(c.path), ' ', deltaSpan(c.delta)),
            ` in ${counted(c.files, 'file')}: `,
            ...joined(
              c.largest.map((f) => spans(path(below(c.path, f.path)), ` ${formatDelta(f.delta)}`)),
              ' · ',
            ),
          ),
        })),
      });
    }
    const binaries = changedGoBinaries(e);
    if (binaries.length > 0) {
      const more = binaries.length - VISIBLE_BINARIES;
      blocks.push({
        kind: 'list',
        priority,
        lead: [strong('Go binaries that changed:')],
        items: binaries.slice(0, VISIBLE_BINARIES).map((b) => ({ spans: binaryLine(b) })),
        ...(more > 0 ? { more: [text(`and ${count(more)} more in the details below`)] } : {}),
      });
    }
  } else {
    heading = spans('What ', untrusted(platform), ' is made of');
    blocks.push(compositionBlock(lead, priority));
  }
  if (shown.length > 0) {
    const more = shown.length - VISIBLE_FINDINGS;
    blocks.push({
      kind: 'list',
      priority,
      lead: [strong('Findings:')],
      items: shown.slice(0, VISIBLE_FINDINGS).map(findingItem),
      ...(more > 0 ? { more: [text(`and ${count(more)} more in the details below`)] } : {}),
    });
  } else {
    add(strong('Findings:'), ' none.');
  }
  const slices = growthSlices(e, PIE_SLICES);
  if (slices && slices.length > 1) {
    blocks.push(
      pie(`What grew in ${platform} (${formatDelta(e.diff!.delta)} ${BASIS_WORD} net)`, slices, priority),
    );
  } else if (e.diff === null) {
    const c = composition(e);
    const parts: Slice[] = [
      ...(c.baseImage ? [{ label: 'base image', bytes: c.baseImage.bytes }] : []),
      { label: 'Go binaries', bytes: c.goBinaries.bytes },
      { label: c.baseImage ? 'everything else' : 'everything but Go binaries', bytes: c.other },
    ].filter((s) => s.bytes > 0);
    if (parts.length > 1) {
      // The composition list above gives these figures; the pie only draws them.
      blocks.push(pie(`What ${platform} is made of (${BASIS_WORD})`, parts, priority, true));
    }
  }
  if (others.length > 0) {
    add('Other platforms (details below): ', ...joined(others.map(otherPlatformSummary), ' · '));
  }
  return [
    { kind: 'heading', level: 4, priority, label, spans: heading },
    ...blocks.map((b) => ({ ...b, label })),
  ];
}

function joined(parts: readonly Span[][], separator: string): Span[] {
  return parts.flatMap((p, i) => (i > 0 ? [text(separator), ...p] : p));
}

function otherPlatformSummary(x: Explained): Span[] {
  const e = x.explanation;
  const findings = counted(e.findings.length, 'finding');
  const size =
    e.diff === null
      ? [text(`${formatBytes(e.fileBytes)} of files`)]
      : spans('files ', deltaSpan(e.diff.delta));
  return spans(strong(untrusted(x.report.platform)), ' ', ...size, ` ${BASIS_WORD}, ${findings}`);
}

function compositionBlock(x: Explained, priority: number): Block {
  const e = x.explanation;
  const c = composition(e);
  const items: ListItem[] = [];
  if (c.baseImage) {
    items.push({
      spans: spans(
        `base image (${counted(c.baseImage.layers, 'layer')}): ${formatBytes(c.baseImage.bytes)} (${share(c.baseImage.bytes, c.total)})`,
      ),
    });
  } else {
    items.push({ spans: spans('base image: not known (no Dockerfile to tell which layers it has)') });
  }
  const go = e.binaries.filter((b) => c.goBinaries.paths.includes(b.path));
  const goText = joined(
    go
      .slice(0, VISIBLE_BINARIES)
      .map((b) => spans(path(b.path), ` ${formatBytes(b.bytes)}, `, ...binaryTraits(b))),
    ' · ',
  );
  items.push({
    spans: spans(
      `Go binaries: ${formatBytes(c.goBinaries.bytes)} (${share(c.goBinaries.bytes, c.total)})`,
      ...(goText.length > 0 ? [text(': '), ...goText] : []),
      go.length > VISIBLE_BINARIES && ` · and ${count(go.length - VISIBLE_BINARIES)} more`,
    ),
  });
  items.push({ spans: spans(`everything else: ${formatBytes(c.other)} (${share(c.other, c.total)})`) });
  return {
    kind: 'list',
    priority,
    lead: spans(
      strong(untrusted(x.report.platform)),
      ` holds ${formatBytes(c.total)} of files (${BASIS_WORD}) in ${count(e.files)} files; `,
      // Sizes without files: a stored baseline (a platform the base lacks has no sizes either).
      x.report.base !== null
        ? 'the baseline gives its figures but not its files (a stored report keeps none), so no file is compared.'
        : 'no base to compare with.',
    ),
    items,
  };
}

function binaryLine(b: BinaryChange): Span[] {
  const f = b.facts;
  const size =
    b.file === null
      ? spans(formatBytes(f.bytes))
      : b.file.change === 'added'
        ? spans(`${formatBytes(f.bytes)} (new)`)
        : spans(
            `${formatBytes(b.file.baseBytes ?? 0)} → ${formatBytes(f.bytes)} (`,
            deltaSpan(b.file.delta),
            ')',
          );
  const parts: Span[] = [strong(path(f.path)), text(' '), ...size];
  if (f.goVersion) parts.push(text(', '), untrusted(f.goVersion, 60));
  const traits = binaryTraits(f);
  if (traits.length > 0) parts.push(text(', '), ...traits);
  if (b.modules) {
    const growers = moduleRows(b.modules)
      .filter((r) => (r.delta ?? 0) > 0)
      .slice(0, 3)
      .map((r) => spans(path(r.module), ` ${formatDelta(r.delta!)}`));
    const go = b.modules.goVersion
      ? spans(
          '; Go toolchain ',
          untrusted(b.modules.goVersion.from, 60),
          ' → ',
          untrusted(b.modules.goVersion.to, 60),
        )
      : [];
    const lead = b.file?.change === 'added' ? 'largest' : 'grew most';
    parts.push(
      text(`. Modules: ${moduleCounts(b.modules)}`),
      ...go,
      ...(growers.length > 0 ? [text(`; ${lead}: `), ...joined(growers, ', ')] : []),
      text('.'),
    );
  } else if (b.file?.change !== 'added') {
    parts.push(text('. The base has no Go binary here to compare modules with.'));
  }
  return parts;
}

function findingItem(s: ShownFinding): ListItem {
  const f = s.finding;
  return {
    spans: spans(
      icon(f.severity satisfies Icon),
      s.platform !== null && '(',
      s.platform !== null && untrusted(s.platform),
      s.platform !== null && ') ',
      untrusted(f.title, TITLE_CHARS),
      ...(f.bytes === null
        ? []
        : [text(' · '), strong(formatBytes(f.bytes)), text(` at stake (${BASIS_WORD})`)]),
    ),
    children: [spans('Fix: ', ...fixSpans(f.fix))],
  };
}

/** Words and flags from our own fixed list go in code spans; everything else is untrusted text. */
const CODE_WORDS =
  /(CGO_ENABLED=0|-tags netgo,osusergo|FROM scratch|COPY --from=builder|RUN --mount=type=cache|\.dockerignore|-ldflags="-s -w"|-trimpath)/;

function fixSpans(fix: string): Span[] {
  if (isCommand(fix)) return [code(fix)];
  return fix
    .split(CODE_WORDS)
    .filter((part) => part !== '')
    .map((part) => (CODE_WORDS.test(part) ? code(part) : untrusted(part, TITLE_CHARS)));
}

function pie(title: string, slices: readonly Slice[], priority: number, drawsTheText = false): Block {
  return {
    kind: 'chart',
    chart: 'pie',
    priority,
    title,
    unit: `${BASIS_WORD} bytes`,
    labels: slices.map((s) => s.label),
    series: [{ name: title, values: slices.map((s) => Math.max(0, Math.round(s.bytes))) }],
    ...(drawsTheText ? { drawsTheText: true as const } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------
// The collapsed details.

function platformSummary(e: PlatformExplanation): Span[] {
  return spans(
    untrusted(e.platform),
    ` in detail: ${count(e.files)} files, ${formatBytes(e.fileBytes)} ${BASIS_WORD}, ` +
      `${formatBytes(e.wasted.bytes)} wasted, efficiency (dive's formula) ${efficiencyPercent(e.efficiency.score)}`,
  );
}

interface TableSpec {
  lead: Span[];
  noun: string;
  columns: readonly TableColumn[];
  rows: readonly (readonly Span[])[][];
  total: number;
}

function table(spec: TableSpec, priority: number, label: string): Block {
  return {
    kind: 'table',
    priority,
    label,
    lead: spec.lead,
    noun: spec.noun,
    columns: spec.columns,
    rows: spec.rows.map((cells) => ({ cells })),
    omitted: Math.max(0, spec.total - spec.rows.length),
  };
}

const left = (header: string): TableColumn => ({ header });
const right = (header: string): TableColumn => ({ header, align: 'right' });
const t = (value: string): Span[] => [text(value)];

function platformDetail(
  x: Explained,
  isLead: boolean,
  findings: readonly Finding[],
  priority: number,
): Block[] {
  const e = x.explanation;
  const label = `the detail of ${x.report.platform}`;
  const blocks: Block[] = [];
  if (e.diff !== null) {
    if (!isLead) {
      blocks.push(
        paragraph(
          priority,
          `Files: ${formatBytes(e.diff.baseBytes)} → ${formatBytes(e.diff.headBytes)}, `,
          strong(deltaSpan(e.diff.delta)),
          ` ${BASIS_WORD}.`,
        ),
      );
    }
    if (e.diff.directories.length > 0) {
      blocks.push(
        table(
          {
            lead: spans(strong('Directories that changed'), ` (${BASIS_WORD}):`),
            noun: 'directories',
            columns: [
              left('Directory'),
              right('Δ'),
              right('Files'),
              right('Added'),
              right('Removed'),
              right('Grown'),
              right('Shrunk'),
              { header: 'Largest changes', trailing: true },
            ],
            rows: e.diff.directories.slice(0, DIRECTORY_ROWS).map((d) => [
              [path(d.path)],
              [deltaSpan(d.delta)],
              t(count(d.files)),
              t(formatBytes(d.addedBytes)),
              t(formatBytes(d.removedBytes)),
              t(formatBytes(d.grownBytes)),
              t(formatBytes(d.shrunkBytes)),
              joined(
                d.largest.map((f) => spans(path(below(d.path, f.path)), ` ${formatDelta(f.delta)}`)),
                ' · ',
              ),
            ]),
            total: e.diff.directories.length,
          },
          priority,
          label,
        ),
      );
    }
    if (e.diff.files.length > 0) {
      blocks.push(
        table(
          {
            lead: spans(strong('Files that changed most'), ` (${BASIS_WORD}):`),
            noun: 'changed files',
            columns: [left('File'), left('Change'), right('Base'), right('Head'), right('Δ')],
            rows: e.diff.files
              .slice(0, FILE_ROWS)
              .map((f) => [
                [path(f.path)],
                t(f.kind === 'file' ? f.change : `${f.change} (${f.kind})`),
                t(f.baseBytes === null ? '—' : formatBytes(f.baseBytes)),
                t(f.headBytes === null ? '—' : formatBytes(f.headBytes)),
                [deltaSpan(f.delta)],
              ]),
            total: e.diff.files.length + e.diff.filesOmitted,
          },
          priority,
          label,
        ),
      );
    }
  } else if (!isLead) {
    blocks.push(compositionBlock(x, priority));
  }
  if (e.binaries.length > 0) {
    blocks.push(
      table(
        {
          lead: spans(strong('Binaries'), ' (ELF files):'),
          noun: 'binaries',
          columns: [
            left('Binary'),
            right('Size'),
            left('Go'),
            left('Linkage'),
            left('Stripped'),
            right('-s -w saves'),
            { header: 'Largest modules', trailing: true },
          ],
          rows: e.binaries.slice(0, BINARY_ROWS).map((b) => [
            [path(b.path)],
            t(formatBytes(b.bytes)),
            b.kind === 'go'
              ? [untrusted(b.goVersion ?? 'go', 60)]
              : t(b.kind === 'not-go' ? 'no' : 'unreadable'),
            b.linkage === null
              ? t('—')
              : spans(
                  b.linkage.kind,
                  b.linkage.missing.length > 0 && ', ',
                  b.linkage.missing.length > 0 && strong(`missing ${b.linkage.missing.length}`),
                ),
            t(b.strip === null ? '—' : b.strip.stripped ? 'yes' : b.strip.hasDwarf ? 'no (DWARF too)' : 'no'),
            t(b.strip === null ? '—' : formatBytes(b.strip.savingBytes)),
            joined(
              b.modules
                .slice(0, 3)
                .map((m) =>
                  spans(untrusted(moduleLabel(m.module, m.guessed), 60), ` ${formatBytes(m.bytes)}`),
                ),
              ' · ',
            ),
          ]),
          total: e.binaries.length,
        },
        priority,
        label,
      ),
    );
  }
  if (!isLead) {
    for (const b of changedGoBinaries(e)) {
      if (b.modules === null) continue;
      if (moduleRows(b.modules).length === 0 && b.modules.goVersion === null) continue;
      blocks.push(
        paragraph(priority, strong('Go modules of ', path(b.facts.path)), `: ${moduleCounts(b.modules)}`),
        ...moduleBlocks(b, OTHER_MODULE_ROWS, priority),
      );
    }
  }
  blocks.push(paragraph(priority, ...wastedSentence(e)));
  const w = e.wasted;
  if (w.largest.length > 0) {
    blocks.push(
      table(
        {
          lead: [],
          noun: 'wasted files',
          columns: [
            left('File'),
            right('Bytes'),
            right('Written by layer'),
            right('Removed by layer'),
            left('How'),
          ],
          rows: w.largest
            .slice(0, WASTE_ROWS)
            .map((f) => [
              [path(f.path)],
              t(formatBytes(f.bytes)),
              t(String(f.writtenBy + 1)),
              t(String(f.removedBy + 1)),
              t(f.reason),
            ]),
          total: w.largest.length,
        },
        priority,
        label,
      ),
    );
  }
  if (e.duplicates.length > 0) {
    blocks.push(
      table(
        {
          lead: spans(strong('Files written in several layers'), ` (${BASIS_WORD}):`),
          noun: 'paths',
          columns: [left('File'), left('Layers'), right('Shipped more than once')],
          rows: e.duplicates
            .slice(0, WASTE_ROWS)
            .map((d) => [
              [path(d.path)],
              t(d.layers.map((l) => String(l + 1)).join(', ')),
              t(formatBytes(d.redundantBytes)),
            ]),
          total: e.duplicates.length,
        },
        priority,
        label,
      ),
    );
  }
  if (findings.length > 0) {
    const rest = findings.length - DETAIL_FINDINGS;
    blocks.push({
      kind: 'list',
      priority,
      lead: [strong(isLead ? 'More findings:' : 'Findings:')],
      items: findings.slice(0, DETAIL_FINDINGS).map((finding) => findingItem({ finding, platform: null })),
      ...(rest > 0 ? { more: [text(`and ${count(rest)} more (the JSON report has them all)`)] } : {}),
    });
  }
  return blocks.map((b) => ({ ...b, label }));
}

function moduleBlocks(b: BinaryChange, limit: number, priority: number): Block[] {
  const d = b.modules!;
  const rows = moduleRows(d);
  const blocks: Block[] = [];
  if (d.goVersion) {
    blocks.push(
      paragraph(
        priority,
        'Go toolchain ',
        untrusted(d.goVersion.from, 60),
        ' → ',
        untrusted(d.goVersion.to, 60),
        '.',
      ),
    );
  }
  if (rows.length > 0) {
    const label = `the Go modules of ${b.facts.path}`;
    blocks.push(
      table(
        {
          lead: [],
          noun: 'modules',
          columns: [
            left('Module'),
            left('Change'),
            left('Version'),
            right(`Base (${BASIS_WORD})`),
            right(`Head (${BASIS_WORD})`),
            right('Δ'),
          ],
          rows: rows
            .slice(0, limit)
            .map((r) => [
              [path(moduleLabel(r.module, r.guessed))],
              t(r.change),
              r.version === null ? t('—') : [untrusted(r.version, 120)],
              t(r.baseBytes === null ? '—' : formatBytes(r.baseBytes)),
              t(r.headBytes === null ? '—' : formatBytes(r.headBytes)),
              r.delta === null ? t('—') : [deltaSpan(r.delta)],
            ]),
          total: rows.length,
        },
        priority,
        label,
      ),
    );
    if (d.growth.length === 0) {
      blocks.push(
        paragraph(priority, 'No byte figures: a binary on one side has no function table to attribute.'),
      );
    }
    for (const g of grownPackages(d)) {
      blocks.push(
        paragraph(
          priority,
          'Grew most inside ',
          path(g.module),
          ': ',
          untrusted(g.packages, PATH_CHARS * 4),
          '.',
        ),
      );
    }
  }
  return blocks;
}
