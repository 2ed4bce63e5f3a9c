#!/usr/bin/env bash
# Runs the no-sticky-sessions cluster suite: scripts/cluster starts a private redis-server, three
# examples/push_demo nodes with --cluster and a real haproxy balancing TCP round-robin in front
# (all on free loopback ports, stopped by the PIDs it recorded), once per shard count in
# IMEDGE_SHARDS (default "1"); tests/e2e/node/cluster_relay.e2e.mjs drives real socket.io-client
# through the balancer and straight at the nodes. Ends by printing exactly one line
# "N passed, M failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
node_dir="$E2E_DIR/node"
cluster_dir=$(mktemp -d /tmp/imedge-e2e-cluster.XXXXXX)
export IMEDGE_CLUSTER_DIR="$cluster_dir"
export IMEDGE_CLUSTER_PROGRAM="$EXAMPLES_DIR/push_demo"
cleanup() {
  "$ROOT/scripts/cluster" stop
  cp "$cluster_dir"/*.log "$LOG_DIR/" 2>/dev/null || true
  rm -rf "$cluster_dir"
}
trap cleanup EXIT
passed=0
failed=0
if [ ! -d "$node_dir/node_modules/socket.io-client" ]; then
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
    echo "e2e: npm ci failed in $node_dir" >&2
    echo "0 passed, 1 failed"
    exit 1
  }
fi

for shards in ${IMEDGE_SHARDS:-1}; do
  echo "=== cluster relay e2e, $shards shard(s) ==="
  if ! IMEDGE_CLUSTER_SHARDS=$shards "$ROOT/scripts/cluster" start 3; then
    echo "e2e: the cluster did not start: counting one failure"
    failed=$((failed + 1))
    continue
  fi
  # shellcheck disable=SC1091
  source "$cluster_dir/cluster.env"
  counts="$LOG_DIR/cluster-relay-counts-$shards.txt"
  : >"$counts"
  (cd "$node_dir" && IMEDGE_E2E_BALANCER_PORT=$BALANCER_PORT IMEDGE_E2E_NODE_PORTS=$NODE_PORTS \
      IMEDGE_E2E_NODE_PIDS=$NODE_PIDS IMEDGE_E2E_CLUSTER_DIR=$cluster_dir \
      timeout -k 5 "${NODE_E2E_TIMEOUT:-180}" node --test \
      --test-concurrency=1 --test-timeout=90000 \
      --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=./lib/count-reporter.mjs --test-reporter-destination="$counts" \
      cluster_relay.e2e.mjs)
  tally cluster-relay "$shards" $? "$counts"
  for f in "$cluster_dir"/node-*.log; do cp "$f" "$LOG_DIR/cluster-relay-$shards-$(basename "$f")"; done
  "$ROOT/scripts/cluster" stop
done

finish
