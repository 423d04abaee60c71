// The classic store's gzip estimate on the bytes it is hardest on: Debian's large Go binaries, whose
// sections compress very differently at about the same byte entropy.
import { readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { countGzipBytes, DeflateQueue } from '../../../src/measure/gzip-estimate.js';
import { DEBIAN_GO_PROGRAMS, requireDebianGoBinary } from '../../support/toolchains.js';

/** A layer tar holding Debian's Go programs for one architecture, as one buffer. */
async function layerOf(arch: 'amd64' | 'arm64'): Promise<Buffer> {
  const tar = pack();
  const collected = (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of tar) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  })();
  for (const program of DEBIAN_GO_PROGRAMS) {
    const file = requireDebianGoBinary(arch, program);
    tar.entry(
      { name: `usr/local/bin/${program}`, size: statSync(file).size, mode: 0o755 },
      readFileSync(file),
    );
  }
  tar.finalize();
  return collected;
}

describe("gzip estimate on Debian's Go programs (rclone, hugo, restic, crane)", () => {
  it.each(['amd64', 'arm64'] as const)(
    '%s: within 3% of one gzip -6 stream, deflating a fraction of the bytes',
    async (arch) => {
      const layer = await layerOf(arch);
      const exact = (await promisify(gzip)(layer)).length;
      const queue = new DeflateQueue();
      const estimate = await countGzipBytes(Readable.from([layer]), layer.length, queue);
      expect(layer.length).toBeGreaterThan(150e6);
      expect(queue.deflatedInputBytes / layer.length).toBeLessThan(0.1);
      expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.03);
    },
  );
});
