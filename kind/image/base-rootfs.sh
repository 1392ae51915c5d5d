#!/usr/bin/env bash
# Builds the responder image's base without pulling anything: a Debian `minbase` root filesystem
# made by debootstrap from the Debian mirror, packed as a tarball cached under .cache/cluster/, and
# `docker import`ed as l2lab-base:<suite> (a local tag; no registry involved). Only the libraries
# the responder links against are added (libpcap for `cap`, libstdc++ for Node) plus iproute2
# (interface inspection inside a node container).
#
# A cached tarball is reused; the image is imported only when the tag is absent. Exit 2 with one
# message when debootstrap, the mirror or the Docker daemon fails.
#
# Usage: kind/image/base-rootfs.sh [--tarball-only]
# Env:   L2LAB_DEBIAN_MIRROR (default http://deb.debian.org/debian), L2LAB_BASE_SUITE (bookworm),
#        DOCKER_HOST (the daemon to import into), L2LAB_CLUSTER_CACHE (default .cache/cluster)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
suite=${L2LAB_BASE_SUITE:-bookworm}
mirror=${L2LAB_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${L2LAB_CLUSTER_CACHE:-$repo/.cache/cluster}
tarball="$cache/debian-$suite-minbase.tar"
tag="l2lab-base:$suite"
packages=libpcap0.8,libstdc++6,iproute2

fail() { echo "base-rootfs: $*" >&2; exit 2; }
log() { echo "[base-rootfs] $*"; }

if [ ! -s "$tarball" ]; then
  [ "$(id -u)" = 0 ] || fail "debootstrap needs root (it chroots and creates device nodes); re-run as root"
  command -v debootstrap >/dev/null || fail "debootstrap not found; install it: apt-get install -y debootstrap"
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/rootfs.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  log "debootstrap --variant=minbase $suite from $mirror (a few minutes)"
  debootstrap --variant=minbase --include="$packages" "$suite" "$work/root" "$mirror" > "$work/debootstrap.log" 2>&1 \
    || { tail -5 "$work/debootstrap.log" >&2; fail "debootstrap of $suite from $mirror failed (log above)"; }
  # Package caches and lists are not needed at run time.
  rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*
  tar -C "$work/root" --numeric-owner -cf "$tarball.tmp" . || fail "packing $work/root into $tarball failed"
  mv "$tarball.tmp" "$tarball"
  log "cached $tarball ($(du -h "$tarball" | cut -f1))"
else
  log "cached $tarball"
fi
[ "${1:-}" = --tarball-only ] && exit 0

docker_bin=${L2LAB_DOCKER:-docker}
"$docker_bin" info >/dev/null 2>&1 || fail "the Docker daemon is not reachable (${DOCKER_HOST:-default socket}); start it: scripts/dockerd.sh start"
if "$docker_bin" image inspect "$tag" >/dev/null 2>&1; then
  log "image $tag present"
else
  "$docker_bin" import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --message "l2lab base: debootstrap --variant=minbase $suite" "$tarball" "$tag" >/dev/null || fail "docker import $tarball as $tag failed"
  log "imported $tag"
fi
