#!/usr/bin/env bash
# make e2e: the L2 lab suite (every *.lab.test.ts: component tests, then the scenario suite in
# scenarios/lab-suite.lab.test.ts), then a leak check over the whole suite — any network namespace
# named l2l-* or run manifest that appeared during the suite and survived it fails the target.
# Needs root (namespaces, bridges, tcpdump) and the control plane (`make control-plane`, cached).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "e2e: needs root (network namespaces, veth bridges, tcpdump); re-run as root" >&2; exit 2; }
list_netns() { ip netns list 2>/dev/null | awk '{print $1}' | grep '^l2l-' | sort || true; }
list_manifests() { ls /run/l2lab/runs/*.json 2>/dev/null | sort || true; }
before_ns=$(list_netns); before_mf=$(list_manifests)
start=$(date +%s)
status=0
vitest run --config vitest.lab.config.ts "$@" || status=$?
after_ns=$(list_netns); after_mf=$(list_manifests)
leaked_ns=$(comm -13 <(echo "$before_ns") <(echo "$after_ns") | grep . || true)
leaked_mf=$(comm -13 <(echo "$before_mf") <(echo "$after_mf") | grep . || true)
if [ -n "$leaked_ns$leaked_mf" ]; then
  echo "e2e: LEAK — left behind by the suite:" >&2
  [ -n "$leaked_ns" ] && echo "$leaked_ns" | sed 's/^/  netns /' >&2
  [ -n "$leaked_mf" ] && echo "$leaked_mf" | sed 's/^/  manifest /' >&2
  echo "e2e: 'make reap' removes them" >&2
  status=1
else
  echo "e2e: leak check: no namespace or run manifest of the suite survived"
fi
echo "e2e: $(( $(date +%s) - start )) s"
exit $status
