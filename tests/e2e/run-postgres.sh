#!/usr/bin/env bash
# Runs the shared-store suites on a private PostgreSQL server (tests/e2e/postgres/postgres.sh:
# initdb into a fresh directory, a free loopback port, stopped by PID at the end): the store
# unit cases (tests/unit/store) against PostgreSQL with IMEDGE_TEST_PG_URL set, then the Node
# suite imedge_postgres.e2e.mjs, whose imedge nodes share the database (--postgres), once per
# shard count in IMEDGE_SHARDS (default "1"). Ends by printing exactly one line
# "N passed, M failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
pg_dir=$(mktemp -d /tmp/imedge-postgres.XXXXXX)
pg_ctl="$E2E_DIR/postgres/postgres.sh"
cleanup() {
  "$pg_ctl" stop "$pg_dir"
  rm -rf "$pg_dir"
}
trap cleanup EXIT
passed=0
failed=0
node_dir="$E2E_DIR/node"
unit_bin="$ROOT/build/tests/unit/unit_tests"
if [ ! -d "$node_dir/node_modules" ]; then
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
    echo "e2e: npm ci failed in $node_dir" >&2
    echo "0 passed, 1 failed"
    exit 1
  }
fi
export IMEDGE_E2E_IM_SECRET="e2e-pg-secret-$RANDOM-$RANDOM-$RANDOM"
export IMEDGE_E2E_IMEDGE_BIN="${IMEDGE_BIN:-$ROOT/build/bin/imedge}"
export IMEDGE_E2E_IM_DIR="$pg_dir"

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if ! "$pg_ctl" start "$pg_dir" "$port"; then
  echo "e2e: postgres did not start: counting one failure"
  echo "0 passed, 1 failed"
  exit 1
fi
url="postgresql://postgres@127.0.0.1:$port/imedge"

# The store's own cases, against PostgreSQL (doctest's summary line gives the counts).
unit_log="$LOG_DIR/postgres-unit.log"
IMEDGE_TEST_PG_URL=$url timeout -k 5 300 "$unit_bin" -ts='store,pg store' >"$unit_log" 2>&1
rc=$?
line=$(grep -E '^\[doctest\] test cases:' "$unit_log" | tail -1)
p=$(sed -nE 's/.*\| *([0-9]+) passed.*/\1/p' <<<"$line")
f=$(sed -nE 's/.*\| *([0-9]+) failed.*/\1/p' <<<"$line")
if [ -z "$p" ]; then p=0; f=1; fi
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
[ "$f" -ne 0 ] && tail -40 "$unit_log"
echo "store unit cases on PostgreSQL: $p passed, $f failed"
passed=$((passed + p))
failed=$((failed + f))

for shards in ${IMEDGE_SHARDS:-1}; do
  echo "=== postgres e2e, $shards shard(s) ==="
  counts="$LOG_DIR/postgres-counts-$shards.txt"
  : >"$counts"
  (cd "$node_dir" && IMEDGE_E2E_PG_URL=$url IMEDGE_E2E_SHARDS=$shards \
    timeout -k 5 "${NODE_E2E_TIMEOUT:-400}" node --test \
      --test-concurrency=1 --test-timeout=200000 \
      --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=./lib/count-reporter.mjs --test-reporter-destination="$counts" \
      imedge_postgres.e2e.mjs)
  tally postgres "$shards" $? "$counts"
done

finish
