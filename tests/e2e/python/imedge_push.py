"""Backend pushes from Debian's python3-socketio into the imedge binary (the IM service with
--redis and --amqp): RedisManager(write_only=True) and KombuManager(write_only=True) through the
real redis-server and rabbitmq-server, emit(..., room=str(user_id)) reaching every device of that
user (python3-socketio clients with the user's JWT) and no other user's (run by
tests/e2e/run-push.sh, which starts Redis, RabbitMQ and the server)."""
import random
import unittest

import socketio

from e2e_env import HOST, DeadlineMixin, Inbox, port
from push_amqp import amqp_url
from push_redis import redis_url, wait_log
from test_im import mint


class ImedgePushCase(DeadlineMixin, unittest.TestCase):
    def setUp(self):
        self.start_deadline()
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.disconnect()
        self.stop_deadline()

    def device(self, user_id):
        """A device of `user_id`, connected with its token, recording every event it gets."""
        inbox = Inbox()
        c = socketio.Client(reconnection=False)
        c.on('*', lambda event, *args: inbox.put(event, args))
        c.connect('http://%s:%d' % (HOST, port('IMEDGE_E2E_IM_PORT')),
                  auth={'token': mint({'sub': str(user_id)})}, transports=['websocket'],
                  wait_timeout=10)
        self.clients.append(c)
        return inbox

    def reaches_every_device_of_the_user_only(self, manager):
        user_id, other_id = random.sample(range(10**8, 10**9), 2)  # a backend's numeric ids
        phone, laptop = self.device(user_id), self.device(user_id)
        stranger = self.device(other_id)
        manager.emit('notify', {'text': 'you have mail', 'unread': 3}, room=str(user_id))
        expected = ({'text': 'you have mail', 'unread': 3},)
        self.assertEqual(phone.get('notify', timeout=10), expected)
        self.assertEqual(laptop.get('notify', timeout=10), expected)
        # The next push comes after the first on every shard: once the stranger has it, the
        # first one cannot still be on its way to the stranger.
        manager.emit('sentinel', 'end', room=str(other_id))
        self.assertEqual(stranger.get('sentinel', timeout=10), ('end',))
        self.assertTrue(stranger.empty('notify'))


class TestImedgeRedisManager(ImedgePushCase):
    def test_emit_to_a_user_room(self):
        self.reaches_every_device_of_the_user_only(
            socketio.RedisManager(redis_url(), write_only=True))


class TestImedgeKombuManager(ImedgePushCase):
    def test_emit_to_a_user_room(self):
        self.stop_deadline()  # RabbitMQ was restarted by push_amqp: it may take a while
        wait_log('amqp consuming from', 1, timeout=60)
        self.start_deadline()
        self.reaches_every_device_of_the_user_only(
            socketio.KombuManager(amqp_url(), write_only=True))
