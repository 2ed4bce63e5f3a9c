"""Backend pushes from Debian's python3-socketio RedisManager(write_only=True) through a real
redis-server into examples/push_demo, received by python3-socketio clients (run by
tests/e2e/run-push.sh, which starts Redis and the server)."""
import os
import pickle
import subprocess
import time
import unittest
import uuid

import redis
import socketio

from e2e_env import HOST, DeadlineMixin, Inbox, port


def push_url():
    return 'http://%s:%d' % (HOST, port('IMEDGE_E2E_PUSH_PORT'))


def redis_url():
    return 'redis://127.0.0.1:%d' % port('IMEDGE_E2E_REDIS_PORT')


def log_count(text):
    with open(os.environ['IMEDGE_E2E_PUSH_LOG'], errors='replace') as f:
        return sum(1 for line in f if text in line)


def wait_log(text, at_least, timeout=10):
    """Waits until the server's log holds `at_least` lines containing `text`."""
    deadline = time.monotonic() + timeout
    while log_count(text) < at_least:
        if time.monotonic() > deadline:
            raise AssertionError('the server did not log %d x "%s" within %s s'
                                 % (at_least, text, timeout))
        time.sleep(0.02)


class PushCase(DeadlineMixin, unittest.TestCase):
    def setUp(self):
        self.start_deadline()
        self.clients = []
        self.manager = socketio.RedisManager(redis_url(), write_only=True)
        self.raw = redis.Redis.from_url(redis_url())

    def tearDown(self):
        for c in self.clients:
            c.disconnect()
        self.stop_deadline()

    def client(self, rooms=(), namespace='/'):
        """A connected client that joined `rooms` (acked) and records every event it gets."""
        inbox = Inbox()
        c = socketio.Client(reconnection=False)
        c.on('*', lambda event, *args: inbox.put(event, args), namespace=namespace)
        c.on('disconnect', lambda: inbox.put('disconnect', ()), namespace=namespace)
        c.connect(push_url(), namespaces=[namespace], wait_timeout=10)
        for r in rooms:
            self.assertEqual(c.call('join', r, namespace=namespace, timeout=10), r)
        self.clients.append(c)
        return c, inbox

    def room(self):
        return 'room-' + uuid.uuid4().hex[:8]


class TestEmit(PushCase):
    def test_dict_to_a_user_room(self):
        user = self.room()
        _, a = self.client([user])
        _, b = self.client([user])
        _, other = self.client([self.room()])
        self.manager.emit('notify', {'text': 'hi', 'n': 7, 'ok': True, 'x': None, 'f': 1.5},
                          room=user)
        expected = ({'text': 'hi', 'n': 7, 'ok': True, 'x': None, 'f': 1.5},)
        self.assertEqual(a.get('notify'), expected)
        self.assertEqual(b.get('notify'), expected)
        self.manager.emit('sentinel', 'end', room=None)  # everyone: proves `other` got nothing
        self.assertEqual(other.get('sentinel'), ('end',))
        self.assertTrue(other.empty('notify'))

    def test_tuple_is_several_args_none_is_none_bytes_are_binary(self):
        r = self.room()
        _, inbox = self.client([r])
        self.manager.emit('many', ('a', 2, [3, {'k': 'v'}], 2.0), room=r)
        self.assertEqual(inbox.get('many'), ('a', 2, [3, {'k': 'v'}], 2.0))
        self.manager.emit('nothing', None, room=r)
        self.assertEqual(inbox.get('nothing'), ())
        self.manager.emit('bin', (b'\x00\xff', {'inner': [b'abc']}), room=r)
        self.assertEqual(inbox.get('bin'), (b'\x00\xff', {'inner': [b'abc']}))

    def test_several_rooms_reach_each_socket_once(self):
        r1, r2 = self.room(), self.room()
        _, both = self.client([r1, r2])
        _, one = self.client([r2])
        self.manager.emit('multi', 1, room=[r1, r2])
        self.manager.emit('multi', 2, room=[r1, r2])
        self.assertEqual([both.get('multi'), both.get('multi')], [(1,), (2,)])
        self.assertEqual([one.get('multi'), one.get('multi')], [(1,), (2,)])

    def test_skip_sid(self):
        r = self.room()
        skipped, s_inbox = self.client([r])
        _, inbox = self.client([r])
        self.manager.emit('news', 'x', room=r, skip_sid=skipped.get_sid('/'))
        self.assertEqual(inbox.get('news'), ('x',))
        self.manager.emit('after', 'y', room=skipped.get_sid('/'))
        self.assertEqual(s_inbox.get('after'), ('y',))
        self.assertTrue(s_inbox.empty('news'))

    def test_namespaces(self):
        r = self.room()
        _, root = self.client([r])
        _, admin = self.client([r], namespace='/admin')
        self.manager.emit('ns', 'admin only', room=r, namespace='/admin')
        self.assertEqual(admin.get('ns'), ('admin only',))
        self.manager.emit('ns', 'root', room=r)
        self.assertEqual(root.get('ns'), ('root',))
        self.assertEqual(admin.empty('ns'), True)

    def test_all_arrive(self):
        # python-engineio's sync client runs each message handler on a thread of its own, so
        # it cannot observe order; the order of pushes is asserted with socket.io-client.
        r = self.room()
        _, inbox = self.client([r])
        for i in range(200):
            self.manager.emit('seq', i, room=r)
        self.assertEqual(sorted(inbox.get('seq')[0] for _ in range(200)), list(range(200)))


class TestRoomsAndDisconnect(PushCase):
    def test_disconnect_by_sid(self):
        c, inbox = self.client()
        _, other = self.client()
        self.manager.disconnect(c.get_sid('/'), namespace='/')
        inbox.get('disconnect')
        self.manager.emit('still', 1, room=None)
        self.assertEqual(other.get('still'), (1,))

    def test_close_room(self):
        r = self.room()
        c, inbox = self.client([r])
        self.manager.close_room(r)
        self.manager.emit('to-closed-room', 1, room=r)
        self.manager.emit('sentinel', 2, room=c.get_sid('/'))
        self.assertEqual(inbox.get('sentinel'), (2,))
        self.assertTrue(inbox.empty('to-closed-room'))


class TestHostile(PushCase):
    def hostile_then_good(self, body, reason):
        r = self.room()
        _, inbox = self.client([r])
        before = log_count(': ' + reason + ' (')
        self.raw.publish('socketio', body)
        self.manager.emit('good', 'after ' + reason, room=r)
        self.assertEqual(inbox.get('good'), ('after ' + reason,))
        wait_log(': ' + reason + ' (', before + 1)

    def test_garbage(self):
        self.hostile_then_good(b'not a pickle at all', 'bad_pickle')

    def test_pickle_with_reduce(self):
        # An object pickles as a global + REDUCE: never executed, refused before that.
        self.hostile_then_good(pickle.dumps({'method': 'emit', 'event': 'x',
                                             'data': ValueError('boom')}), 'bad_pickle')

    def test_pickle_of_a_class(self):
        self.hostile_then_good(pickle.dumps(subprocess.Popen), 'bad_pickle')

    def test_wrong_types(self):
        self.hostile_then_good(pickle.dumps({'method': 'emit', 'event': 5, 'data': 1}),
                               'wrong_type')
        self.hostile_then_good(pickle.dumps(['emit']), 'wrong_type')

    def test_unknown_method(self):
        self.hostile_then_good(pickle.dumps({'method': 'format_disk'}), 'unknown_method')

    def test_missing_event(self):
        self.hostile_then_good(pickle.dumps({'method': 'emit', 'data': 1}), 'missing_field')

    def test_reserved_event(self):
        self.hostile_then_good(pickle.dumps({'method': 'emit', 'event': 'connect', 'data': 1,
                                             'namespace': '/'}), 'reserved_event')

    def test_oversized(self):
        self.hostile_then_good(pickle.dumps({'method': 'emit', 'event': 'big',
                                             'data': 'x' * (2 << 20)}), 'too_large')

    def test_deep(self):
        v = []
        for _ in range(100):
            v = [v]
        self.hostile_then_good(pickle.dumps({'method': 'emit', 'event': 'deep', 'data': v}),
                               'too_large')


class TestZRedisRestart(PushCase):
    """Last (unittest sorts by name): Redis stops and comes back; imedge keeps serving, says so,
    subscribes again, and later pushes arrive."""

    def test_restart(self):
        r = self.room()
        _, inbox = self.client([r])
        ctl, state = os.environ['IMEDGE_E2E_REDIS_CTL'], os.environ['IMEDGE_E2E_REDIS_DIR']
        down = log_count('redis redis://')
        up = log_count('redis subscribed to')
        subprocess.run([ctl, 'stop', state], check=True, timeout=10)
        wait_log('redis redis://', down + 1)
        # imedge keeps serving while Redis is down: a new client connects and joins
        _, late = self.client([r])
        subprocess.run([ctl, 'start', state, str(port('IMEDGE_E2E_REDIS_PORT'))], check=True,
                       timeout=15)
        wait_log('redis subscribed to', up + 1, timeout=15)
        self.manager = socketio.RedisManager(redis_url(), write_only=True)
        self.manager.emit('back', 'again', room=r)
        self.assertEqual(inbox.get('back'), ('again',))
        self.assertEqual(late.get('back'), ('again',))


class TestThroughput(PushCase):
    """Measured, not asserted: pushes per second from RedisManager to one client."""

    def test_measure(self):
        r = self.room()
        _, inbox = self.client([r])
        n = 5000
        t0 = time.monotonic()
        for i in range(n):
            self.manager.emit('m', i, room=r)
        t1 = time.monotonic()
        for _ in range(n):
            inbox.get('m')
        t2 = time.monotonic()
        print('\nmeasure: python RedisManager: %d pushes published in %.2f s (%.0f/s), all '
              'delivered after %.2f s (%.0f/s)' % (n, t1 - t0, n / (t1 - t0), t2 - t0,
                                                   n / (t2 - t0)))


class TestThroughputIntake(PushCase):
    """Measured, not asserted: how fast imedge takes in RedisManager messages, apart from any
    client: N pushes to a room nobody is in, pipelined, then one to a client; they are taken in
    order, so its arrival means all N were decoded and applied."""

    def test_measure_intake(self):
        _, inbox = self.client()
        n = 50000
        body = pickle.dumps({'method': 'emit', 'event': 'm', 'data': {'n': 1, 'text': 'x' * 40},
                             'namespace': '/', 'room': 'nobody-' + self.room(),
                             'skip_sid': None, 'callback': None, 'host_id': 'h'})
        pipe = self.raw.pipeline(transaction=False)
        t0 = time.monotonic()
        for _ in range(n):
            pipe.publish('socketio', body)
        pipe.execute()
        t1 = time.monotonic()
        self.manager.emit('sentinel', 1, room=self.clients[0].get_sid('/'))
        inbox.get('sentinel', timeout=60)
        t2 = time.monotonic()
        print('\nmeasure: redis intake: %d pickled pushes published in %.2f s, all taken in '
              'after %.2f s (%.0f/s)' % (n, t1 - t0, t2 - t0, n / (t2 - t0)))
