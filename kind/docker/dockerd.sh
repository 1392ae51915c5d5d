#!/usr/bin/env bash
# The docker provider's own Docker daemon, for machines without one (this project's CI VM):
# dockerd with the vfs storage driver (no overlayfs needed), its data under .cache/cluster/docker
# (the cached base image survives runs), its socket, pid file and exec root under /run/l2lab-docker,
# and — so that its bridges, veths and iptables never touch the host's network namespace — running
# inside its own network namespace `l2l-docker` (no docker0, no iptables, no NAT: nothing is pulled).
#
#   start   start it unless a daemon already answers on the socket (idempotent); marks it ours
#   stop    stop it and remove its namespace, only if `start` started it (the marker file)
#   status  print running/stopped
#
# Exit 2 with one message when dockerd is missing, not root, or the daemon does not come up in 60 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
run_dir=/run/l2lab-docker
sock=$run_dir/docker.sock
pidfile=$run_dir/dockerd.pid
marker=$run_dir/started-by-l2lab
netns=l2l-docker
data_root=${L2LAB_DOCKER_DATA:-$repo/.cache/cluster/docker}
log=$repo/.cache/cluster/dockerd.log
fail() { echo "dockerd.sh: $*" >&2; exit 2; }
say() { echo "[dockerd] $*"; }
answers() { DOCKER_HOST=unix://$sock timeout 5 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

case "${1:-}" in
  start)
    if [ -S "$sock" ] && answers; then say "running (unix://$sock)"; exit 0; fi
    [ "$(id -u)" = 0 ] || fail "starting dockerd needs root; re-run as root"
    command -v dockerd >/dev/null || fail "dockerd not found; install it: apt-get install -y docker.io"
    command -v docker >/dev/null || fail "docker CLI not found; install it: apt-get install -y docker.io"
    mkdir -p "$run_dir" "$data_root" "$(dirname "$log")"
    # A stale pid file from a killed daemon would make dockerd refuse to start.
    if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then rm -f "$pidfile" "$sock"; fi
    if ! ip netns list | grep -qx "$netns\( (id: [0-9]*)\)\?"; then
      ip netns add "$netns"
      touch "$run_dir/netns-created-by-l2lab"
    fi
    ip -n "$netns" link set lo up
    touch "$marker"
    say "starting dockerd (vfs, data $data_root, netns $netns, log $log)"
    # `ip netns exec` mounts a fresh /sys for the namespace, which hides the host's cgroup mounts
    # that dockerd needs: re-mount them inside its private mount namespace (the host's stay as they are).
    cgroups=$(awk '$3 == "cgroup" || $3 == "cgroup2" { print $3, $4, $2 }' /proc/mounts)
    [ -n "$cgroups" ] || fail "no cgroup hierarchy is mounted on this host; dockerd needs one (mount cgroup2 on /sys/fs/cgroup)"
    remount="mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup"
    while read -r type opts dir; do
      remount="$remount && mkdir -p $dir && mount -t $type -o $opts cgroup $dir"
    done <<<"$cgroups"
    [ "$(awk '$2 == "/sys/fs/cgroup" { print $3 }' /proc/mounts)" = cgroup2 ] && remount=$(awk '$3 == "cgroup2" && $2 == "/sys/fs/cgroup" { print "mount -t cgroup2 -o " $4 " cgroup2 /sys/fs/cgroup" }' /proc/mounts)
    nohup ip netns exec "$netns" sh -c "$remount && exec \"\$0\" \"\$@\"" dockerd --storage-driver=vfs --data-root "$data_root" --exec-root "$run_dir/exec" \
      --pidfile "$pidfile" -H "unix://$sock" --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
      --userland-proxy=false --log-level=warn >>"$log" 2>&1 </dev/null &
    for _ in $(seq 1 120); do
      if [ -S "$sock" ] && answers; then say "running (unix://$sock)"; exit 0; fi
      sleep 0.5
    done
    tail -5 "$log" >&2 || true
    fail "dockerd did not answer on unix://$sock within 60 s (log above: $log)"
    ;;
  stop)
    if [ ! -f "$marker" ]; then say "not started by l2lab; left alone"; exit 0; fi
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile")
      if kill -0 "$pid" 2>/dev/null && grep -q dockerd "/proc/$pid/comm" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
      fi
    fi
    if [ -f "$run_dir/netns-created-by-l2lab" ]; then ip netns del "$netns" 2>/dev/null || true; rm -f "$run_dir/netns-created-by-l2lab"; fi
    rm -f "$marker" "$pidfile"
    # The runtime directory (socket, exec root) is the daemon's alone: gone with it.
    rm -rf "$run_dir"
    say "stopped"
    ;;
  status)
    if [ -S "$sock" ] && answers; then echo running; else echo stopped; fi
    ;;
  *) fail "usage: kind/docker/dockerd.sh start|stop|status" ;;
esac
