// What a classic daemon's push would roughly store for a layer it holds uncompressed: the tar
// gzip-compressed at the default level. Deflating every byte costs several times the export itself
// (gzip -6 runs at 30-50 MB/s on one core), so a layer over 16 MiB is cut into 64 KiB chunks and
// only a sample of them is deflated; the rest are counted at the ratio their sampled peers got.
//
// Peers are chunks alike in two cheap figures, both read from every 8th byte: the order-0 byte
// entropy (half-bit bands), which tells stored-compressed or random data from binaries from text,
// and the share of 4-byte words seen before in the chunk (eighths), which tells the repeats deflate
// finds from bytes that are merely skewed. On 12,800 chunks of Go binaries, shared libraries,
// toolchains and text, the two together leave half the spread of a chunk's deflated size that
// entropy alone leaves (residual 15% of the mean against 31%), so a sample of about 8 MiB per layer
// suffices where entropy alone needed a fifth of the bytes.
//
// Measured against one gzip -6 stream per layer, on 2.8 GB of layers (the benchmark image, Debian's
// Go toolchain image, the test bed's glibc images, Debian's Go programs, .debs and the arm64 cross
// toolchain): every layer over 4 MB within 1.8% and the total within 0.5%, deflating 5.5% of the
// bytes; over 12 other sampling phases of the same method, every layer within 2.2%. Entropy alone
// with one chunk in 8 (and the first 16 MiB of each layer in full) was within 3.1%, deflating 21%.
// Chunks of 32 KiB were tried: a better spread sample, but each deflated chunk starts a new block,
// whose header then adds 4% on text that compresses tenfold (2% at 64 KiB).
//
// Every choice depends on the bytes (and the layer's size) only, never on timing: the same layer
// always gets the same figure, so an unchanged layer never shows a delta.
import { type Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, deflateRaw, type ZlibOptions } from 'node:zlib';

/** Bytes per chunk: the unit that is classified, and deflated or not. */
const CHUNK_BYTES = 64 * 1024;
/** The deflate window: a deflated chunk is primed with the 32 KiB before it, as one stream would see them. */
const DEFLATE_WINDOW_BYTES = 32 * 1024;
/** Both figures are read from every 8th byte of a chunk: plenty to tell its kind. */
const FEATURE_STRIDE = 8;
/** Layers up to this size are deflated whole: near exact, and cheap. */
const EXACT_LAYER_BYTES = 16 * 1024 * 1024;
/** Past it, about this many bytes of a layer are deflated, spread over its kinds of chunk... */
const SAMPLED_BYTES_PER_LAYER = 8 * 1024 * 1024;
/** ...but never fewer than one chunk in 64, nor more than one in 2. */
const SAMPLE_EVERY_MIN = 2;
const SAMPLE_EVERY_MAX = 64;
/** Chunks from this entropy up are stored-compressed or random: their ratio barely varies. */
const INCOMPRESSIBLE_BITS = 7.95;
/** So they are sampled this many times more sparsely. */
const INCOMPRESSIBLE_SPARSER = 8;
/** Entropy bands: half a bit wide up to 7.5 bits, then 7.5-7.75, 7.75-7.95 and the incompressible. */
const ENTROPY_BAND_BITS = 0.5;
const ENTROPY_BANDS = 18;
/** Bands of the share of repeated words. */
const REPEAT_BANDS = 8;
/** Slots of the table that finds repeated words (2^14: ample for a chunk's 8,192 samples). */
const WORD_SLOT_BITS = 14;
/** gzip's 10-byte header and 8-byte trailer (CRC-32 and length) around the deflate stream. */
const GZIP_FRAMING_BYTES = 18;

interface Job {
  input: Buffer;
  options: ZlibOptions;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Deflates chunks on libuv's thread pool, a few at a time, while the export streams on. Shared by
 * all the layers of one archive; once the queued input passes its budget, writers wait for room
 * (bounded memory). (A worker thread that took the whole estimate, fed through a SharedArrayBuffer
 * ring, was measured too: on 2 cores 11.4-12.0 s on the benchmark against 11.9-12.5 s here, slower
 * at a lower priority, and 290-340 MB peak RSS. A classic-store daemon sends its first byte only once
 * it has written the whole archive to disk; from there the daemon's 1.5 s of CPU, the read's 3.5 s
 * and the estimate's 5 s share 2 cores, so the time after the first byte cannot go under 5 s
 * however the work is spread, and is 6.1 s here.)
 */
export class DeflateQueue {
  private readonly waiting: Job[] = [];
  private running = 0;
  private queuedBytes = 0;
  /** The most input ever queued at once, and all input deflated: for the tests. */
  peakQueuedBytes = 0;
  deflatedInputBytes = 0;
  private readonly roomWaiters: (() => void)[] = [];

  constructor(
    private readonly concurrency = 2,
    private readonly budgetBytes = 16 * 1024 * 1024,
  ) {}

  /** The deflated size of `input`, primed with `dictionary`; `last` writes the final block. */
  deflate(input: Buffer, dictionary: Buffer | null, last: boolean): Promise<number> {
    const options: ZlibOptions = { finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH };
    if (dictionary) options.dictionary = dictionary;
    return new Promise((resolve, reject) => {
      this.waiting.push({ input, options, resolve, reject });
      this.queuedBytes += input.length;
      this.deflatedInputBytes += input.length;
      this.peakQueuedBytes = Math.max(this.peakQueuedBytes, this.queuedBytes);
      this.next();
    });
  }

  /** Resolves when the queued input is back under the budget. */
  room(): Promise<void> {
    if (this.queuedBytes <= this.budgetBytes) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  private next(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      deflateRaw(job.input, job.options, (error, out) => {
        this.running--;
        this.queuedBytes -= job.input.length;
        if (error) job.reject(error);
        else job.resolve(out.length);
        if (this.queuedBytes <= this.budgetBytes) for (const wake of this.roomWaiters.splice(0)) wake();
        this.next();
      });
    }
  }
}

/** The scratch space that reads a chunk's two figures, reused chunk after chunk. */
class ChunkFeatures {
  private readonly histogram = new Uint32Array(256);
  private readonly words = new Int32Array(1 << WORD_SLOT_BITS);
  /** Which chunk last wrote each slot: the table is never cleared, only outdated. */
  private readonly owners = new Int32Array(1 << WORD_SLOT_BITS);
  private chunk = 0;

  /** The stratum of a full chunk, given as its little-endian 32-bit words: its entropy band and its band of repeated words. */
  stratum(chunk: Int32Array): number {
    const { histogram, words, owners } = this;
    histogram.fill(0);
    const owner = ++this.chunk;
    const step = FEATURE_STRIDE / 4;
    const samples = Math.ceil(chunk.length / step);
    let repeats = 0;
    for (let i = 0; i < chunk.length; i += step) {
      const word = chunk[i]!;
      histogram[word & 0xff]!++;
      const slot = Math.imul(word, 0x9e3779b1) >>> (32 - WORD_SLOT_BITS);
      if (owners[slot] === owner && words[slot] === word) repeats++;
      owners[slot] = owner;
      words[slot] = word;
    }
    let bits = 0;
    for (const n of histogram) {
      if (n === 0) continue;
      const p = n / samples;
      bits -= p * Math.log2(p);
    }
    const entropyBand =
      bits < 7.5
        ? Math.floor(bits / ENTROPY_BAND_BITS)
        : bits < 7.75
          ? ENTROPY_BANDS - 3
          : bits < INCOMPRESSIBLE_BITS
            ? ENTROPY_BANDS - 2
            : ENTROPY_BANDS - 1;
    const repeatBand = Math.min(REPEAT_BANDS - 1, Math.floor((repeats / samples) * REPEAT_BANDS));
    return entropyBand * REPEAT_BANDS + repeatBand;
  }

  static incompressible(stratum: number): boolean {
    return Math.floor(stratum / REPEAT_BANDS) === ENTROPY_BANDS - 1;
  }
}

interface Stratum {
  /** Chunks seen: one in `every`, the first included, is deflated, and only those set the ratio. */
  chunks: number;
  /** Input bytes of the chunks not deflated, counted at the stratum's sampled ratio. */
  skippedBytes: number;
  sampledIn: number;
  sampledOut: number;
}

interface ChunkBuffer {
  bytes: Buffer;
  /** The same memory as 32-bit words, little-endian on every platform GitHub's runners have. */
  words: Int32Array;
}

function chunkBuffer(): ChunkBuffer {
  // Unpooled, so the memory starts on a word boundary.
  const bytes = Buffer.allocUnsafeSlow(CHUNK_BYTES);
  return { bytes, words: new Int32Array(bytes.buffer, bytes.byteOffset, CHUNK_BYTES / 4) };
}

/** One in how many chunks of each stratum a layer of this size deflates; 1 deflates them all. */
function sampleEvery(layerBytes: number): number {
  if (layerBytes <= EXACT_LAYER_BYTES) return 1;
  const every = Math.round(layerBytes / SAMPLED_BYTES_PER_LAYER);
  return Math.min(SAMPLE_EVERY_MAX, Math.max(SAMPLE_EVERY_MIN, every));
}

/**
 * The gzip estimate of one layer of `layerBytes` bytes (see the top of this file), fed its bytes in
 * order and in pieces of any size. The size sets how sparsely it is sampled, so the same bytes must
 * always come with the same size (the tar header's).
 */
class GzipEstimate {
  private readonly every: number;
  private readonly features = new ChunkFeatures();
  private readonly strata = new Map<number, Stratum>();
  private readonly deflated: Promise<void>[] = [];
  private exactBytes = GZIP_FRAMING_BYTES;
  // Chunks are copied into two buffers in turn, so that where the stream's pieces end changes nothing.
  private current = chunkBuffer();
  private previous = chunkBuffer();
  private filled = 0;
  private primed = false;

  constructor(
    layerBytes: number,
    private readonly queue: DeflateQueue,
  ) {
    this.every = sampleEvery(layerBytes);
  }

  /** Takes the next bytes; deflating goes on in the queue (await its room() to bound memory). */
  write(data: Buffer): void {
    for (let at = 0; at < data.length; ) {
      // A full chunk waits for the next byte: the last chunk, the one with the final bit, holds at least one.
      if (this.filled === CHUNK_BYTES) this.fullChunk();
      const end = Math.min(data.length, at + CHUNK_BYTES - this.filled);
      this.filled += data.copy(this.current.bytes, this.filled, at, end);
      at = end;
    }
  }

  /** Called once, after the last bytes: the figure, once every deflate is done. */
  async result(): Promise<number> {
    // The last chunk is always deflated, with the final bit, and counted as it is.
    this.deflate(this.filled, true, (out) => {
      this.exactBytes += out;
    });
    await Promise.all(this.deflated);
    let total = this.exactBytes;
    for (const s of this.strata.values()) {
      total += s.sampledOut;
      if (s.skippedBytes > 0) total += (s.skippedBytes * s.sampledOut) / s.sampledIn;
    }
    return Math.round(total);
  }

  private fullChunk(): void {
    if (this.every === 1) {
      this.deflate(CHUNK_BYTES, false, (out) => {
        this.exactBytes += out;
      });
    } else {
      const key = this.features.stratum(this.current.words);
      let stratum = this.strata.get(key);
      if (!stratum) {
        stratum = { chunks: 0, skippedBytes: 0, sampledIn: 0, sampledOut: 0 };
        this.strata.set(key, stratum);
      }
      const sparser = ChunkFeatures.incompressible(key) ? INCOMPRESSIBLE_SPARSER : 1;
      if (stratum.chunks++ % (this.every * sparser) === 0) {
        const sampled = stratum;
        this.deflate(CHUNK_BYTES, false, (out) => {
          sampled.sampledIn += CHUNK_BYTES;
          sampled.sampledOut += out;
        });
      } else {
        stratum.skippedBytes += CHUNK_BYTES;
      }
    }
    [this.previous, this.current] = [this.current, this.previous];
    this.primed = true;
    this.filled = 0;
  }

  private deflate(bytes: number, last: boolean, counted: (out: number) => void): void {
    // Copies: the two buffers are overwritten while the thread pool works.
    const input = Buffer.from(this.current.bytes.subarray(0, bytes));
    const dictionary = this.primed
      ? Buffer.from(this.previous.bytes.subarray(CHUNK_BYTES - DEFLATE_WINDOW_BYTES))
      : null;
    const done = this.queue.deflate(input, dictionary, last).then(counted);
    // A failure surfaces through Promise.all in result(); this only keeps it handled until then.
    done.catch(() => undefined);
    this.deflated.push(done);
  }
}

/**
 * A pass-through for one layer's bytes that estimates them on the way: `figure` resolves once the
 * stream has ended and every deflate is done (a failure rejects it; it is already handled, so it may
 * be awaited late). The stream waits while the deflate queue is over its budget.
 */
export function gzipEstimateTap(
  layerBytes: number,
  queue: DeflateQueue,
): { tap: Transform; figure: Promise<number> } {
  const estimate = new GzipEstimate(layerBytes, queue);
  let settle!: (figure: Promise<number>) => void;
  const figure = new Promise<number>((resolve) => {
    settle = resolve;
  });
  figure.catch(() => undefined);
  const tap = new Transform({
    transform(data: Buffer, _encoding, done) {
      (async () => {
        // A chunk at a time, so that one large piece cannot queue more than the budget.
        for (let at = 0; at < data.length; at += CHUNK_BYTES) {
          estimate.write(data.subarray(at, at + CHUNK_BYTES));
          await queue.room();
        }
      })().then(() => done(null, data), done);
    },
    flush(done) {
      settle(estimate.result());
      done();
    },
  });
  return { tap, figure };
}

/** The gzip estimate of one whole layer stream of `layerBytes` bytes. */
export async function countGzipBytes(
  blob: Readable,
  layerBytes: number,
  queue = new DeflateQueue(),
): Promise<number> {
  const { tap, figure } = gzipEstimateTap(layerBytes, queue);
  const discard = new Writable({
    write(_data, _encoding, done) {
      done();
    },
  });
  await pipeline(blob, tap, discard);
  return figure;
}
