import { PassThrough, type Readable } from 'node:stream';

/** Reads the first bytes of a stream and returns them with a stream that still yields everything. */
export async function sniff(stream: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const chunks: Buffer[] = [];
  let have = 0;
  const iterator = stream[Symbol.asyncIterator]();
  while (have < bytes) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    chunks.push(chunk);
    have += chunk.length;
  }
  const rest = new PassThrough();
  for (const chunk of chunks) rest.write(chunk);
  (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      if (!rest.write(next.value)) await new Promise((r) => rest.once('drain', r));
    }
    rest.end();
  })().catch((error) => rest.destroy(error));
  return { head: Buffer.concat(chunks).subarray(0, bytes), stream: rest };
}
