// The benchmark's large image: generated deterministically (seeded), built once with BuildKit, and
// reused by tag on later runs. Bump IMAGE_VERSION whenever the generator changes what it writes.
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const IMAGE_VERSION = 'v1';
export const IMAGE_TAG = `isg-bench/large:${IMAGE_VERSION}`;
export const BASE_IMAGE = 'localhost:5000/isg/busybox:1';
export const PLATFORM = 'linux/amd64';
export const GO_BINARIES = ['/usr/sbin/dockerd', '/usr/lib/go-1.24/bin/go'];

const DATA_LAYERS = 5;
const LAYER_TARGET_BYTES = 190 * 2 ** 20;
const BIG_FILES_PER_LAYER = 8;

/** Where the generated context and the OCI layout live between runs. */
export function cacheDir() {
  return join(tmpdir(), `isg-bench-${IMAGE_VERSION}`);
}

/** sfc32: small, fast, seedable; good enough to pick sizes, names and words. */
function prng(seed) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

/** Incompressible bytes: an AES-256-CTR keystream keyed by the seed (deterministic and fast). */
function randomBytesStream(seed) {
  const key = createHash('sha256').update(`isg-bench-key-${seed}`).digest();
  const iv = createHash('md5').update(`isg-bench-iv-${seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const zeros = Buffer.alloc(1 << 20);
  return (length) => {
    const out = Buffer.allocUnsafe(length);
    for (let at = 0; at < length; at += zeros.length) {
      const n = Math.min(zeros.length, length - at);
      cipher.update(zeros.subarray(0, n)).copy(out, at);
    }
    return out;
  };
}

/** An 8 MiB pool of log-like text; text files are spans copied from random offsets of it. */
function textPool(random) {
  const syllables = [
    'ka',
    'lo',
    'mi',
    'ne',
    'ru',
    'sa',
    'to',
    'vi',
    'zo',
    'pe',
    'qu',
    'da',
    'fi',
    'gr',
    'ht',
  ];
  const words = [];
  for (let i = 0; i < 3000; i++) {
    let word = '';
    const n = 1 + Math.floor(random() * 4);
    for (let j = 0; j < n; j++) word += syllables[Math.floor(random() * syllables.length)];
    words.push(word);
  }
  const levels = ['DEBUG', 'INFO', 'INFO', 'INFO', 'WARN', 'ERROR'];
  const parts = [];
  let size = 0;
  let second = 1_700_000_000;
  while (size < 8 * 2 ** 20) {
    second += Math.floor(random() * 3);
    const count = 4 + Math.floor(random() * 14);
    let line = `${new Date(second * 1000).toISOString()} ${levels[Math.floor(random() * levels.length)]} req=${Math.floor(random() * 1e9).toString(16)}`;
    for (let i = 0; i < count; i++) line += ` ${words[Math.floor(random() * words.length)]}`;
    line += '\n';
    parts.push(line);
    size += line.length;
  }
  return Buffer.from(parts.join(''), 'utf8');
}

function writeTextFile(path, size, random, pool) {
  const fd = openSync(path, 'w');
  try {
    let left = size;
    while (left > 0) {
      const span = Math.min(left, 4096 + Math.floor(random() * 12288));
      const from = Math.floor(random() * (pool.length - span));
      writeSync(fd, pool, from, span);
      left -= span;
    }
  } finally {
    closeSync(fd);
  }
}

/** Log-uniform between 32 B and 1 MiB: many small files, a long tail. */
function smallFileSize(random) {
  return Math.round(Math.exp(Math.log(32) + random() * (Math.log(2 ** 20) - Math.log(32))));
}

/** Writes one data layer's directory; returns its file list (relative paths and sizes). */
function writeDataLayer(dir, layer, pool) {
  const random = prng(1000 + layer);
  const randomBytes = randomBytesStream(layer);
  const files = [];
  let bytes = 0;
  let n = 0;
  const add = (size) => {
    const part = `part${n % 10}`;
    const text = random() < 0.5;
    const name = `${part}/f${String(n).padStart(5, '0')}.${text ? 'log' : 'bin'}`;
    mkdirSync(join(dir, part), { recursive: true });
    if (text) writeTextFile(join(dir, name), size, random, pool);
    else writeFileSync(join(dir, name), randomBytes(size));
    files.push({ name, size });
    bytes += size;
    n++;
  };
  for (let i = 0; i < BIG_FILES_PER_LAYER; i++) add(4 * 2 ** 20 + Math.floor(random() * 8 * 2 ** 20));
  while (bytes < LAYER_TARGET_BYTES) add(smallFileSize(random));
  return files;
}

const DOCKERFILE = `FROM ${BASE_IMAGE}
COPY bin/ /usr/local/bin/
${Array.from({ length: DATA_LAYERS }, (_, i) => `COPY d${i + 1}/ /srv/d${i + 1}/`).join('\n')}
COPY overwrite/ /srv/d1/
COPY junk/ /tmp/junk/
RUN rm -rf /tmp/junk /srv/d2/part0 /srv/d3/part1
`;

/** Writes the build context (about 1.1 GiB); deterministic, so a rebuild gives the same files. */
export function generateContext(dir, log) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  for (const binary of GO_BINARIES) copyFileSync(binary, join(dir, 'bin', binary.split('/').pop()));
  const pool = textPool(prng(7));
  let first = [];
  for (let layer = 1; layer <= DATA_LAYERS; layer++) {
    const files = writeDataLayer(join(dir, `d${layer}`), layer, pool);
    if (layer === 1) first = files;
    log(`  generated d${layer}: ${files.length} files`);
  }
  // Replace every tenth file of d1 with new content of a different size: the old bytes still ship.
  const random = prng(42);
  const randomBytes = randomBytesStream(42);
  for (const [i, file] of first.entries()) {
    if (i % 10 !== 0) continue;
    mkdirSync(join(dir, 'overwrite', file.name.split('/')[0]), { recursive: true });
    writeFileSync(join(dir, 'overwrite', file.name), randomBytes(Math.max(1, Math.round(file.size * 0.8))));
  }
  // A 40 MiB build leftover added in one layer and deleted in the next.
  mkdirSync(join(dir, 'junk'), { recursive: true });
  writeTextFile(join(dir, 'junk', 'build.log'), 40 * 2 ** 20, random, pool);
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
}

function run(command, args, log) {
  log(`  $ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed with status ${result.status}`);
}

export function imageExists(tag) {
  return spawnSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure the image is in the local store and (unless `oci` is false) an OCI layout of the same
 * build is on disk. Returns the layout's directory.
 */
export function ensureImage({ rebuild = false, oci = true, log }) {
  const root = cacheDir();
  const context = join(root, 'context');
  const ociDir = join(root, 'oci');
  const needImage = rebuild || !imageExists(IMAGE_TAG);
  const needOci = oci && (rebuild || !existsSync(join(ociDir, 'index.json')));
  if (!needImage && !needOci) return { ociDir, built: false };
  if (rebuild || !existsSync(join(context, 'Dockerfile'))) {
    log(`generating the build context in ${context}`);
    generateContext(context, log);
  }
  if (needImage) {
    log(`building ${IMAGE_TAG}`);
    run('docker', ['buildx', 'build', '--platform', PLATFORM, '--load', '-t', IMAGE_TAG, context], log);
  }
  if (needOci) {
    log(`writing the OCI layout of the same build to ${ociDir}`);
    rmSync(ociDir, { recursive: true, force: true });
    run(
      'docker',
      ['buildx', 'build', '--platform', PLATFORM, '--output', `type=oci,dest=${ociDir},tar=false`, context],
      log,
    );
  }
  // The context can be generated again at will; the image and the layout are what later runs reuse.
  rmSync(context, { recursive: true, force: true });
  return { ociDir, built: true };
}

export const CLASSIC_HOST = 'unix:///var/run/docker-classic.sock';

/** Copies the image into the classic-store daemon (exports there are uncompressed tars), once. */
export function ensureClassicImage({ host = CLASSIC_HOST, log }) {
  if (spawnSync('docker', ['-H', host, 'image', 'inspect', IMAGE_TAG], { stdio: 'ignore' }).status === 0)
    return;
  log(`copying ${IMAGE_TAG} into the classic-store daemon at ${host}`);
  const result = spawnSync(
    'bash',
    ['-o', 'pipefail', '-c', 'docker save "$1" | docker -H "$2" load', 'copy', IMAGE_TAG, host],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (result.status !== 0)
    throw new Error(`copying ${IMAGE_TAG} to ${host} failed with status ${result.status}`);
}

/** The benchmark image plus one layer, as a pull request's head adds a binary to its base. */
export const PR_IMAGE_TAG = `${IMAGE_TAG}-pr`;
/** The binary the pull request's layer adds (13 MB: under 16 MiB, so its estimate deflates all of it). */
const PR_BINARY = GO_BINARIES[1];

/** Builds PR_IMAGE_TAG on the classic-store daemon from the image ensureClassicImage put there, once. */
export function ensureClassicPullRequestImage({ host = CLASSIC_HOST, log }) {
  if (spawnSync('docker', ['-H', host, 'image', 'inspect', PR_IMAGE_TAG], { stdio: 'ignore' }).status === 0)
    return;
  const context = join(tmpdir(), `isg-bench-pr-${IMAGE_VERSION}`);
  rmSync(context, { recursive: true, force: true });
  mkdirSync(context, { recursive: true });
  try {
    copyFileSync(PR_BINARY, join(context, 'service'));
    writeFileSync(join(context, 'Dockerfile'), `FROM ${IMAGE_TAG}\nCOPY service /usr/local/bin/service\n`);
    log(`building ${PR_IMAGE_TAG} on ${host}: ${IMAGE_TAG} plus a layer with ${PR_BINARY}`);
    run(
      'docker',
      ['-H', host, 'buildx', 'build', '--platform', PLATFORM, '--load', '-t', PR_IMAGE_TAG, context],
      log,
    );
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
