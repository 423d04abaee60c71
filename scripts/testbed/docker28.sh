# Sourced by scripts/setup-test-env.sh: Docker 28.5 + containerd 2.1 + buildx 0.29 from sid, run from
# their extract beside the Docker 26 daemons (own containerd, socket, roots, bridge; containerd image
# store), and a docker-container builder on it running a BuildKit image made here (BuildKit's own
# image cannot be pulled). Every path is the bed's own: Docker 26's daemons and buildx stay as they are.

D28=$STATE/docker28
D28_ROOT=$D28/root                     # the extracted packages
D28_SOCK=/var/run/docker28.sock
D28_EXEC=/var/run/docker28
D28_DATA=/var/lib/docker28
D28_CONTAINERD=/run/isg-containerd28
D28_BRIDGE=isg-br28
D28_BRIDGE_CIDR=172.29.0.1/16
D28_DOCKER_CONFIG=$D28/docker-config   # its own cli-plugins/docker-buildx (0.29) and buildx builders
D28_VERSION=28.5                       # the sid versions this bed was checked with
D28_BUILDX_VERSION=0.29
D28_BIN=$D28/bin                       # docker (the sid CLI, 28.5) alone, to put first on PATH
BUILDKIT_VERSION=v0.32.2
# The machine's shared test-bed files sit next to the checkout (../shared/testbed from /work/main).
BUILDKIT_TARBALL=${ISG_BUILDKIT_TARBALL:-$(cd "$ROOT/.." && pwd)/shared/testbed/buildkit-$BUILDKIT_VERSION-linux-amd64.tar.xz}
[ -f "$BUILDKIT_TARBALL" ] || BUILDKIT_TARBALL=$(cd "$ROOT/../.." && pwd)/shared/testbed/${BUILDKIT_TARBALL##*/}
BUILDKIT_IMAGE=$REGISTRY_NAME/isg/buildkit:$BUILDKIT_VERSION
D28_BUILDER=isg-container

d28() { DOCKER_HOST=unix://$D28_SOCK DOCKER_CONFIG=$D28_DOCKER_CONFIG "$D28_BIN/docker" "$@"; }

extract_docker28() {
  if "$D28_BIN/docker" --version 2>/dev/null | grep -q "version $D28_VERSION\." &&
    "$D28_ROOT/usr/sbin/dockerd" --version 2>/dev/null | grep -q "version $D28_VERSION\." &&
    "$D28_ROOT/usr/bin/containerd" --version 2>/dev/null | grep -q ' v\?2\.1\.' &&
    "$D28_DOCKER_CONFIG/cli-plugins/docker-buildx" version 2>/dev/null | grep -q " v\?$D28_BUILDX_VERSION\."; then
    return
  fi
  log "extracting Docker $D28_VERSION, containerd 2.1 and buildx $D28_BUILDX_VERSION from sid into $D28_ROOT"
  rm -rf "$D28_ROOT"
  sid_extract "$D28_ROOT" docker.io docker-cli containerd docker-buildx
  # sid's runc needs a newer glibc: dockerd finds bookworm's /usr/sbin/runc on PATH instead.
  mkdir -p "$D28_DOCKER_CONFIG/cli-plugins" "$D28_BIN"
  ln -sfn "$D28_ROOT/usr/bin/docker" "$D28_BIN/docker"
  cp "$D28_ROOT/usr/libexec/docker/cli-plugins/docker-buildx" "$D28_DOCKER_CONFIG/cli-plugins/docker-buildx"
  "$D28_ROOT/usr/sbin/dockerd" --version | grep -q "version $D28_VERSION\." ||
    die "sid's docker.io is not $D28_VERSION: $("$D28_ROOT/usr/sbin/dockerd" --version)"
}

start_containerd28() {
  mkdir -p "$D28/containerd" "$D28_CONTAINERD"
  cat >"$D28/containerd.toml" <<TOML
version = 3
root = "$D28/containerd/root"
state = "$D28_CONTAINERD/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime", "io.containerd.cri.v1.images"]

[grpc]
  address = "$D28_CONTAINERD/containerd.sock"

[ttrpc]
  address = "$D28_CONTAINERD/containerd.sock.ttrpc"

[debug]
  address = "$D28_CONTAINERD/debug.sock"

[metrics]
  address = ""
TOML
  if ! "$D28_ROOT/usr/bin/ctr" --address "$D28_CONTAINERD/containerd.sock" version >/dev/null 2>&1; then
    log "starting containerd 2.1 on $D28_CONTAINERD/containerd.sock"
    PATH=$D28_ROOT/usr/bin:$D28_ROOT/usr/sbin:$PATH setsid nohup "$D28_ROOT/usr/bin/containerd" \
      --config "$D28/containerd.toml" >/var/log/isg-containerd28.log 2>&1 </dev/null &
    wait_for 30 "containerd 2.1 (see /var/log/isg-containerd28.log)" \
      "$D28_ROOT/usr/bin/ctr" --address "$D28_CONTAINERD/containerd.sock" version
  fi
}

start_docker28() {
  # Never --bridge=none: that deletes the first daemon's docker0 (ENVIRONMENT.md).
  if ! ip link show "$D28_BRIDGE" >/dev/null 2>&1; then
    ip link add name "$D28_BRIDGE" type bridge
    ip addr add "$D28_BRIDGE_CIDR" dev "$D28_BRIDGE"
  fi
  ip link set "$D28_BRIDGE" up
  printf '{"features":{"containerd-snapshotter":true}}\n' >"$D28/daemon.json"
  if ! d28 info >/dev/null 2>&1; then
    log "starting dockerd $D28_VERSION (containerd image store) on $D28_SOCK"
    rm -f /var/run/docker28.pid
    PATH=$D28_ROOT/usr/sbin:$D28_ROOT/usr/bin:$PATH setsid nohup "$D28_ROOT/usr/sbin/dockerd" \
      --containerd "$D28_CONTAINERD/containerd.sock" --data-root "$D28_DATA" --exec-root "$D28_EXEC" \
      --pidfile /var/run/docker28.pid -H "unix://$D28_SOCK" --config-file "$D28/daemon.json" \
      --iptables=false --ip6tables=false --bridge="$D28_BRIDGE" \
      >/var/log/isg-dockerd28.log 2>&1 </dev/null &
    wait_for 60 "dockerd $D28_VERSION (see /var/log/isg-dockerd28.log)" d28 info
  fi
}

# BuildKit's image, made from the static binaries in ../shared/testbed/ on the glibc base, with
# bookworm's runc as buildkit-runc (and the libseccomp it links).
build_buildkit_image() {
  if in_registry "${BUILDKIT_IMAGE#*/}"; then log "buildkit image $BUILDKIT_IMAGE: present"; return; fi
  [ -f "$BUILDKIT_TARBALL" ] || die "missing $BUILDKIT_TARBALL (BuildKit's binaries, see its README)"
  log "building $BUILDKIT_IMAGE from $(basename "$BUILDKIT_TARBALL")"
  local work; work=$(mktemp -d)
  mkdir -p "$work/bin" "$work/lib"
  tar -C "$work/bin" -xJf "$BUILDKIT_TARBALL" buildkitd buildctl
  cp /usr/sbin/runc "$work/bin/buildkit-runc"
  cp -L "$(ldd /usr/sbin/runc | awk '/libseccomp/ {print $3}')" "$work/lib/libseccomp.so.2"
  cat >"$work/Dockerfile" <<DOCKERFILE
FROM $GLIBC_BASE
COPY bin/ /usr/bin/
COPY lib/libseccomp.so.2 /usr/lib/x86_64-linux-gnu/libseccomp.so.2
VOLUME /var/lib/buildkit
ENTRYPOINT ["buildkitd"]
DOCKERFILE
  d28 buildx build --builder default --platform linux/amd64 --provenance=false \
    --output "type=image,name=$BUILDKIT_IMAGE,push=true" "$work" >"$STATE/build-buildkit.log" 2>&1 ||
    { tail -30 "$STATE/build-buildkit.log" >&2; die "building $BUILDKIT_IMAGE failed"; }
  rm -rf "$work"
}

# The builder docker/setup-buildx-action would leave: docker-container driver, current (`buildx use`).
# Checked through its container and buildx's state files: `buildx inspect` of this driver takes seconds.
D28_BUILDER_CONTAINER=buildx_buildkit_${D28_BUILDER}0

container_builder_running() {
  [ "$(jq -r .Driver "$D28_DOCKER_CONFIG/buildx/instances/$D28_BUILDER" 2>/dev/null)" = docker-container ] &&
    [ "$(d28 container inspect -f '{{.State.Running}} {{.Config.Image}}' "$D28_BUILDER_CONTAINER" 2>/dev/null)" = "true $BUILDKIT_IMAGE" ]
}

container_builder_current() {
  [ "$(jq -r '.Key + " " + .Name' "$D28_DOCKER_CONFIG/buildx/current" 2>/dev/null)" = "unix://$D28_SOCK $D28_BUILDER" ]
}

create_container_builder() {
  printf '[registry."%s"]\n  http = true\n' "$REGISTRY_NAME" >"$D28/buildkitd.toml"
  if ! container_builder_running; then
    d28 buildx rm --keep-state "$D28_BUILDER" >/dev/null 2>&1 || true  # keep its cache
    log "creating buildx builder $D28_BUILDER (docker-container driver, $BUILDKIT_IMAGE) on $D28_SOCK"
    d28 buildx create --name "$D28_BUILDER" --driver docker-container \
      --driver-opt "image=$BUILDKIT_IMAGE,network=host" --buildkitd-config "$D28/buildkitd.toml" \
      --bootstrap >"$STATE/buildx-create.log" 2>&1 ||
      { tail -30 "$STATE/buildx-create.log" >&2; die "creating builder $D28_BUILDER failed"; }
    container_builder_running || die "builder $D28_BUILDER did not start (see $STATE/buildx-create.log)"
  fi
  container_builder_current || d28 buildx use "$D28_BUILDER"
  container_builder_current || die "$D28_BUILDER is not the current builder in $D28_DOCKER_CONFIG"
}

setup_docker28() {
  extract_docker28
  start_containerd28
  start_docker28
  build_buildkit_image
  create_container_builder
}

docker28_summary() {
  cat <<INFO
  docker $(d28 version --format '{{.Server.Version}}') (containerd $("$D28_ROOT/usr/bin/containerd" --version | awk '{print $3}'), containerd image store): unix://$D28_SOCK   log /var/log/isg-dockerd28.log
    DOCKER_CONFIG=$D28_DOCKER_CONFIG   buildx: $(d28 buildx version | head -1)
    current builder: $D28_BUILDER (driver docker-container, bootstrapped: container $D28_BUILDER_CONTAINER running $BUILDKIT_IMAGE)
INFO
}
