// Where the test bed keeps Go toolchains and the Go programs Debian builds with them. The setup script
// provides all of it; a missing piece fails the test with the fix, never skips it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const TESTBED = '/var/lib/image-size-gate-testbed';

/** GOROOT of each Go release the doctor is checked against (1.24 from bookworm's trixie backport, the
 * others extracted from Debian's unstable suite). */
export const GOROOTS = {
  '1.24': '/usr/lib/go-1.24',
  '1.26': join(TESTBED, 'go', '1.26'),
  '1.27': join(TESTBED, 'go', '1.27'),
} as const;

export type GoRelease = keyof typeof GOROOTS;

export const DEBIAN_GO_BINARIES = join(TESTBED, 'debian-go-binaries');
export const DEBIAN_GO_PROGRAMS = ['rclone', 'hugo', 'restic', 'crane'] as const;

const SETUP_HINT = 'run `sudo bash scripts/setup-test-env.sh` first';

/** bookworm's arm64 cross gcc, extracted by the setup script behind a wrapper that sets its sysroot. */
export const CROSS_ARM64_CC = join(TESTBED, 'cross-arm64', 'bin', 'aarch64-linux-gnu-gcc');

/** The C compiler cgo needs for GOARCH=arm64; throws, with the fix, when the test bed lacks it. */
export function requireArm64Cc(): string {
  if (!existsSync(CROSS_ARM64_CC))
    throw new Error(`arm64 cross gcc is missing at ${CROSS_ARM64_CC}: ${SETUP_HINT}`);
  return CROSS_ARM64_CC;
}

/** The `go` command of a release; throws, with the fix, when the test bed lacks it. */
export function requireGo(release: GoRelease): string {
  const go = join(GOROOTS[release], 'bin', 'go');
  if (!existsSync(go)) throw new Error(`Go ${release} is missing at ${go}: ${SETUP_HINT}`);
  return go;
}

/** A Debian-built Go program for `arch`; throws, with the fix, when the test bed lacks it. */
export function requireDebianGoBinary(arch: 'amd64' | 'arm64', program: string): string {
  const file = join(DEBIAN_GO_BINARIES, arch, program);
  if (!existsSync(file))
    throw new Error(`Debian's ${program} for ${arch} is missing at ${file}: ${SETUP_HINT}`);
  return file;
}
