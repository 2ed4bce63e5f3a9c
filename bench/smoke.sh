#!/usr/bin/env bash
# Correctness-only smoke run of the load generator against imedge's example servers: a few
# connections for about a second per scenario; asserts that deliveries happened and that the
# counts match. Ends with exactly one line "N passed, M failed". Under 30 s.
set -uo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
loadgen=$build_dir/bench/loadgen/loadgen
sio_demo=$build_dir/examples/sio_demo
eio_echo=$build_dir/examples/eio_echo
bench_server=$build_dir/bench/servers/imedge_bench
imedge=$build_dir/bin/imedge

passed=0
failed=0
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
}
trap cleanup EXIT

if [ ! -x "$loadgen" ] || [ ! -x "$sio_demo" ] || [ ! -x "$eio_echo" ]; then
  [ -f "$build_dir/build.ninja" ] || meson setup "$build_dir" >/dev/null
  ninja -C "$build_dir" -j "${JOBS:-1}" bench/loadgen/loadgen examples/sio_demo examples/eio_echo bin/imedge >/dev/null
fi
for bin in "$loadgen" "$sio_demo" "$eio_echo"; do
  if [ ! -x "$bin" ]; then
    echo "smoke: $bin is missing"
    echo "0 passed, 1 failed"
    exit 1
  fi
done

# start NAME BINARY...: starts a server, waits (bounded) for its readiness line, sets $port.
port=
start() {
  local name=$1; shift
  local log; log=$(mktemp)
  "$@" --host 127.0.0.1 --port 0 >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    port=$(sed -nE 's/.*listening on [0-9.]+:([0-9]+).*/\1/p' "$log" | head -1)
    [ -n "$port" ] && return 0
    sleep 0.05
  done
  echo "smoke: $name did not start"; cat "$log"
  return 1
}

# check NAME EXPR LOADGEN-ARGS...: runs the load generator and evaluates the Python
# expression EXPR over its JSON result (as r).
check() {
  local name=$1 expr=$2; shift 2
  local out
  out=$(timeout 20 "$loadgen" "$@" --no-progress --setup-timeout 5 --drain 2 2>&1 | grep '^{' | tail -1)
  if [ -n "$out" ] && /usr/bin/python3 -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if ($expr) else 1)" "$out"; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name: ${out:-no result}"
    failed=$((failed + 1))
  fi
}

# Every figure that must hold in a correct run with no losses.
clean='r["failed"] == 0 and r["disconnects"] == 0 and r["skipped"] == 0'
counts='r["sent"] > 0 and r["received"] == r["expected"] and r["expected"] > 0'

if start sio_demo "$sio_demo" --shards 2; then
  demo=(--port "$port" --echo-event message-with-ack --publish-event broadcast --chat-event broadcast
        --msg-event broadcast)
  check "connect: 40 clients connect" "$clean and r['connected'] == 40 and r['connect_us']['count'] == 40" \
    connect "${demo[@]}" -c 40 -p 2 -d 0.5
  check "echo: every ack arrives" "$clean and $counts and r['received'] == r['sent']" \
    echo "${demo[@]}" -c 4 -t 2 -d 1
  check "echo at a fixed rate" "$clean and $counts and 150 <= r['sent'] <= 250" \
    echo "${demo[@]}" -c 4 --rate 200 -d 1
  check "broadcast at a fixed rate: each message reaches all 6" \
    "$clean and $counts and r['expected'] == 6 * r['sent'] and r['latency_us']['count'] == r['received']" \
    broadcast "${demo[@]}" -c 6 --rate 50 -d 1
  check "broadcast at saturation, 2 processes" "$clean and $counts" \
    broadcast "${demo[@]}" -c 6 -p 2 --window 4 -d 1
  check "chat: each message reaches the 4 others" "$clean and $counts and r['expected'] == 4 * r['sent']" \
    chat "${demo[@]}" -c 5 --rate 50 -d 1
  check "chat over 2 rooms" "$clean and $counts" chat "${demo[@]}" -c 8 --rooms 2 --rate 40 -d 1
else
  failed=$((failed + 1))
fi

if start eio_echo "$eio_echo" --shards 1; then
  check "raw WebSocket echo" "$clean and $counts and r['received'] == r['sent']" \
    echo --port "$port" --raw --raw-path / -c 3 -d 1
else
  failed=$((failed + 1))
fi

if [ -x "$bench_server" ] && start imedge_bench "$bench_server" --shards 2; then
  check "bench contract: publish to 2 rooms" "$clean and $counts" \
    broadcast --port "$port" -c 10 --rooms 2 --rate 40 -d 1
fi

# The IM scenarios (bench/im/imbench.mjs, socket.io-client) against the imedge binary: about a
# second each, every count checked.
imcheck() {
  local name=$1 expr=$2; shift 2
  local out
  out=$(timeout 40 node bench/im/imbench.mjs "$@" --port "$port" --secret smoke-secret \
        --setup-timeout 10 --drain 3 2>&1 | grep '^{' | tail -1)
  if [ -n "$out" ] && /usr/bin/python3 -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(0 if ($expr) else 1)" "$out"; then
    echo "ok   $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name: ${out:-no result}"
    failed=$((failed + 1))
  fi
}
if [ ! -d bench/im/node_modules ]; then
  (cd bench/im && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || echo "smoke: npm ci failed in bench/im"
fi
im_data=$(mktemp -d)
if [ -x "$imedge" ] && [ -d bench/im/node_modules ] &&
   start imedge "$imedge" --shards 2 --jwt-secret smoke-secret --data-dir "$im_data" --durability os; then
  imclean='r["lost"] == 0 and r["failed"] == 0 and r["disconnects"] == 0'
  imcheck "im send: every persisted send acked" \
    "$imclean and r['received'] == r['sent'] > 0 and r['throughput'] > 0 and r['latency_us']['count'] > 0" \
    send -c 4 --window 4 -p 2 -d 1
  imcheck "im catchup: 300 stored messages replayed in order" \
    "$imclean and r['received'] == 300 and r['violations'] == 0 and r['sync_ack_ms'] is not None" \
    catchup --messages 300
  imcheck "im group: every message reaches all 6 devices, in order" \
    "$imclean and r['violations'] == 0 and r['sent'] > 0 and r['expected'] == 6 * r['sent'] and r['received'] == r['expected'] and r['latency_us']['count'] == r['received']" \
    group --members 6 --rate 50 -p 2 -d 1
else
  echo "FAIL im: $imedge or bench/im/node_modules is missing, or imedge did not start"
  failed=$((failed + 1))
fi
rm -rf "$im_data"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
