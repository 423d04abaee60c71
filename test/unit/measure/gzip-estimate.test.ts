import { createCipheriv } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { countGzipBytes, DeflateQueue } from '../../../src/measure/gzip-estimate.js';

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

function chunked(data: Buffer, pieceBytes: (i: number) => number = () => 64 * 1024): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0, i = 0; at < data.length; i++) {
        const end = Math.min(data.length, at + pieceBytes(i));
        yield data.subarray(at, end);
        at = end;
      }
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
      // Each deflated 64 KiB chunk ends with a sync flush and starts a new block, which one stream
      // would not write: a few dozen bytes, which only show on data that compresses a thousandfold.
      expect(Math.abs((await countGzipBytes(chunked(data), data.length)) - exact)).toBeLessThanOrEqual(
        32 * Math.ceil(data.length / 2 ** 16),
      );
    },
  );

  it('a small mixed layer (up to 16 MiB, so deflated whole): within 0.5%', async () => {
    const data = mixed(6 * 2 ** 20);
    const exact = gzipSync(data).length;
    expect(Math.abs((await countGzipBytes(chunked(data), data.length)) - exact) / exact).toBeLessThan(0.005);
  });

  it('a large mixed layer (chunks sampled): within 2% of one gzip stream', async () => {
    const data = mixed(40 * 2 ** 20);
    const exact = gzipSync(data).length;
    expect(Math.abs((await countGzipBytes(chunked(data), data.length)) - exact) / exact).toBeLessThan(0.02);
  });

  it('noise in every 8th chunk, where a uniform one-in-8 sample sees only noise: within 3%', async () => {
    // A uniform sample would count it all as noise (several times the real figure). What is left is the
    // new block each deflated chunk starts, about 1.5% on text that compresses tenfold.
    const log = Buffer.from(
      Array.from(
        { length: 2000 },
        (_, i) => `${i} level=info msg="served /v1/items/${i * 7}" ms=${i % 13}\n`,
      ).join(''),
    );
    const parts: Buffer[] = [];
    for (let i = 0; i < 48 * 16; i++)
      parts.push(i % 8 === 0 ? noise(64 * 1024, i) : log.subarray(0, 64 * 1024));
    const data = Buffer.concat(parts);
    const exact = gzipSync(data).length;
    expect(Math.abs((await countGzipBytes(chunked(data), data.length)) - exact) / exact).toBeLessThan(0.03);
  });

  it('chunks of one entropy but unlike repeats are told apart: within 3% where entropy alone is several times off', async () => {
    // Every 5th chunk (the sampling period of a 40 MiB layer) repeats one 4 KiB block sixteen times and
    // compresses some thirtyfold; the others draw the same 16 byte values at random and compress about
    // twofold. Their byte entropy is the same 4 bits, so entropy alone would count them all at the
    // repeating chunks' ratio; the share of repeated words tells them apart.
    let seed = 7;
    const random16 = (bytes: number) => {
      const out = Buffer.alloc(bytes);
      for (let i = 0; i < bytes; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        out[i] = 0x41 + (seed >>> 28);
      }
      return out;
    };
    const block = random16(4096);
    const repeating = Buffer.concat(Array.from({ length: 16 }, () => block));
    const data = Buffer.concat(
      Array.from({ length: 640 }, (_, i) => (i % 5 === 0 ? repeating : random16(64 * 1024))),
    );
    const exact = gzipSync(data).length;
    const queue = new DeflateQueue();
    const figure = await countGzipBytes(chunked(data), data.length, queue);
    expect(Math.abs(figure - exact) / exact).toBeLessThan(0.03);
    expect(queue.deflatedInputBytes / data.length).toBeLessThan(0.5);
  });

  it('deflates a layer of up to 16 MiB whole, and about 8 MiB of a larger one', async () => {
    const small = mixed(16 * 2 ** 20);
    const whole = new DeflateQueue();
    await countGzipBytes(chunked(small), small.length, whole);
    expect(whole.deflatedInputBytes).toBe(small.length);

    const large = mixed(96 * 2 ** 20);
    const sampled = new DeflateQueue();
    const figure = await countGzipBytes(chunked(large), large.length, sampled);
    expect(sampled.deflatedInputBytes).toBeLessThan(12 * 2 ** 20);
    const exact = gzipSync(large).length;
    expect(Math.abs(figure - exact) / exact).toBeLessThan(0.02);
  });

  it('depends on the bytes only: the same layer in pieces of other sizes gets the same figure', async () => {
    const data = mixed(24 * 2 ** 20);
    const figure = await countGzipBytes(chunked(data), data.length);
    const odd = await countGzipBytes(
      chunked(data, (i) => 1 + ((i * 7919) % 200_000)),
      data.length,
    );
    const whole = await countGzipBytes(
      chunked(data, () => data.length),
      data.length,
    );
    expect([odd, whole]).toEqual([figure, figure]);
  });

  it('reads the stream with bounded memory: a layer far larger than the queue budget still finishes', async () => {
    // 32 MiB of noise in one piece, through a 1 MiB budget: the writer waits for room between chunks.
    const queue = new DeflateQueue(2, 1024 * 1024);
    const data = noise(32 * 2 ** 20, 9);
    const figure = await countGzipBytes(
      chunked(data, () => data.length),
      data.length,
      queue,
    );
    expect(Math.abs(figure - data.length) / data.length).toBeLessThan(0.001);
    expect(queue.peakQueuedBytes).toBeGreaterThan(0);
    expect(queue.peakQueuedBytes).toBeLessThanOrEqual(1024 * 1024 + 64 * 1024);
  });
});
