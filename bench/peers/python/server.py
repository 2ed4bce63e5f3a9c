"""Reference python-socketio peer (eventlet) for the imedge bench.

Implements the scenario contract in bench/README.md on /socket.io/ (WebSocket transport only)
and its raw-WebSocket variant on /ws. Run with Debian's interpreter: /usr/bin/python3 server.py --port P
"""
import argparse
import json
import os
import signal
import sys

import eventlet
import eventlet.websocket
import eventlet.wsgi
import socketio


def make_socketio_app():
    sio = socketio.Server(async_mode="eventlet", transports=["websocket"], http_compression=False,
                          max_http_buffer_size=1_000_000, logger=False, engineio_logger=False)

    @sio.on("echo")
    def echo(sid, *args):
        return args

    @sio.on("join")
    def join(sid, room):
        sio.enter_room(sid, str(room))
        return f"joined:{room}"

    @sio.on("publish")
    def publish(sid, room, payload):
        sio.emit("msg", payload, to=str(room))

    @sio.on("chat")
    def chat(sid, room, payload):
        sio.emit("msg", payload, to=str(room), skip_sid=sid)

    return socketio.WSGIApp(sio, socketio_path="socket.io")


def make_raw_ws_app():
    rooms = {}

    @eventlet.websocket.WebSocketWSGI
    def handle(ws):
        joined = set()
        try:
            while True:
                text = ws.wait()
                if text is None:
                    break
                if isinstance(text, bytes):
                    continue
                msg = json.loads(text)
                op = msg.get("op")
                if op == "echo":
                    ws.send(text)
                elif op == "join":
                    room = str(msg.get("room"))
                    rooms.setdefault(room, set()).add(ws)
                    joined.add(room)
                    ws.send(json.dumps({"op": "joined", "room": room}, separators=(",", ":")))
                elif op in ("publish", "chat"):
                    out = json.dumps(msg.get("data"), separators=(",", ":"))
                    for peer in list(rooms.get(str(msg.get("room")), ())):
                        if op == "chat" and peer is ws:
                            continue
                        try:
                            peer.send(out)
                        except OSError:
                            pass
        finally:
            for room in joined:
                members = rooms.get(room)
                if members is not None:
                    members.discard(ws)
                    if not members:
                        del rooms[room]

    return handle


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    args = parser.parse_args()

    sio_app = make_socketio_app()
    ws_app = make_raw_ws_app()

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/ws" or path.startswith("/ws/"):
            return ws_app(environ, start_response)
        return sio_app(environ, start_response)

    # eventlet's server loop does not end on SIGTERM by itself; the bench stops peers with it.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    listener = eventlet.listen((args.host, args.port), backlog=4096)
    host, port = listener.getsockname()[:2]
    print(f"bench-peer: listening on {host}:{port} (python-socketio on eventlet {eventlet.__version__})",
          flush=True)
    # max_size bounds concurrent greenthreads; every WebSocket holds one for its whole life.
    eventlet.wsgi.server(listener, app, log_output=False, max_size=200_000, log=open("/dev/null", "w"))


if __name__ == "__main__":
    sys.exit(main())
