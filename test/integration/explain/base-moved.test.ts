// The same Dockerfile built twice while its base tag is re-pointed to a new digest in the loopback
// registry: the explanation names the moved base with both digests the builds resolved.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goBinaryCapture } from '../../../src/analysis/gobinary/binary-capture.js';
import { DockerBuildx } from '../../../src/buildx/buildx.js';
import { explainPlatform, explainSide, type PlatformExplanation } from '../../../src/explain/explain.js';
import { type MeasuredImage, measureImage } from '../../../src/measure/image-reader.js';
import { OciDirReader } from '../../../src/measure/oci-dir-reader.js';
import { baseMoveSentence } from '../../../src/report/document/explain-facts.js';
import { spansText } from '../../../src/report/render/terminal.js';

/** The sentence as the terminal prints it without colour; null stays null. */
const sentenceText = (spans: Parameters<typeof spansText>[0] | null) =>
  spans === null ? null : spansText(spans);

import {
  BUSYBOX_BASE,
  CONTAINERD_SOCKET,
  dockerEnv,
  REGISTRY,
  requireDaemon,
  requireRegistry,
} from '../../support/docker.js';

const PLATFORM = 'linux/amd64';
const work = mkdtempSync(join(tmpdir(), 'isg-base-moved-'));
// A repository of its own: other tests push to the same registry at the same time.
const BASE = `${REGISTRY}/isg-doctor-base-${randomBytes(4).toString('hex')}:1`;
const DOCKERFILE = `FROM ${BASE} AS runtime\nCOPY app.txt /app.txt\n`;

/** Pushes a new image under the base tag: busybox plus `bytes` of its own. */
function pushBase(bytes: number): void {
  const dir = mkdtempSync(join(work, 'base-'));
  writeFileSync(join(dir, 'payload'), randomBytes(bytes));
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${BUSYBOX_BASE}\nCOPY payload /payload\n`);
  execFileSync(
    'docker',
    ['buildx', 'build', '--platform', PLATFORM, '--provenance=false', '--tag', BASE, '--push', dir],
    { env: dockerEnv(CONTAINERD_SOCKET), stdio: 'pipe' },
  );
}

/** The digest the registry serves for the base tag now. */
async function tagDigest(): Promise<string> {
  const [, repo, tag] = /^[^/]+\/(.+):([^:]+)$/.exec(BASE)!;
  const res = await fetch(`http://127.0.0.1:5000/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      accept: [
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.oci.image.manifest.v1+json',
        'application/vnd.docker.distribution.manifest.v2+json',
        'application/vnd.docker.distribution.manifest.list.v2+json',
      ].join(', '),
    },
  });
  return res.headers.get('docker-content-digest')!;
}

/** Builds the app the way the gate does (its buildx adapter, so with its provenance flag) and measures it. */
async function buildApp(name: string): Promise<MeasuredImage> {
  const context = mkdtempSync(join(work, `${name}-`));
  writeFileSync(join(context, 'app.txt'), 'the app\n');
  writeFileSync(join(context, 'Dockerfile'), DOCKERFILE);
  const layout = join(context, 'oci');
  await new DockerBuildx({ DOCKER_HOST: `unix://${CONTAINERD_SOCKET}` }).build(
    {
      context,
      file: join(context, 'Dockerfile'),
      target: null,
      buildArgs: {},
      secrets: [],
      platforms: [PLATFORM],
      builder: null,
      output: { kind: 'oci-dir', dest: layout },
      metadataFile: join(context, 'metadata.json'),
      iidFile: null,
    },
    () => {},
  );
  return measureImage(new OciDirReader(layout, goBinaryCapture), [PLATFORM], name, 'oci-layout');
}

describe('a base tag re-pointed to a new digest between base and head', () => {
  let before: string;
  let after: string;
  let explanation: PlatformExplanation;

  beforeAll(async () => {
    await requireDaemon(CONTAINERD_SOCKET);
    await requireRegistry();
    pushBase(100_000);
    before = await tagDigest();
    const base = await buildApp('base');
    pushBase(1_300_000);
    after = await tagDigest();
    const head = await buildApp('head');
    explanation = explainPlatform(
      explainSide(head, DOCKERFILE, null, PLATFORM)!,
      explainSide(base, DOCKERFILE, null, PLATFORM)!,
    );
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('reads the digest each build resolved the tag to from its provenance', () => {
    expect(before).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(after).not.toBe(before);
    expect(explanation.baseImageMove).toEqual({
      from: { name: BASE, digest: before },
      to: { name: BASE, digest: after },
      layersOnly: false,
      delta: 1_200_000,
    });
  });

  it('leads with the moved base, both digests and the bytes', () => {
    expect(sentenceText(baseMoveSentence(explanation))).toBe(
      `runtime base moved: ${BASE} @${before} → @${after} (+1.20 MB uncompressed)`,
    );
  });
});
