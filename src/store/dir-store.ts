// `dir://PATH`: one JSON file per report, <commit>-<fingerprint 12>.json, in a directory (the CLI's default
// store, a shared disk on self-hosted runners, tests).
import { mkdir, open, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Report, renderJson } from '../report/json.js';
import { shortFingerprint } from './fingerprint.js';
import { type ReportStore, StoreError, type StoreKey, type StoreRead } from './store.js';
import { MAX_STORED_REPORT_BYTES, readStoredReport } from './validate.js';

const ENTRY = /^([0-9a-f]{40}|[0-9a-f]{64})-([0-9a-f]{12})\.json$/;

export class DirStore implements ReportStore {
  readonly name: string;

  constructor(private readonly dir: string) {
    this.name = `dir://${dir}`;
  }

  async put(report: Report): Promise<void> {
    const key = keyOf(report);
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, fileName(key));
    // Write then rename, so a reader never sees half a report.
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, renderJson(report));
    await rename(temp, path);
  }

  async get(key: StoreKey): Promise<StoreRead> {
    const path = join(this.dir, fileName(key));
    let bytes: Buffer;
    try {
      bytes = await readCapped(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A directory that is not there is most often a mistyped path: say so, not "no report".
      if (code === 'ENOENT' && !(await exists(this.dir))) return { kind: 'error', cause: missing(this.dir) };
      if (code === 'ENOENT') return { kind: 'absent' };
      return { kind: 'error', cause: (error as Error).message };
    }
    return readStoredReport(bytes, key);
  }

  async list(): Promise<Report[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreError(missing(this.dir));
      throw new StoreError(`cannot list ${this.dir}: ${(error as Error).message}`);
    }
    const reports: Report[] = [];
    for (const name of names.filter((n) => ENTRY.test(n))) {
      const read = readStoredReport(await readCapped(join(this.dir, name)), null);
      if (read.kind === 'found') reports.push(read.report);
    }
    return newestFirst(reports);
  }
}

function missing(dir: string): string {
  return `the directory ${dir} does not exist (a push run with publish creates it; check the path)`;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export function keyOf(report: Report): StoreKey {
  if (!report.run?.commit)
    throw new StoreError('a report is stored by the commit it measured, and this one has none');
  return { commit: report.run.commit, fingerprint: report.run.fingerprint.id };
}

export function newestFirst(reports: Report[]): Report[] {
  return reports.sort((a, b) => (a.generatedAt < b.generatedAt ? 1 : a.generatedAt > b.generatedAt ? -1 : 0));
}

function fileName(key: StoreKey): string {
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(key.commit) || !/^[0-9a-f]{12,64}$/.test(key.fingerprint)) {
    throw new StoreError(`not a store key: ${key.commit.slice(0, 80)} ${key.fingerprint.slice(0, 80)}`);
  }
  return `${key.commit}-${shortFingerprint(key.fingerprint)}.json`;
}

/** Reads at most one byte past the cap, so an oversized file is refused without reading it whole. */
async function readCapped(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(MAX_STORED_REPORT_BYTES + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}
