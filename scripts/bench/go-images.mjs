// `node scripts/bench/go-images.mjs [--runs N]`: peak RSS and wall time of the full analysis of OCI
// layouts (linux/amd64 and linux/arm64) holding Debian's large Go binaries, to show how memory follows
// the largest binary: restic alone, rclone alone (about twice restic), and rclone with hugo. Prints
// figures; asserts nothing. Needs buildx and the test bed's Debian Go binaries and base image.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { bundleOptions } from '../bundle-options.mjs';
import { BASE_IMAGE } from './image.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BINARIES = '/var/lib/image-size-gate-testbed/debian-go-binaries';
const PLATFORMS = ['linux/amd64', 'linux/arm64'];
const IMAGES = { restic: ['restic'], rclone: ['rclone'], 'rclone+hugo': ['rclone', 'hugo'] };
const args = process.argv.slice(2);
const runs = Math.max(1, Number(args[args.indexOf('--runs') + 1] || 3));
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

function layout(name, programs) {
  const dir = join(tmpdir(), `isg-bench-go-${name}`);
  if (existsSync(join(dir, 'oci', 'index.json'))) return join(dir, 'oci');
  const context = join(dir, 'context');
  rmSync(dir, { recursive: true, force: true });
  for (const arch of ['amd64', 'arm64']) {
    mkdirSync(join(context, arch), { recursive: true });
    for (const p of programs) copyFileSync(join(BINARIES, arch, p), join(context, arch, p));
  }
  writeFileSync(
    join(context, 'Dockerfile'),
    `FROM ${BASE_IMAGE}\nARG TARGETARCH\nCOPY \${TARGETARCH}/ /usr/local/bin/\n`,
  );
  log(`building ${name} for ${PLATFORMS.join(', ')}`);
  const result = spawnSync(
    'docker',
    [
      'buildx',
      'build',
      '--platform',
      PLATFORMS.join(','),
      '--output',
      `type=oci,dest=${join(dir, 'oci')},tar=false`,
      context,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.status !== 0) throw new Error(`building ${name} failed`);
  rmSync(context, { recursive: true, force: true });
  return join(dir, 'oci');
}

function child(script, childArgs) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, ...childArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
    });
    proc.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`exit ${code}`)),
    );
  });
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const work = mkdtempSync(join(tmpdir(), 'isg-bench-go-run-'));
try {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: { analyse: 'scripts/bench/analyse.ts' },
    ...bundleOptions,
    outdir: work,
    outExtension: { '.js': '.mjs' },
  });
  const rows = [];
  for (const [name, programs] of Object.entries(IMAGES)) {
    const oci = layout(name, programs);
    const largest = Math.max(...programs.map((p) => statSync(join(BINARIES, 'amd64', p)).size));
    const results = [];
    for (let i = 0; i < runs; i++)
      results.push(await child(join(work, 'analyse.mjs'), ['oci', oci, PLATFORMS.join(',')]));
    const rss = results.map((r) => r.maxRssBytes);
    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    rows.push(
      `| ${name} | ${mib(largest)} | ${mib(Math.max(...rss))} (runs: ${rss.map(mib).join(', ')}) | ${(ms[Math.floor(ms.length / 2)] / 1000).toFixed(2)} s (runs: ${results.map((r) => (r.ms / 1000).toFixed(2)).join(', ')}) |`,
    );
  }
  process.stdout.write(
    `\nGo images, ${PLATFORMS.join(' + ')}, full analysis of the OCI layout (node ${process.version})\n\n` +
      '| Image | Largest binary (amd64) | Peak RSS, max | Wall time, median |\n|---|---|---|---|\n' +
      `${rows.join('\n')}\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
