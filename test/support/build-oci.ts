// Builds a Dockerfile with buildx into an OCI layout and measures it the way the gate does.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { goBinaryCapture } from '../../src/analysis/gobinary/binary-capture.js';
import { type MeasuredImage, measureImage } from '../../src/measure/image-reader.js';
import { OciDirReader } from '../../src/measure/oci-dir-reader.js';
import { CONTAINERD_SOCKET, dockerEnv } from './docker.js';

export interface OciBuild {
  dockerfile: string;
  /** Extra files in the build context. */
  files?: Record<string, string>;
  context?: string;
  platforms: string[];
  buildArgs?: Record<string, string>;
  /** Extra options for the oci exporter, e.g. "compression=zstd,force-compression=true". */
  exporter?: string;
}

export async function buildAndMeasureOci(build: OciBuild): Promise<MeasuredImage> {
  const work = mkdtempSync(join(tmpdir(), 'isg-oci-build-'));
  try {
    const context = build.context ?? join(work, 'context');
    if (!build.context) {
      mkdirSync(context, { recursive: true });
      for (const [name, text] of Object.entries(build.files ?? {})) {
        mkdirSync(dirname(join(context, name)), { recursive: true });
        writeFileSync(join(context, name), text);
      }
    }
    const dockerfile = join(work, 'Dockerfile');
    writeFileSync(dockerfile, build.dockerfile);
    const layout = join(work, 'oci');
    execFileSync(
      'docker',
      [
        'buildx',
        'build',
        '--platform',
        build.platforms.join(','),
        '--file',
        dockerfile,
        ...Object.entries(build.buildArgs ?? {}).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]),
        '--output',
        `type=oci,dest=${layout},tar=false${build.exporter ? `,${build.exporter}` : ''}`,
        context,
      ],
      { env: dockerEnv(CONTAINERD_SOCKET), stdio: 'pipe' },
    );
    return await measureImage(
      new OciDirReader(layout, goBinaryCapture),
      build.platforms,
      'test',
      'oci-layout',
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
