// The size history as a section: one line chart per platform (the base branch's stored reports, then this
// head) and the same numbers as a table, folded. Stored reports are untrusted: a point's label is only ever
// a short hex SHA or "head"; refs and platform names go in untrusted spans.
import { historyShown, historyUnit, pointLabel, seriesShown } from '../history.js';
import type { HistoryPoint, ReportHistory } from '../json.js';
import { type Block, code, PRIORITY, type TableRow, text, untrusted } from './model.js';

const SAFE_PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

/** Megabytes (10^6 bytes) with two decimals. */
const megabytes = (bytes: number) => (bytes / 1_000_000).toFixed(2);

export function historyBlocks(history: ReportHistory | undefined): Block[] {
  if (!historyShown(history)) return [];
  const shown = history.platforms.filter((p) => seriesShown(p.points));
  const unit = historyUnit(history.basis);
  const n = Math.max(...history.platforms.map((p) => p.points.length));
  const priority = PRIORITY.history;
  const withHead = history.platforms.some((p) => p.points.some((x) => x.head));
  const charts: Block[] = shown.map((series) => ({
    kind: 'chart',
    chart: 'line',
    priority,
    title: `${SAFE_PLATFORM.test(series.platform) ? `${series.platform} ` : ''}${history.basis} size, MB (10^6 bytes)`,
    unit,
    labels: series.points.map(pointLabel),
    series: [
      {
        name: SAFE_PLATFORM.test(series.platform) ? series.platform : 'platform',
        values: series.points.map((p) => p.bytes),
      },
    ],
  }));
  return [
    {
      kind: 'heading',
      level: 4,
      priority,
      label: 'the size history',
      spans: [
        text(
          `Size history (${history.basis}, up to ${n} points: stored base-branch reports${withHead ? ', then this head' : ''})`,
        ),
      ],
    },
    ...charts,
    {
      kind: 'details',
      priority,
      label: 'the size history',
      summary: [text('The history as a table')],
      blocks: [historyTable(history, shown)],
    },
  ];
}

function historyTable(history: ReportHistory, shown: ReportHistory['platforms']): Block {
  const rows: { point: HistoryPoint; cells: Map<string, number> }[] = [];
  for (const series of shown) {
    for (const point of series.points) {
      let row = rows.find((r) => r.point.commit === point.commit && r.point.head === point.head);
      if (!row) {
        row = { point, cells: new Map() };
        rows.push(row);
      }
      row.cells.set(series.platform, point.bytes);
    }
  }
  // Stored points keep their base-branch order; the head goes last.
  rows.sort((a, b) => Number(a.point.head) - Number(b.point.head));
  const unit = historyUnit(history.basis);
  return {
    kind: 'table',
    priority: PRIORITY.history,
    noun: 'commits',
    columns: [
      { header: 'commit' },
      { header: 'ref' },
      ...shown.map((s) => ({ header: [untrusted(s.platform), text(`, ${unit}`)], align: 'right' as const })),
    ],
    rows: rows.map(
      ({ point, cells }): TableRow => ({
        cells: [
          [code(pointLabel(point))],
          [
            point.head
              ? text('this pull request')
              : untrusted((point.ref ?? '').replace(/^refs\/heads\//, ''), 60),
          ],
          ...shown.map((s) => {
            const bytes = cells.get(s.platform);
            return [text(bytes === undefined ? '—' : megabytes(bytes))];
          }),
        ],
      }),
    ),
  };
}
