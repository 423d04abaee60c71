import { describe, expect, it } from 'vitest';
import { baseImageLayerCount, finalStageBase, finalStageSteps } from '../../../src/explain/dockerfile.js';

const DOCKERFILE = `
ARG RUNTIME_IMAGE=busybox
# builder
FROM --platform=$BUILDPLATFORM golang:1.24 AS build
WORKDIR /src
COPY . .
RUN go build \\
    -o /out/app .

FROM \${RUNTIME_IMAGE} AS runtime
WORKDIR /app
COPY --from=build /out/app /app/app
USER nobody
ENTRYPOINT ["/app/app"]
`;

describe('finalStageSteps', () => {
  it.each([
    [null, ['WORKDIR', 'COPY']],
    ['build', ['WORKDIR', 'COPY', 'RUN']],
    ['RUNTIME', ['WORKDIR', 'COPY']],
    ['missing', null],
  ])('target %s: %j', (target, steps) => {
    expect(finalStageSteps(DOCKERFILE, target)).toEqual(steps);
  });

  it('has no stage without FROM', () => {
    expect(finalStageSteps('RUN true\n', null)).toBeNull();
  });
});

describe('baseImageLayerCount', () => {
  it.each([
    [
      'WORKDIR made a layer',
      ['WORKDIR', 'COPY'],
      ['ADD rootfs.tar / # buildkit', 'WORKDIR /app', 'COPY /out/app /app/app # buildkit'],
      1,
    ],
    [
      'WORKDIR made none (the directory existed)',
      ['WORKDIR', 'COPY'],
      ['ADD rootfs.tar /', 'COPY /out/app /app/app'],
      1,
    ],
    ['a base image of several layers', ['COPY'], ['ADD a /', 'RUN /bin/sh -c apk add x', 'COPY app /app'], 2],
    ['FROM scratch: everything is the final stage', ['COPY'], ['COPY app /app'], 0],
    ['an image this Dockerfile did not build', ['COPY', 'RUN'], ['ADD a /', 'COPY b /b'], null],
  ])('%s', (_what, steps, layers, expected) => {
    expect(baseImageLayerCount(steps, layers)).toBe(expected);
  });
});

describe('finalStageBase', () => {
  it.each([
    [null, 'busybox'],
    ['build', 'golang:1.24'],
    ['missing', null],
  ])('target %s: %s', (target, base) => {
    expect(finalStageBase(DOCKERFILE, target)).toBe(base);
  });

  it('follows a stage name to the image it starts from; scratch and unset variables name none', () => {
    expect(finalStageBase('FROM localhost:5000/base:1 AS base\nRUN true\nFROM base\nCOPY a /a\n', null)).toBe(
      'localhost:5000/base:1',
    );
    expect(finalStageBase('FROM golang AS b\nFROM scratch\nCOPY --from=b /x /x\n', null)).toBeNull();
    expect(finalStageBase('FROM $UNSET\n', null)).toBeNull();
  });
});
