"""The room service (examples/rooms_demo, the imedge binary before the IM service) refuses to relay what clients would reject (issue 8 item 5).

`emit(room, event, ...)` with an empty or reserved event name used to be relayed, and every
socket.io client in the room closed with "parse error". It is now answered with an error (the
ack, or an "error" event to the sender) and the room's other members keep their connection.
Run with Debian's /usr/bin/python3 (python3-socketio)."""
import os
import re
import subprocess
import threading
import unittest

import socketio  # Debian python3-socketio

BUILD_DIR = os.environ.get("BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
IMEDGE = os.path.join(BUILD_DIR, "examples", "rooms_demo")
RESERVED = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener", ""]


class ImedgeEmitTest(unittest.TestCase):
    def setUp(self):
        self.proc = subprocess.Popen([IMEDGE, "--host", "127.0.0.1", "--port", "0", "--shards", "2"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        m = re.search(r"listening on [\d.]+:(\d+) with", self.proc.stdout.readline())
        if not m:
            self.proc.kill()
            self.fail("imedge printed no readiness line")
        self.url = f"http://127.0.0.1:{m.group(1)}"
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.disconnect()
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()

    def client(self):
        c = socketio.Client(reconnection=False)
        c.connect(self.url, transports=["websocket"], wait_timeout=5)
        self.clients.append(c)
        self.assertEqual(c.call("join", "room", timeout=5), "room")
        return c

    def test_reserved_and_empty_names_are_answered_not_relayed(self):
        bystander = self.client()
        got = []
        hello = threading.Event()
        disconnected = threading.Event()
        bystander.on("hello", lambda *a: (got.append(a), hello.set()))
        bystander.on("disconnect", lambda *a: disconnected.set())
        sender = self.client()
        errors = []
        error_event = threading.Event()
        sender.on("error", lambda data: (errors.append(data), error_event.set()))

        for name in RESERVED:
            with self.subTest(name=name):
                answer = sender.call("emit", ("room", name, 1), timeout=5)
                self.assertEqual(answer, {"error": "event name is empty or reserved"})
        sender.emit("emit", ("room", "disconnect", 1))  # no ack: answered by an "error" event
        self.assertTrue(error_event.wait(5))
        self.assertEqual(errors, [{"error": "event name is empty or reserved"}])

        # the room still works, and its other member never saw a packet it had to reject
        self.assertIsNone(sender.call("emit", ("room", "hello", 7), timeout=5))
        self.assertTrue(hello.wait(5))
        self.assertEqual(got, [(7,)])
        self.assertFalse(disconnected.is_set())
        self.assertTrue(bystander.connected)


if __name__ == "__main__":
    unittest.main()
