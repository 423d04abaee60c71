// "Why it grew" for the pull-request comment and the job summary, as sections for renderMarkdown: the
// biggest causes with bytes, the Go binaries that changed, the findings with their fixes and a picture,
// visible; everything else (every platform, module tables, `go version -m`, wasted files, duplicates,
// dive's efficiency) collapsed. The sections keep to a budget of their own, dropping detail blocks first,
// so the layer detail keeps its room under GitHub's comment limit. All byte figures are file bytes, the
// uncompressed basis, and say so.
import { formatBytes, formatDelta } from '../core/bytes.js';
import type { PlatformExplanation } from '../explain/explain.js';
import type { Finding } from '../explain/findings.js';
import {
  type BinaryChange,
  baseMoveSentence,
  below,
  binaryTraits,
  changedGoBinaries,
  composition,
  type Explained,
  efficiencyPercent,
  explainedPlatforms,
  findingsToShow,
  grownPackages,
  growthSlices,
  hiddenGrowthSentence,
  isCommand,
  leadPlatform,
  type ModuleRow,
  moduleCounts,
  moduleLabel,
  moduleRows,
  type ShownFinding,
  type Slice,
  share,
  type TraitStyle,
  topCauses,
  wastedSentence,
} from './explain-facts.js';
import type { Report } from './json.js';
import {
  LIMIT_TEXT,
  type MarkdownSection,
  markdownSectionLength,
  tableHead,
  tableRow,
} from './markdown-parts.js';
import { count, escapeMarkdown, plainText, printableCodeLine } from './text.js';

/** What the explanation sections may take of the comment together; the layer detail and the rest keep the remainder. */
export const EXPLAIN_MARKDOWN_BUDGET = 24_000;

export interface ExplainMarkdownOptions {
  /** Upper bound on the sections' share of the body in characters; detail blocks are dropped to keep it. */
  maxLength?: number;
}

/** Visible causes, binaries and findings; the rest are in the details. */
const CAUSES = 3;
const VISIBLE_BINARIES = 5;
const VISIBLE_FINDINGS = 8;
const PIE_SLICES = 5;
/** Rows of the tables in the details. */
const MODULE_ROWS = 25;
const DIRECTORY_ROWS = 15;
const FILE_ROWS = 25;
const BINARY_ROWS = 20;
const WASTE_ROWS = 10;
/** Characters of text from the image in one place (before escaping). */
const PATH_CHARS = 100;
const TITLE_CHARS = 240;
/** Characters of one table or list in the details; rows past it are counted, not shown. */
const TABLE_CHARS = 3_000;
/** `go version -m` text longer than this is cut at a line end. */
const GO_VERSION_M_CHARS = 6_000;

const ICON: Record<Finding['severity'], string> = { error: '⛔', warning: '⚠️', info: 'ℹ️' };
const BASIS = 'uncompressed';

interface Candidate {
  section: MarkdownSection;
  /** Higher goes first when the budget is short; 0 is never dropped. */
  drop: number;
}

/**
 * The "why it grew" sections of a report built with explanations (buildReport's `explanations`), for
 * renderMarkdown's `sections`; none when no platform was explained.
 */
export function explainSections(report: Report, options: ExplainMarkdownOptions = {}): MarkdownSection[] {
  const explained = explainedPlatforms(report);
  const lead = leadPlatform(explained, report);
  if (lead === null) return [];
  const shown = findingsToShow(explained, lead);
  const main = mainSection(
    lead,
    explained.filter((e) => e !== lead),
    shown,
  );
  const candidates: Candidate[] = [{ section: main, drop: 0 }];

  let tables = 0;
  for (const b of changedGoBinaries(lead.explanation)) {
    if (b.modules === null) continue;
    const rows = moduleRows(b.modules);
    if (rows.length === 0 && b.modules.goVersion === null) continue;
    candidates.push({
      // The biggest change's table outlasts the lead platform's details; the others do not.
      drop: tables++ === 0 ? 1 : 3,
      section: {
        heading: `Go modules of ${plainText(b.facts.path, PATH_CHARS)} on ${lead.report.platform}: ${moduleCounts(b.modules)}`,
        body: moduleBlock(b, MODULE_ROWS),
        collapsed: true,
      },
    });
  }
  const hiddenFindings = new Set(shown.slice(VISIBLE_FINDINGS).map((s) => s.finding));
  for (const e of explained) {
    const isLead = e === lead;
    candidates.push({
      drop: isLead ? 2 : 4,
      section: {
        heading: platformHeading(e.explanation),
        body: platformDetail(
          e,
          isLead,
          isLead ? e.explanation.findings.filter((f) => hiddenFindings.has(f)) : e.explanation.findings,
        ),
        collapsed: true,
      },
    });
  }
  for (const e of explained) {
    for (const b of e.explanation.binaries) {
      if (b.goVersionM === null) continue;
      candidates.push({
        drop: e === lead ? 5 : 6,
        section: {
          heading: `go version -m ${plainText(b.path, PATH_CHARS)} (${e.report.platform})`,
          body: goVersionBlock(b.goVersionM),
          collapsed: true,
        },
      });
    }
  }
  return fitSections(candidates, options.maxLength ?? EXPLAIN_MARKDOWN_BUDGET);
}

function fitSections(candidates: Candidate[], maxLength: number): MarkdownSection[] {
  const lengths = candidates.map((c) => markdownSectionLength(c.section));
  let total = lengths.reduce((a, b) => a + b, 0);
  if (total <= maxLength) return candidates.map((c) => c.section);
  // Room for the note that says what was left out.
  const note = 240;
  const kept = candidates.map((_, i) => i);
  // Highest drop rank first, the last of a rank before the earlier ones.
  const order = kept.slice(1).sort((a, b) => candidates[b]!.drop - candidates[a]!.drop || b - a);
  for (const i of order) {
    if (total + note <= maxLength) break;
    kept.splice(kept.indexOf(i), 1);
    total -= lengths[i]!;
  }
  const left = candidates.length - kept.length;
  const [main, ...rest] = kept.map((i) => candidates[i]!.section);
  const text = `*${left} of ${candidates.length - 1} detail blocks are left out to stay under ${LIMIT_TEXT}; the JSON report has every figure.*`;
  return [{ ...main!, body: `${main!.body}\n\n${text}` }, ...rest];
}

// ---------------------------------------------------------------------------------------------------
// The visible section.

function mainSection(
  lead: Explained,
  others: readonly Explained[],
  shown: readonly ShownFinding[],
): MarkdownSection {
  const e = lead.explanation;
  const platform = lead.report.platform;
  const blocks: string[] = [];
  let heading: string;
  if (e.diff !== null) {
    const d = e.diff;
    heading = d.delta > 0 ? `Why ${platform} grew` : `What changed in ${platform}`;
    const moved = baseMoveSentence(e, (text) => escapeMarkdown(text, PATH_CHARS));
    if (moved) blocks.push(`**${moved}**`);
    blocks.push(
      `Files of **${escapeMarkdown(platform)}**: ${formatBytes(d.baseBytes)} → ${formatBytes(d.headBytes)}, ` +
        `**${formatDelta(d.delta)}** ${BASIS} (${count(d.counts.added)} added, ${count(d.counts.removed)} removed, ` +
        `${count(d.counts.grown)} grown, ${count(d.counts.shrunk)} shrunk).`,
    );
    const hidden = hiddenGrowthSentence(e, MARKDOWN_TRAITS);
    if (hidden) blocks.push(hidden);
    const causes = topCauses(e, CAUSES);
    if (causes.length > 0) {
      blocks.push(
        [
          `**Biggest causes** (${BASIS}):`,
          ...causes.map((c, i) => {
            const files = c.largest
              .map((f) => `${escapeMarkdown(below(c.path, f.path), PATH_CHARS)} ${formatDelta(f.delta)}`)
              .join(' · ');
            return `${i + 1}. **${escapeMarkdown(c.path, PATH_CHARS)} ${formatDelta(c.delta)}** in ${count(c.files)} ${c.files === 1 ? 'file' : 'files'}: ${files}`;
          }),
        ].join('\n'),
      );
    }
    const binaries = changedGoBinaries(e);
    if (binaries.length > 0) {
      const more = binaries.length - VISIBLE_BINARIES;
      blocks.push(
        [
          '**Go binaries that changed:**',
          ...binaries.slice(0, VISIBLE_BINARIES).map((b) => `- ${binaryLine(b)}`),
          ...(more > 0 ? [`- and ${count(more)} more in the details below`] : []),
        ].join('\n'),
      );
    }
  } else {
    heading = `What ${platform} is made of`;
    blocks.push(compositionBlock(e, platform));
  }
  if (shown.length > 0) {
    const more = shown.length - VISIBLE_FINDINGS;
    blocks.push(
      [
        '**Findings:**',
        ...shown.slice(0, VISIBLE_FINDINGS).map(findingItem),
        ...(more > 0 ? [`- and ${count(more)} more in the details below`] : []),
      ].join('\n'),
    );
  } else {
    blocks.push('**Findings:** none.');
  }
  const slices = growthSlices(e, PIE_SLICES);
  if (slices && slices.length > 1) {
    blocks.push(pie(`What grew in ${platform} (${formatDelta(e.diff!.delta)} ${BASIS} net)`, slices));
  } else if (e.diff === null) {
    const c = composition(e);
    const parts: Slice[] = [
      ...(c.baseImage ? [{ label: 'base image', bytes: c.baseImage.bytes }] : []),
      { label: 'Go binaries', bytes: c.goBinaries.bytes },
      { label: c.baseImage ? 'everything else' : 'everything but Go binaries', bytes: c.other },
    ].filter((s) => s.bytes > 0);
    if (parts.length > 1) blocks.push(pie(`What ${platform} is made of (${BASIS})`, parts));
  }
  if (others.length > 0) {
    blocks.push(`Other platforms (details below): ${others.map(otherPlatformSummary).join(' · ')}`);
  }
  return { heading, body: blocks.join('\n\n') };
}

function otherPlatformSummary(x: Explained): string {
  const e = x.explanation;
  const findings = `${count(e.findings.length)} ${e.findings.length === 1 ? 'finding' : 'findings'}`;
  const size =
    e.diff === null ? `${formatBytes(e.fileBytes)} of files` : `files ${formatDelta(e.diff.delta)}`;
  return `**${escapeMarkdown(x.report.platform)}** ${size} ${BASIS}, ${findings}`;
}

function compositionBlock(e: PlatformExplanation, platform: string): string {
  const c = composition(e);
  const lines = [
    `**${escapeMarkdown(platform)}** holds ${formatBytes(c.total)} of files (${BASIS}) in ${count(e.files)} files; no base to compare with.`,
  ];
  if (c.baseImage) {
    lines.push(
      `- base image (${count(c.baseImage.layers)} ${c.baseImage.layers === 1 ? 'layer' : 'layers'}): ${formatBytes(c.baseImage.bytes)} (${share(c.baseImage.bytes, c.total)})`,
    );
  } else {
    lines.push('- base image: not known (no Dockerfile to tell which layers it has)');
  }
  const go = e.binaries.filter((b) => c.goBinaries.paths.includes(b.path));
  const goText = go
    .slice(0, VISIBLE_BINARIES)
    .map(
      (b) =>
        `${escapeMarkdown(b.path, PATH_CHARS)} ${formatBytes(b.bytes)}, ${binaryTraits(b, MARKDOWN_TRAITS)}`,
    )
    .join(' · ');
  lines.push(
    `- Go binaries: ${formatBytes(c.goBinaries.bytes)} (${share(c.goBinaries.bytes, c.total)})${goText ? `: ${goText}` : ''}${go.length > VISIBLE_BINARIES ? ` · and ${count(go.length - VISIBLE_BINARIES)} more` : ''}`,
  );
  lines.push(`- everything else: ${formatBytes(c.other)} (${share(c.other, c.total)})`);
  return lines.join('\n');
}

function binaryLine(b: BinaryChange): string {
  const f = b.facts;
  const size =
    b.file === null
      ? formatBytes(f.bytes)
      : b.file.change === 'added'
        ? `${formatBytes(f.bytes)} (new)`
        : `${formatBytes(b.file.baseBytes ?? 0)} → ${formatBytes(f.bytes)} (${formatDelta(b.file.delta)})`;
  const parts = [`**${escapeMarkdown(f.path, PATH_CHARS)}** ${size}`];
  if (f.goVersion) parts.push(escapeMarkdown(f.goVersion, 60));
  parts.push(binaryTraits(f, MARKDOWN_TRAITS));
  let text = parts.join(', ');
  if (b.modules) {
    const growers = moduleRows(b.modules)
      .filter((r) => (r.delta ?? 0) > 0)
      .slice(0, 3)
      .map((r) => `${escapeMarkdown(r.module, PATH_CHARS)} ${formatDelta(r.delta!)}`);
    const go = b.modules.goVersion
      ? `; Go toolchain ${escapeMarkdown(b.modules.goVersion.from, 60)} → ${escapeMarkdown(b.modules.goVersion.to, 60)}`
      : '';
    const lead = b.file?.change === 'added' ? 'largest' : 'grew most';
    text += `. Modules: ${moduleCounts(b.modules)}${go}${growers.length > 0 ? `; ${lead}: ${growers.join(', ')}` : ''}.`;
  } else if (b.file?.change !== 'added') {
    text += '. The base has no Go binary here to compare modules with.';
  }
  return text;
}

const MARKDOWN_TRAITS: TraitStyle = {
  strong: (text) => `**${text}**`,
  code: (text) => `\`${text}\``,
  name: (text) => escapeMarkdown(text, PATH_CHARS),
};

function findingItem(s: ShownFinding): string {
  const f = s.finding;
  const where = s.platform === null ? '' : `(${escapeMarkdown(s.platform)}) `;
  const stake = f.bytes === null ? '' : ` · **${formatBytes(f.bytes)}** at stake (${BASIS})`;
  return `- ${ICON[f.severity]} ${where}${escapeMarkdown(f.title, TITLE_CHARS)}${stake}\n  - Fix: ${fixText(f.fix)}`;
}

/** Words and flags from our own fixed list go in code spans; everything else is escaped. */
const CODE_WORDS =
  /(CGO_ENABLED=0|-tags netgo,osusergo|FROM scratch|COPY --from=builder|RUN --mount=type=cache|\.dockerignore|-ldflags="-s -w"|-trimpath)/;

function fixText(fix: string): string {
  if (isCommand(fix)) return `\`${fix}\``;
  return fix
    .split(CODE_WORDS)
    .map((part, i) => (i % 2 === 1 ? `\`${part}\`` : escapeMarkdown(part, TITLE_CHARS)))
    .join('');
}

/** A mermaid pie; every label quoted, and stripped of what could end the quote, the line or the statement. */
function pie(title: string, slices: readonly Slice[]): string {
  const lines = slices.map(
    (s) => `    "${mermaidText(`${s.label} ${formatBytes(s.bytes)}`)}" : ${Math.max(0, Math.round(s.bytes))}`,
  );
  return ['```mermaid', 'pie', `    title ${mermaidText(title)}`, ...lines, '```'].join('\n');
}

function mermaidText(text: string): string {
  return plainText(text, 70)
    .replace(/ ↵ /g, ' ')
    .replace(/["'`;#<>&\\{}%:[\]]/g, '')
    .replace(/@/g, '@\u200d')
    .trim();
}

// ---------------------------------------------------------------------------------------------------
// The collapsed details.

function platformHeading(e: PlatformExplanation): string {
  return (
    `${e.platform} in detail: ${count(e.files)} files, ${formatBytes(e.fileBytes)} ${BASIS}, ` +
    `${formatBytes(e.wasted.bytes)} wasted, efficiency (dive's formula) ${efficiencyPercent(e.efficiency.score)}`
  );
}

function platformDetail(x: Explained, isLead: boolean, findings: readonly Finding[]): string {
  const e = x.explanation;
  const blocks: string[] = [];
  if (e.diff !== null) {
    if (!isLead) {
      blocks.push(
        `Files: ${formatBytes(e.diff.baseBytes)} → ${formatBytes(e.diff.headBytes)}, **${formatDelta(e.diff.delta)}** ${BASIS}.`,
      );
    }
    if (e.diff.directories.length > 0) {
      blocks.push(
        `**Directories that changed** (${BASIS}):\n\n${table(
          ['Directory', 'Δ', 'Files', 'Added', 'Removed', 'Grown', 'Shrunk', 'Largest changes'],
          ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
          e.diff.directories
            .slice(0, DIRECTORY_ROWS)
            .map((d) => [
              escapeMarkdown(d.path, PATH_CHARS),
              formatDelta(d.delta),
              count(d.files),
              formatBytes(d.addedBytes),
              formatBytes(d.removedBytes),
              formatBytes(d.grownBytes),
              formatBytes(d.shrunkBytes),
              d.largest
                .map((f) => `${escapeMarkdown(below(d.path, f.path), PATH_CHARS)} ${formatDelta(f.delta)}`)
                .join(' · '),
            ]),
          { what: 'directories', total: e.diff.directories.length },
        )}`,
      );
    }
    if (e.diff.files.length > 0) {
      blocks.push(
        `**Files that changed most** (${BASIS}):\n\n${table(
          ['File', 'Change', 'Base', 'Head', 'Δ'],
          ['l', 'l', 'r', 'r', 'r'],
          e.diff.files
            .slice(0, FILE_ROWS)
            .map((f) => [
              escapeMarkdown(f.path, PATH_CHARS),
              f.kind === 'file' ? f.change : `${f.change} (${f.kind})`,
              f.baseBytes === null ? '—' : formatBytes(f.baseBytes),
              f.headBytes === null ? '—' : formatBytes(f.headBytes),
              formatDelta(f.delta),
            ]),
          { what: 'changed files', total: e.diff.files.length + e.diff.filesOmitted },
        )}`,
      );
    }
  } else {
    if (!isLead) blocks.push(compositionBlock(e, e.platform));
  }
  if (e.binaries.length > 0) {
    blocks.push(
      `**Binaries** (ELF files):\n\n${table(
        ['Binary', 'Size', 'Go', 'Linkage', 'Stripped', '-s -w saves', 'Largest modules'],
        ['l', 'r', 'l', 'l', 'l', 'r', 'l'],
        e.binaries.slice(0, BINARY_ROWS).map((b) => [
          escapeMarkdown(b.path, PATH_CHARS),
          formatBytes(b.bytes),
          b.kind === 'go'
            ? escapeMarkdown(b.goVersion ?? 'go', 60)
            : b.kind === 'not-go'
              ? 'no'
              : 'unreadable',
          b.linkage === null
            ? '—'
            : `${b.linkage.kind}${b.linkage.missing.length > 0 ? `, **missing ${b.linkage.missing.length}**` : ''}`,
          b.strip === null ? '—' : b.strip.stripped ? 'yes' : b.strip.hasDwarf ? 'no (DWARF too)' : 'no',
          b.strip === null ? '—' : formatBytes(b.strip.savingBytes),
          b.modules
            .slice(0, 3)
            .map((m) => `${escapeMarkdown(moduleLabel(m.module, m.guessed), 60)} ${formatBytes(m.bytes)}`)
            .join(' · '),
        ]),
        { what: 'binaries', total: e.binaries.length },
      )}`,
    );
  }
  if (!isLead) {
    for (const b of changedGoBinaries(e)) {
      if (b.modules === null) continue;
      if (moduleRows(b.modules).length === 0 && b.modules.goVersion === null) continue;
      blocks.push(
        `**Go modules of ${escapeMarkdown(b.facts.path, PATH_CHARS)}**: ${moduleCounts(b.modules)}\n\n${moduleBlock(b, 10)}`,
      );
    }
  }
  const w = e.wasted;
  const waste = [wastedSentence(e, MARKDOWN_TRAITS)];
  if (w.largest.length > 0) {
    waste.push(
      table(
        ['File', 'Bytes', 'Written by layer', 'Removed by layer', 'How'],
        ['l', 'r', 'r', 'r', 'l'],
        w.largest
          .slice(0, WASTE_ROWS)
          .map((f) => [
            escapeMarkdown(f.path, PATH_CHARS),
            formatBytes(f.bytes),
            String(f.writtenBy + 1),
            String(f.removedBy + 1),
            f.reason,
          ]),
        { what: 'wasted files', total: w.largest.length },
      ),
    );
  }
  blocks.push(waste.join('\n\n'));
  if (e.duplicates.length > 0) {
    blocks.push(
      `**Files written in several layers** (${BASIS}):\n\n${table(
        ['File', 'Layers', 'Shipped more than once'],
        ['l', 'l', 'r'],
        e.duplicates
          .slice(0, WASTE_ROWS)
          .map((d) => [
            escapeMarkdown(d.path, PATH_CHARS),
            d.layers.map((l) => String(l + 1)).join(', '),
            formatBytes(d.redundantBytes),
          ]),
        { what: 'paths', total: e.duplicates.length },
      )}`,
    );
  }
  if (findings.length > 0) {
    const items: string[] = [];
    let used = 0;
    for (const finding of findings) {
      const item = findingItem({ finding, platform: null });
      if (items.length > 0 && used + item.length + 1 > TABLE_CHARS) break;
      items.push(item);
      used += item.length + 1;
    }
    const rest = findings.length - items.length;
    blocks.push(
      [
        isLead ? '**More findings:**' : '**Findings:**',
        ...items,
        ...(rest > 0 ? [`- and ${count(rest)} more (the JSON report has them all)`] : []),
      ].join('\n'),
    );
  }
  return blocks.join('\n\n');
}

function moduleBlock(b: BinaryChange, limit: number): string {
  const d = b.modules!;
  const rows = moduleRows(d);
  const lines: string[] = [];
  if (d.goVersion) {
    lines.push(
      `Go toolchain ${escapeMarkdown(d.goVersion.from, 60)} → ${escapeMarkdown(d.goVersion.to, 60)}.`,
    );
  }
  if (rows.length > 0) {
    const attributed = d.growth.length > 0;
    lines.push(
      `${table(
        ['Module', 'Change', 'Version', `Base (${BASIS})`, `Head (${BASIS})`, 'Δ'],
        ['l', 'l', 'l', 'r', 'r', 'r'],
        rows
          .slice(0, limit)
          .map((r: ModuleRow) => [
            escapeMarkdown(moduleLabel(r.module, r.guessed), PATH_CHARS),
            r.change,
            r.version === null ? '—' : escapeMarkdown(r.version, 120),
            r.baseBytes === null ? '—' : formatBytes(r.baseBytes),
            r.headBytes === null ? '—' : formatBytes(r.headBytes),
            r.delta === null ? '—' : formatDelta(r.delta),
          ]),
        { what: 'modules', total: rows.length },
      )}`,
    );
    if (!attributed) lines.push('No byte figures: a binary on one side has no function table to attribute.');
    for (const g of grownPackages(d)) {
      lines.push(
        `Grew most inside ${escapeMarkdown(g.module, PATH_CHARS)}: ${escapeMarkdown(g.packages, PATH_CHARS * 4)}.`,
      );
    }
  }
  return lines.join('\n\n');
}

/** The text in a fence no line of it can close; a fenced block shows HTML, mentions and markdown as text. */
function goVersionBlock(text: string): string {
  const lines = text.split(/\r\n|[\r\n\u2028\u2029]/).map(printableCodeLine);
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > GO_VERSION_M_CHARS) break;
    kept.push(line);
    used += line.length + 1;
  }
  const body = kept.join('\n');
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const note =
    kept.length < lines.length
      ? `\n\n*and ${count(lines.length - kept.length)} more lines; the JSON report has the whole text.*`
      : '';
  return `${fence}text\n${body}\n${fence}${note}`;
}

/** A table of as many rows as fit in TABLE_CHARS (one at least), and how many more there are. */
function table(
  header: readonly string[],
  align: readonly ('l' | 'r')[],
  rows: readonly string[][],
  more: { what: string; total: number },
): string {
  const head = tableHead(
    header,
    align.map((a) => (a === 'l' ? 'left' : 'right')),
  );
  const lines: string[] = [];
  let used = head.length + 1;
  for (const row of rows) {
    const text = tableRow(row);
    if (lines.length > 0 && used + text.length + 1 > TABLE_CHARS) break;
    lines.push(text);
    used += text.length + 1;
  }
  const rest = more.total - lines.length;
  return `${[head, ...lines].join('\n')}${rest > 0 ? `\n\n*and ${count(rest)} more ${more.what}.*` : ''}`;
}
