#!/usr/bin/env bash
# Runs the Node end-to-end suites (tests/e2e/node/*.test.mjs: socket.io-client, engine.io-client,
# ws, raw Engine.IO/Socket.IO conformance) against the example servers, once per shard count in
# IMEDGE_SHARDS (default "1"). IMEDGE_E2E_REFERENCE=1 uses the Node reference servers instead.
# Ends by printing exactly one line "N passed, M failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/im-servers.sh"
trap stop_servers EXIT

passed=0
failed=0
node_dir="$E2E_DIR/node"

if [ ! -d "$node_dir/node_modules" ]; then
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
    echo "e2e: npm ci failed in $node_dir" >&2
    echo "0 passed, 1 failed"
    exit 1
  }
fi

# Hard limit per shard count: the whole runner stays near 4 minutes, at least 90 s per run.
shard_counts=(${IMEDGE_SHARDS:-1})
run_timeout=$((220 / ${#shard_counts[@]}))
[ "$run_timeout" -lt 90 ] && run_timeout=90

for shards in "${shard_counts[@]}"; do
  echo "=== node e2e, $shards shard(s)${IMEDGE_E2E_REFERENCE:+, reference servers} ==="
  # With several shards the Socket.IO demo forwards every polling request that lands on another
  # shard (the TLS path), while the other servers move such connections (the plain TCP default):
  # both routes meet real clients.
  route=()
  [ "$shards" -gt 1 ] && [ -z "${IMEDGE_E2E_REFERENCE:-}" ] && route=(--polling-route forward)
  if start_server IMEDGE_E2E_SIO_DEMO_PORT sio_demo "$shards" "${route[@]}" &&
     start_server IMEDGE_E2E_SIO_DEMO_SMALL_PORT sio_demo "$shards" --max-payload 10000 &&
     start_server IMEDGE_E2E_SIO_DEMO_HB_PORT sio_demo "$shards" --ping-interval 300 --ping-timeout 200 &&
     { [ "${IMEDGE_E2E_REFERENCE:-}" = 1 ] || # the reference server has no rooms cap
       start_server IMEDGE_E2E_SIO_DEMO_ROOMS_PORT sio_demo "$shards" --max-rooms-per-socket 2; } &&
     start_im_servers "$shards" &&
     start_server IMEDGE_E2E_NOTIFY_PORT notify "$shards" &&
     start_server IMEDGE_E2E_EIO_ECHO_PORT eio_echo "$shards" &&
     start_server IMEDGE_E2E_EIO_ECHO_HB_PORT eio_echo "$shards" --ping-interval 300 --ping-timeout 400 &&
     start_server IMEDGE_E2E_EIO_ECHO_SMALL_PORT eio_echo "$shards" --max-payload 10000; then
    counts="$LOG_DIR/node-counts-$shards.txt"
    : >"$counts"
    (cd "$node_dir" && timeout -k 5 "${NODE_E2E_TIMEOUT:-$run_timeout}" node --test \
        --test-concurrency=1 --test-timeout=30000 \
        --test-reporter=spec --test-reporter-destination=stdout \
        --test-reporter=./lib/count-reporter.mjs --test-reporter-destination="$counts" \
        ${NODE_E2E_FILES:-*.test.mjs})
    tally node "$shards" $? "$counts"
  else
    echo "e2e: a server did not start: counting one failure"
    failed=$((failed + 1))
  fi
  stop_servers
done

finish
