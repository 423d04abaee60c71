// `image-size-gate store ls` and `image-size-gate store get SHA`: what a store holds, for people.
import { parseArgs } from 'node:util';
import { parseStore } from '../inputs/inputs.js';
import { historyBlocks } from '../report/document/history.js';
import { sideSize } from '../report/document/sentences.js';
import { buildHistory } from '../report/history.js';
import { type Report, renderJson } from '../report/json.js';
import { renderDocumentTerminal } from '../report/render/terminal.js';
import { counted, plainText } from '../report/text.js';
import { openStore } from './open-store.js';

export async function runStoreCommand(
  argv: string[],
  env: { workspace: string; defaultStore: string },
): Promise<number> {
  const usage = () => {
    process.stderr.write(
      'usage: image-size-gate store ls [--store S] [--history] | image-size-gate store get SHA [--store S]\n',
    );
    return 2;
  };
  let parsed: {
    values: { store?: string | undefined; history?: boolean | undefined };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: argv,
      options: { store: { type: 'string' }, history: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch {
    return usage();
  }
  const { values, positionals } = parsed;
  const [command, sha] = positionals;
  const wanted = command === 'get' ? 2 : 1;
  if ((command !== 'ls' && command !== 'get') || positionals.length !== wanted) return usage();
  const spec = parseStore(values.store || env.defaultStore, env.workspace);
  const store = await openStore(spec!, {
    repository: process.env.GITHUB_REPOSITORY ?? null,
    github: null,
    token: null,
  });
  const reports = await store.list();
  if (command === 'get') {
    if (!/^[0-9a-f]{4,64}$/i.test(sha!)) {
      process.stderr.write(`image-size-gate: "${plainText(sha!)}" is not a commit SHA\n`);
      return 2;
    }
    const found = reports.filter((r) => r.run?.commit?.startsWith(sha!.toLowerCase()));
    if (found.length === 0) {
      process.stderr.write(`image-size-gate: ${store.name} holds no report of ${sha}\n`);
      return 1;
    }
    // Newest first; one per fingerprint.
    for (const report of found) process.stdout.write(renderJson(report));
    return 0;
  }
  if (reports.length === 0) {
    process.stdout.write(`${store.name} holds no reports\n`);
    return 0;
  }
  if (values.history) {
    process.stdout.write(historyListing(reports));
    return 0;
  }
  const rows = reports.map((r) => {
    const sizes = r.platforms
      .filter((p) => p.head)
      .map(
        (p) =>
          `${p.platform} ${sideSize(p.head, 'uncompressed')} uncompressed / ${sideSize(p.head, 'compressed')} compressed`,
      )
      .join('; ');
    return [
      r.run?.commit?.slice(0, 12) ?? '?',
      (r.run?.ref ?? '').replace(/^refs\/(heads|tags)\//, ''),
      r.generatedAt.slice(0, 19).replace('T', ' '),
      r.run?.fingerprint.id.slice(0, 12) ?? '',
      sizes,
    ].map((cell) => plainText(cell));
  });
  const header = ['commit', 'ref', 'date (UTC)', 'fingerprint', 'sizes (MB = 10^6 bytes)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) {
    process.stdout.write(
      `${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`,
    );
  }
  return 0;
}

/** The newest HISTORY_POINTS reports of each fingerprint as the gate's history chart, by report date (no git). */
const HISTORY_POINTS = 20;
function historyListing(reports: readonly Report[]): string {
  const byFingerprint = new Map<string, Report[]>();
  for (const r of reports) {
    if (!r.run?.commit) continue;
    const id = r.run.fingerprint.id.slice(0, 12);
    byFingerprint.set(id, [...(byFingerprint.get(id) ?? []), r]);
  }
  const out: string[] = [];
  for (const [id, group] of byFingerprint) {
    const points = [...group]
      .sort((a, b) => a.generatedAt.localeCompare(b.generatedAt))
      .slice(-HISTORY_POINTS)
      .map((report) => ({ commit: report.run!.commit!, report }));
    const charts = historyBlocks(buildHistory(points, null, 'uncompressed', HISTORY_POINTS)).filter(
      (b) => b.kind === 'heading' || b.kind === 'chart',
    );
    const lines =
      charts.length > 0
        ? renderDocumentTerminal({ blocks: charts })
            .split('\n')
            .filter((l) => l !== '')
        : [];
    out.push(
      `fingerprint ${plainText(id)}: ${counted(points.length, 'report')}`,
      ...(lines.length > 0 ? lines : ['  fewer than 3 reports: no chart']),
    );
  }
  return `${out.join('\n')}\n`;
}
