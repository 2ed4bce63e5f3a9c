"""The IM store under kill -9: a send storm from several clients, SIGKILL of the server while
sends are in flight, restart on the same data directory, and catch-up from nothing: every
acknowledged message is there with its seq and client id, the sequence has no gap, and a retry
of an acknowledged client id is acked with the same seq. Both durability levels
(docs/im-protocol.md "Durability"): kill -9 is what `os` promises to survive.

Run with Debian's /usr/bin/python3 (python3-socketio, python3-jwt)."""
import asyncio
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import jwt
import socketio

BUILD_DIR = os.environ.get("BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
IMEDGE = os.path.join(BUILD_DIR, "bin", "imedge")
SECRET = "durability-test-secret"
SENDERS = 4
IN_FLIGHT = 32      # unacked sends per sender
KILL_AFTER = 3000   # acks seen before the kill


def start(data_dir, durability):
    cmd = [IMEDGE, "--host", "127.0.0.1", "--port", "0", "--shards", "2", "--jwt-secret", SECRET,
           "--data-dir", data_dir, "--durability", durability]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for _ in range(5):
        line = proc.stdout.readline()
        m = re.search(r"^imedge: listening on [\d.]+:(\d+) with", line)
        if m:
            return proc, int(m.group(1))
    proc.kill()
    raise RuntimeError("no readiness line")


def token(user):
    now = int(time.time())
    return jwt.encode({"sub": user, "iat": now, "exp": now + 600}, SECRET, algorithm="HS256")


async def client(port, user):
    c = socketio.AsyncClient(reconnection=False)
    await c.connect("http://127.0.0.1:%d" % port, auth={"token": token(user)}, transports=["websocket"],
                    wait_timeout=5)
    return c


async def storm(port, proc, acked):
    """Senders to one receiver until KILL_AFTER acks, then SIGKILL while sends are in flight."""
    clients = [await client(port, "sender%d" % i) for i in range(SENDERS)]
    enough = asyncio.Event()

    async def one(c, sender, n):
        client_id = "%s-%d" % (sender, n)
        try:
            ack = await c.call("send", {"to": "receiver", "body": {"n": n}, "client_id": client_id}, timeout=10)
        except Exception:  # the server died with this send in flight
            return
        if ack.get("ok"):
            acked[client_id] = ack["seq"]
            if len(acked) >= KILL_AFTER:
                enough.set()

    async def sender(i, c):
        slots = asyncio.Semaphore(IN_FLIGHT)
        n = 0
        tasks = []
        while not enough.is_set() and n < 100000:
            await slots.acquire()
            n += 1
            t = asyncio.ensure_future(one(c, "sender%d" % i, n))
            t.add_done_callback(lambda _: slots.release())
            tasks.append(t)
        return tasks, n

    runs = [asyncio.ensure_future(sender(i, c)) for i, c in enumerate(clients)]
    await asyncio.wait_for(enough.wait(), 60)
    proc.send_signal(signal.SIGKILL)  # sends are still in flight on every sender
    proc.wait()
    sent = 0
    for r in runs:
        tasks, n = await r
        sent += n
        await asyncio.gather(*tasks, return_exceptions=True)
    for c in clients:
        try:
            await c.disconnect()
        except Exception:
            pass
    return sent


async def catch_up(port):
    """Everything stored for the receiver, by syncing a fresh device from nothing."""
    c = await client(port, "receiver")
    got = []
    c.on("message", lambda m: got.append(m))
    synced = await c.call("sync", {}, timeout=30)
    await c.disconnect()
    return synced, got


async def retry(port, acked):
    c = await client(port, "sender0")
    mismatched = []
    for client_id, seq in list(acked.items())[:200]:
        if not client_id.startswith("sender0-"):
            continue
        n = int(client_id.split("-")[1])
        ack = await c.call("send", {"to": "receiver", "body": {"n": n}, "client_id": client_id}, timeout=10)
        if ack.get("seq") != seq or not ack.get("duplicate"):
            mismatched.append((client_id, seq, ack))
    await c.disconnect()
    return mismatched


class KillDuringSendStorm(unittest.TestCase):
    def run_case(self, durability):
        data_dir = tempfile.mkdtemp(prefix="imedge-kill9-")
        try:
            proc, port = start(data_dir, durability)
            acked = {}
            started = time.time()
            sent = asyncio.run(storm(port, proc, acked))
            elapsed = time.time() - started
            print("\n  %s: %d sends issued, %d acked before kill -9 (%.0f acked/s)" %
                  (durability, sent, len(acked), len(acked) / elapsed))
            self.assertGreaterEqual(len(acked), KILL_AFTER)

            proc, port = start(data_dir, durability)
            try:
                synced, got = asyncio.run(catch_up(port))
                self.assertTrue(synced["ok"])
                per_conversation = {}
                for m in got:
                    per_conversation.setdefault(m["conversation"], []).append(m)
                stored = {}
                for conversation, messages in per_conversation.items():
                    seqs = [m["seq"] for m in messages]
                    self.assertEqual(seqs, list(range(1, len(seqs) + 1)), conversation + ": gap or disorder")
                    for m in messages:
                        stored[m["client_id"]] = m["seq"]
                lost = [cid for cid, seq in acked.items() if stored.get(cid) != seq]
                self.assertEqual(lost, [], "acknowledged messages lost or renumbered")
                self.assertEqual(asyncio.run(retry(port, acked)), [])
            finally:
                proc.terminate()
                proc.wait(10)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)

    def test_durability_os_survives_kill9(self):
        self.run_case("os")

    def test_durability_fsync_survives_kill9(self):
        self.run_case("fsync")


if __name__ == "__main__":
    unittest.main()
