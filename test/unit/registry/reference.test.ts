import { describe, expect, it } from 'vitest';
import {
  formatReference,
  type ImageReference,
  namesRegistry,
  parseReference,
} from '../../../src/registry/reference.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseReference', () => {
  it.each<[string, ImageReference]>([
    // Docker Hub short names get library/ and :latest, as `docker pull` does
    ['busybox', { host: 'docker.io', repository: 'library/busybox', tag: 'latest', digest: null }],
    ['busybox:1.37', { host: 'docker.io', repository: 'library/busybox', tag: '1.37', digest: null }],
    ['library/busybox', { host: 'docker.io', repository: 'library/busybox', tag: 'latest', digest: null }],
    ['myorg/app:v2', { host: 'docker.io', repository: 'myorg/app', tag: 'v2', digest: null }],
    ['myorg/team/app', { host: 'docker.io', repository: 'myorg/team/app', tag: 'latest', digest: null }],
    ['docker.io/busybox', { host: 'docker.io', repository: 'library/busybox', tag: 'latest', digest: null }],
    [
      'docker.io/library/busybox:1',
      { host: 'docker.io', repository: 'library/busybox', tag: '1', digest: null },
    ],
    [
      'index.docker.io/busybox',
      { host: 'docker.io', repository: 'library/busybox', tag: 'latest', digest: null },
    ],
    [
      'index.docker.io/myorg/app',
      { host: 'docker.io', repository: 'myorg/app', tag: 'latest', digest: null },
    ],
    // registries with a port: the port's colon is not a tag
    ['localhost:5000/app', { host: 'localhost:5000', repository: 'app', tag: 'latest', digest: null }],
    [
      'localhost:5000/isg/busybox:1',
      { host: 'localhost:5000', repository: 'isg/busybox', tag: '1', digest: null },
    ],
    ['127.0.0.1:5000/a/b:c', { host: '127.0.0.1:5000', repository: 'a/b', tag: 'c', digest: null }],
    ['localhost/app:dev', { host: 'localhost', repository: 'app', tag: 'dev', digest: null }],
    ['ghcr.io/owner/image:1.2.3', { host: 'ghcr.io', repository: 'owner/image', tag: '1.2.3', digest: null }],
    ['[::1]:5000/app:x', { host: '[::1]:5000', repository: 'app', tag: 'x', digest: null }],
    // digests: no default tag; a tag and a digest together are both kept
    [`busybox@${DIGEST}`, { host: 'docker.io', repository: 'library/busybox', tag: null, digest: DIGEST }],
    [
      `localhost:5000/app@${DIGEST}`,
      { host: 'localhost:5000', repository: 'app', tag: null, digest: DIGEST },
    ],
    [
      `localhost:5000/app:v1@${DIGEST}`,
      { host: 'localhost:5000', repository: 'app', tag: 'v1', digest: DIGEST },
    ],
    // separators Docker allows in repository names
    ['a/b_c.d-e__f--g', { host: 'docker.io', repository: 'a/b_c.d-e__f--g', tag: 'latest', digest: null }],
    ['  busybox:1  ', { host: 'docker.io', repository: 'library/busybox', tag: '1', digest: null }],
  ])('%j', (ref, expected) => {
    expect(parseReference(ref)).toEqual(expected);
  });

  it.each([
    ['', /is not a repository name/],
    ['Busybox', /is not a repository name/],
    ['localhost:5000/App', /is not a repository name/],
    ['a//b', /is not a repository name/],
    ['-app', /is not a repository name/],
    ['app-', /is not a repository name/],
    ['app:', /"" is not a tag/],
    ['app:has space', /is not a tag/],
    ['app:.hidden', /is not a tag/],
    [`app:${'t'.repeat(129)}`, /is not a tag/],
    ['app@', /is not a digest/],
    ['app@sha256:xyz', /is not a digest/],
    [`app@sha256:${'AB'.repeat(32)}`, /is not a digest/],
    [`app@sha256:${'ab'.repeat(31)}`, /is not a digest/],
    ['app@nodigest', /is not a digest/],
    ['local_host:5000/app', /is not a registry host/],
    ['-bad.example/app', /is not a registry host/],
  ])('rejects %j', (ref, why) => {
    expect(() => parseReference(ref)).toThrow(`"${ref}" is not an image reference`);
    expect(() => parseReference(ref)).toThrow(why);
  });

  it('accepts the longest tag Docker allows and digests of other algorithms', () => {
    expect(parseReference(`app:${'t'.repeat(128)}`).tag).toHaveLength(128);
    expect(parseReference(`app@sha512:${'c'.repeat(128)}`).digest).toBe(`sha512:${'c'.repeat(128)}`);
  });

  it('round-trips through formatReference in the fully qualified form', () => {
    expect(formatReference(parseReference('busybox'))).toBe('docker.io/library/busybox:latest');
    expect(formatReference(parseReference(`localhost:5000/app:v1@${DIGEST}`))).toBe(
      `localhost:5000/app:v1@${DIGEST}`,
    );
    expect(formatReference(parseReference(`app@${DIGEST}`))).toBe(`docker.io/library/app@${DIGEST}`);
  });
});

describe('namesRegistry', () => {
  it.each([
    ['busybox', false],
    ['busybox:1', false],
    [`busybox@${DIGEST}`, false],
    ['library/busybox', false],
    ['myorg/app:v1', false],
    ['localhost/app', true],
    ['localhost:5000/app', true],
    ['localhost:5000/isg/busybox:1', true],
    ['127.0.0.1:5000/app', true],
    ['docker.io/library/busybox', true],
    ['ghcr.io/owner/image:1.2.3', true],
    [`registry.example.com/app@${DIGEST}`, true],
  ])('%j -> %s', (ref, expected) => {
    expect(namesRegistry(ref)).toBe(expected);
  });

  it('agrees with parseReference on which part is the host', () => {
    for (const ref of ['localhost:5000/app', 'myorg/app', 'ghcr.io/o/i', 'busybox']) {
      expect(namesRegistry(ref)).toBe(
        parseReference(ref).host !== 'docker.io' || ref.startsWith('docker.io/'),
      );
    }
  });
});
