// Measurements shaped like the project's fixture images: a lean base commit (busybox + static, stripped Go
// binary) and a bloated head commit (glibc base + CGO, unstripped binary), for linux/amd64 and linux/arm64.
import { createHash } from 'node:crypto';
import type { ImageMeasure, LayerMeasure, PlatformMeasure } from '../../../src/core/model.js';

export function digestOf(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

export function layer(
  instruction: string,
  seed: string,
  uncompressed: number,
  compressed: number,
  files = 1,
): LayerMeasure {
  return {
    digest: digestOf(`blob:${seed}`),
    diffId: digestOf(`diff:${seed}`),
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    sizes: { compressed, uncompressed },
    instruction,
    files,
  };
}

export function platformMeasure(
  platform: string,
  layers: LayerMeasure[],
  manifestBytes = 1_021,
  configBytes = 1_689,
): PlatformMeasure {
  return {
    platform,
    manifestDigest: digestOf(`manifest:${platform}:${layers.map((l) => l.digest).join()}`),
    manifestBytes,
    configDigest: digestOf(`config:${platform}:${layers.map((l) => l.diffId).join()}`),
    configBytes,
    sizes: {
      compressed: manifestBytes + configBytes + layers.reduce((sum, l) => sum + l.sizes.compressed, 0),
      uncompressed: layers.reduce((sum, l) => sum + l.sizes.uncompressed, 0),
    },
    layers,
  };
}

interface ArchFigures {
  arch: 'amd64' | 'arm64';
  libdir: string;
  busybox: [number, number];
  staticServer: [number, number];
  glibc: [number, number];
  sqlite: [number, number];
  cgoServer: [number, number];
}

const AMD64: ArchFigures = {
  arch: 'amd64',
  libdir: 'x86_64-linux-gnu',
  busybox: [1_985_432, 1_028_113],
  staticServer: [5_509_304, 2_241_870],
  glibc: [74_783_642, 28_204_117],
  sqlite: [1_447_376, 651_208],
  cgoServer: [14_926_712, 6_103_458],
};

const ARM64: ArchFigures = {
  arch: 'arm64',
  libdir: 'aarch64-linux-gnu',
  busybox: [1_772_120, 951_333],
  staticServer: [5_308_600, 2_080_511],
  glibc: [71_233_900, 26_540_010],
  sqlite: [1_380_544, 604_433],
  cgoServer: [14_102_336, 5_800_212],
};

// Layers both commits share byte for byte.
const workdir = (arch: string) => layer('WORKDIR /app', `workdir:${arch}`, 0, 93, 0);
const config = (arch: string) =>
  layer('COPY config.yaml /app/config.yaml # buildkit', `config:${arch}`, 1_234, 692);

function leanPlatform(f: ArchFigures): PlatformMeasure {
  return platformMeasure(`linux/${f.arch}`, [
    layer(`ADD rootfs-${f.arch}.tar / # buildkit`, `busybox:${f.arch}`, ...f.busybox, 412),
    layer(
      'COPY /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ # buildkit',
      `certs:${f.arch}`,
      213_777,
      125_412,
    ),
    workdir(f.arch),
    layer('COPY /out/server /app/server # buildkit', `static-server:${f.arch}`, ...f.staticServer),
    config(f.arch),
    layer(
      `RUN |2 TARGETARCH=${f.arch} VERSION=1.4.0 /bin/sh -c echo "$VERSION" > /app/VERSION # buildkit`,
      `version-1.4.0:${f.arch}`,
      6,
      142,
    ),
  ]);
}

function bloatedPlatform(f: ArchFigures): PlatformMeasure {
  return platformMeasure(
    `linux/${f.arch}`,
    [
      layer(`ADD rootfs-${f.arch}.tar / # buildkit`, `glibc:${f.arch}`, ...f.glibc, 6_180),
      layer(
        `COPY /usr/lib/${f.libdir}/libsqlite3.so.0 /usr/lib/${f.libdir}/ # buildkit`,
        `sqlite:${f.arch}`,
        ...f.sqlite,
      ),
      workdir(f.arch),
      layer('COPY /out/server /app/server # buildkit', `cgo-server:${f.arch}`, ...f.cgoServer),
      config(f.arch),
      layer(
        `RUN |2 TARGETARCH=${f.arch} VERSION=1.5.0 /bin/sh -c echo "$VERSION" > /app/VERSION # buildkit`,
        `version-1.5.0:${f.arch}`,
        6,
        143,
      ),
    ],
    1_021,
    2_001,
  );
}

export function leanBase(): ImageMeasure {
  return {
    ref: 'localhost:5000/isg/demo:main',
    source: 'build',
    platforms: [leanPlatform(AMD64), leanPlatform(ARM64)],
  };
}

export function bloatedHead(): ImageMeasure {
  return {
    ref: 'localhost:5000/isg/demo:pr-42',
    source: 'build',
    platforms: [bloatedPlatform(AMD64), bloatedPlatform(ARM64)],
  };
}
