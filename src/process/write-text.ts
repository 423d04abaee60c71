// Writing the gate's and the aggregator's output files (reports, markdown) where the user pointed them.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** Writes a file, making its directories in bounded steps. */
export async function writeText(path: string, text: string) {
  await makeDirectory(dirname(path));
  await writeFile(path, text);
}

const MAX_MISSING_DIRECTORIES = 32;

/**
 * mkdir -p in a bounded number of steps. Node's own recursive mkdir never ends where a file system refuses
 * a directory its parent has room for (ENOENT under /proc), so each missing directory is made on its own.
 */
async function makeDirectory(dir: string) {
  const missing: string[] = [];
  for (let current = resolve(dir); ; current = dirname(current)) {
    const found = await stat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (found) {
      if (!found.isDirectory()) throw new Error(`${current} is not a directory`);
      break;
    }
    if (missing.length >= MAX_MISSING_DIRECTORIES || dirname(current) === current) {
      throw new Error(`cannot create ${dir}: more than ${MAX_MISSING_DIRECTORIES} directories are missing`);
    }
    missing.unshift(current);
  }
  for (const each of missing) {
    await mkdir(each).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw new Error(`cannot create ${each} (${error.code ?? error.message})`);
    });
  }
}
