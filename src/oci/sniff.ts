import { Readable } from 'node:stream';

/**
 * Reads the first bytes of a stream and returns them with a stream that still yields everything, with the
 * source's back-pressure (each chunk is pulled from the source as the consumer asks).
 */
export async function sniff(stream: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const chunks: Uint8Array[] = [];
  let have = 0;
  let ended = false;
  while (have < bytes) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(next.value);
    have += next.value.byteLength;
  }
  async function* replay(): AsyncGenerator<Uint8Array> {
    yield* chunks;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const head = Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
  return { head: head.subarray(0, bytes), stream: Readable.from(replay(), { objectMode: false }) };
}
