#!/usr/bin/env bash
# make e2e-kind: the cluster world on kind, for a runner with Docker, kind and kubectl (helm too for
# KIND_TARGET=cilium) — GitHub Actions' ubuntu runners have all but kind. It runs leader-kill's
# story on a real cluster:
#   1. l2lab cluster up --provider kind --target $KIND_TARGET (kind cluster, second network eth1,
#      the l2lab responder DaemonSet or real Cilium)
#   2. a pool on the second network, a policy selecting the workers' eth1 (the interface-selector
#      path), a LoadBalancer Service: the Service gets an IP, a node takes the Lease
#   3. the host (on the second network's bridge) resolves the VIP by ARP to the holder's eth1 MAC
#   4. the holder's agent pod is deleted (kill-agent): another node takes the Lease within the
#      failover bound (leaseDuration + renewDeadline + 2.2 × retryPeriod), and the host's ARP entry
#      follows after a new ARP resolution
#   5. l2lab cluster down (always, also on failure)
# Exit 0 pass, 1 a step's expectation failed, 2 setup (missing tool, cluster creation failed).
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${KIND_TARGET:-l2lab}
id=${KIND_RUN_ID:-k$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n' | cut -c1-6)}
l2lab=(node bin/l2lab.mjs)
kc=.cache/cluster/$id/kubeconfig
say() { echo "e2e-kind $id: $*"; }
fail() { say "FAIL: $*"; exit 1; }
for tool in docker kind kubectl; do command -v "$tool" >/dev/null || { say "missing $tool ('l2lab doctor' names how to install it)"; exit 2; }; done

down() { "${l2lab[@]}" cluster down --provider kind --target "$target" --run-id "$id" || true; }
trap down EXIT
"${l2lab[@]}" cluster up --provider kind --target "$target" --run-id "$id" || exit 2

subnet=$(docker network inspect "l2lab-$id-data2" -f '{{(index .IPAM.Config 0).Subnet}}')
prefix=${subnet%.0/24}
bridge=br-$(docker network inspect "l2lab-$id-data2" -f '{{.Id}}' | cut -c1-12)
say "second network $subnet (host bridge $bridge); pool $prefix.240/28 announced on eth1"
kubectl --kubeconfig "$kc" apply -f - <<YAML
apiVersion: cilium.io/v2alpha1
kind: CiliumL2AnnouncementPolicy
metadata: { name: e2e-eth1 }
spec:
  nodeSelector: { matchLabels: { l2lab.io/announce: "true" } }
  interfaces: ["^eth1\$"]
  loadBalancerIPs: true
---
apiVersion: cilium.io/v2alpha1
kind: CiliumLoadBalancerIPPool
metadata: { name: e2e-data2 }
spec:
  blocks: [{ cidr: "$prefix.240/28" }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec:
  type: LoadBalancer
  ports: [{ port: 7, protocol: UDP }]
YAML

wait_for() { # $1 = what, $2 = seconds, rest = command printing a non-empty value when done
  local what=$1 limit=$2; shift 2
  for _ in $(seq 1 "$limit"); do out=$("$@" 2>/dev/null || true); [ -n "$out" ] && { echo "$out"; return 0; }; sleep 1; done
  fail "$what: nothing within $limit s"
}
vip=$(wait_for "the Service's LoadBalancer IP" 120 kubectl --kubeconfig "$kc" get svc web -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
say "VIP $vip"
lease=cilium-l2announce-default-web
holder=$(wait_for "a Lease holder for default/web" 120 kubectl --kubeconfig "$kc" -n kube-system get lease "$lease" -o jsonpath='{.spec.holderIdentity}')
say "holder $holder"

mac_of() { docker exec "$1" cat /sys/class/net/eth1/address; }
arp_mac() { ip neigh flush to "$vip" dev "$bridge" 2>/dev/null || true; ping -c1 -W1 -I "$bridge" "$vip" >/dev/null 2>&1 || true; ip neigh show to "$vip" dev "$bridge" | awk '/lladdr/ {print $3}'; }
want=$(mac_of "$holder")
got=$(wait_for "an ARP answer for $vip on $bridge" 30 arp_mac)
[ "$got" = "$want" ] || fail "ARP for $vip answered by $got, the holder $holder's eth1 is $want"
say "ARP $vip → $got (holder $holder, eth1)"

if [ "$target" = l2lab ]; then pods="-n l2lab-$id -l app.kubernetes.io/name=l2lab-agent"; else pods="-n kube-system -l k8s-app=cilium"; fi
# shellcheck disable=SC2086
pod=$(kubectl --kubeconfig "$kc" get pods $pods --field-selector "spec.nodeName=$holder" -o jsonpath='{.items[0].metadata.name}')
say "kill-agent: deleting $pod on $holder"
start=$(date +%s)
kubectl --kubeconfig "$kc" delete pod ${pods%% -l*} "$pod" --grace-period=0 --force --wait=false >/dev/null
bound=$(( 15 + 5 + 5 + 5 )) # leaseDuration + renewDeadline + 2.2 × retryPeriod (15s/5s/2s), + 5 s of slack
new=$(wait_for "a new Lease holder" "$bound" bash -c "h=\$(kubectl --kubeconfig '$kc' -n kube-system get lease $lease -o jsonpath='{.spec.holderIdentity}'); [ -n \"\$h\" ] && [ \"\$h\" != '$holder' ] && echo \$h")
say "lease taken over by $new after $(( $(date +%s) - start )) s"
want=$(mac_of "$new")
got=$(wait_for "an ARP answer from the new holder" 30 bash -c "m=\$($(declare -f arp_mac); vip=$vip bridge=$bridge arp_mac); [ \"\$m\" = '$want' ] && echo \$m")
say "ARP $vip → $got (new holder $new): PASS"
