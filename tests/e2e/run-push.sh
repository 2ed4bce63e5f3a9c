#!/usr/bin/env bash
# Runs the backend-push end-to-end suites: a private redis-server and rabbitmq-server on free
# loopback ports, examples/push_demo subscribed to both, and the REAL publishers (Debian's
# python3-socketio RedisManager/KombuManager(write_only=True) with python3-kombu, and the npm
# @socket.io/redis-emitter) pushing to real clients (python3-socketio and socket.io-client),
# once per shard count in IMEDGE_SHARDS (default "1"). Then the same publishers against the
# imedge binary (the IM service, --redis and --amqp) pushing to users' rooms, and two imedge
# nodes with --cluster, each with its own --data-dir.
# Ends by printing exactly one line "N passed, M failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
python=${IMEDGE_E2E_PYTHON:-/usr/bin/python3}
redis_dir=$(mktemp -d /tmp/imedge-push-redis.XXXXXX)
amqp_dir=$(mktemp -d /tmp/imedge-push-amqp.XXXXXX)
export IMEDGE_E2E_REDIS_CTL="$E2E_DIR/push/redis.sh" IMEDGE_E2E_REDIS_DIR="$redis_dir"
export IMEDGE_E2E_AMQP_CTL="$E2E_DIR/push/rabbitmq.sh" IMEDGE_E2E_AMQP_DIR="$amqp_dir"
cleanup() {
  stop_servers
  "$IMEDGE_E2E_REDIS_CTL" stop "$redis_dir"
  "$IMEDGE_E2E_AMQP_CTL" stop "$amqp_dir"
  rm -rf "$redis_dir" "$amqp_dir"
}
trap cleanup EXIT
passed=0
failed=0
node_dir="$E2E_DIR/node"
# The imedge phase's tokens (tests/e2e/node/lib/im.mjs and python/test_im.py mint them).
export IMEDGE_E2E_IM_SECRET="e2e-push-secret-$RANDOM-$RANDOM-$RANDOM"
export IMEDGE_E2E_API_KEY="e2e-push-api-$RANDOM-$RANDOM-$RANDOM" # the cluster nodes' push HTTP API
if [ ! -d "$node_dir/node_modules/@socket.io/redis-emitter" ]; then
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
    echo "e2e: npm ci failed in $node_dir" >&2
    echo "0 passed, 1 failed"
    exit 1
  }
fi

# run_node_suite CLIENT SHARDS FILE: one node --test run of FILE, tallied as CLIENT.
run_node_suite() {
  local counts="$LOG_DIR/$1-counts-$2.txt"
  : >"$counts"
  (cd "$node_dir" && timeout -k 5 "${NODE_E2E_TIMEOUT:-120}" node --test \
      --test-concurrency=1 --test-timeout=60000 \
      --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=./lib/count-reporter.mjs --test-reporter-destination="$counts" \
      "$3")
  tally "$1" "$2" $? "$counts"
}

# imedge_phase SHARDS: the imedge binary itself. One IM node on Redis and RabbitMQ for the
# backend publishers, stopped before two --cluster nodes start, so that the nodes'
# publications cannot reach it. Each node has a data directory of its own (the store is not
# shared: see docs/cluster.md for what crosses nodes).
imedge_phase() {
  local shards=$1 dir="$LOG_DIR/imedge-push-$shards"
  local jwt=(--jwt-secret "$IMEDGE_E2E_IM_SECRET" --jwt-issuer imedge-tests --jwt-audience imedge
             --durability os)
  rm -rf "$dir" && mkdir -p "$dir"
  if start_server IMEDGE_E2E_IMEDGE_PUSH_PORT imedge "$shards" "${jwt[@]}" --data-dir "$dir/one" \
      --redis "redis://127.0.0.1:$IMEDGE_E2E_REDIS_PORT" \
      --amqp "amqp://guest:guest@127.0.0.1:$IMEDGE_E2E_AMQP_PORT//"; then
    export IMEDGE_E2E_IMEDGE_PUSH_LOG="$LOG_DIR/imedge-IMEDGE_E2E_IMEDGE_PUSH_PORT-$shards.log"
    run_node_suite imedge-push-node "$shards" imedge_push.e2e.mjs
    local counts="$LOG_DIR/imedge-push-python-counts-$shards.txt"
    : >"$counts"
    IMEDGE_E2E_IM_PORT=$IMEDGE_E2E_IMEDGE_PUSH_PORT IMEDGE_E2E_PUSH_LOG=$IMEDGE_E2E_IMEDGE_PUSH_LOG \
      timeout -k 5 "${PYTHON_E2E_TIMEOUT:-300}" "$python" "$E2E_DIR/python/run_tests.py" \
      "$counts" 'imedge_push*.py' 2>&1
    tally imedge-push-python "$shards" $? "$counts"
  else
    echo "e2e: imedge with --redis and --amqp did not start: counting one failure"
    failed=$((failed + 1))
  fi
  stop_servers
  if start_server IMEDGE_E2E_IMEDGE_CLUSTER_PORT_A imedge "$shards" "${jwt[@]}" \
        --data-dir "$dir/a" --cluster --node-id imedge-a --api-key "$IMEDGE_E2E_API_KEY" \
        --redis "redis://127.0.0.1:$IMEDGE_E2E_REDIS_PORT" &&
     start_server IMEDGE_E2E_IMEDGE_CLUSTER_PORT_B imedge "$shards" "${jwt[@]}" \
        --data-dir "$dir/b" --cluster --node-id imedge-b --api-key "$IMEDGE_E2E_API_KEY" \
        --redis "redis://127.0.0.1:$IMEDGE_E2E_REDIS_PORT"; then
    export IMEDGE_E2E_IMEDGE_CLUSTER_LOG_A="$LOG_DIR/imedge-IMEDGE_E2E_IMEDGE_CLUSTER_PORT_A-$shards.log"
    export IMEDGE_E2E_IMEDGE_CLUSTER_LOG_B="$LOG_DIR/imedge-IMEDGE_E2E_IMEDGE_CLUSTER_PORT_B-$shards.log"
    run_node_suite imedge-cluster-node "$shards" imedge_cluster.e2e.mjs
  else
    echo "e2e: an imedge cluster node did not start: counting one failure"
    failed=$((failed + 1))
  fi
  stop_servers
}

free_port() {
  "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# RabbitMQ boots slowly (~35 s cold here): start it now, wait for it before the Python phase;
# meanwhile imedge's consumer retries with backoff, as it would in production.
export IMEDGE_E2E_AMQP_PORT=$(free_port)
"$IMEDGE_E2E_AMQP_CTL" start "$amqp_dir" "$IMEDGE_E2E_AMQP_PORT"
amqp_ready=""

for shards in ${IMEDGE_SHARDS:-1}; do
  echo "=== push e2e, $shards shard(s) ==="
  export IMEDGE_E2E_REDIS_PORT=$(free_port)
  if ! "$IMEDGE_E2E_REDIS_CTL" start "$redis_dir" "$IMEDGE_E2E_REDIS_PORT"; then
    echo "e2e: redis-server did not start: counting one failure"
    failed=$((failed + 1))
    continue
  fi
  if start_server IMEDGE_E2E_PUSH_PORT push_demo "$shards" \
      --redis "redis://127.0.0.1:$IMEDGE_E2E_REDIS_PORT" \
      --amqp "amqp://guest:guest@127.0.0.1:$IMEDGE_E2E_AMQP_PORT//"; then
    export IMEDGE_E2E_PUSH_LOG="$LOG_DIR/push_demo-IMEDGE_E2E_PUSH_PORT-$shards.log"
    counts="$LOG_DIR/push-node-counts-$shards.txt"
    : >"$counts"
    (cd "$node_dir" && timeout -k 5 "${NODE_E2E_TIMEOUT:-120}" node --test \
        --test-concurrency=1 --test-timeout=30000 \
        --test-reporter=spec --test-reporter-destination=stdout \
        --test-reporter=./lib/count-reporter.mjs --test-reporter-destination="$counts" \
        redis_emitter.e2e.mjs)
    tally push-node "$shards" $? "$counts"
    if [ -z "$amqp_ready" ]; then
      if "$IMEDGE_E2E_AMQP_CTL" wait "$amqp_dir"; then amqp_ready=1; else
        echo "e2e: rabbitmq-server did not start: counting one failure"
        failed=$((failed + 1))
      fi
    fi
    # Python last: it ends by restarting Redis and RabbitMQ.
    counts="$LOG_DIR/push-python-counts-$shards.txt"
    : >"$counts"
    timeout -k 5 "${PYTHON_E2E_TIMEOUT:-300}" "$python" "$E2E_DIR/python/run_tests.py" "$counts" \
      'push_*.py' 2>&1
    tally push-python "$shards" $? "$counts"
    # Two cluster nodes on the same Redis, started only now so that their publications cannot
    # reach the single-node tests above.
    if start_server IMEDGE_E2E_CLUSTER_PORT_A push_demo "$shards" --cluster --node-id node-a \
          --redis "redis://127.0.0.1:$IMEDGE_E2E_REDIS_PORT" &&
       start_server IMEDGE_E2E_CLUSTER_PORT_B push_demo "$shards" --cluster --node-id node-b \
          --redis "redis://127.0.0.1:$IMEDGE_E2E_REDIS_PORT"; then
      export IMEDGE_E2E_CLUSTER_LOG_A="$LOG_DIR/push_demo-IMEDGE_E2E_CLUSTER_PORT_A-$shards.log"
      export IMEDGE_E2E_CLUSTER_LOG_B="$LOG_DIR/push_demo-IMEDGE_E2E_CLUSTER_PORT_B-$shards.log"
      counts="$LOG_DIR/cluster-node-counts-$shards.txt"
      : >"$counts"
      (cd "$node_dir" && timeout -k 5 "${NODE_E2E_TIMEOUT:-120}" node --test \
          --test-concurrency=1 --test-timeout=60000 \
          --test-reporter=spec --test-reporter-destination=stdout \
          --test-reporter=./lib/count-reporter.mjs --test-reporter-destination="$counts" \
          cluster.e2e.mjs)
      tally cluster-node "$shards" $? "$counts"
    else
      echo "e2e: a cluster node did not start: counting one failure"
      failed=$((failed + 1))
    fi
  else
    echo "e2e: push_demo did not start: counting one failure"
    failed=$((failed + 1))
  fi
  stop_servers
  grep -h '^imedge: push: received' "$LOG_DIR/push_demo-IMEDGE_E2E_PUSH_PORT-$shards.log" || true
  imedge_phase "$shards"
  "$IMEDGE_E2E_REDIS_CTL" stop "$redis_dir"
done

finish
