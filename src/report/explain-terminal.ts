// "Why it grew" for the CLI, after the platform table: the same facts as the comment's section (the
// biggest causes, the Go binaries that changed with their modules, the findings with their fixes) as plain
// text, colour only when asked. All byte figures are file bytes, the uncompressed basis.
import { formatBytes, formatDelta } from '../core/bytes.js';
import type { PlatformExplanation } from '../explain/explain.js';
import type { Finding } from '../explain/findings.js';
import { alignColumns, type Colour, painter } from './ansi.js';
import {
  type BinaryChange,
  baseMoveSentence,
  below,
  binaryTraits,
  changedGoBinaries,
  composition,
  type Explained,
  explainedPlatforms,
  findingsToShow,
  grownPackages,
  hiddenGrowthSentence,
  leadPlatform,
  moduleCounts,
  moduleLabel,
  moduleRows,
  share,
  type TraitStyle,
  topCauses,
  wastedSentence,
} from './explain-facts.js';
import type { Report } from './json.js';
import { count, plainText } from './text.js';

export interface ExplainTerminalOptions {
  /** ANSI colours; default false. */
  color?: boolean;
}

const CAUSES = 3;
const MODULE_ROWS = 8;
const PATH_CHARS = 120;
const BASIS = 'uncompressed';

const SEVERITY: Record<Finding['severity'], [string, Colour]> = {
  error: ['ERROR', 'red'],
  warning: ['WARNING', 'yellow'],
  info: ['INFO', 'cyan'],
};

/** The lines of the "why it grew" block of a report built with explanations; none when nothing was explained. */
export function explainTerminalLines(report: Report, options: ExplainTerminalOptions = {}): string[] {
  const paint = painter(options.color);
  const delta = (bytes: number) => {
    const text = formatDelta(bytes);
    return bytes > 0 ? paint(text, 'red') : bytes < 0 ? paint(text, 'green') : text;
  };
  const explained = explainedPlatforms(report);
  const lead = leadPlatform(explained, report);
  if (lead === null) return [];
  const e = lead.explanation;
  const platform = plainText(lead.report.platform);
  const lines: string[] = [];

  if (e.diff !== null) {
    const d = e.diff;
    lines.push(
      `${paint(d.delta > 0 ? `Why ${platform} grew` : `What changed in ${platform}`, 'bold')}: files ` +
        `${formatBytes(d.baseBytes)} → ${formatBytes(d.headBytes)}, ${delta(d.delta)} ${BASIS} ` +
        `(${count(d.counts.added)} added, ${count(d.counts.removed)} removed, ${count(d.counts.grown)} grown, ${count(d.counts.shrunk)} shrunk)`,
    );
    const moved = baseMoveSentence(e, (text) => plainText(text, PATH_CHARS));
    if (moved) lines.push(`  ${paint(moved, 'bold')}`);
    const hidden = hiddenGrowthSentence(e, TERMINAL_TRAITS);
    if (hidden) lines.push(`  ${hidden}`);
    const causes = topCauses(e, CAUSES);
    if (causes.length > 0) {
      lines.push(`  Biggest causes (${BASIS}):`);
      causes.forEach((c, i) => {
        const files = c.largest
          .map((f) => `${plainText(below(c.path, f.path), PATH_CHARS)} ${formatDelta(f.delta)}`)
          .join(', ');
        lines.push(
          `    ${i + 1}. ${plainText(c.path, PATH_CHARS)} ${delta(c.delta)} in ${count(c.files)} ${c.files === 1 ? 'file' : 'files'}: ${files}`,
        );
      });
    }
    const binaries = changedGoBinaries(e);
    if (binaries.length > 0) {
      lines.push('  Go binaries that changed:');
      for (const b of binaries) lines.push(...binaryLines(b, paint, delta));
    }
  } else {
    const c = composition(e);
    lines.push(
      `${paint(`What ${platform} is made of`, 'bold')}: ${formatBytes(c.total)} of files (${BASIS}) in ${count(e.files)} files, no base to compare with`,
    );
    const go = e.binaries.filter((b) => c.goBinaries.paths.includes(b.path));
    const rows: string[][] = [
      c.baseImage
        ? [
            `base image (${count(c.baseImage.layers)} ${c.baseImage.layers === 1 ? 'layer' : 'layers'})`,
            formatBytes(c.baseImage.bytes),
            share(c.baseImage.bytes, c.total),
            '',
          ]
        : ['base image', 'not known', '', '(no Dockerfile to tell which layers it has)'],
      [
        'Go binaries',
        formatBytes(c.goBinaries.bytes),
        share(c.goBinaries.bytes, c.total),
        go.map((b) => plainText(b.path, PATH_CHARS)).join(', '),
      ],
      ['everything else', formatBytes(c.other), share(c.other, c.total), ''],
    ];
    lines.push(...align(rows, ['left', 'right', 'right', 'left']).map((l) => `    ${l}`));
    for (const b of go) {
      lines.push(
        `  ${plainText(b.path, PATH_CHARS)}: ${formatBytes(b.bytes)}, ${binaryTraits(b, TERMINAL_TRAITS)}`,
      );
    }
  }

  const shown = findingsToShow(explained, lead);
  lines.push(shown.length > 0 ? '  Findings:' : '  Findings: none.');
  for (const { finding: f, platform: where } of shown) {
    const [word, colour] = SEVERITY[f.severity];
    const stake = f.bytes === null ? '' : ` — ${formatBytes(f.bytes)} at stake (${BASIS})`;
    const prefix = `    ${word.padEnd(7)}  `;
    lines.push(
      `    ${paint(word.padEnd(7), colour)}  ${where === null ? '' : `[${plainText(where)}] `}${plainText(f.title)}${stake}`,
    );
    lines.push(`${' '.repeat(prefix.length)}fix: ${plainText(f.fix)}`);
  }
  lines.push(`  ${wastedSentence(e, TERMINAL_TRAITS)}`);

  for (const other of explained) {
    if (other === lead) continue;
    lines.push(`  Also ${otherPlatformLine(other, delta)}`);
  }
  return lines;
}

function binaryLines(
  b: BinaryChange,
  paint: (text: string, colour: Colour) => string,
  delta: (bytes: number) => string,
): string[] {
  const f = b.facts;
  const size =
    b.file === null
      ? formatBytes(f.bytes)
      : b.file.change === 'added'
        ? `${formatBytes(f.bytes)} (new)`
        : `${formatBytes(b.file.baseBytes ?? 0)} → ${formatBytes(f.bytes)} (${delta(b.file.delta)})`;
  const lines = [
    `    ${paint(plainText(f.path, PATH_CHARS), 'bold')}  ${size}${f.goVersion ? `, ${plainText(f.goVersion, 60)}` : ''}, ${binaryTraits(f, TERMINAL_TRAITS)}`,
  ];
  if (b.modules === null) {
    if (b.file?.change !== 'added')
      lines.push('      the base has no Go binary here to compare modules with');
    return lines;
  }
  const d = b.modules;
  const go = d.goVersion
    ? `; Go toolchain ${plainText(d.goVersion.from, 60)} → ${plainText(d.goVersion.to, 60)}`
    : '';
  lines.push(`      modules: ${moduleCounts(d)}${go}`);
  const rows = moduleRows(d);
  const table = align(
    rows
      .slice(0, MODULE_ROWS)
      .map((r) => [
        r.change,
        plainText(moduleLabel(r.module, r.guessed), PATH_CHARS),
        r.version === null ? '' : plainText(r.version, 80),
        r.delta === null ? '' : formatDelta(r.delta),
      ]),
    ['left', 'left', 'left', 'right'],
  );
  lines.push(...table.map((l) => `        ${l}`));
  if (rows.length > MODULE_ROWS) {
    lines.push(`        and ${count(rows.length - MODULE_ROWS)} more (the JSON report has them all)`);
  }
  for (const g of grownPackages(d)) {
    lines.push(
      `      grew most inside ${plainText(g.module, PATH_CHARS)}: ${plainText(g.packages, PATH_CHARS * 4)}`,
    );
  }
  return lines;
}

const TERMINAL_TRAITS: TraitStyle = {
  strong: (text) => text,
  code: (text) => text,
  name: (text) => plainText(text, PATH_CHARS),
};

function otherPlatformLine(x: Explained, delta: (bytes: number) => string): string {
  const e: PlatformExplanation = x.explanation;
  const name = plainText(x.report.platform);
  const findings = `${count(e.findings.length)} ${e.findings.length === 1 ? 'finding' : 'findings'}`;
  if (e.diff === null) return `${name}: ${formatBytes(e.fileBytes)} of files (${BASIS}); ${findings}`;
  const cause = topCauses(e, 1)[0];
  const biggest = cause ? `; biggest: ${plainText(cause.path, PATH_CHARS)} ${formatDelta(cause.delta)}` : '';
  return `${name}: files ${delta(e.diff.delta)} ${BASIS}${biggest}; ${findings} (the JSON report has the details)`;
}

function align(rows: readonly string[][], sides: readonly ('left' | 'right')[]): string[] {
  return alignColumns(
    rows.map((r) => r.map((text) => ({ text }))),
    sides,
  );
}
