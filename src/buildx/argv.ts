// The `docker buildx build` command line, built from a plain spec so it can be tested without Docker.
import type { Platform } from '../core/model.js';

export type BuildOutput =
  /** An OCI layout directory: exact compressed blobs for every platform (containerd store or a non-docker driver). */
  | { kind: 'oci-dir'; dest: string }
  /** An image in the daemon's store (classic store: one platform per build), optionally pushed too. */
  | { kind: 'image'; name: string; push: boolean };

/** What a build is made of, as the user chose it (the action's inputs, the CLI's flags). */
export interface BuildOptions {
  context: string;
  file: string;
  target: string | null;
  buildArgs: Record<string, string>;
  /** Raw `--secret` specs; never logged. */
  secrets: string[];
  platforms: Platform[];
  builder: string | null;
}

export interface BuildSpec extends BuildOptions {
  output: BuildOutput;
  metadataFile: string;
  iidFile: string | null;
}

export function buildxArgv(spec: BuildSpec): string[] {
  const argv = ['buildx', 'build', '--progress=plain'];
  if (spec.builder) argv.push('--builder', spec.builder);
  argv.push('--file', spec.file, '--platform', spec.platforms.join(','));
  if (spec.target) argv.push('--target', spec.target);
  for (const [key, value] of Object.entries(spec.buildArgs)) argv.push('--build-arg', `${key}=${value}`);
  for (const secret of spec.secrets) argv.push('--secret', secret);
  if (spec.output.kind === 'oci-dir') {
    // Minimal provenance records the digest each FROM resolved to (no build args, no secrets): how a
    // moved base image is named. The classic store's image exporter cannot load the attestation index.
    argv.push('--output', `type=oci,dest=${spec.output.dest},tar=false`, '--provenance=mode=min');
  } else {
    argv.push('--output', `type=image,name=${spec.output.name},push=${spec.output.push}`);
  }
  argv.push('--metadata-file', spec.metadataFile);
  if (spec.iidFile) argv.push('--iidfile', spec.iidFile);
  argv.push(spec.context);
  return argv;
}

/** The command line as it may be logged: secret specs are replaced, whatever they hold. */
export function printableArgv(argv: string[]): string {
  const shown = argv.map((arg, i) => (argv[i - 1] === '--secret' ? '***' : arg));
  return ['docker', ...shown]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`))
    .join(' ');
}
