"""Where the servers under test listen (set by tests/e2e/run-python.sh) and shared helpers."""
import os
import queue
import signal
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
