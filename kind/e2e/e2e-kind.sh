#!/usr/bin/env bash
# make e2e-kind: the cluster world on kind, for a runner with Docker, kind and kubectl (helm too for
# KIND_TARGET=cilium) — GitHub Actions' ubuntu runners have all but kind. Root (sudo): the clients
# are network namespaces on the kind network's bridge, tcpdump captures there.
#   1. l2lab cluster up --provider kind --target $KIND_TARGET (kind cluster l2lab-<id>, second
#      network eth1, the l2lab responder DaemonSet or real Cilium)
#   2. the same scenario files as every other world, judged by the sim's checkers:
#        l2lab run scenarios/leader-kill.yaml   --world cluster --provider kind   (kill-agent = the
#          holder's agent pod deleted, grace 0; leader-kill-cilium-defaults.yaml for KIND_TARGET=cilium,
#          whose Helm values keep Cilium's 15s/5s/2s Lease timing)
#        l2lab run scenarios/api-partition.yaml --world cluster --provider kind   (partition-api = an
#          nft table in the holder's node container dropping TCP to the control plane's 6443)
#      reports under reports/<scenario>/cluster-<run>/ (pcaps of the kind bridge in cluster/pcap/)
#   3. l2lab cluster down (always, also on failure)
# Exit: 0 every scenario passed; otherwise the first failing run's exit code (3 safety, 4 liveness,
# 2 setup: missing tool, cluster creation failed, harness error).
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${KIND_TARGET:-l2lab}
id=${KIND_RUN_ID:-k$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-6)}
# Real Cilium runs with the Helm values' 15s/5s/2s: its leader-kill is the one written for those.
if [ "$target" = cilium ]; then default_scenarios="scenarios/leader-kill-cilium-defaults.yaml scenarios/api-partition.yaml"; else default_scenarios="scenarios/leader-kill.yaml scenarios/api-partition.yaml"; fi
scenarios=${KIND_SCENARIOS:-$default_scenarios}
l2lab=(node bin/l2lab.mjs)
kc=.cache/cluster/$id/kubeconfig
say() { echo "e2e-kind $id: $*"; }
for tool in docker kind kubectl; do command -v "$tool" >/dev/null || { say "missing $tool ('l2lab doctor' names how to install it)"; exit 2; }; done
[ "$(id -u)" = 0 ] || { say "needs root (client namespaces on the kind bridge, tcpdump); re-run with sudo"; exit 2; }

down() { "${l2lab[@]}" cluster down --provider kind --target "$target" --run-id "$id" || true; }
trap down EXIT
"${l2lab[@]}" cluster up --provider kind --target "$target" --run-id "$id" || exit 2

status=0
for scenario in $scenarios; do
  say "run $scenario --world cluster --provider kind --target $target"
  code=0
  "${l2lab[@]}" run "$scenario" --world cluster --provider kind --target "$target" --cluster-name "l2lab-$id" --kubeconfig "$kc" || code=$?
  say "$scenario: exit $code"
  [ "$status" = 0 ] && status=$code
done
[ "$status" = 0 ] && say "PASS" || say "FAIL (exit $status)"
exit "$status"
