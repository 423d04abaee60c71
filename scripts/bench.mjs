// `npm run bench`: how fast and how lean the analysis of a large image is, against the floor of
// streaming the same image out of Docker. Prints figures; asserts nothing.
//   node scripts/bench.mjs [--runs N] [--rebuild] [--no-oci] [--no-diagnostics] [--classic] [--json FILE]
// Needs the Docker daemon (containerd image store) and the base image localhost:5000/isg/busybox:1;
// --classic also measures the same image on the classic-store daemon (docker-classic.sock), whose
// export holds uncompressed layers that the analysis gzips to estimate what a push would store, and the
// same image with one more layer read after it, as a pull request's head and base share layers.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import {
  CLASSIC_HOST,
  ensureClassicImage,
  ensureClassicPullRequestImage,
  ensureImage,
  GO_BINARIES,
  IMAGE_TAG,
  PR_IMAGE_TAG,
} from './bench/image.mjs';
import { bundleOptions } from './bundle-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const KNOWN = ['--runs', '--rebuild', '--no-oci', '--no-diagnostics', '--classic', '--json', '--help', '-h'];
const USAGE =
  'usage: node scripts/bench.mjs [--runs N] [--rebuild] [--no-oci] [--no-diagnostics] [--classic] [--json FILE]\n' +
  '  --runs N          runs of each measurement (default 3)\n' +
  '  --rebuild         build the benchmark image (about 1.1 GiB of files) again\n' +
  '  --no-oci          skip the OCI-layout measurement\n' +
  '  --no-diagnostics  skip the diagnostics (the export drained by Node, layers gunzipped from the OCI layout)\n' +
  '  --classic         also measure the classic-store daemon (docker-classic.sock) against its docker save\n' +
  '  --json FILE       write the figures as JSON too\n';
// A benchmark takes minutes: a typo or --help must not start one.
const unknown = args.filter(
  (a, i) => a.startsWith('-') && !KNOWN.includes(a) && !(i > 0 && ['--runs', '--json'].includes(args[i - 1])),
);
if (args.includes('--help') || args.includes('-h') || unknown.length > 0) {
  if (unknown.length > 0) process.stderr.write(`bench: unknown option ${unknown.join(', ')}\n`);
  process.stderr.write(USAGE);
  process.exit(unknown.length > 0 ? 2 : 0);
}
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
};
const runs = Math.max(1, Number(option('--runs', '3')));
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

const TARGETS = { ratio: 1.5, rssBytes: 300e6, goBinaryMs: 1000 };

/** Bundles the TypeScript children (and the byte formatter) into a temp dir, as scripts/build.mjs does. */
async function bundle(outdir) {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: {
      analyse: 'scripts/bench/analyse.ts',
      children: 'scripts/bench/children.ts',
      format: 'scripts/bench/format.ts',
    },
    ...bundleOptions,
    outdir,
    outExtension: { '.js': '.mjs' },
  });
}

/** Runs a bundled child to completion and parses the JSON line it prints. */
function child(script, childArgs, env = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, ...childArgs], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    proc.stdout.on('data', (chunk) => {
      out += chunk;
    });
    proc.on('error', reject);
    proc.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${script} ${childArgs.join(' ')} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

/** Runs `measure` n times, one after another; its results in order. */
async function repeat(n, measure) {
  const results = [];
  for (let i = 0; i < n; i++) results.push(await measure());
  return results;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** `docker save IMAGE > /dev/null`, timed from spawn to exit. */
function dockerSave(image, host = null) {
  const devNull = openSync('/dev/null', 'w');
  try {
    const start = performance.now();
    const hostArgs = host ? ['-H', host] : [];
    const result = spawnSync('docker', [...hostArgs, 'save', image], {
      stdio: ['ignore', devNull, 'inherit'],
    });
    const ms = performance.now() - start;
    if (result.status !== 0) throw new Error(`docker save ${image} failed with status ${result.status}`);
    return ms;
  } finally {
    closeSync(devNull);
  }
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms) => (ms < 10 ? `${ms.toFixed(2)} ms` : `${Math.round(ms)} ms`);

function table(rows) {
  const header = ['Measure', 'Figure', 'Target', 'Met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const met = (ok) => (ok ? 'yes' : 'NO');

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'isg-bench-run-'));
  try {
    await bundle(work);
    const analyse = join(work, 'analyse.mjs');
    const children = join(work, 'children.mjs');
    const { formatBytes } = await import(pathToFileURL(join(work, 'format.mjs')).href);

    const { ociDir } = ensureImage({ rebuild: flag('--rebuild'), oci: !flag('--no-oci'), log });

    // Warm the page cache and the daemon once, so every run sees the same state.
    log('warming up: one docker save');
    dockerSave(IMAGE_TAG);

    log(`floor: docker save ${IMAGE_TAG} > /dev/null, ${runs + 2} runs`);
    const saveMs = await repeat(runs + 2, () => dockerSave(IMAGE_TAG));

    log(`analysis through the Engine API export, ${runs} runs`);
    const exportRuns = await repeat(runs, () => child(analyse, ['export', IMAGE_TAG]));

    let ociRuns = [];
    if (!flag('--no-oci') && existsSync(join(ociDir, 'index.json'))) {
      log(`analysis of the OCI layout ${ociDir}, ${runs} runs`);
      ociRuns = await repeat(runs, () => child(analyse, ['oci', ociDir]));
    }

    const diagnostics = {};
    if (!flag('--no-diagnostics')) {
      log('diagnostics: export drained by Node; layers gunzipped from the OCI layout');
      const drains = await repeat(runs, () => child(children, ['drain', IMAGE_TAG]));
      diagnostics.drainMs = median(drains.map((d) => d.ms));
      diagnostics.drainBytes = drains[0].bytes;
      if (ociRuns.length > 0) {
        const gunzips = await repeat(runs, () => child(children, ['gunzip', ociDir]));
        diagnostics.gunzipMs = median(gunzips.map((d) => d.ms));
        diagnostics.gunzipBytes = gunzips[0].bytes;
      }
    }

    log('Go binary doctor on single binaries');
    const goRuns = [];
    for (const file of GO_BINARIES) goRuns.push({ file, ...(await child(analyse, ['gobinary', file, '5'])) });

    const classic = {};
    if (flag('--classic')) {
      ensureClassicImage({ log });
      dockerSave(IMAGE_TAG, CLASSIC_HOST);
      log(`classic store: docker save, ${runs + 2} runs; analysis through its export, ${runs} runs`);
      const onClassic = (args) => () => child(analyse, args, { DOCKER_HOST: CLASSIC_HOST });
      classic.saveMs = await repeat(runs + 2, () => dockerSave(IMAGE_TAG, CLASSIC_HOST));
      classic.runs = await repeat(runs, onClassic(['export', IMAGE_TAG]));
      log(`classic store: the same export read again with every estimate known, ${runs} runs`);
      classic.knownRuns = await repeat(runs, onClassic(['export-after', IMAGE_TAG, IMAGE_TAG]));
      ensureClassicPullRequestImage({ log });
      dockerSave(PR_IMAGE_TAG, CLASSIC_HOST);
      log(
        `classic store: ${PR_IMAGE_TAG} after ${IMAGE_TAG} in one run, ${runs} runs against its docker save`,
      );
      classic.prSaveMs = await repeat(runs + 2, () => dockerSave(PR_IMAGE_TAG, CLASSIC_HOST));
      classic.prRuns = await repeat(runs, onClassic(['export-after', IMAGE_TAG, PR_IMAGE_TAG]));
    }

    const floor = median(saveMs);
    const exportMs = median(exportRuns.map((r) => r.ms));
    const exportRss = Math.max(...exportRuns.map((r) => r.maxRssBytes));
    const s = exportRuns[0].summary;
    const rows = [
      ['Image', IMAGE_TAG, '', ''],
      [
        'Image: layers / entries / final files',
        `${s.layers} layers, ${s.entries} tar entries, ${s.finalFiles} files in the final filesystem`,
        '>= 5 layers, thousands of files',
        met(s.layers >= 5 && s.finalFiles >= 1000),
      ],
      [
        'Image: uncompressed / compressed',
        `${formatBytes(s.uncompressedBytes)} uncompressed (${formatBytes(s.tarBytes)} of tar), ${formatBytes(s.compressedBytes)} compressed`,
        '>= 1 GiB uncompressed',
        met(s.uncompressedBytes >= 2 ** 30),
      ],
      [
        'Image: wasted bytes / efficiency',
        `${formatBytes(s.wastedBytes)} in ${s.wastedFiles} files, dive efficiency ${(s.efficiency * 100).toFixed(1)}%`,
        '',
        '',
      ],
      [
        'Image: Go binaries inspected',
        s.goBinaries.map((b) => `${b.path} (${formatBytes(b.size)}, ${b.functions} funcs)`).join(', '),
        '',
        '',
      ],
      [
        'Floor: docker save IMAGE > /dev/null',
        `${seconds(floor)} (median of ${saveMs.length}: ${saveMs.map(seconds).join(', ')})`,
        '',
        '',
      ],
      [
        'Analysis via Engine API export',
        `${seconds(exportMs)} (median of ${runs}: ${exportRuns.map((r) => seconds(r.ms)).join(', ')}); the daemon's first byte after ${seconds(median(exportRuns.map((r) => r.firstByteMs)))}`,
        `<= ${seconds(floor * TARGETS.ratio)}`,
        met(exportMs <= floor * TARGETS.ratio),
      ],
      [
        'Ratio analysis / floor',
        `${(exportMs / floor).toFixed(2)}x`,
        `<= ${TARGETS.ratio}x`,
        met(exportMs / floor <= TARGETS.ratio),
      ],
      [
        'Peak RSS of the analysis (export)',
        `${formatBytes(exportRss)} (max of ${runs})`,
        `< ${formatBytes(TARGETS.rssBytes)}`,
        met(exportRss < TARGETS.rssBytes),
      ],
    ];
    if (ociRuns.length > 0) {
      const ociMs = median(ociRuns.map((r) => r.ms));
      const ociRss = Math.max(...ociRuns.map((r) => r.maxRssBytes));
      rows.push(
        [
          'Analysis via OCI layout on disk',
          `${seconds(ociMs)} (median of ${runs}: ${ociRuns.map((r) => seconds(r.ms)).join(', ')}), ${(ociMs / floor).toFixed(2)}x the floor`,
          '',
          '',
        ],
        [
          'Peak RSS of the analysis (OCI layout)',
          `${formatBytes(ociRss)} (max of ${runs})`,
          `< ${formatBytes(TARGETS.rssBytes)}`,
          met(ociRss < TARGETS.rssBytes),
        ],
      );
    }
    if (diagnostics.drainMs !== undefined) {
      rows.push([
        'Diagnostic: export drained by Node, no analysis',
        `${seconds(diagnostics.drainMs)} for ${formatBytes(diagnostics.drainBytes)} (median of ${runs})`,
        '',
        '',
      ]);
    }
    if (diagnostics.gunzipMs !== undefined) {
      rows.push([
        'Diagnostic: layers gunzipped one by one, no analysis',
        `${seconds(diagnostics.gunzipMs)} for ${formatBytes(diagnostics.gunzipBytes)} of tar (median of ${runs})`,
        '',
        '',
      ]);
    }
    for (const go of goRuns) {
      const name = go.file;
      const med = median(go.repeatedMs);
      rows.push(
        [
          `Go doctor: ${name}, first call`,
          `${millis(go.firstMs)} (${formatBytes(go.fileBytes)}, ${go.functions} functions, ${go.modules} modules; read by position, peak RSS ${formatBytes(go.maxRssBytes)})`,
          go.fileBytes >= 50e6 ? `< ${millis(TARGETS.goBinaryMs)}` : '',
          go.fileBytes >= 50e6 ? met(go.firstMs < TARGETS.goBinaryMs) : '',
        ],
        [
          `Go doctor: ${name}, repeated`,
          `${millis(med)} median of ${go.repeatedMs.length} with attribution; ${millis(median(go.readOnlyMs))} without`,
          go.fileBytes >= 50e6 ? `< ${millis(TARGETS.goBinaryMs)}` : '',
          go.fileBytes >= 50e6 ? met(med < TARGETS.goBinaryMs) : '',
        ],
      );
    }
    if (classic.runs) {
      const classicFloor = median(classic.saveMs);
      const classicMs = median(classic.runs.map((r) => r.ms));
      const classicRss = Math.max(...classic.runs.map((r) => r.maxRssBytes));
      const estimate = classic.runs[0].summary.compressedBytes;
      const prFloor = median(classic.prSaveMs);
      const prMs = median(classic.prRuns.map((r) => r.ms));
      rows.push(
        [
          'Classic store: floor docker save',
          `${seconds(classicFloor)} (median of ${classic.saveMs.length}: ${classic.saveMs.map(seconds).join(', ')})`,
          '',
          '',
        ],
        [
          'Classic store: analysis via export',
          `${seconds(classicMs)} (median of ${runs}: ${classic.runs.map((r) => seconds(r.ms)).join(', ')}), ${(classicMs / classicFloor).toFixed(2)}x the floor`,
          `<= ${TARGETS.ratio}x`,
          met(classicMs / classicFloor <= TARGETS.ratio),
        ],
        [
          'Classic store: where the analysis spends its time',
          `the daemon's first byte after ${seconds(median(classic.runs.map((r) => r.firstByteMs)))} (it writes the whole archive to disk first); from there to the end ${seconds(median(classic.runs.map((r) => r.ms - r.firstByteMs)))} estimating every layer, ${seconds(median(classic.knownRuns.map((r) => r.ms - r.firstByteMs)))} with every estimate known (median of ${runs} each)`,
          '',
          '',
        ],
        [
          'Classic store: peak RSS',
          `${formatBytes(classicRss)} (max of ${runs})`,
          `< ${formatBytes(TARGETS.rssBytes)}`,
          met(classicRss < TARGETS.rssBytes),
        ],
        [
          'Classic store: an image whose layers but one have known estimates (stored baseline, or earlier in the run)',
          `${seconds(prMs)} (median of ${runs}: ${classic.prRuns.map((r) => seconds(r.ms)).join(', ')}), ${(prMs / prFloor).toFixed(2)}x its docker save (${seconds(prFloor)}); ${classic.prRuns[0].reusedEstimates} of ${classic.prRuns[0].summary.layers} layers' estimates reused`,
          `<= ${TARGETS.ratio}x`,
          met(prMs / prFloor <= TARGETS.ratio),
        ],
        [
          'Classic store: gzip estimate vs real',
          `${formatBytes(estimate)} estimated, ${formatBytes(s.compressedBytes)} in the containerd store (${(((estimate - s.compressedBytes) / s.compressedBytes) * 100).toFixed(3)}%)`,
          '',
          '',
        ],
      );
    }
    process.stdout.write(
      `\nimage-size-gate benchmark (node ${process.version}, ${new Date().toISOString()})\n\n`,
    );
    process.stdout.write(`${table(rows)}\n`);
    const jsonOut = option('--json', null);
    if (jsonOut) {
      writeFileSync(
        jsonOut,
        JSON.stringify({ saveMs, exportRuns, ociRuns, diagnostics, goRuns, classic }, null, 2),
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
