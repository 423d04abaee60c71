// Zips for the artifact tests, written by archiver: the zip writer @actions/artifact itself uploads with
// (installed as its dependency), so a test's zip is the kind a real upload makes.
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';

interface Archiver {
  append(content: string | Buffer, options: { name: string }): void;
  finalize(): Promise<void>;
  pipe(stream: NodeJS.WritableStream): void;
  on(event: 'error', listener: (error: Error) => void): void;
}

const archiver = createRequire(import.meta.url)('archiver') as (
  format: 'zip',
  options: { zlib: { level: number } },
) => Archiver;

export async function zipOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const archive = archiver('zip', { zlib: { level: 6 } });
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    archive.on('error', reject);
  });
  archive.pipe(out);
  for (const [name, content] of Object.entries(files)) archive.append(content, { name });
  await archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}
