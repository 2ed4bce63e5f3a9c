"""python-socketio clients (sync and asyncio) against examples/notify."""
import asyncio
import json
import time
import unittest

import socketio

from e2e_env import MODES, DeadlineMixin, Inbox, notify_url

PREFIX = 'I have received your msg: '


class SyncNotifyCase(DeadlineMixin):
    transports = None

    def setUp(self):
        self.start_deadline()
        self.inbox = Inbox()
        self.order = []
        self.client = socketio.Client(reconnection=False)
        for event in ('message', 'notify'):
            self.client.on(event, self._recorder(event))
        self.before = time.time() * 1000
        self.client.connect(notify_url(), transports=self.transports, wait_timeout=5)

    def _recorder(self, event):
        def handler(*args):
            self.order.append(event)
            self.inbox.put(event, args)
        return handler

    def tearDown(self):
        self.client.disconnect()
        self.stop_deadline()

    def test_welcome_then_notify(self):
        self.assertEqual(self.inbox.get('message'), ('welcome ' + self.client.get_sid('/'),))
        (notify,) = self.inbox.get('notify')
        self.assertEqual(list(notify), ['ts'])
        self.assertLess(abs(notify['ts'] - self.before), 60000)
        self.assertEqual(self.order[:2], ['message', 'notify'])

    def test_notify_with_ack(self):
        self.inbox.get('notify')  # the greeting
        self.assertEqual(self.client.call('notify', 'hello', timeout=5), PREFIX + 'hello')
        self.assertEqual(self.inbox.get('notify'), (PREFIX + 'hello',))
        acked = self.client.call('notify', {'a': [1, 'b']}, timeout=5)
        self.assertTrue(acked.startswith(PREFIX), acked)
        self.assertEqual(json.loads(acked[len(PREFIX):]), {'a': [1, 'b']})


class AsyncNotifyCase(DeadlineMixin):
    transports = None

    async def asyncSetUp(self):
        self.start_deadline()
        self.queues = {'message': asyncio.Queue(), 'notify': asyncio.Queue()}
        self.client = socketio.AsyncClient(reconnection=False)
        for event, q in self.queues.items():
            self.client.on(event, self._recorder(q))
        await self.client.connect(notify_url(), transports=self.transports, wait_timeout=5)

    @staticmethod
    def _recorder(q):
        async def handler(*args):
            q.put_nowait(args)
        return handler

    async def get(self, event):
        return await asyncio.wait_for(self.queues[event].get(), 5)

    async def asyncTearDown(self):
        await asyncio.wait_for(self.client.disconnect(), 5)
        self.stop_deadline()

    async def test_welcome_then_notify(self):
        self.assertEqual(await self.get('message'), ('welcome ' + self.client.get_sid('/'),))
        (notify,) = await self.get('notify')
        self.assertEqual(list(notify), ['ts'])

    async def test_notify_with_ack(self):
        await self.get('notify')
        self.assertEqual(await self.client.call('notify', 'hello', timeout=5), PREFIX + 'hello')
        self.assertEqual(await self.get('notify'), (PREFIX + 'hello',))


class NotifySyncWebsocket(SyncNotifyCase, unittest.TestCase):
    transports = MODES['websocket']


class NotifySyncPolling(SyncNotifyCase, unittest.TestCase):
    transports = MODES['polling']


class NotifySyncDefault(SyncNotifyCase, unittest.TestCase):
    transports = MODES['default']


class NotifyAsyncWebsocket(AsyncNotifyCase, unittest.IsolatedAsyncioTestCase):
    transports = MODES['websocket']


class NotifyAsyncPolling(AsyncNotifyCase, unittest.IsolatedAsyncioTestCase):
    transports = MODES['polling']


class NotifyAsyncDefault(AsyncNotifyCase, unittest.IsolatedAsyncioTestCase):
    transports = MODES['default']


del SyncNotifyCase, AsyncNotifyCase
