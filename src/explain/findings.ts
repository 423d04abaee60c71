// Findings: what is making the image big or broken, each with the bytes at stake and the one-line
// fix, derived only from what the image holds.
import type { FilesystemView } from '../analysis/layers/index.js';
import { formatBytes } from '../core/bytes.js';
import { normalizeInstruction } from '../core/compare.js';
import type { PlatformMeasure } from '../core/model.js';
import type { BinaryFacts, Finding, PlatformExplanation } from './model.js';

export type { Finding, FindingId } from './model.js';

/** Below these, a finding is noise. */
const MIN_WASTE = 1_000_000;
const BASE_SHARE = 0.5;

/** Directories a Go build leaves behind when the final stage is not a clean copy of the binary. */
export const TOOLCHAIN_DIRS = [
  '/usr/local/go',
  '/usr/lib/go',
  '/root/.cache/go-build',
  '/go/pkg/mod',
  '/root/go/pkg/mod',
];

/** glibc's and musl's own libraries: a CGO_ENABLED=0 build needs none of them. */
const LIBC_FAMILY =
  /^(ld-linux[^/]*|ld-musl-[^/]*|lib(c|m|pthread|dl|rt|resolv|util|gcc_s|anl|nsl)\.so(\.\d+)*)$/;

/** Why a Go binary is dynamic: PIE without cgo (only the loader), C libraries beyond libc (a feature
 * depends on them), or cgo against libc alone. */
type DynamicCause = { kind: 'pie' } | { kind: 'c-library'; libraries: string[] } | { kind: 'libc' };

function dynamicCause(b: BinaryFacts): DynamicCause {
  const needed = b.linkage?.needed ?? [];
  const beyondLibc = needed.filter((n) => !LIBC_FAMILY.test(n));
  if (beyondLibc.length > 0) return { kind: 'c-library', libraries: beyondLibc };
  if (needed.length === 0 && (b.settings.CGO_ENABLED === '0' || b.settings['-buildmode'] === 'pie'))
    return { kind: 'pie' };
  return { kind: 'libc' };
}

const PIE_FIX =
  'drop -buildmode=pie (a static executable runs FROM scratch), or keep PIE without a loader: CGO_ENABLED=1 go build -buildmode=pie -ldflags="-linkmode=external -extldflags=-static-pie"';

function cLibraryFix(libraries: string[]): string {
  return `link ${libraries.join(', ')} statically (-ldflags="-linkmode=external -extldflags=-static"), or use a base image that ships ${libraries.join(', ')}; CGO_ENABLED=0 would drop the feature that needs it`;
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

function isLeftover(path: string): string | null {
  if (/(^|\/)\.git(\/|$)/.test(path)) return '.git';
  if (/(^|\/)testdata(\/|$)/.test(path)) return 'testdata';
  if (path.endsWith('_test.go')) return '*_test.go';
  if (path.endsWith('/go.sum') || path.endsWith('/go.mod')) return 'go.mod/go.sum';
  return null;
}

function instruction(measure: PlatformMeasure, layer: number): string {
  // The layer table's rule, so a finding names a layer as the table does (no `|2 TARGETOS=linux …`).
  const short = normalizeInstruction(measure.layers[layer]?.instruction ?? '');
  return short.length > 48 ? `${short.slice(0, 47)}…` : short;
}

export function findingsFor(
  explanation: PlatformExplanation,
  fs: FilesystemView,
  measure: PlatformMeasure,
): Finding[] {
  const findings: Finding[] = [];
  const go = explanation.binaries.filter((b) => b.kind === 'go');
  const baseBytes = explanation.baseImage?.bytes ?? null;

  for (const b of explanation.binaries) {
    if (b.linkage && b.linkage.missing.length > 0) {
      const cause = b.kind === 'go' ? dynamicCause(b) : { kind: 'libc' as const };
      findings.push({
        id: 'cannot-start',
        severity: 'error',
        bytes: null,
        title: `${b.path} cannot start: it needs ${b.linkage.missing.join(', ')}, which the image does not have`,
        fix:
          cause.kind === 'pie'
            ? PIE_FIX
            : cause.kind === 'c-library'
              ? cLibraryFix(cause.libraries)
              : `build it static (CGO_ENABLED=0), or use a base image that provides ${b.linkage.missing[0]}`,
        paths: [b.path],
      });
    }
  }

  for (const b of go) {
    // A binary that cannot start is already the loudest finding; what base it ties to is moot.
    const cause = b.linkage?.kind === 'dynamic' ? dynamicCause(b) : null;
    if (b.linkage && cause?.kind === 'pie' && b.linkage.missing.length === 0) {
      findings.push({
        id: 'pie-needs-loader',
        severity: 'warning',
        bytes: b.linkage.libraryBytes,
        title:
          `${b.path} is built with -buildmode=pie: it links no C library (CGO_ENABLED=${b.settings.CGO_ENABLED ?? '0'}) ` +
          `but needs the loader ${b.linkage.interpreter ?? '(none named)'}, so it cannot run FROM scratch`,
        fix: PIE_FIX,
        paths: [b.path],
      });
    } else if (b.linkage && cause?.kind === 'c-library' && b.linkage.missing.length === 0) {
      findings.push({
        id: 'needs-c-library',
        severity: 'info',
        bytes: b.linkage.libraryBytes,
        title:
          `${b.path} depends on the C ${cause.libraries.length > 1 ? 'libraries' : 'library'} ${cause.libraries.join(', ')} ` +
          `beyond libc (${formatBytes(b.linkage.libraryBytes)} of libraries here), so the image needs a base that ships ${cause.libraries.length > 1 ? 'them' : 'it'}`,
        fix: cLibraryFix(cause.libraries),
        paths: [b.path],
      });
    } else if (b.linkage && cause?.kind === 'libc' && b.linkage.missing.length === 0) {
      const needs = [b.linkage.interpreter, ...b.linkage.needed].filter(Boolean).join(', ');
      findings.push({
        id: 'cgo-dynamic-libc',
        severity: 'warning',
        // What the linking itself costs; the rest of the libc base it ties the image to is the base finding's.
        bytes: b.linkage.libraryBytes,
        title:
          `${b.path} is dynamically linked (CGO_ENABLED=${b.settings.CGO_ENABLED ?? '1'}) and needs ${needs} ` +
          `(${formatBytes(b.linkage.libraryBytes)} here), which ties the image to a libc base`,
        fix: 'build with CGO_ENABLED=0 (add -tags netgo,osusergo if it uses net or os/user) and use FROM scratch or a distroless static base',
        paths: [b.path],
      });
    }
    if (b.strip && b.strip.savingBytes > 0) {
      const trimpath = b.settings['-trimpath'] === 'true';
      findings.push({
        id: 'unstripped-binary',
        severity: 'warning',
        bytes: b.strip.savingBytes,
        title: `${b.path} keeps its symbol table${b.strip.hasDwarf ? ' and DWARF debug info' : ''} (${formatBytes(b.strip.savingBytes)} of ${formatBytes(b.bytes)})`,
        fix: `go build -ldflags="-s -w"${trimpath ? '' : ' -trimpath'}`,
        paths: [b.path],
      });
    }
  }

  const toolchain = new Map<string, number>();
  const toolchainLayers = new Set<number>();
  const leftovers = new Map<string, { bytes: number; paths: Set<string> }>();
  for (const record of fs.walk()) {
    if (record.kind !== 'file') continue;
    const dir = TOOLCHAIN_DIRS.find((d) => under(record.path, d));
    if (dir) {
      toolchain.set(dir, (toolchain.get(dir) ?? 0) + record.size);
      toolchainLayers.add(record.layerIndex);
      continue;
    }
    const kind = isLeftover(record.path);
    if (kind) {
      const entry = leftovers.get(kind) ?? { bytes: 0, paths: new Set<string>() };
      entry.bytes += record.size;
      const top = kind === '.git' ? record.path.replace(/(\/\.git)\/.*$/, '$1') : record.path;
      if (entry.paths.size < 5) entry.paths.add(top);
      leftovers.set(kind, entry);
    }
  }
  if (toolchain.size > 0) {
    const bytes = [...toolchain.values()].reduce((a, b) => a + b, 0);
    findings.push({
      id: 'go-toolchain-in-image',
      severity: 'warning',
      bytes,
      title:
        `the Go toolchain or its caches ship in the final image: ${[...toolchain.keys()].join(', ')} (${formatBytes(bytes)}), ` +
        `put there by ${[...toolchainLayers]
          .sort((a, b) => a - b)
          .map((layer) => `layer ${layer + 1} (${instruction(measure, layer)})`)
          .join(', ')}`,
      fix: 'let the final stage COPY --from=<builder> only the built binary, not the toolchain or the module and build caches',
      paths: [...toolchain.keys()],
    });
  }
  if (leftovers.size > 0) {
    const bytes = [...leftovers.values()].reduce((a, b) => a + b.bytes, 0);
    findings.push({
      id: 'build-context-leftovers',
      severity: bytes >= MIN_WASTE ? 'warning' : 'info',
      bytes,
      title: `build-context leftovers were copied in: ${[...leftovers.keys()].join(', ')} (${formatBytes(bytes)})`,
      fix: 'add them to .dockerignore and COPY only what the service needs at run time',
      paths: [...leftovers.values()].flatMap((l) => [...l.paths]),
    });
  }

  const wasted = explanation.wasted;
  if (wasted.bytes >= MIN_WASTE) {
    const top = wasted.largest[0]!;
    findings.push({
      id: 'wasted-bytes',
      severity: 'warning',
      bytes: wasted.bytes,
      title:
        `${formatBytes(wasted.bytes)} in ${wasted.files} file(s) ship but are deleted or overwritten by a later layer; ` +
        `the largest, ${top.path} (${formatBytes(top.bytes)}), is written by layer ${top.writtenBy + 1} ` +
        `(${instruction(measure, top.writtenBy)}) and removed by layer ${top.removedBy + 1} (${instruction(measure, top.removedBy)})`,
      fix: 'create and delete temporary files in the same RUN (or use RUN --mount=type=cache / a builder stage), since a later layer cannot shrink an earlier one',
      paths: wasted.largest.slice(0, 5).map((f) => f.path),
    });
  }

  const duplicated = explanation.duplicates.filter((d) => d.redundantBytes > 0);
  const redundant = duplicated.reduce((n, d) => n + d.redundantBytes, 0);
  if (redundant >= MIN_WASTE) {
    findings.push({
      id: 'duplicate-files',
      severity: 'info',
      bytes: redundant,
      title: `${duplicated.length} path(s) are written in several layers (${formatBytes(redundant)} shipped more than once), e.g. ${duplicated[0]!.path}`,
      fix: 'write each file once, in the layer where it is final',
      paths: duplicated.slice(0, 5).map((d) => d.path),
    });
  }

  if (baseBytes !== null && explanation.fileBytes > 0 && baseBytes / explanation.fileBytes >= BASE_SHARE) {
    const allStatic = go.length > 0 && go.every((b) => b.linkage?.kind !== 'dynamic');
    const causes = go.filter((b) => b.linkage?.kind === 'dynamic').map(dynamicCause);
    const cLibrary = causes.find((c) => c.kind === 'c-library');
    findings.push({
      id: 'base-image-dominates',
      severity: 'info',
      bytes: baseBytes,
      title: `the base image is ${Math.round((baseBytes / explanation.fileBytes) * 100)}% of the image (${formatBytes(baseBytes)} of ${formatBytes(explanation.fileBytes)})`,
      fix: allStatic
        ? 'the Go binary is static: FROM scratch or a distroless static base needs none of it'
        : go.length === 0
          ? 'the image has no Go binary to tell what the base is for: a smaller base (distroless, or FROM scratch for static programs) ships less'
          : cLibrary
            ? `a base that ships ${cLibrary.libraries.join(', ')} is needed unless the binary links it statically (-ldflags="-linkmode=external -extldflags=-static")`
            : causes.every((c) => c.kind === 'pie')
              ? 'drop -buildmode=pie so the binary is static and can run FROM scratch or a distroless static base'
              : 'build the binary static (CGO_ENABLED=0) so it can run FROM scratch or a distroless static base',
      paths: [],
    });
  }

  const rank = { error: 0, warning: 1, info: 2 } as const;
  return findings.sort((a, b) => rank[a.severity] - rank[b.severity] || (b.bytes ?? 0) - (a.bytes ?? 0));
}
