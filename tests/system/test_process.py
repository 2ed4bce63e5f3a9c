"""Process-level behaviour of the imedge binaries: running out of descriptors and graceful stop.

Run with Debian's /usr/bin/python3 (it needs python3-websocket). The server binaries come from
BUILD_DIR (default build/)."""
import os
import re
import signal
import socket
import subprocess
import threading
import time
import unittest

import websocket  # Debian python3-websocket

BUILD_DIR = os.environ.get("BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
SIO_DEMO = os.path.join(BUILD_DIR, "examples", "sio_demo")


def start_server(args, limit_fds=None):
    cmd = [SIO_DEMO, "--host", "127.0.0.1", "--port", "0"] + args
    if limit_fds:
        cmd = ["prlimit", f"--nofile={limit_fds}:{limit_fds}", "--"] + cmd
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.search(r"listening on [\d.]+:(\d+) with", line)
    if not m:
        proc.kill()
        raise RuntimeError(f"no readiness line: {line!r} {proc.stderr.read()}")
    return proc, int(m.group(1))


class StderrWatch:
    """Reads a server's stderr on a thread, so a test can wait for a line the server prints."""

    def __init__(self, proc):
        self.lines = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(proc.stderr,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for line in stream:
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()

    def wait_for(self, text, timeout):
        with self._cond:
            return self._cond.wait_for(lambda: any(text in l for l in self.lines), timeout)

    def text(self):
        with self._cond:
            return "".join(self.lines)


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def handshake(port, timeout=5.0):
    """A polling handshake on a fresh connection; returns the response body."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(b"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return data.decode(errors="replace")


class OutOfDescriptors(unittest.TestCase):
    def test_accept_backs_off_and_recovers(self):
        proc, port = start_server(["--shards", "1"], limit_fds=64)
        stderr = StderrWatch(proc)
        clients = []
        try:
            # Far more connections than the server may hold descriptors for.
            for _ in range(150):
                clients.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            # The server says when it runs out and starts backing off.
            self.assertTrue(stderr.wait_for("backing off", 10), stderr.text())
            before = cpu_seconds(proc.pid)
            time.sleep(1.0)
            used = cpu_seconds(proc.pid) - before
            self.assertIsNone(proc.poll(), "the server exited when it ran out of descriptors")
            self.assertLess(used, 0.3, f"the accept loop spins while out of descriptors ({used:.2f}s CPU in 1s)")
            for c in clients:
                c.close()
            clients = []
            # Once descriptors are free again it serves new clients.
            deadline = time.time() + 10
            body = ""
            while time.time() < deadline:
                try:
                    body = handshake(port, timeout=2)
                    if '"sid"' in body:
                        break
                except OSError:
                    time.sleep(0.1)
            self.assertIn('"sid"', body)
            self.assertIsNone(proc.poll())
        finally:
            for c in clients:
                c.close()
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=10)


class GracefulStop(unittest.TestCase):
    def test_sigterm_closes_sessions_and_exits_in_bound(self):
        proc, port = start_server(["--shards", "2"])
        conns = []
        try:
            for _ in range(20):
                ws = websocket.create_connection(
                    f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket", timeout=5)
                self.assertTrue(ws.recv().startswith("0{"))
                ws.send("40")
                self.assertTrue(ws.recv().startswith("40"))
                conns.append(ws)
            start = time.time()
            proc.send_signal(signal.SIGTERM)
            closed = 0
            for ws in conns:
                try:
                    while True:  # skip the demo's "auth" event; then the close frame comes
                        opcode, data = ws.recv_data(control_frame=True)
                        if opcode == websocket.ABNF.OPCODE_CLOSE:
                            # Every session gets a WebSocket close frame with code 1000.
                            closed += data[:2] == b"\x03\xe8"
                            ws.send_close()
                            break
                except websocket.WebSocketConnectionClosedException:
                    pass
            self.assertEqual(proc.wait(timeout=10), 0)
            self.assertLess(time.time() - start, 5.0)
            self.assertEqual(closed, len(conns))
        finally:
            for ws in conns:
                ws.close()
            if proc.poll() is None:
                proc.kill()


if __name__ == "__main__":
    unittest.main()
