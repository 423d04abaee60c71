// What decides an image, reduced to one hash: two runs with the same fingerprint measured images built the
// same way, so one's report can stand in for the other's base. Pure.
import { createHash } from 'node:crypto';
import { relative, sep } from 'node:path';
import type { Fingerprint, MeasuringMode, Platform } from '../core/model.js';
import { parseReference } from '../registry/reference.js';

export type { Fingerprint, MeasuringMode };

export interface FingerprintRun {
  workspace: string;
  /** Absolute paths, as the inputs hold them. */
  context: string;
  file: string;
  target: string | null;
  buildArgs: Record<string, string>;
  platforms: readonly Platform[];
  /** The head image measured instead of a build; its repository stands for the build options. */
  image: string | null;
  measuring: MeasuringMode;
  schemaMajor: number;
}

/** The first 12 hex digits, as tags and artifact names carry it. */
export function shortFingerprint(id: string): string {
  return id.slice(0, 12);
}

export function fingerprintOf(run: FingerprintRun): Fingerprint {
  const platforms = [...run.platforms].sort();
  const hashed: Record<string, unknown> = run.image
    ? { image: imageRepository(run.image), platforms, measuring: run.measuring, schemaMajor: run.schemaMajor }
    : {
        context: workspacePath(run.workspace, run.context),
        file: workspacePath(run.workspace, run.file),
        target: run.target,
        // Secrets are never part of it: they are `--secret` specs, not build options that change the image.
        buildArgs: Object.entries(run.buildArgs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        platforms,
        measuring: run.measuring,
        schemaMajor: run.schemaMajor,
      };
  const id = createHash('sha256').update(JSON.stringify(hashed)).digest('hex');
  return {
    id,
    parts: {
      image: run.image ? imageRepository(run.image) : null,
      context: run.image ? null : workspacePath(run.workspace, run.context),
      file: run.image ? null : workspacePath(run.workspace, run.file),
      target: run.image ? null : run.target,
      buildArgNames: run.image ? [] : Object.keys(run.buildArgs).sort(),
      platforms,
      measuring: run.measuring,
      schemaMajor: run.schemaMajor,
    },
  };
}

/** `ghcr.io/acme/api:v1.3@sha256:…` → `ghcr.io/acme/api`: releases of one image compare with each other. */
export function imageRepository(image: string): string {
  const ref = parseReference(image);
  return `${ref.host}/${ref.repository}`;
}

function workspacePath(workspace: string, path: string): string {
  const rel = relative(workspace, path).split(sep).join('/');
  return rel === '' ? '.' : rel;
}
