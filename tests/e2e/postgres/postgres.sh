#!/usr/bin/env bash
# A private PostgreSQL server for the shared-store tests: `postgres.sh start DIR PORT` runs
# initdb into DIR/data (DIR chowned to the `postgres` user, since the server refuses to run as
# root), starts it on 127.0.0.1:PORT with its socket in DIR, creates database "imedge" and
# returns once it accepts connections; `postgres.sh stop DIR` stops the one started there, by
# the PID it recorded, and waits for it. Clients connect as postgres@127.0.0.1 (trust auth).
set -euo pipefail
cmd=$1 dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/postgres" ] || { echo "postgres.sh: no /usr/lib/postgresql/*/bin/postgres" >&2; exit 1; }
as_postgres() { runuser -u postgres -- "$@"; }
case "$cmd" in
start)
  port=$3
  mkdir -p "$dir"
  chown postgres: "$dir"
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 || {
    echo "postgres.sh: initdb failed; its log:" >&2
    tail -5 "$dir/initdb.log" >&2
    exit 1
  }
  # fsync stays on: the tests' kill -9 is of imedge, but an ack should mean what it means.
  as_postgres "$bin/postgres" -D "$dir/data" -p "$port" -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$dir" -c max_connections=100 >>"$dir/postgres.log" 2>&1 &
  echo $! >"$dir/postgres.pid"
  for _ in $(seq 400); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
      as_postgres "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -c 'CREATE DATABASE imedge' \
        >>"$dir/postgres.log" 2>&1 && exit 0
    fi
    kill -0 "$(cat "$dir/postgres.pid")" 2>/dev/null || break
    sleep 0.05
  done
  echo "postgres.sh: postgres did not accept connections on port $port; its log:" >&2
  tail -5 "$dir/postgres.log" >&2
  exit 1
  ;;
stop)
  [ -f "$dir/postgres.pid" ] || exit 0
  pid=$(cat "$dir/postgres.pid")
  rm -f "$dir/postgres.pid"
  # The recorded PID is runuser's; the server's own is the first line of postmaster.pid.
  # SIGINT is its "fast shutdown" (rolls back open work); runuser exits with it.
  server=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null || true)
  kill -INT "${server:-$pid}" 2>/dev/null || kill -INT "$pid" 2>/dev/null || exit 0
  while kill -0 "$pid" 2>/dev/null || { [ -n "$server" ] && kill -0 "$server" 2>/dev/null; }; do
    sleep 0.05
  done
  ;;
esac
