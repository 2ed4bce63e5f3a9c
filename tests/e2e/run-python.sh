#!/usr/bin/env bash
# Runs the Python end-to-end suites (tests/e2e/python: Debian's python3-socketio / python3-engineio,
# sync and asyncio clients) against the example servers, once per shard count in IMEDGE_SHARDS
# (default "1"). IMEDGE_E2E_REFERENCE=1 uses the Node reference servers instead.
# Ends by printing exactly one line "N passed, M failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/im-servers.sh"
trap stop_servers EXIT

# Debian's interpreter: the python3 first on PATH may be a separate build that cannot import
# the Debian packages.
python=${IMEDGE_E2E_PYTHON:-/usr/bin/python3}
passed=0
failed=0

# Hard limit per shard count: the whole runner stays near 4 minutes, at least 90 s per run.
shard_counts=(${IMEDGE_SHARDS:-1})
run_timeout=$((220 / ${#shard_counts[@]}))
[ "$run_timeout" -lt 90 ] && run_timeout=90

for shards in "${shard_counts[@]}"; do
  echo "=== python e2e, $shards shard(s)${IMEDGE_E2E_REFERENCE:+, reference servers} ==="
  if start_server IMEDGE_E2E_SIO_DEMO_PORT sio_demo "$shards" &&
     start_server IMEDGE_E2E_SIO_DEMO_HB_PORT sio_demo "$shards" --ping-interval 300 --ping-timeout 200 &&
     start_server IMEDGE_E2E_EIO_ECHO_PORT eio_echo "$shards" &&
     start_im_servers "$shards" &&
     start_server IMEDGE_E2E_NOTIFY_PORT notify "$shards"; then
    counts="$LOG_DIR/python-counts-$shards.txt"
    : >"$counts"
    timeout -k 5 "${PYTHON_E2E_TIMEOUT:-$run_timeout}" "$python" "$E2E_DIR/python/run_tests.py" "$counts" \
      "${PYTHON_E2E_PATTERN:-test_*.py}" 2>&1
    tally python "$shards" $? "$counts"
  else
    echo "e2e: a server did not start: counting one failure"
    failed=$((failed + 1))
  fi
  stop_servers
done

finish
