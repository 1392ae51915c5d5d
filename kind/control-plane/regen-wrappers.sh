#!/usr/bin/env bash
# Regenerates the wrapper modules kube-apiserver/ and etcd/ (go.mod + go.sum) from versions.env.
#
# k8s.io/kubernetes requires every staging module at the fake version v0.0.0 and maps them to
# ./staging with replace directives that do not apply to a consumer. The wrapper therefore
# replaces each `k8s.io/<x> v0.0.0` requirement found in the published go.mod with its published
# twin k8s.io/<x> v0.<minor>.<patch> and copies k/k's go and godebug lines (they only take effect
# in the main module). See shared/reference/kube-apiserver-from-modules.md §1 and §6.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
repo=$(cd "$here/../.." && pwd)
export GOMODCACHE=${GOMODCACHE_OVERRIDE:-$repo/.cache/go/mod}
export GOCACHE=${GOCACHE_OVERRIDE:-$repo/.cache/go/build}

kube=${KUBE_VERSION#v}
staging_version=v0.${kube#1.}

# --- kube-apiserver wrapper ---
d="$here/kube-apiserver"
rm -rf "$d" && mkdir -p "$d" && cd "$d"
go mod init local/kube-apiserver-build >/dev/null 2>&1
go mod download "k8s.io/kubernetes@$KUBE_VERSION"
kk_mod="$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/$KUBE_VERSION.mod"
for m in $(awk '$2=="v0.0.0" && $1 ~ /^k8s\.io\// {print $1}' "$kk_mod"); do
  go mod edit "-replace=$m=$m@$staging_version"
done
go mod edit "-go=$(awk '$1=="go"{print $2; exit}' "$kk_mod")"
godebug=$(awk '$1=="godebug"{print $2; exit}' "$kk_mod")
if [ -n "$godebug" ]; then go mod edit "-godebug=$godebug"; fi
# -tool records the main package in go.mod (a `tool` line), so the requirement is direct and
# documented; go get resolves only what that package needs (tidy would pull k/k's test graph).
go get -tool "-tags=$KUBE_BUILD_TAGS" "k8s.io/kubernetes/cmd/kube-apiserver@$KUBE_VERSION"
echo "regenerated $d/go.mod ($(grep -c '=>' go.mod) replaces)"

# --- etcd wrapper ---
d="$here/etcd"
rm -rf "$d" && mkdir -p "$d" && cd "$d"
go mod init local/etcd-build >/dev/null 2>&1
go mod download "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
etcd_mod="$GOMODCACHE/cache/download/go.etcd.io/etcd/server/v3/@v/$ETCD_VERSION.mod"
go mod edit "-go=$(awk '$1=="go"{print $2; exit}' "$etcd_mod")"
go get -tool "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
echo "regenerated $d/go.mod"
