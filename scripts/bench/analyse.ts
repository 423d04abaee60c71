// The benchmark's child process: one measurement per process, so its peak RSS is that measurement's
// alone. Bundled on the fly by scripts/bench.mjs. Prints one JSON line on stdout.
//   analyse export IMAGE        full analysis through the Engine API export
//   analyse export-after FIRST IMAGE
//                               the same for IMAGE, after FIRST was read (untimed) in the same run, as a
//                               pull request's base follows its head: their shared layers' gzip estimates
//                               are reused (classic store)
//   analyse oci DIR [PLATFORMS] full analysis of an OCI layout on disk (PLATFORMS: comma-separated)
//   analyse gobinary FILE RUNS  the Go binary doctor on one file, first call and repeated calls
import { closeSync, fstatSync, openSync } from 'node:fs';
import { goBinaryCapture } from '../../src/analysis/gobinary/binary-capture.js';
import { analyzeGoBinary, type ByteSource } from '../../src/analysis/gobinary/index.js';
import { fileContent } from '../../src/analysis/layers/content-capture.js';
import { DockerodeEngine } from '../../src/docker/engine.js';
import { ArchiveReader, type GzipEstimates } from '../../src/measure/archive-reader.js';
import { type ImageReader, type MeasuredImage, measureImage } from '../../src/measure/image-reader.js';
import { OciDirReader } from '../../src/measure/oci-dir-reader.js';

const PLATFORM = 'linux/amd64';

function summary(measured: MeasuredImage, first: string) {
  const platform = measured.measure.platforms[0]!;
  const analysis = measured.analyses.get(first)!;
  return {
    layers: platform.layers.length,
    compressedBytes: platform.sizes.compressed,
    uncompressedBytes: platform.sizes.uncompressed,
    tarBytes: analysis.layers.reduce((n, l) => n + l.tarBytes, 0),
    entries: analysis.layers.reduce((n, l) => n + l.entries, 0),
    finalFiles: analysis.totals.files,
    finalBytes: analysis.totals.bytes,
    wastedBytes: analysis.wasted.bytes,
    wastedFiles: analysis.wasted.files,
    efficiency: analysis.efficiency.score,
    goBinaries: analysis.captured.map((c) => ({
      path: c.path,
      size: c.size,
      kind: c.value.kind,
      functions: c.value.kind === 'go' ? (c.value.attribution?.functions ?? 0) : 0,
      modules: c.value.kind === 'go' ? (c.value.attribution?.modules.length ?? 0) : 0,
    })),
  };
}

/**
 * When the daemon answered the latest export, with its first byte: a classic-store daemon writes the
 * whole archive to its disk before it sends any of it, and nothing can be read in that time.
 */
let exportAnsweredAt: number | undefined;

async function readExport(image: string, known?: GzipEstimates): Promise<ArchiveReader> {
  const archive = await new DockerodeEngine().exportImage(image);
  exportAnsweredAt = performance.now();
  return ArchiveReader.read(archive, goBinaryCapture, known);
}

async function analyseImage(
  open: () => Promise<ImageReader>,
  ref: string,
  source: 'docker' | 'oci-layout',
  platforms = [PLATFORM],
) {
  exportAnsweredAt = undefined;
  const start = performance.now();
  const reader = await open();
  const measured = await measureImage(reader, platforms, ref, source);
  const ms = performance.now() - start;
  return {
    ms,
    firstByteMs: exportAnsweredAt === undefined ? null : exportAnsweredAt - start,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    summary: summary(measured, platforms[0]!),
  };
}

function analyseGoBinary(file: string, runs: number) {
  // By position from the file, as the layer scan reads a binary it spooled: never the whole file at once.
  const fd = openSync(file, 'r');
  const bytes = fileContent(fd, fstatSync(fd).size);
  try {
    return measureGoBinary(file, bytes, runs);
  } finally {
    closeSync(fd);
  }
}

function measureGoBinary(file: string, bytes: ByteSource, runs: number) {
  const time = (attributeModules: boolean) => {
    const start = performance.now();
    const report = analyzeGoBinary(bytes, { attributeModules });
    return { ms: performance.now() - start, report };
  };
  const first = time(true);
  if (first.report.kind !== 'go' || !first.report.attribution) {
    throw new Error(`${file}: no attribution (${first.report.kind})`);
  }
  const repeated: number[] = [];
  for (let i = 0; i < runs; i++) repeated.push(time(true).ms);
  const readOnly: number[] = [];
  for (let i = 0; i < runs; i++) readOnly.push(time(false).ms);
  return {
    fileBytes: bytes.size,
    functions: first.report.attribution.functions,
    modules: first.report.attribution.modules.length,
    attributedBytes: first.report.attribution.attributedBytes,
    firstMs: first.ms,
    repeatedMs: repeated,
    readOnlyMs: readOnly,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

async function main(): Promise<unknown> {
  // The third argument is the mode's own: IMAGE, PLATFORMS or RUNS.
  const [mode, target, third] = process.argv.slice(2);
  if (!target)
    throw new Error('usage: analyse export IMAGE | export-after FIRST IMAGE | oci DIR | gobinary FILE RUNS');
  switch (mode) {
    case 'export':
      return analyseImage(() => readExport(target), target, 'docker');
    case 'export-after': {
      const image = third;
      if (!image) throw new Error('usage: analyse export-after FIRST IMAGE');
      const known: GzipEstimates = new Map();
      await readExport(target, known);
      let reusedEstimates = 0;
      const result = await analyseImage(
        async () => {
          const reader = await readExport(image, known);
          reusedEstimates = reader.reusedEstimates;
          return reader;
        },
        image,
        'docker',
      );
      return { ...result, reusedEstimates };
    }
    case 'oci':
      return analyseImage(
        async () => new OciDirReader(target, goBinaryCapture),
        target,
        'oci-layout',
        third ? third.split(',') : undefined,
      );
    case 'gobinary':
      return analyseGoBinary(target, Number(third ?? 5));
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
