# Sourced by scripts/setup-test-env.sh: current engines and Go toolchains from Debian's unstable suite.
# Installing sid packages onto bookworm would pull a newer libc, so they are downloaded and extracted
# (dpkg -x) into the bed's state directory and run from there. apt reads sid through a sources list,
# lists and cache of its own, so the machine's apt state is never touched.

SID=$STATE/sid

sid_apt() { # sid_apt apt-get|apt-cache ARGS...
  local tool=$1; shift
  "$tool" -qq -o Dir::Etc::sourcelist="$SID/sid.list" -o Dir::Etc::sourceparts=- \
    -o Dir::State::Lists="$SID/lists" -o Dir::Cache="$SID/cache" -o Dir::Etc::preferencesparts="$SID/preferences.d" \
    -o APT::Sandbox::User=root "$@"
}

# Reads sid's package lists once (again only when the sources line changes).
sid_update() {
  [ -z "${SID_UPDATED:-}" ] || return 0
  local want
  want="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_uri) sid main"
  mkdir -p "$SID/preferences.d" "$SID/lists/partial" "$SID/cache/archives/partial" "$SID/debs"
  if [ "$(cat "$SID/sid.list" 2>/dev/null)" != "$want" ] || [ ! -e "$SID/updated" ]; then
    printf '%s\n' "$want" >"$SID/sid.list"
    log "apt-get update (sid, own lists in $SID)"
    sid_apt apt-get update || die "apt-get update for sid failed"
    touch "$SID/updated"
  fi
  SID_UPDATED=1
}

sid_cached_deb() { # sid_cached_deb NAME ARCH: the downloaded .deb, if any
  local f
  for f in "$SID/debs/${1}_"*"_$2.deb" "$SID/debs/${1}_"*_all.deb; do
    if [ -e "$f" ]; then echo "$f"; return; fi
  done
  return 0
}

# sid_extract DIR PKG[:ARCH]...: downloads each package once into $SID/debs and unpacks it into DIR.
sid_extract() {
  local dir=$1; shift
  mkdir -p "$dir"
  local p name arch deb
  for p in "$@"; do
    name=${p%%:*}
    arch=$([ "$name" = "$p" ] && dpkg --print-architecture || echo "${p#*:}")
    deb=$(sid_cached_deb "$name" "$arch")
    if [ -z "$deb" ]; then
      sid_update
      (cd "$SID/debs" && sid_apt apt-get download "$name:$arch") || die "apt-get download $name:$arch from sid failed"
      deb=$(sid_cached_deb "$name" "$arch")
    fi
    [ -n "$deb" ] || die "apt-get download $name:$arch from sid left no .deb in $SID/debs"
    dpkg -x "$deb" "$dir"
  done
}

# --- Go toolchains (GOROOTs for the Go doctor's fixtures; use with GOTOOLCHAIN=local) ------------------
GO_ROOTS=$STATE/go
GO_CHECK_CACHE=$STATE/go-check-cache

# go_works GOROOT MINOR: its go reports the version and builds a hello world.
go_works() {
  local goroot=$1 minor=$2
  "$goroot/bin/go" version 2>/dev/null | grep -q "^go version go$minor[. ]" || return 1
  local work; work=$(mktemp -d)
  printf 'package main\n\nfunc main() { println("hello") }\n' >"$work/main.go"
  (cd "$work" && GOROOT="$goroot" GOTOOLCHAIN=local GOFLAGS= GO111MODULE=off GOCACHE="$GO_CHECK_CACHE/$minor" \
    "$goroot/bin/go" build -o "$work/hello" main.go && "$work/hello") >/dev/null 2>&1
  local rc=$?
  rm -rf "$work"
  return $rc
}

install_go() { # install_go MINOR (1.26, 1.27)
  local minor=$1 goroot=$GO_ROOTS/$1
  if go_works "$goroot" "$minor"; then
    log "go $minor: $("$goroot/bin/go" version | awk '{print $3}') at $goroot"
    return
  fi
  log "extracting Go $minor from sid into $goroot"
  local work; work=$(mktemp -d)
  sid_extract "$work" "golang-$minor-go" "golang-$minor-src"
  # Debian links src/ and pkg/include into /usr/share: copy dereferenced, or go build cannot find textflag.h
  rm -rf "$goroot" "$goroot.tmp" && mkdir -p "$GO_ROOTS"
  cp -rL "$work/usr/lib/go-$minor" "$goroot.tmp" && mv "$goroot.tmp" "$goroot"
  rm -rf "$work"
  go_works "$goroot" "$minor" || die "Go $minor at $goroot does not build a hello world"
  log "go $minor: $("$goroot/bin/go" version | awk '{print $3}') at $goroot"
}

# --- Go programs Debian built, for amd64 and arm64 (the Go doctor's real-world inputs) ------------------
DEBIAN_GO_BINARIES=$STATE/debian-go-binaries

elf_machine() { LC_ALL=C readelf -h "$1" 2>/dev/null | awk -F: '/Machine:/ {gsub(/^ +/, "", $2); print $2}'; }

# install_debian_go_binary NAME PACKAGE PATH-IN-PACKAGE
install_debian_go_binary() {
  local name=$1 pkg=$2 path=$3 arch machine
  for arch in amd64 arm64; do
    machine=$([ $arch = amd64 ] && echo 'Advanced Micro Devices X86-64' || echo AArch64)
    local dest=$DEBIAN_GO_BINARIES/$arch/$name
    [ "$(elf_machine "$dest")" = "$machine" ] && continue
    log "extracting $name ($pkg:$arch) from sid"
    local work; work=$(mktemp -d)
    sid_extract "$work" "$pkg:$arch"
    [ "$(elf_machine "$work$path")" = "$machine" ] || die "$pkg:$arch has no $arch ELF at $path"
    mkdir -p "${dest%/*}" && cp "$work$path" "$dest.tmp" && mv "$dest.tmp" "$dest"
    rm -rf "$work"
  done
}

install_debian_go_binaries() {
  install_debian_go_binary rclone rclone /usr/bin/rclone
  install_debian_go_binary hugo hugo /usr/bin/hugo
  install_debian_go_binary restic restic /usr/bin/restic
  install_debian_go_binary crane crane /usr/bin/crane
  log "debian go binaries: $(cd "$DEBIAN_GO_BINARIES" && echo */*)"
}
