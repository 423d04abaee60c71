// `image-size-gate store ls` and `image-size-gate store get SHA`: what a store holds, for people.
import { parseArgs } from 'node:util';
import { formatBytes } from '../core/bytes.js';
import { parseStore } from '../inputs/inputs.js';
import { renderJson } from '../report/json.js';
import { plainText } from '../report/text.js';
import { openStore } from './open-store.js';

export async function runStoreCommand(
  argv: string[],
  env: { workspace: string; defaultStore: string },
): Promise<number> {
  const usage = () => {
    process.stderr.write(
      'usage: image-size-gate store ls [--store S] | image-size-gate store get SHA [--store S]\n',
    );
    return 2;
  };
  let parsed: { values: { store?: string | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { store: { type: 'string' } }, allowPositionals: true });
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
  const rows = reports.map((r) => {
    const sizes = r.platforms
      .filter((p) => p.head)
      .map(
        (p) =>
          `${p.platform} ${formatBytes(p.head!.sizes.uncompressed)} uncompressed / ${formatBytes(p.head!.sizes.compressed)} compressed`,
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
