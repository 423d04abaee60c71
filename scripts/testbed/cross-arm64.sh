# Sourced by scripts/setup-test-env.sh: a C cross compiler for arm64, so the Go doctor's fixtures cover
# arm64 with external linking (cgo, -linkmode=external). bookworm's own cross gcc 12 and binutils are
# downloaded and extracted (dpkg -x), never installed, into $CROSS_ARM64; they run against the host's
# libraries (the same bookworm versions). The wrapper $CROSS_ARM64_CC points the extracted gcc at its own
# sysroot (libc's linker scripts name /usr/aarch64-linux-gnu/lib/... absolutely) and at the extract's
# libbfd/libopcodes/libctf for as and ld.

CROSS_ARM64=$STATE/cross-arm64
CROSS_ARM64_CC=$CROSS_ARM64/bin/aarch64-linux-gnu-gcc
# Only what compiling and linking C for arm64 needs (no sanitizer or OpenMP runtimes): about 36 MB.
CROSS_ARM64_DEBS=(gcc-12-aarch64-linux-gnu gcc-12-aarch64-linux-gnu-base cpp-12-aarch64-linux-gnu
  binutils-aarch64-linux-gnu libc6-dev-arm64-cross libc6-arm64-cross linux-libc-dev-arm64-cross
  libgcc-12-dev-arm64-cross libgcc-s1-arm64-cross)

# cross_arm64_works: the wrapper compiles and links a C hello world dynamically and as static-pie, and
# both print under QEMU user mode (given the arm64 libc explicitly, so binfmt is not needed).
cross_arm64_works() {
  [ -x "$CROSS_ARM64_CC" ] || return 1
  local work; work=$(mktemp -d)
  printf '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n' >"$work/hello.c"
  "$CROSS_ARM64_CC" -o "$work/dyn" "$work/hello.c" >/dev/null 2>&1 &&
    "$CROSS_ARM64_CC" -static-pie -o "$work/spie" "$work/hello.c" >/dev/null 2>&1 &&
    [ "$(qemu-aarch64-static -L "$CROSS_ARM64/usr/aarch64-linux-gnu" "$work/dyn" 2>/dev/null)" = hello ] &&
    [ "$(qemu-aarch64-static "$work/spie" 2>/dev/null)" = hello ]
  local rc=$?
  rm -rf "$work"
  return $rc
}

# Host libraries the extracted gcc and binutils link to, by soname, should the machine lack them.
cross_arm64_host_libs() {
  local f lib
  for f in "$1"/usr/bin/aarch64-linux-gnu-gcc-12 "$1"/usr/lib/gcc-cross/aarch64-linux-gnu/12/{cc1,collect2,lto-wrapper} \
    "$1"/usr/aarch64-linux-gnu/bin/{as,ld.bfd}; do
    LD_LIBRARY_PATH="$1/usr/lib/x86_64-linux-gnu" ldd "$f" 2>/dev/null | awk '/not found/ {print $1}'
  done | sort -u | while read -r lib; do
    case $lib in
      libisl.so.23) echo libisl23 ;; libmpc.so.3) echo libmpc3 ;; libmpfr.so.6) echo libmpfr6 ;;
      libgmp.so.10) echo libgmp10 ;; libzstd.so.1) echo libzstd1 ;; libz.so.1) echo zlib1g ;;
      libjansson.so.4) echo libjansson4 ;; libstdc++.so.6) echo libstdc++6 ;;
      *) die "the arm64 cross gcc needs $lib, which no package here provides" ;;
    esac
  done
}

install_cross_arm64() {
  if cross_arm64_works; then log "arm64 cross gcc: $CROSS_ARM64_CC"; return; fi
  log "extracting bookworm's arm64 cross gcc into $CROSS_ARM64"
  local work=$CROSS_ARM64.tmp
  rm -rf "$work"
  # One apt-get for all (one per package costs seconds each); a stale package list names versions the
  # mirror no longer has: read it again once.
  local cache=$STATE/debs/amd64 p missing=()
  mkdir -p "$cache"
  for p in "${CROSS_ARM64_DEBS[@]}"; do ls "$cache/${p}_"*.deb >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    (cd "$cache" && apt-get download -qq -o APT::Sandbox::User=root "${missing[@]}" 2>/dev/null) ||
      { apt-get update -qq && (cd "$cache" && apt-get download -qq -o APT::Sandbox::User=root "${missing[@]}"); } ||
      die "downloading the arm64 cross gcc failed"
  fi
  unpack_debs amd64 "$work" "${CROSS_ARM64_DEBS[@]}"
  local host_libs; host_libs=$(cross_arm64_host_libs "$work")
  # shellcheck disable=SC2086 # one package name per word
  [ -z "$host_libs" ] || unpack_debs amd64 "$work" $host_libs
  mkdir -p "$work/bin"
  cat >"$work/bin/aarch64-linux-gnu-gcc" <<WRAPPER
#!/bin/sh
# bookworm's arm64 cross gcc, extracted: its own sysroot, and its own libbfd for as and ld.
root=$CROSS_ARM64
LD_LIBRARY_PATH=\$root/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH} \\
  exec "\$root/usr/bin/aarch64-linux-gnu-gcc-12" --sysroot="\$root" "\$@"
WRAPPER
  chmod +x "$work/bin/aarch64-linux-gnu-gcc"
  rm -rf "$CROSS_ARM64" && mv "$work" "$CROSS_ARM64"
  cross_arm64_works || die "the arm64 cross gcc at $CROSS_ARM64_CC does not build a hello world"
  log "arm64 cross gcc: $CROSS_ARM64_CC"
}
