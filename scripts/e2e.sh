#!/usr/bin/env bash
# make e2e: the L2 lab suite (every *.lab.test.ts: component tests, then the scenario suite in
# scenarios/lab-suite.lab.test.ts), then a leak check over the whole suite — any lab run that is
# dead after the suite (its owner gone) but still has namespaces, processes or a manifest, and was
# not already dead before, fails the target. A run that is still alive (someone else's lab on the
# same machine) is not the suite's leak; `l2lab reap --dry-run` tells the two apart.
# Needs root (namespaces, bridges, tcpdump) and the control plane (`make control-plane`, cached).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "e2e: needs root (network namespaces, veth bridges, tcpdump); re-run as root" >&2; exit 2; }
dead_runs() { node bin/l2lab.mjs reap --dry-run 2>/dev/null | grep -oE '^run [a-z0-9]+: (dead|orphan)' | awk '{print $2}' | tr -d ':' | sort -u || true; }
before=$(dead_runs)
start=$(date +%s)
status=0
vitest run --config vitest.lab.config.ts "$@" || status=$?
leaked=$(comm -13 <(echo "$before") <(dead_runs) | grep . || true)
if [ -n "$leaked" ]; then
  echo "e2e: LEAK — dead lab runs with leftovers after the suite:" >&2
  node bin/l2lab.mjs reap --dry-run >&2 || true
  echo "e2e: 'make reap' removes them" >&2
  status=1
else
  echo "e2e: leak check: no run of the suite left a namespace, process or manifest behind"
fi
echo "e2e: $(( $(date +%s) - start )) s"
exit $status
