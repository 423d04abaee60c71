import { describe, expect, it } from 'vitest';
import { type FingerprintRun, fingerprintOf, imageRepository } from '../../../src/store/fingerprint.js';

const RUN: FingerprintRun = {
  workspace: '/repo',
  context: '/repo/svc',
  file: '/repo/svc/Dockerfile',
  target: 'runtime',
  buildArgs: { GO_VERSION: '1.24', CGO_ENABLED: '0' },
  platforms: ['linux/amd64', 'linux/arm64'],
  image: null,
  measuring: 'exact',
  schemaMajor: 2,
};
const id = (change: Partial<FingerprintRun>) => fingerprintOf({ ...RUN, ...change }).id;

describe('fingerprintOf', () => {
  it('is a sha256 of the parts, the same for the same run', () => {
    expect(fingerprintOf(RUN).id).toMatch(/^[0-9a-f]{64}$/);
    expect(id({})).toBe(fingerprintOf(structuredClone(RUN)).id);
  });

  it.each<[string, Partial<FingerprintRun>]>([
    ['a build-arg value', { buildArgs: { GO_VERSION: '1.26', CGO_ENABLED: '0' } }],
    ['a new build-arg', { buildArgs: { ...RUN.buildArgs, LDFLAGS: '-s -w' } }],
    ['the target', { target: null }],
    ['the Dockerfile', { file: '/repo/svc/Dockerfile.prod' }],
    ['the context', { context: '/repo/other' }],
    ['the platforms', { platforms: ['linux/amd64'] }],
    ['the measuring mode', { measuring: 'estimated-compressed' }],
    ['the schema major version', { schemaMajor: 3 }],
  ])('changes with %s', (_, change) => {
    expect(id(change)).not.toBe(id({}));
  });

  it.each<[string, Partial<FingerprintRun>]>([
    ['the order of the platforms', { platforms: ['linux/arm64', 'linux/amd64'] }],
    ['the order of the build-args', { buildArgs: { CGO_ENABLED: '0', GO_VERSION: '1.24' } }],
    ['where the workspace is checked out', { workspace: '/w', context: '/w/svc', file: '/w/svc/Dockerfile' }],
  ])('does not change with %s', (_, change) => {
    expect(id(change)).toBe(id({}));
  });

  it('shows build-arg names, never their values', () => {
    const print = fingerprintOf({ ...RUN, buildArgs: { TOKEN: 's3cr3t-value' } });
    expect(print.parts.buildArgNames).toEqual(['TOKEN']);
    expect(JSON.stringify(print)).not.toContain('s3cr3t-value');
  });

  it('stands an image run for its repository, so two tags of one image compare', () => {
    const image = (ref: string) => fingerprintOf({ ...RUN, image: ref, measuring: 'as-found' });
    expect(image('ghcr.io/acme/api:v1.3').id).toBe(image('ghcr.io/acme/api:v1.2').id);
    expect(image('ghcr.io/acme/api:v1.3').id).toBe(image(`ghcr.io/acme/api@sha256:${'a'.repeat(64)}`).id);
    expect(image('ghcr.io/acme/api:v1.3').id).not.toBe(image('ghcr.io/acme/web:v1.3').id);
    // Build options do not enter an image run's fingerprint.
    expect(image('ghcr.io/acme/api:v1').id).toBe(
      fingerprintOf({ ...RUN, image: 'ghcr.io/acme/api:v2', measuring: 'as-found', target: null }).id,
    );
    expect(image('ghcr.io/acme/api:v1.3').parts).toMatchObject({ image: 'ghcr.io/acme/api', context: null });
  });

  it.each([
    ['localhost:5000/isg/demo:main', 'localhost:5000/isg/demo'],
    ['alpine:3.20', 'docker.io/library/alpine'],
    [`ghcr.io/acme/api:v1@sha256:${'b'.repeat(64)}`, 'ghcr.io/acme/api'],
  ])('imageRepository(%s) is %s', (ref, repo) => {
    expect(imageRepository(ref)).toBe(repo);
  });
});
