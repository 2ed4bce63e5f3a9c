# Shared by run-node.sh and run-python.sh: starting and stopping the example servers.
# Source it; it defines E2E_DIR, ROOT, and the functions below.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E_DIR/../.." && pwd)
EXAMPLES_DIR=${IMEDGE_EXAMPLES_DIR:-$ROOT/build/examples}
LOG_DIR=${IMEDGE_E2E_LOG_DIR:-$ROOT/build/test-logs/e2e}
mkdir -p "$LOG_DIR"
SERVER_PIDS=()
CONTRACT_FAILURES=0 # readiness lines that break CONTRACT.md (counted as failed tests)

# start_server VAR NAME SHARDS [ARGS...]: starts example NAME (imedge binary, or the Node reference
# server when IMEDGE_E2E_REFERENCE=1), waits up to 15 s for its readiness line and exports its
# port as VAR. Returns non-zero (and logs why) if it does not come up.
start_server() {
  local var=$1 name=$2 shards=$3
  shift 3
  local log="$LOG_DIR/$name-$var-$shards.log"
  local cmd
  if [ "${IMEDGE_E2E_REFERENCE:-}" = 1 ]; then
    cmd=(node "$E2E_DIR/reference/$name.mjs")
  else
    cmd=("$EXAMPLES_DIR/$name")
    [ "$name" = imedge ] && cmd=("${IMEDGE_BIN:-$ROOT/build/bin/imedge}")
    if [ ! -x "${cmd[0]}" ]; then
      echo "e2e: $name: ${cmd[0]} is missing (build it with scripts/build)" >&2
      return 1
    fi
  fi
  : >"$log" # truncate now: the background job below may open it only later
  "${cmd[@]}" --host 127.0.0.1 --port 0 --shards "$shards" "$@" >"$log" 2>&1 &
  local pid=$!
  SERVER_PIDS+=("$pid")
  local deadline=$((SECONDS + 15)) line=""
  while [ $SECONDS -lt $deadline ]; do
    line=$(grep -m1 -E '^imedge: listening on [^ ]+:[0-9]+ with [0-9]+ shards' "$log" || true)
    [ -n "$line" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
  if [ -z "$line" ]; then
    echo "e2e: $name did not print its readiness line; its log:" >&2
    tail -20 "$log" >&2
    return 1
  fi
  local announced=${line##* with }
  announced=${announced%% shards*}
  if [ "$announced" != "$shards" ]; then
    echo "e2e: FAIL $name was started with --shards $shards but announced: $line" >&2
    CONTRACT_FAILURES=$((CONTRACT_FAILURES + 1))
  fi
  local port=${line#imedge: listening on }
  port=${port%% with*}
  port=${port##*:}
  export "$var=$port"
  echo "e2e: $name ${*:-} on port $port ($shards shards, pid $pid)"
}

# stop_servers: SIGTERM to every server started here. A server that died on its own during the
# run, or that is still alive 10 s after SIGTERM (CONTRACT.md: SIGTERM stops it), counts as a
# failure; the latter is then killed.
stop_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null
      echo "e2e: FAIL server pid $pid died during the run (exit status $?); see $LOG_DIR" >&2
      CONTRACT_FAILURES=$((CONTRACT_FAILURES + 1))
      continue
    fi
    kill -TERM "$pid" 2>/dev/null
  done
  local deadline=$((SECONDS + 10))
  for pid in "${SERVER_PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "e2e: FAIL server pid $pid ignored SIGTERM for 10 s: killed" >&2
      CONTRACT_FAILURES=$((CONTRACT_FAILURES + 1))
      kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
  done
  SERVER_PIDS=()
}

# tally CLIENT SHARDS RC COUNTS_FILE: adds one run's per-test "pass "/"fail " lines to
# $passed/$failed; a timeout (124/137) or a non-zero exit with no failed test counts as one failure.
tally() {
  local client=$1 shards=$2 rc=$3 counts=$4 p f
  p=$(grep -c '^pass ' "$counts")
  f=$(grep -c '^fail ' "$counts")
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    echo "e2e: the $client run timed out: counting one failure"
    f=$((f + 1))
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "e2e: the $client run exited with $rc and no failed test: counting one failure"
    f=1
  fi
  echo "$client e2e, $shards shard(s): $p passed, $f failed"
  passed=$((passed + p))
  failed=$((failed + f))
}

# finish: prints the runner's one summary line (contract failures included) and sets its status.
finish() {
  failed=$((failed + CONTRACT_FAILURES))
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
