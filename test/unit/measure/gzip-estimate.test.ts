import { createCipheriv } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { countGzipBytes } from '../../../src/measure/archive-reader.js';

/** Incompressible but repeatable bytes: AES-CTR's keystream under a fixed key. */
function noise(bytes: number, seed: number): Buffer {
  const key = Buffer.alloc(16, seed);
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(bytes));
}

/** Text and random bytes interleaved in 256 KiB runs, so blocks compress very differently. */
function mixed(bytes: number): Buffer {
  const parts: Buffer[] = [];
  const text = Buffer.from(
    'GET /healthz HTTP/1.1 200 {"service":"go-service","goarch":"arm64"}\n'.repeat(4000),
  );
  for (let made = 0, i = 0; made < bytes; i++) {
    const run = Math.min(256 * 1024, bytes - made);
    parts.push(i % 3 === 0 ? noise(run, i) : text.subarray(0, run));
    made += run;
  }
  return Buffer.concat(parts);
}

function chunked(data: Buffer): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < data.length; at += 64 * 1024) yield data.subarray(at, at + 64 * 1024);
    })(),
  );
}

describe('countGzipBytes: the classic-store estimate of what a push would store', () => {
  it.each([
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from('x')],
    ['3 MiB of zeros', Buffer.alloc(3 * 2 ** 20)],
  ])(
    '%s: as gzip -6 of the whole stream, give or take the flush marks between blocks',
    async (_name, data) => {
      const exact = gzipSync(data).length;
      // Each 1 MiB block ends with a sync flush (a few bytes) that one stream would not write.
      expect(Math.abs((await countGzipBytes(chunked(data))) - exact)).toBeLessThanOrEqual(
        16 * Math.ceil(data.length / 2 ** 20),
      );
    },
  );

  it('a small mixed layer (every block deflated): within 0.1% of one gzip stream', async () => {
    const data = mixed(6 * 2 ** 20);
    const exact = gzipSync(data).length;
    expect(Math.abs((await countGzipBytes(chunked(data))) - exact) / exact).toBeLessThan(0.001);
  });

  it('a large mixed layer (blocks sampled past the first 16 MiB): within 2% of one gzip stream', async () => {
    const data = mixed(40 * 2 ** 20);
    const exact = gzipSync(data).length;
    expect(Math.abs((await countGzipBytes(chunked(data))) - exact) / exact).toBeLessThan(0.02);
  });
});
