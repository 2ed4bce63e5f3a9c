"""Backend pushes from Debian's python3-socketio KombuManager(write_only=True) through a real
rabbitmq-server (python3-kombu) into examples/push_demo, received by python3-socketio clients
(run by tests/e2e/run-push.sh, which starts RabbitMQ and the server)."""
import os
import pickle
import subprocess
import time
import unittest

import kombu
import socketio

from e2e_env import port
from push_redis import PushCase, log_count, wait_log


def amqp_url():
    return 'amqp://guest:guest@127.0.0.1:%d//' % port('IMEDGE_E2E_AMQP_PORT')


class AmqpCase(PushCase):
    def setUp(self):
        super().setUp()
        # imedge keeps retrying while the broker boots: wait until it consumes
        wait_log('amqp consuming from', 1, timeout=25)
        self.kombu = socketio.KombuManager(amqp_url(), write_only=True)

    def publish_raw(self, body):
        with kombu.Connection(amqp_url()) as conn:
            exchange = kombu.Exchange('socketio', type='fanout', durable=False)
            conn.Producer(exchange=exchange).publish(body)


class TestAmqp(AmqpCase):
    def test_emit_to_room_with_binary(self):
        user = self.room()
        _, a = self.client([user])
        _, b = self.client([self.room()])
        self.kombu.emit('notify', {'text': 'hi', 'blob': b'\x00\x01'}, room=user)
        self.assertEqual(a.get('notify'), ({'text': 'hi', 'blob': b'\x00\x01'},))
        self.kombu.emit('sentinel', ('all', 2))
        self.assertEqual(b.get('sentinel'), ('all', 2))
        self.assertTrue(b.empty('notify'))

    def test_skip_sid_namespace_many(self):
        r = self.room()
        skipped, s_inbox = self.client([r], namespace='/admin')
        _, inbox = self.client([r], namespace='/admin')
        for i in range(50):
            self.kombu.emit('seq', i, room=r, namespace='/admin',
                            skip_sid=skipped.get_sid('/admin'))
        # sorted: the sync client's handlers run on threads of their own (see push_redis)
        self.assertEqual(sorted(inbox.get('seq')[0] for _ in range(50)), list(range(50)))
        self.kombu.emit('sentinel', 1, room=skipped.get_sid('/admin'), namespace='/admin')
        s_inbox.get('sentinel')
        self.assertTrue(s_inbox.empty('seq'))

    def test_disconnect_and_close_room(self):
        r = self.room()
        c, inbox = self.client([r])
        d, d_inbox = self.client()
        self.kombu.close_room(r)
        self.kombu.emit('to-closed-room', 1, room=r)
        self.kombu.emit('sentinel', 2, room=c.get_sid('/'))
        self.assertEqual(inbox.get('sentinel'), (2,))
        self.assertTrue(inbox.empty('to-closed-room'))
        self.kombu.disconnect(d.get_sid('/'))
        d_inbox.get('disconnect')

    def test_hostile_bodies_between_good_ones(self):
        r = self.room()
        _, inbox = self.client([r])
        for body, reason in [(b'garbage', 'bad_pickle'),
                             (pickle.dumps({'method': 'emit', 'event': 'x',
                                            'data': ValueError('boom')}), 'bad_pickle'),
                             (pickle.dumps({'method': 'nope'}), 'unknown_method')]:
            before = log_count('amqp dropped a message on \'socketio\': %s (' % reason)
            self.publish_raw(body)
            self.kombu.emit('good', reason, room=r)
            self.assertEqual(inbox.get('good'), (reason,))
            wait_log('amqp dropped a message on \'socketio\': %s (' % reason, before + 1)


class TestThroughputAmqp(AmqpCase):
    """Measured, not asserted: KombuManager pushes per second to one client."""

    def test_measure(self):
        r = self.room()
        _, inbox = self.client([r])
        n = 2000
        t0 = time.monotonic()
        for i in range(n):
            self.kombu.emit('m', i, room=r)
        t1 = time.monotonic()
        for _ in range(n):
            inbox.get('m')
        t2 = time.monotonic()
        print('\nmeasure: python KombuManager: %d pushes published in %.2f s (%.0f/s), all '
              'delivered after %.2f s (%.0f/s)' % (n, t1 - t0, n / (t1 - t0), t2 - t0,
                                                   n / (t2 - t0)))


class TestZAmqpRestart(AmqpCase):
    """Last: the broker stops and comes back; imedge says so, consumes again, pushes arrive."""

    def test_restart(self):
        self.stop_deadline()  # a cold broker start alone may take ~35 s here
        r = self.room()
        _, inbox = self.client([r])
        ctl, state = os.environ['IMEDGE_E2E_AMQP_CTL'], os.environ['IMEDGE_E2E_AMQP_DIR']
        down = log_count('amqp amqp://')
        up = log_count('amqp consuming from')
        subprocess.run([ctl, 'stop', state], check=True, timeout=30)
        wait_log('amqp amqp://', down + 1, timeout=30)
        subprocess.run([ctl, 'start', state, str(port('IMEDGE_E2E_AMQP_PORT'))], check=True,
                       timeout=10)
        subprocess.run([ctl, 'wait', state], check=True, timeout=100)
        wait_log('amqp consuming from', up + 1, timeout=30)
        socketio.KombuManager(amqp_url(), write_only=True).emit('back', 'again', room=r)
        self.assertEqual(inbox.get('back'), ('again',))
