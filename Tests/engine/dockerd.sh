#!/usr/bin/env bash
# A Docker Engine of the tests' own, beside anything else on the machine:
#   dockerd.sh start DIR   starts dockerd with its data and exec roots in DIR and its API on
#                          unix:///run/hermes-test-docker.sock; returns once it answers
#   dockerd.sh stop DIR    stops it (its containers with it) and removes DIR
# No iptables rules and no bridge (containers run with --network=none), ulimits within the
# machine's hard limits (as containers.conf does for podman). Needs root and Debian's docker.io.
set -euo pipefail
cmd=${1:?usage: dockerd.sh start|stop DIR}
dir=${2:?usage: dockerd.sh start|stop DIR}
sock=/run/hermes-test-docker.sock
case $cmd in
start)
  command -v dockerd >/dev/null || { echo "dockerd.sh: no dockerd (apt-get install docker.io)" >&2; exit 1; }
  if [ -S "$sock" ] && DOCKER_HOST=unix://$sock /usr/bin/docker info >/dev/null 2>&1; then
    echo "dockerd.sh: a dockerd already answers on $sock" >&2
    exit 1
  fi
  mkdir -p "$dir"
  setsid dockerd --iptables=false --ip6tables=false --bridge=none \
    --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" --host "unix://$sock" \
    --default-ulimit nofile=20000:20000 --default-ulimit nproc=32768:32768 \
    >"$dir/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 150); do
    DOCKER_HOST=unix://$sock /usr/bin/docker version >/dev/null 2>&1 && exit 0
    sleep 0.2
  done
  echo "dockerd.sh: dockerd did not answer within 30 s; its log:" >&2
  tail -n 20 "$dir/dockerd.log" >&2
  exit 1
  ;;
stop)
  if [ -s "$dir/dockerd.pid" ]; then
    pid=$(cat "$dir/dockerd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  # Mounts dockerd left (it unmounts its own on a clean stop).
  grep -o " $dir/[^ ]*" /proc/self/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: dockerd.sh start|stop DIR" >&2
  exit 100
  ;;
esac
