#!/usr/bin/env bash
# Builds etcd and kube-apiserver from the committed wrapper modules (etcd/, kube-apiserver/) into
# .cache/control-plane/<component>-<version>/<component>, the way upstream builds its server
# binaries: CGO_ENABLED=0, -trimpath, upstream build tags, version stamped with -X ldflags.
#
# A build whose inputs (versions.env, go.mod, go.sum, flags) are unchanged is skipped, so a second
# run is a no-op that needs no Go. Each build records build-info.json (wall time, peak memory)
# next to the binary. Missing Go, an unreachable module proxy or a failed build print one message
# naming what failed and exit 2.
#
# Usage: kind/control-plane/build.sh [--force] [etcd|kube-apiserver ...]
# Env:   GOMODCACHE / GOCACHE (default .cache/go/{mod,build} in the repo), L2LAB_CP_CACHE (output root)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=versions.env
. "$here/versions.env"

out_root=${L2LAB_CP_CACHE:-$repo/.cache/control-plane}
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly
export GOMODCACHE=${GOMODCACHE:-$repo/.cache/go/mod}
export GOCACHE=${GOCACHE:-$repo/.cache/go/build}
progress_every_s=${L2LAB_BUILD_PROGRESS_S:-20}
# Bump when this script's flags change in a way that must invalidate cached binaries.
recipe=2

fail() { echo "control-plane build: $*" >&2; exit 2; }
log() { echo "[control-plane] $*"; }

force=0
components=()
for a in "$@"; do
  case "$a" in
    --force) force=1 ;;
    etcd | kube-apiserver) components+=("$a") ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) fail "unknown argument '$a' (expected --force, etcd or kube-apiserver)" ;;
  esac
done
[ ${#components[@]} -gt 0 ] || components=(etcd kube-apiserver)

version_of() { if [ "$1" = etcd ]; then echo "$ETCD_VERSION"; else echo "$KUBE_VERSION"; fi; }
main_pkg_of() { if [ "$1" = etcd ]; then echo go.etcd.io/etcd/server/v3; else echo k8s.io/kubernetes/cmd/kube-apiserver; fi; }
tags_of() { if [ "$1" = etcd ]; then echo ""; else echo "$KUBE_BUILD_TAGS"; fi; }

# The cache key covers every input of the build except the Go patch version, so it can be
# computed without Go (a cached tree must work on a machine that has none).
input_key() {
  cat "$here/versions.env" "$here/$1/go.mod" "$here/$1/go.sum" | { cat; echo "recipe=$recipe"; } \
    | sha256sum | cut -c1-16
}

need_go() {
  command -v go >/dev/null 2>&1 ||
    fail "Go toolchain not found on PATH; building $1 $(version_of "$1") needs Go >= $(awk '$1=="go"{print $2}' "$here/$1/go.mod") and the module proxy (binaries are cached afterwards under ${out_root#"$repo"/})"
  local have need
  have=$(go env GOVERSION 2>/dev/null | sed 's/^go//') || fail "running 'go env GOVERSION' failed"
  need=$(awk '$1=="go"{print $2}' "$here/$1/go.mod")
  if [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -1)" != "$need" ]; then
    fail "Go $have is older than go $need required by kind/control-plane/$1/go.mod (GOTOOLCHAIN=local forbids downloading a newer toolchain)"
  fi
}

# ldflags as upstream's hack/lib/version.sh sets them; buildDate is the tag time from the proxy so
# that the binary is reproducible.
ldflags_of() {
  local c=$1 v tag_time
  v=$(version_of "$c")
  local info
  if [ "$c" = etcd ]; then info="$GOMODCACHE/cache/download/go.etcd.io/etcd/server/v3/@v/$v.info"
  else info="$GOMODCACHE/cache/download/k8s.io/kubernetes/@v/$v.info"; fi
  tag_time=$(sed -n 's/.*"Time" *: *"\([^"]*\)".*/\1/p' "$info" 2>/dev/null | head -1)
  [ -n "$tag_time" ] || tag_time=1970-01-01T00:00:00Z
  if [ "$c" = etcd ]; then
    echo "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$v"
    return
  fi
  local mm=${v#v}; local major=${mm%%.*}; local rest=${mm#*.}; local minor=${rest%%.*}
  local ld="-s -w" commit
  commit=$(sed -n 's/.*"Hash" *: *"\([0-9a-f]\{40\}\)".*/\1/p' "$info" 2>/dev/null | head -1)
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=$v -X $p.gitMajor=$major -X $p.gitMinor=$minor${commit:+ -X $p.gitCommit=$commit}"
    ld="$ld -X $p.gitTreeState=clean -X $p.buildDate=$tag_time"
  done
  echo "$ld"
}

# Module downloads are a separate step so that "no module proxy" gets its own message.
# Prints the number of packages the build will compile.
resolve() {
  local c=$1 tags pkgs err
  tags=$(tags_of "$c")
  err=$(mktemp)
  log "$c $(version_of "$c"): resolving modules (GOPROXY=$(go env GOPROXY))" >&2
  if ! pkgs=$(cd "$here/$c" && go list -deps ${tags:+-tags=$tags} "$(main_pkg_of "$c")" 2>"$err" | wc -l); then
    local first; first=$(grep -m1 -E 'dial tcp|proxyconnect|no such host|connection refused|timeout|Not Found|Forbidden|not available|disabled|reading https?://|verifying' "$err" || grep -v '^go: downloading' "$err" | tail -1)
    rm -f "$err"
    fail "fetching the modules for $c $(version_of "$c") from GOPROXY=$(go env GOPROXY) failed: $first"
  fi
  rm -f "$err"
  echo "$pkgs"
}

# Reads `go build -v` output (one line per compiled package) and prints progress lines:
# every 100 packages and at least every $progress_every_s seconds.
progress() {
  local c=$1 total=$2 start=$3 n=0 next_n=200 last_print=$3 line now
  while true; do
    if IFS= read -r -t "$progress_every_s" line; then
      echo "$line" >>"$4"
      case "$line" in *' '* | *:*) ;; *) n=$((n + 1)) ;; esac
    elif [ $? -le 128 ]; then
      break # EOF, not a timeout
    fi
    now=$(date +%s)
    if [ "$n" -ge "$next_n" ] || [ $((now - last_print)) -ge "$progress_every_s" ]; then
      log "$c: still building, $((now - start)) s, compiled $n of ~$total packages"
      last_print=$now
      while [ "$next_n" -le "$n" ]; do next_n=$((next_n + 200)); done
    fi
  done
}

# Samples the summed RSS (KiB) of the Go toolchain processes once a second; the peak is written
# to $1 when the sampler is stopped. /usr/bin/time only reports the largest single process.
sample_memory() {
  local peak=0 cur
  trap 'echo "$peak" >"$1"; exit 0' TERM
  while true; do
    cur=$(ps -C go,compile,link,asm,cgo -o rss= 2>/dev/null | awk '{s+=$1} END{print s+0}')
    [ "$cur" -gt "$peak" ] && peak=$cur
    sleep 1
  done
}

build_one() {
  local c=$1 v dir bin key
  v=$(version_of "$c")
  dir="$out_root/$c-$v"
  bin="$dir/$c"
  key=$(input_key "$c")
  if [ "$force" = 0 ] && [ -x "$bin" ] && [ "$(cat "$dir/input.key" 2>/dev/null)" = "$key" ]; then
    log "$c $v: up to date (${bin#"$repo"/})"
    return 0
  fi
  need_go "$c"
  mkdir -p "$dir" "$GOMODCACHE" "$GOCACHE" || fail "creating $dir failed"
  local cache_was_empty=false
  [ -z "$(ls -A "$GOCACHE" 2>/dev/null)" ] && cache_was_empty=true
  local t0 total; t0=$(date +%s)
  total=$(resolve "$c") || exit 2
  local t_resolved; t_resolved=$(date +%s)
  local tags ld buildlog timefile memfile
  tags=$(tags_of "$c"); ld=$(ldflags_of "$c")
  buildlog="$dir/build.log"; timefile="$dir/time.txt"; memfile="$dir/peak-tree-rss.kb"
  : >"$buildlog"
  log "$c $v: compiling ~$total packages with $(go env GOVERSION) (log: ${buildlog#"$repo"/})"
  sample_memory "$memfile" &
  local sampler=$!
  local timecmd=()
  [ -x /usr/bin/time ] && timecmd=(/usr/bin/time -v -o "$timefile")
  local rc
  (cd "$here/$c" && "${timecmd[@]}" go build -v -trimpath ${tags:+-tags=$tags} -ldflags "$ld" \
    -o "$bin.tmp" "$(main_pkg_of "$c")") 2>&1 | progress "$c" "$total" "$t0" "$buildlog"
  rc=${PIPESTATUS[0]}
  kill -TERM "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
  if [ "$rc" -ne 0 ] || [ ! -x "$bin.tmp" ]; then
    rm -f "$bin.tmp"
    grep -vE '^[a-z0-9.-]+(/[A-Za-z0-9._~-]+)*$' "$buildlog" | tail -15 >&2
    fail "building $c $v failed (exit $rc); full log: $buildlog"
  fi
  mv -f "$bin.tmp" "$bin"
  local t1 max_rss peak_tree
  t1=$(date +%s)
  max_rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$timefile" 2>/dev/null)
  peak_tree=$(cat "$memfile" 2>/dev/null)
  cat >"$dir/build-info.json" <<EOF
{
  "component": "$c",
  "version": "$v",
  "goVersion": "$(go env GOVERSION)",
  "tags": "$tags",
  "builtAt": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "goCacheWasEmpty": $cache_was_empty,
  "resolveSeconds": $((t_resolved - t0)),
  "wallSeconds": $((t1 - t0)),
  "maxProcessRssKb": ${max_rss:-null},
  "peakToolchainRssKb": ${peak_tree:-null},
  "packages": $total
}
EOF
  echo "$key" >"$dir/input.key"
  log "$c $v: built in $((t1 - t0)) s (largest process ${max_rss:-?} KiB, toolchain peak ${peak_tree:-?} KiB) -> ${bin#"$repo"/}"
}

# One build at a time per output root (parallel test files may ask for the binaries together).
mkdir -p "$out_root" || fail "creating $out_root failed"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$out_root/.build.lock"
  flock -w 3600 9 || fail "waiting for another control-plane build (lock $out_root/.build.lock): none after 3600 s"
fi
for c in "${components[@]}"; do build_one "$c"; done
