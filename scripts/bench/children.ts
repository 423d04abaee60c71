// Diagnostic child processes for the benchmark: what the analysis costs without its analysis part.
//   children drain IMAGE   the Engine API export, read by Node and thrown away
//   children gunzip DIR    every layer blob of an OCI layout decompressed and thrown away, one by one
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DockerodeEngine } from '../../src/docker/engine.js';
import { compressionOfMediaType, decompress } from '../../src/oci/layer-stream.js';
import type { ImageIndex, ImageManifest } from '../../src/oci/types.js';

function sink(): { stream: Writable; bytes: () => number } {
  let bytes = 0;
  return {
    stream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    }),
    bytes: () => bytes,
  };
}

async function drain(image: string) {
  const start = performance.now();
  const out = sink();
  await pipeline(await new DockerodeEngine().exportImage(image), out.stream);
  return {
    ms: performance.now() - start,
    bytes: out.bytes(),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

async function blobJson<T>(dir: string, digest: string): Promise<T> {
  const [algorithm, hex] = digest.split(':');
  return JSON.parse(await readFile(join(dir, 'blobs', algorithm!, hex!), 'utf8')) as T;
}

async function gunzip(dir: string) {
  const start = performance.now();
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as ImageIndex;
  const manifest = await blobJson<ImageManifest>(dir, index.manifests[0]!.digest);
  let bytes = 0;
  for (const layer of manifest.layers) {
    const [algorithm, hex] = layer.digest.split(':');
    const out = sink();
    const blob = createReadStream(join(dir, 'blobs', algorithm!, hex!));
    await pipeline(decompress(blob, compressionOfMediaType(layer.mediaType)), out.stream);
    bytes += out.bytes();
  }
  return { ms: performance.now() - start, bytes, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
}

const [mode, target] = process.argv.slice(2);
if (!target) throw new Error('usage: children drain IMAGE | gunzip DIR');
const result = mode === 'drain' ? await drain(target) : mode === 'gunzip' ? await gunzip(target) : null;
if (!result) throw new Error(`unknown mode ${mode}`);
process.stdout.write(`${JSON.stringify(result)}\n`);
