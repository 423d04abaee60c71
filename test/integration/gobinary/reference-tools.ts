// The references the Go binary doctor is checked against: the host Go toolchain and binutils' readelf.
// Helpers only; the tests decide what must match.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { analyzeGoBinary } from '../../../src/analysis/gobinary/index.js';
import type { GoBinaryReport } from '../../../src/analysis/gobinary/types.js';

const run = promisify(execFile);

export const GO = '/usr/lib/go-1.24/bin/go';

/** The doctor's full report on a Go file; anything else fails the test. */
export function analyse(file: string): GoBinaryReport {
  const report = analyzeGoBinary(readFileSync(file), { attributeModules: true });
  if (report.kind !== 'go') throw new Error(`${file}: ${report.kind}: ${report.reason}`);
  return report;
}
const BIG = 1 << 30;

/** An offline, reproducible Go environment: no toolchain switch, no module proxy, no parent workspace. */
export function goEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOTOOLCHAIN: 'local',
    GOPROXY: 'off',
    GOFLAGS: '-mod=mod',
    GOWORK: 'off',
    ...extra,
  };
}

export async function goVersionM(file: string, go = GO): Promise<string> {
  return (await run(go, ['version', '-m', file], { env: goEnv(), maxBuffer: BIG })).stdout;
}

/** Copies a fixture module from test/fixtures/gobinary into a fresh temporary directory. */
export async function copyFixture(name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `isg-gobinary-${name}-`));
  await cp(new URL(`../../fixtures/gobinary/${name}`, import.meta.url), dir, { recursive: true });
  return dir;
}

export async function goBuild(
  dir: string,
  output: string,
  args: string[],
  env: Record<string, string>,
  go = GO,
): Promise<string> {
  const out = join(dir, output);
  await run(go, ['build', '-o', out, ...args, '.'], { cwd: dir, env: goEnv(env), maxBuffer: BIG });
  return out;
}

export interface NmSymbol {
  address: number;
  size: number;
  type: string;
  name: string;
}

/** `go tool nm -size -sort address`: reads only .symtab, so it is independent of the function table. */
export async function goToolNm(file: string, go = GO): Promise<NmSymbol[]> {
  const { stdout } = await run(go, ['tool', 'nm', '-size', '-sort', 'address', file], {
    env: goEnv(),
    maxBuffer: BIG,
  });
  const symbols: NmSymbol[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s*([0-9a-f]+)\s+(\d+)\s+(\S)\s+(.*)$/.exec(line);
    if (m)
      symbols.push({ address: Number.parseInt(m[1]!, 16), size: Number(m[2]), type: m[3]!, name: m[4]! });
  }
  return symbols;
}

/** `go tool addr2line`: the source file of each address (for functions whose names carry no package). */
export async function goToolAddr2line(file: string, addresses: number[], go = GO): Promise<string[]> {
  if (addresses.length === 0) return [];
  const child = execFile(go, ['tool', 'addr2line', file], { env: goEnv(), maxBuffer: BIG });
  const output = new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`addr2line exited ${code}`))));
  });
  child.stdin!.end(addresses.map((a) => `0x${a.toString(16)}\n`).join(''));
  // Two lines per address: the function name, then file:line.
  const lines = (await output).split('\n');
  return addresses.map((_, i) => (lines[i * 2 + 1] ?? '').replace(/:\d+$/, ''));
}

/** The package of a text symbol, by the rule Go's linker names follow (written apart from the code under test). */
export function packageOf(name: string): string | null {
  let rest = name;
  if (rest.startsWith('go:') || rest.startsWith('$')) return null;
  if (rest.startsWith('type:')) {
    const m = /^type:\.(?:eq|hash)\.[[\]\d*]*(.*)$/.exec(rest);
    if (!m || /^(go[:.]|struct|interface|func\(|map\[|chan )/.test(m[1]!)) return null;
    rest = m[1]!;
  }
  const head = rest.split('[')[0]!;
  const dot = head.indexOf('.', head.lastIndexOf('/') + 1);
  if (dot <= 0) return null;
  const pkg = head
    .slice(0, dot)
    .replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  const vendor = pkg.lastIndexOf('/vendor/');
  return vendor >= 0 ? pkg.slice(vendor + 8) : pkg;
}

/** Sums `go tool nm -size` text symbols per package; assembly-local names are placed by their source file. */
export async function nmCodeByPackage(file: string, mainPath: string, go = GO): Promise<Map<string, number>> {
  const text = (await goToolNm(file, go)).filter((s) => s.type === 'T' || s.type === 't');
  const bare = text.filter((s) => packageOf(s.name) === null && /^[A-Za-z0-9_]+$/.test(s.name));
  const sources = await goToolAddr2line(
    file,
    bare.map((s) => s.address),
    go,
  );
  const bareOwner = new Map(
    bare.map((s, i) => {
      const dir = sources[i]!.slice(0, sources[i]!.lastIndexOf('/'));
      const src = dir.lastIndexOf('/src/');
      return [s.name, src >= 0 ? dir.slice(src + 5) : null];
    }),
  );
  const totals = new Map<string, number>();
  for (const s of text) {
    let pkg = packageOf(s.name) ?? bareOwner.get(s.name) ?? null;
    if (pkg === null) continue;
    if (pkg === 'main') pkg = mainPath;
    totals.set(pkg, (totals.get(pkg) ?? 0) + s.size);
  }
  return totals;
}

export interface ReadelfSection {
  index: number;
  name: string;
  type: string;
  offset: number;
  size: number;
}

export interface ReadelfSegment {
  type: string;
  offset: number;
  filesz: number;
  memsz: number;
}

export interface ReadelfFacts {
  sections: ReadelfSection[];
  segments: ReadelfSegment[];
  interpreter: string | null;
  needed: string[];
}

/** Parses `readelf -lSdW`: section table, program headers, interpreter and NEEDED entries. */
export async function readelf(file: string): Promise<ReadelfFacts> {
  const { stdout } = await run('readelf', ['-lSdW', file], { maxBuffer: BIG });
  const sections: ReadelfSection[] = [];
  const segments: ReadelfSegment[] = [];
  let inProgramHeaders = false;
  for (const line of stdout.split('\n')) {
    const section = /^\s*\[\s*(\d+)\]\s(.*)$/.exec(line);
    if (section) {
      const index = Number(section[1]);
      const fields = section[2]!.trim().split(/\s+/);
      // Section 0 has an empty name.
      const [name, type, , offset, size] = index === 0 ? ['', ...fields] : fields;
      sections.push({
        index,
        name: name!,
        type: type!,
        offset: Number.parseInt(offset!, 16),
        size: Number.parseInt(size!, 16),
      });
      continue;
    }
    if (line.startsWith('Program Headers:')) inProgramHeaders = true;
    else if (line.trim() === '' || line.includes('Section to Segment mapping')) inProgramHeaders = false;
    const segment =
      /^\s+([A-Z_]+)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s/.exec(
        line,
      );
    if (inProgramHeaders && segment) {
      segments.push({
        type: segment[1]!,
        offset: Number.parseInt(segment[2]!, 16),
        filesz: Number.parseInt(segment[3]!, 16),
        memsz: Number.parseInt(segment[4]!, 16),
      });
    }
  }
  const interpreter = /\[Requesting program interpreter: (.*)\]/.exec(stdout)?.[1] ?? null;
  const needed = [...stdout.matchAll(/\(NEEDED\)\s+Shared library: \[(.*)\]/g)].map((m) => m[1]!);
  return { sections, segments, interpreter, needed };
}
