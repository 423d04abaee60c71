#!/usr/bin/env bash
# Sets up everything image-size-gate's tests and demo need on a Debian 12 (bookworm) x86-64 machine
# with no internet but Debian's mirror and the npm registry: Docker Engine 26 + buildx, two daemons
# (containerd image store on the default socket, classic overlay2 store on its own socket), QEMU for
# arm64, a registry on 127.0.0.1:5000, locally built base images, and the npm dependencies. From
# Debian's unstable suite, extracted and never installed (scripts/testbed/sid.sh): Go 1.26 and 1.27
# toolchains, Debian-built Go programs for amd64 and arm64, and Docker 28.5 + containerd 2.1 + buildx
# 0.29 as a third daemon with a docker-container builder (scripts/testbed/docker28.sh).
# Idempotent: every step checks before it acts, so a second run only (re)starts what is not running.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${ISG_STATE_DIR:-/var/lib/image-size-gate-testbed}
REGISTRY=127.0.0.1:5000
REGISTRY_NAME=localhost:5000
CLASSIC_SOCK=/var/run/docker-classic.sock
CLASSIC_BRIDGE=isg-br0
GO_BUILDER=$REGISTRY_NAME/isg/go-builder:1.24
BUSYBOX_BASE=$REGISTRY_NAME/isg/busybox:1
GLIBC_BASE=$REGISTRY_NAME/isg/glibc:bookworm

log() { printf '[setup %4ss] %s\n' "$SECONDS" "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=testbed/sid.sh
source "$ROOT/scripts/testbed/sid.sh"
# shellcheck source=testbed/docker28.sh
source "$ROOT/scripts/testbed/docker28.sh"
# shellcheck source=testbed/cross-arm64.sh
source "$ROOT/scripts/testbed/cross-arm64.sh"

[ "$(id -u)" = 0 ] || die "run as root (it installs packages and starts daemons)"
mkdir -p "$STATE"

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "$what did not answer within ${limit}s"
    sleep 0.5
  done
}

# --- 1. Debian packages -------------------------------------------------------------------------
debian_uri() { # the machine's own Debian mirror, never a name written here
  awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null ||
    awk '/^deb / && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list
}

install_packages() {
  local uri; uri=$(debian_uri)
  [ -n "$uri" ] || die "no Debian mirror found in /etc/apt/sources.list.d/debian.sources"
  local src=/etc/apt/sources.list.d/isg-trixie.sources
  local want="Types: deb
URIs: $uri
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
  if [ "$(cat "$src" 2>/dev/null)" != "$want" ]; then
    printf '%s\n' "$want" >"$src"
    printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' >/etc/apt/preferences.d/isg-trixie
    rm -f "$STATE/apt-updated"
  fi
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
    rm -f "$STATE/apt-updated"
  fi
  local pkgs=(docker.io/trixie docker-buildx/trixie golang-1.24-go/trixie qemu-user-static binfmt-support
    docker-registry skopeo mmdebstrap busybox-static iproute2 curl jq binutils)
  local missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "${p%%/*}" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then log "packages: all present"; return; fi
  if [ ! -e "$STATE/apt-updated" ]; then
    log "apt-get update"
    apt-get update -qq
    touch "$STATE/apt-updated"
  fi
  log "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$STATE/apt.log" 2>&1 ||
    { tail -30 "$STATE/apt.log" >&2; die "apt-get install failed (log: $STATE/apt.log)"; }
}

# --- 2. QEMU for arm64 RUN steps ---------------------------------------------------------------
setup_binfmt() {
  [ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  if ! grep -q enabled /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null; then
    update-binfmts --enable qemu-aarch64
  fi
  log "binfmt: qemu-aarch64 $(head -1 /proc/sys/fs/binfmt_misc/qemu-aarch64)"
}

# --- 3. Two Docker daemons ------------------------------------------------------------------------
start_default_daemon() {
  mkdir -p /etc/docker
  local cfg='{"features":{"containerd-snapshotter":true}}'
  if [ "$(cat /etc/docker/daemon.json 2>/dev/null)" != "$cfg" ]; then
    printf '%s\n' "$cfg" >/etc/docker/daemon.json
    if [ -e /var/run/docker.pid ]; then
      log "restarting dockerd for the containerd image store"
      kill "$(cat /var/run/docker.pid)" 2>/dev/null || true
      wait_for 30 "dockerd shutdown" bash -c '! docker version --format "{{.Server.Version}}"'
    fi
  fi
  if ! docker -H unix:///var/run/docker.sock info >/dev/null 2>&1; then
    log "starting dockerd (containerd image store) on /var/run/docker.sock"
    rm -f /var/run/docker.pid
    setsid nohup dockerd >/var/log/isg-dockerd.log 2>&1 </dev/null &
    wait_for 60 "dockerd (see /var/log/isg-dockerd.log)" docker -H unix:///var/run/docker.sock info
  fi
}

start_classic_daemon() {
  if ! ip link show "$CLASSIC_BRIDGE" >/dev/null 2>&1; then
    ip link add name "$CLASSIC_BRIDGE" type bridge
    ip addr add 172.31.0.1/16 dev "$CLASSIC_BRIDGE"
  fi
  ip link set "$CLASSIC_BRIDGE" up
  mkdir -p /etc/docker-classic
  printf '{"features":{"containerd-snapshotter":false},"storage-driver":"overlay2"}\n' >/etc/docker-classic/daemon.json
  if ! docker -H "unix://$CLASSIC_SOCK" info >/dev/null 2>&1; then
    log "starting dockerd (classic overlay2 store) on $CLASSIC_SOCK"
    rm -f /var/run/docker-classic.pid
    setsid nohup dockerd --data-root /var/lib/docker-classic --exec-root /var/run/docker-classic \
      --pidfile /var/run/docker-classic.pid -H "unix://$CLASSIC_SOCK" \
      --config-file /etc/docker-classic/daemon.json --iptables=false --bridge="$CLASSIC_BRIDGE" \
      --containerd-namespace isg-classic --containerd-plugins-namespace isg-classic-plugins \
      >/var/log/isg-dockerd-classic.log 2>&1 </dev/null &
    wait_for 60 "classic dockerd (see /var/log/isg-dockerd-classic.log)" docker -H "unix://$CLASSIC_SOCK" info
  fi
}

# --- 4. Registry on loopback ------------------------------------------------------------------------
start_registry() {
  mkdir -p "$STATE/registry"
  cat >"$STATE/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $STATE/registry
  delete:
    enabled: true
http:
  addr: $REGISTRY
YAML
  if ! curl -fsS "http://$REGISTRY/v2/" >/dev/null 2>&1; then
    log "starting registry on $REGISTRY"
    setsid nohup docker-registry serve "$STATE/registry.yml" >/var/log/isg-registry.log 2>&1 </dev/null &
    wait_for 30 "registry (see /var/log/isg-registry.log)" curl -fsS "http://$REGISTRY/v2/"
  fi
}

# --- 5. Base images, built from Debian packages ----------------------------------------------------
in_registry() { # in_registry NAME:TAG (NAME without the registry host)
  curl -fs -o /dev/null -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' \
    "http://$REGISTRY/v2/${1%%:*}/manifests/${1##*:}"
}

# Unpacks Debian packages of one architecture into DIR (no maintainer scripts run: a runtime base
# needs the files only).
unpack_debs() { # unpack_debs ARCH DIR PKG...
  local arch=$1 dir=$2; shift 2
  local cache="$STATE/debs/$arch"
  mkdir -p "$cache" "$dir"
  for p in "$@"; do
    # Architecture-independent packages (tzdata) have no ":arm64" candidate: fall back to the plain name.
    ls "$cache/${p}_"*.deb >/dev/null 2>&1 ||
      (cd "$cache" && { apt-get download -qq -o APT::Sandbox::User=root "$p:$arch" 2>/dev/null ||
        apt-get download -qq -o APT::Sandbox::User=root "$p"; })
    dpkg -x "$(ls "$cache/${p}_"*.deb | head -1)" "$dir"
  done
}

build_runtime_base() { # build_runtime_base IMAGE PKG...
  local image=$1; shift
  if in_registry "${image#*/}"; then log "base image $image: present"; return; fi
  log "building base image $image (linux/amd64, linux/arm64)"
  local work; work=$(mktemp -d)
  for arch in amd64 arm64; do
    unpack_debs "$arch" "$work/rootfs-$arch" "$@"
    mkdir -p "$work/rootfs-$arch/bin" "$work/rootfs-$arch/tmp" "$work/rootfs-$arch/etc"
    [ -e "$work/rootfs-$arch/bin/sh" ] || ln -s busybox "$work/rootfs-$arch/bin/sh"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$work/rootfs-$arch/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$work/rootfs-$arch/etc/group"
    tar -C "$work/rootfs-$arch" --numeric-owner -cf "$work/rootfs-$arch.tar" .
    rm -rf "$work/rootfs-$arch"
  done
  printf 'FROM scratch\nARG TARGETARCH\nADD rootfs-${TARGETARCH}.tar /\nCMD ["/bin/sh"]\n' >"$work/Dockerfile"
  docker buildx build --builder default --platform linux/amd64,linux/arm64 --provenance=false \
    --output "type=image,name=$image,push=true" "$work" >"$STATE/build-base.log" 2>&1 ||
    { tail -30 "$STATE/build-base.log" >&2; die "building $image failed"; }
  rm -rf "$work"
}

build_go_builder() {
  if in_registry "${GO_BUILDER#*/}"; then log "base image $GO_BUILDER: present"; return; fi
  log "building base image $GO_BUILDER (Debian bookworm + Go 1.24 + gcc for amd64 and arm64 cgo)"
  local tarball="$STATE/go-builder-rootfs.tar"
  if [ ! -s "$tarball" ]; then
    local work; work=$(mktemp -d)
    mmdebstrap --quiet --variant=essential --mode=root \
      --include=gcc,libc6-dev,gcc-aarch64-linux-gnu,libc6-dev-arm64-cross,ca-certificates,binutils \
      --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
      bookworm "$work/root" "$(debian_uri)" >"$STATE/mmdebstrap.log" 2>&1 ||
      { tail -30 "$STATE/mmdebstrap.log" >&2; die "mmdebstrap failed (log: $STATE/mmdebstrap.log)"; }
    mkdir -p "$work/root/usr/local"
    # Debian links src/ and pkg/include into /usr/share: copy dereferenced, or go build cannot find textflag.h
    cp -rL /usr/lib/go-1.24 "$work/root/usr/local/go"
    tar -C "$work/root" --numeric-owner -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$work"
  fi
  docker import \
    -c 'ENV PATH=/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV GOTOOLCHAIN=local' -c 'ENV GOPROXY=off' -c 'ENV GOFLAGS=-mod=mod' -c 'WORKDIR /src' \
    "$tarball" "$GO_BUILDER" >/dev/null
  docker push -q "$GO_BUILDER" >/dev/null
}

# --- 6. Node 24 and npm dependencies ----------------------------------------------------------------
install_node_modules() {
  cd "$ROOT"
  if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    log "npm dependencies: present"
  else
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  log "node for tests: $(PATH="$ROOT/node_modules/.bin:$PATH" node --version)"
}

install_packages
install_go 1.26
install_go 1.27
install_debian_go_binaries
install_cross_arm64
setup_binfmt
start_default_daemon
start_classic_daemon
start_registry
build_go_builder
build_runtime_base "$BUSYBOX_BASE" busybox-static
build_runtime_base "$GLIBC_BASE" busybox-static libc6 libgcc-s1 libstdc++6 libssl3 zlib1g tzdata
setup_docker28
[ -f "$ROOT/package.json" ] && install_node_modules

cat <<INFO
[setup ${SECONDS}s] ready:
  docker $(docker version --format '{{.Server.Version}}') (containerd image store): unix:///var/run/docker.sock   log /var/log/isg-dockerd.log
  docker $(docker -H "unix://$CLASSIC_SOCK" version --format '{{.Server.Version}}') (classic overlay2 store):  unix://$CLASSIC_SOCK   log /var/log/isg-dockerd-classic.log
    buildx: $(docker buildx version 2>/dev/null | head -1), builder default (driver docker)
$(docker28_summary)
  registry: http://$REGISTRY (as $REGISTRY_NAME)   data $STATE/registry
  images:   $GO_BUILDER (build platform), $BUSYBOX_BASE and $GLIBC_BASE (linux/amd64, linux/arm64)
  qemu:     /proc/sys/fs/binfmt_misc/qemu-aarch64 $(head -1 /proc/sys/fs/binfmt_misc/qemu-aarch64)
  go:       GOROOT=$GO_ROOTS/1.26 ($("$GO_ROOTS/1.26/bin/go" version | awk '{print $3}')), GOROOT=$GO_ROOTS/1.27 ($("$GO_ROOTS/1.27/bin/go" version | awk '{print $3}')), with GOTOOLCHAIN=local
  arm64 cc: CC=$CROSS_ARM64_CC (bookworm's cross gcc 12, for cgo with GOARCH=arm64)
  debian go binaries: $DEBIAN_GO_BINARIES/{amd64,arm64}/{$(cd "$DEBIAN_GO_BINARIES/amd64" && ls | paste -sd,)}
INFO
