#!/usr/bin/env bash
# Runs the chat page's browser tests (tests/e2e/browser/*.test.mjs: playwright-core driving
# Debian's /usr/bin/chromium) against build/bin/imedge serving web/, once per shard count in
# IMEDGE_SHARDS (default "1"). Ends by printing exactly one line "N passed, M failed".
set -uo pipefail
source "$(dirname "$0")/lib.sh"
trap stop_servers EXIT

passed=0
failed=0
browser_dir="$E2E_DIR/browser"
export IMEDGE_E2E_SCREENSHOT_DIR="$ROOT/build/test-logs"

for dir in "$ROOT/web" "$browser_dir"; do
  if [ ! -d "$dir/node_modules" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
      echo "e2e: npm ci failed in $dir" >&2
      echo "0 passed, 1 failed"
      exit 1
    }
  fi
done
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "e2e: ${CHROMIUM:-/usr/bin/chromium} is missing (apt-get install chromium)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

for shards in ${IMEDGE_SHARDS:-1}; do
  echo "=== browser e2e, $shards shard(s) ==="
  data_dir="$LOG_DIR/browser-$shards"
  rm -rf "$data_dir" && mkdir -p "$data_dir"
  export IMEDGE_E2E_WEB_SECRET="browser-secret-$RANDOM-$RANDOM-$RANDOM"
  if start_server IMEDGE_E2E_WEB_PORT imedge "$shards" --jwt-secret "$IMEDGE_E2E_WEB_SECRET" \
      --data-dir "$data_dir" --durability os --web-root "$ROOT/web"; then
    counts="$LOG_DIR/browser-counts-$shards.txt"
    : >"$counts"
    (cd "$browser_dir" && timeout -k 5 "${BROWSER_E2E_TIMEOUT:-180}" node --test \
        --test-concurrency=1 --test-timeout=60000 \
        --test-reporter=spec --test-reporter-destination=stdout \
        --test-reporter="$E2E_DIR/node/lib/count-reporter.mjs" --test-reporter-destination="$counts" \
        ${BROWSER_E2E_FILES:-*.test.mjs})
    tally browser "$shards" $? "$counts"
  else
    echo "e2e: imedge did not start: counting one failure"
    failed=$((failed + 1))
  fi
  stop_servers
done

finish
