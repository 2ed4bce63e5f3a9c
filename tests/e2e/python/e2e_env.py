"""Where the servers under test listen (set by tests/e2e/run-python.sh) and shared helpers."""
import os
import queue
import signal
import time
import unittest

HOST = '127.0.0.1'
TEST_TIMEOUT = 30  # seconds: a hung test is interrupted, never left hanging

MODES = {
    'websocket': ['websocket'],
    'polling': ['polling'],
    'default': None,  # polling, then upgrade to websocket
}


def port(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(name + ' is not set: run through tests/e2e/run-python.sh')
    return int(value)


def sio_url():
    return 'http://%s:%d' % (HOST, port('IMEDGE_E2E_SIO_DEMO_PORT'))


def eio_url():
    return 'http://%s:%d' % (HOST, port('IMEDGE_E2E_EIO_ECHO_PORT'))


def notify_url():
    return 'http://%s:%d' % (HOST, port('IMEDGE_E2E_NOTIFY_PORT'))


class TestTimeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise TestTimeout('test exceeded %d s' % TEST_TIMEOUT)


class DeadlineMixin:
    """Interrupts a test that runs longer than TEST_TIMEOUT (SIGALRM, main thread)."""

    def start_deadline(self):
        signal.signal(signal.SIGALRM, _on_alarm)
        signal.alarm(TEST_TIMEOUT)

    def stop_deadline(self):
        signal.alarm(0)


class Inbox:
    """Thread-safe record of received events: one queue of argument tuples per event name."""

    def __init__(self):
        self.queues = {}

    def queue(self, event):
        return self.queues.setdefault(event, queue.Queue())

    def put(self, event, args):
        self.queue(event).put(tuple(args))

    def get(self, event, timeout=5):
        try:
            return self.queue(event).get(timeout=timeout)
        except queue.Empty:
            raise AssertionError('no "%s" event within %s s' % (event, timeout)) from None

    def empty(self, event):
        return self.queue(event).empty()


def broadcasts_until(inbox, sentinel, timeout=5):
    """Payloads of `broadcast` events received before the one equal to `sentinel`."""
    got = []
    while True:
        (payload,) = inbox.get('broadcast', timeout)
        if payload == sentinel:
            return got
        got.append(payload)


class SkipMode(unittest.SkipTest):
    pass


def health(server_port):
    """GET /healthz: gauges summed over the server's shards (README.md, "GET /healthz")."""
    import json
    import urllib.request
    with urllib.request.urlopen('http://%s:%d/healthz' % (HOST, server_port), timeout=3) as res:
        return json.loads(res.read())


def wait_for(server_port, predicate, what, timeout=10.0):
    """Polls /healthz until predicate(answer) holds: waiting on what the server has seen instead
    of sleeping. The bound is generous (ThreadSanitizer on a loaded machine)."""
    deadline = time.monotonic() + timeout
    while True:
        last = health(server_port)
        if predicate(last):
            return last
        if time.monotonic() > deadline:
            raise AssertionError('timed out after %s s waiting for %s: %s' % (timeout, what, last))
        time.sleep(0.01)  # the poll period, not a guess at the server's state
