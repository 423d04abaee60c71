// Runs `docker buildx` through @actions/exec. Results come from the files buildx writes
// (--metadata-file, --iidfile, the OCI layout), never from its log; the log tail only explains failures.
import { readFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import * as exec from '@actions/exec';
import { type BuildSpec, buildxArgv, printableArgv } from './argv.js';

export interface BuildMetadata {
  /** Manifest or index digest (containerimage.digest). */
  digest: string | null;
  configDigest: string | null;
  imageName: string | null;
  /** Image ID from --iidfile, when asked for. */
  imageId: string | null;
}

export class BuildError extends Error {
  constructor(
    message: string,
    readonly tail: string,
  ) {
    super(`${message}\n${tail}`);
  }
}

export interface BuilderInfo {
  name: string;
  driver: string;
}

export interface Buildx {
  version(): Promise<string>;
  inspect(builder: string | null): Promise<BuilderInfo>;
  build(spec: BuildSpec, log: (line: string) => void): Promise<BuildMetadata>;
}

const TAIL_LINES = 40;

/** "0.29.1+ds1" from `docker buildx version` ("github.com/docker/buildx v0.29.1 a1b2c3d"). */
export function buildxVersionNumber(versionLine: string): string {
  const word = versionLine.trim().split(/\s+/)[1] ?? '';
  return /^v?\d/.test(word) ? word.replace(/^v/, '') : versionLine.trim();
}

export class DockerBuildx implements Buildx {
  constructor(private readonly env: Record<string, string> = {}) {}

  private async run(args: string[], onLine?: (line: string) => void) {
    let tail: string[] = [];
    const remember = (line: string) => {
      onLine?.(line);
      tail.push(line);
      if (tail.length > TAIL_LINES * 2) tail = tail.slice(-TAIL_LINES);
    };
    const stdout = new LineBuffer(remember);
    const stderr = new LineBuffer(remember);
    const result = await exec
      .getExecOutput('docker', args, {
        silent: true,
        ignoreReturnCode: true,
        env: { ...(process.env as Record<string, string>), ...this.env },
        listeners: { stdout: (data) => stdout.push(data), stderr: (data) => stderr.push(data) },
      })
      .catch((error: Error) => {
        throw new Error(`could not run docker (${error.message}): install the Docker CLI and put it on PATH`);
      })
      .finally(() => {
        stdout.end();
        stderr.end();
      });
    return { ...result, tail: tail.slice(-TAIL_LINES).join('\n') };
  }

  async version(): Promise<string> {
    const result = await this.run(['buildx', 'version']);
    if (result.exitCode !== 0) {
      throw new Error(
        'docker buildx is not installed: install the buildx plugin (Debian: docker-buildx; GitHub: docker/setup-buildx-action)',
      );
    }
    return result.stdout.trim();
  }

  async inspect(builder: string | null): Promise<BuilderInfo> {
    const result = await this.run(['buildx', 'inspect', ...(builder ? [builder] : [])]);
    if (result.exitCode !== 0) {
      throw new Error(
        `buildx builder ${builder ? `"${builder}"` : '(current)'} is not usable: ${result.tail.split('\n').at(-1)}`,
      );
    }
    const name = /^Name:\s+(\S+)/m.exec(result.stdout)?.[1] ?? builder ?? 'default';
    const driver = /^Driver:\s+(\S+)/m.exec(result.stdout)?.[1] ?? 'docker';
    return { name, driver };
  }

  async build(spec: BuildSpec, log: (line: string) => void): Promise<BuildMetadata> {
    const argv = buildxArgv(spec);
    log(`$ ${printableArgv(argv)}`);
    const result = await this.run(argv, log);
    if (result.exitCode !== 0) {
      throw new BuildError(
        `docker buildx build failed (exit ${result.exitCode}); the end of its output:`,
        result.tail,
      );
    }
    const metadata = JSON.parse(await readFile(spec.metadataFile, 'utf8')) as Record<string, unknown>;
    const imageId = spec.iidFile ? (await readFile(spec.iidFile, 'utf8')).trim() : null;
    return {
      digest:
        typeof metadata['containerimage.digest'] === 'string' ? metadata['containerimage.digest'] : null,
      configDigest:
        typeof metadata['containerimage.config.digest'] === 'string'
          ? metadata['containerimage.config.digest']
          : null,
      imageName: typeof metadata['image.name'] === 'string' ? metadata['image.name'] : null,
      imageId: imageId || null,
    };
  }
}

/**
 * Splits one output stream into whole lines: a line that arrives in several writes (or a multi-byte
 * character split between two) is handed on once, complete, so a fragment never reaches the log as a line
 * of its own. end() hands on what is left when the stream closes.
 */
const MAX_LINE = 64 * 1024;

export class LineBuffer {
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const lines = (this.pending + this.decoder.write(chunk)).split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.emit(line);
    // A writer that never ends its line must not grow memory without bound.
    if (this.pending.length > MAX_LINE) this.end();
  }

  end(): void {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    this.emit(rest);
  }

  private emit(line: string): void {
    const whole = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (whole) this.onLine(whole);
  }
}
