#!/usr/bin/env bash
# A private redis-server for the push end-to-end tests: `redis.sh start DIR PORT` starts one on
# 127.0.0.1:PORT with its files in DIR (no persistence) and returns once it answers PING;
# `redis.sh stop DIR` stops the one started there, by the PID it recorded, and waits for it.
set -euo pipefail
cmd=$1 dir=$2
case "$cmd" in
start)
  port=$3
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
    --daemonize no >>"$dir/redis.log" 2>&1 &
  echo $! >"$dir/redis.pid"
  for _ in $(seq 200); do
    if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then exit 0; fi
    kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null || break
    sleep 0.05
  done
  echo "redis.sh: redis-server did not answer on port $port; its log:" >&2
  tail -5 "$dir/redis.log" >&2
  exit 1
  ;;
stop)
  [ -f "$dir/redis.pid" ] || exit 0
  pid=$(cat "$dir/redis.pid")
  rm -f "$dir/redis.pid"
  kill -TERM "$pid" 2>/dev/null || exit 0
  while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  ;;
esac
