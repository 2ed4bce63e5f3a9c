#!/usr/bin/env bash
# A private rabbitmq-server for the push end-to-end tests, all its state in DIR:
#   rabbitmq.sh start DIR PORT   starts epmd and a node on 127.0.0.1:PORT (distribution and epmd
#                                on free ports of their own, node name unique to DIR) and returns
#                                at once; `rabbitmq.sh wait DIR` returns once it serves AMQP.
#   rabbitmq.sh stop DIR         stops the node, then epmd, by the PIDs recorded at start.
set -euo pipefail
cmd=$1 dir=$2
free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
node_env() {
  export HOME="$dir" RABBITMQ_NODENAME="$(cat "$dir/nodename")" \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$(cat "$dir/port")" \
    RABBITMQ_DIST_PORT="$(cat "$dir/dist_port")" ERL_EPMD_PORT="$(cat "$dir/epmd_port")" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_CONFIG_FILE="$dir/rabbitmq" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
}
case "$cmd" in
start)
  mkdir -p "$dir/mnesia" "$dir/log"
  echo "$3" >"$dir/port"
  [ -f "$dir/nodename" ] || echo "imedge-$(basename "$dir" | tr -c 'a-zA-Z0-9\n' x)@localhost" >"$dir/nodename"
  [ -f "$dir/dist_port" ] || free_port >"$dir/dist_port"
  [ -f "$dir/epmd_port" ] || free_port >"$dir/epmd_port"
  echo '[].' >"$dir/enabled_plugins"
  node_env
  if [ ! -f "$dir/epmd.pid" ]; then
    epmd -port "$ERL_EPMD_PORT" >>"$dir/epmd.log" 2>&1 &
    echo $! >"$dir/epmd.pid"
  fi
  : >"$dir/log/$RABBITMQ_NODENAME.log"
  /usr/lib/rabbitmq/bin/rabbitmq-server >>"$dir/server.log" 2>&1 &
  echo $! >"$dir/server.pid"
  ;;
wait)
  node_env
  log="$dir/log/$RABBITMQ_NODENAME.log"
  for _ in $(seq 1800); do # 90 s: a cold node takes ~35 s on a loaded 2-core machine
    grep -q 'Server startup complete' "$log" 2>/dev/null && exit 0
    kill -0 "$(cat "$dir/server.pid")" 2>/dev/null || break
    sleep 0.05
  done
  echo "rabbitmq.sh: the node did not start; its log:" >&2
  tail -20 "$dir/server.log" >&2
  exit 1
  ;;
stop)
  for name in server epmd; do
    [ -f "$dir/$name.pid" ] || continue
    pid=$(cat "$dir/$name.pid")
    rm -f "$dir/$name.pid"
    kill -TERM "$pid" 2>/dev/null || continue
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  done
  ;;
esac
