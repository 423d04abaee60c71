// What the Go binary doctor reports about one executable. Pure data: every figure is in bytes of the
// file as it sits on disk (the image layer holds exactly these bytes).

export interface GoModule {
  path: string;
  version: string;
  /** The go.sum hash ("h1:..."), empty when Go recorded none (local and replaced modules). */
  sum: string;
  replace: GoModule | null;
}

export interface BuildSetting {
  key: string;
  value: string;
}

/** The module information `go version -m` prints, parsed the way Go's runtime/debug parses it. */
export interface GoBuildInfo {
  /** Import path of the main package ("" in binaries that recorded none). */
  path: string;
  main: GoModule | null;
  deps: GoModule[];
  settings: BuildSetting[];
  /** Set when the recorded text could not be parsed; the fields above then hold what was read before the error. */
  parseError: string | null;
}

export interface GoVersion {
  /** As recorded, e.g. "go1.22-20231128-RC02 cl/585442134 +c1e6d6f8a6 X:boringcrypto". */
  raw: string;
  major: number;
  minor: number;
  patch: number | null;
  /** "rc2", "beta1" for pre-releases. */
  prerelease: string | null;
  /** Whatever follows the version proper (vendor build stamps, experiments). */
  suffix: string;
  devel: boolean;
}

export interface ElfSectionFacts {
  index: number;
  name: string;
  /** readelf's name for sh_type: PROGBITS, NOBITS, SYMTAB, ... (hex for unknown types). */
  type: string;
  /** sh_flags bits (SHF_WRITE 0x1, SHF_ALLOC 0x2, SHF_EXECINSTR 0x4, SHF_COMPRESSED 0x800, ...). */
  flags: number;
  addr: number;
  offset: number;
  /** sh_size: for NOBITS sections this occupies no file bytes. */
  size: number;
}

export interface ElfSegmentFacts {
  /** readelf's name for p_type: LOAD, INTERP, DYNAMIC, GNU_STACK, ... */
  type: string;
  /** p_flags bits: PF_X 1, PF_W 2, PF_R 4. */
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

export interface ElfFacts {
  class: 32 | 64;
  endian: 'little' | 'big';
  /** e_machine number. */
  machine: number;
  /** Go's name for the architecture (amd64, arm64, ...) or null when Go has none. */
  goarch: string | null;
  /** e_type as readelf names it: EXEC, DYN, REL, CORE. */
  type: string;
  fileBytes: number;
  sections: ElfSectionFacts[];
  segments: ElfSegmentFacts[];
}

export type LinkageKind = 'static' | 'static-pie' | 'dynamic';

export interface Linkage {
  kind: LinkageKind;
  /** PT_INTERP: the loader the kernel starts first; the container cannot start without it. */
  interpreter: string | null;
  /** DT_NEEDED libraries, in the order the loader resolves them. */
  needed: string[];
  pie: boolean;
}

export interface SectionBytes {
  section: string;
  bytes: number;
}

export interface StripFacts {
  /** True when there is no .symtab (what `-s` removes). */
  stripped: boolean;
  hasSymtab: boolean;
  /** DWARF present (.debug_* or .zdebug_*, compressed or not): what `-w` removes. */
  hasDwarf: boolean;
  /** Exact bytes `-ldflags="-s -w"` saves: the removed sections, their names in .shstrtab, and their
   * headers when those sit at the end of the file. */
  savingBytes: number;
  bySection: SectionBytes[];
}

export interface PackageShare {
  package: string;
  /** Everything charged to the package: its code, its share of spread metadata, its symbols and data. */
  bytes: number;
  /** Machine code of its functions without the alignment padding between them (what `go tool nm -size` lists). */
  codeBytes: number;
  functions: number;
}

/** main = the binary's main module, dependency = listed in build info, stdlib = Go's standard library (and
 * the toolchain's cmd/...), inferred = a module root guessed from the import path because the binary
 * records no module list (GOPATH and vendored distribution builds). */
export type ModuleKind = 'main' | 'dependency' | 'stdlib' | 'inferred';

export interface ModuleShare {
  module: string;
  version: string | null;
  kind: ModuleKind;
  bytes: number;
  codeBytes: number;
  packages: PackageShare[];
}

/** How a section's bytes reached packages:
 * functions: .text by function extent (pclntab);
 * spread: function metadata (pclntab, funcdata, DWARF) shared out in proportion to each package's code;
 * symbols: .symtab/.strtab entries and data objects charged to the package their symbol names. */
export type AttributionMethod = 'functions' | 'spread' | 'symbols';

export interface SectionAccount {
  section: string;
  bytes: number;
  attributedBytes: number;
  /** Empty when nothing in the section could be charged to a package. */
  methods: AttributionMethod[];
}

export interface GoAttribution {
  fileBytes: number;
  /** Sum of all module shares (standard library included). */
  attributedBytes: number;
  /** Every module with bytes, the standard library as module "std", largest first. */
  modules: ModuleShare[];
  stdlibBytes: number;
  /** Bytes no package can be charged with, by section; "(headers and padding)" covers file bytes outside every section. */
  unattributed: SectionBytes[];
  sections: SectionAccount[];
  functions: number;
}

export interface GoBinaryReport {
  kind: 'go';
  goVersion: string;
  version: GoVersion | null;
  buildInfo: GoBuildInfo;
  elf: ElfFacts;
  linkage: Linkage;
  strip: StripFacts;
  /** Present when asked for (attributeModules) and a function table was found. */
  attribution: GoAttribution | null;
  /** Why attribution is null although it was asked for. */
  attributionError: string | null;
}

/** not-go: no Go marker at all (or not even ELF); go-unreadable: Go markers but no readable build info
 * (gccgo, damaged files). ELF facts are given whenever the headers could be read. */
export interface NonGoElfReport {
  kind: 'not-go' | 'go-unreadable';
  reason: string;
  elf: ElfFacts | null;
  linkage: Linkage | null;
  strip: StripFacts | null;
}

export type GoBinaryAnalysis = GoBinaryReport | NonGoElfReport;

export interface ModuleVersionChange {
  module: string;
  from: string;
  to: string;
}

export interface PackageGrowth {
  package: string;
  baseBytes: number;
  headBytes: number;
  delta: number;
}

export interface ModuleGrowth {
  module: string;
  kind: ModuleKind;
  baseBytes: number;
  headBytes: number;
  delta: number;
  /** The packages that grew most inside the module, at most three (none when it did not grow). */
  packages: PackageGrowth[];
}

export interface GoModuleDiff {
  goVersion: { from: string; to: string } | null;
  added: { module: string; version: string }[];
  removed: { module: string; version: string }[];
  upgraded: ModuleVersionChange[];
  /** Byte change per module (standard library included), largest growth first; empty when either side has no attribution. */
  growth: ModuleGrowth[];
}
