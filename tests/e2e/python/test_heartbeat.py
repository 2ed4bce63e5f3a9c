"""python-socketio clients against sio_demo started with --ping-interval 300 --ping-timeout 200:
the clients answer the server's pings and stay connected for several ping periods."""
import asyncio
import time
import unittest

import socketio

from e2e_env import HOST, MODES, DeadlineMixin, health, port, wait_for


def hb_port():
    return port('IMEDGE_E2E_SIO_DEMO_HB_PORT')


def hb_url():
    return 'http://%s:%d' % (HOST, hb_port())


def pinged_and_ponged(before, n):
    """True once the server has sent n more pings and had n more pongs than in `before`."""
    return lambda h: (h['pings_sent'] >= before['pings_sent'] + n and
                      h['pongs_received'] >= before['pongs_received'] + n)


class SyncHeartbeatCase(DeadlineMixin):
    transports = None

    def setUp(self):
        self.start_deadline()

    def tearDown(self):
        self.stop_deadline()

    def test_stays_connected(self):
        c = socketio.Client(reconnection=False)
        gone = []
        c.on('disconnect', lambda: gone.append(time.time()))
        c.connect(hb_url(), transports=self.transports, wait_timeout=5)
        try:
            for i in range(5):
                before = health(hb_port())
                self.assertEqual(c.call('message-with-ack', i, timeout=5), i)
                wait_for(hb_port(), pinged_and_ponged(before, 1), 'a ping period')
            # Idle for three ping periods, counted by the server's pings and the client's pongs.
            wait_for(hb_port(), pinged_and_ponged(health(hb_port()), 3), 'three ping periods')
            self.assertEqual(gone, [], 'disconnected during the heartbeat test')
            self.assertEqual(c.call('message-with-ack', 'end', timeout=5), 'end')
        finally:
            c.disconnect()


class AsyncHeartbeatCase(DeadlineMixin):
    transports = None

    async def asyncSetUp(self):
        self.start_deadline()

    async def asyncTearDown(self):
        self.stop_deadline()

    async def test_stays_connected(self):
        c = socketio.AsyncClient(reconnection=False)
        gone = []

        async def on_disconnect():
            gone.append(time.time())
        c.on('disconnect', on_disconnect)
        await c.connect(hb_url(), transports=self.transports, wait_timeout=5)
        try:
            for i in range(5):
                before = await asyncio.to_thread(health, hb_port())
                self.assertEqual(await c.call('message-with-ack', i, timeout=5), i)
                await asyncio.to_thread(wait_for, hb_port(), pinged_and_ponged(before, 1),
                                        'a ping period')
            # Idle for three ping periods, counted by the server's pings and the client's pongs.
            before = await asyncio.to_thread(health, hb_port())
            await asyncio.to_thread(wait_for, hb_port(), pinged_and_ponged(before, 3),
                                    'three ping periods')
            self.assertEqual(gone, [], 'disconnected during the heartbeat test')
            self.assertEqual(await c.call('message-with-ack', 'end', timeout=5), 'end')
        finally:
            await asyncio.wait_for(c.disconnect(), 5)


class HeartbeatSyncWebsocket(SyncHeartbeatCase, unittest.TestCase):
    transports = MODES['websocket']


class HeartbeatSyncPolling(SyncHeartbeatCase, unittest.TestCase):
    transports = MODES['polling']


class HeartbeatSyncDefault(SyncHeartbeatCase, unittest.TestCase):
    transports = MODES['default']


class HeartbeatAsyncWebsocket(AsyncHeartbeatCase, unittest.IsolatedAsyncioTestCase):
    transports = MODES['websocket']


class HeartbeatAsyncPolling(AsyncHeartbeatCase, unittest.IsolatedAsyncioTestCase):
    transports = MODES['polling']


class HeartbeatAsyncDefault(AsyncHeartbeatCase, unittest.IsolatedAsyncioTestCase):
    transports = MODES['default']


del SyncHeartbeatCase, AsyncHeartbeatCase
