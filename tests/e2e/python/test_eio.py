"""python-engineio's Client and AsyncClient (Debian python3-engineio) against eio_echo."""
import asyncio
import queue
import unittest

import engineio

from e2e_env import MODES, DeadlineMixin, eio_url

MESSAGES = ['hello', 'ünïcødé ✓', 'plain [text]', 'x' * 5000,
            b'\x00\x01\x02\xff', b'\xab' * 3000]
# python-engineio 4.3's synchronous polling client hands text bodies to requests as str, which
# cannot send non-Latin-1 characters (a client limitation): ASCII only in that mode.
ASCII_MESSAGES = [m for m in MESSAGES if isinstance(m, bytes) or m.isascii()]
# python-engineio 4.3 refuses a polling payload of more than 16 packets (max_decode_packets), and
# the server may legitimately batch a whole burst into one response: keep bursts below that.
BURST = 12


class SyncEioCase(DeadlineMixin):
    transports = None

    def setUp(self):
        self.start_deadline()
        self.inbox = queue.Queue()
        self.client = engineio.Client()
        self.client.on('message', self.inbox.put)
        self.client.connect(eio_url(), transports=self.transports, engineio_path='engine.io')

    def tearDown(self):
        self.client.disconnect()
        self.stop_deadline()

    def receive(self):
        try:
            return self.inbox.get(timeout=5)
        except queue.Empty:
            raise AssertionError('no echo within 5 s') from None

    def test_echo_text_and_binary(self):
        for m in ASCII_MESSAGES if self.transports == ['polling'] else MESSAGES:
            self.client.send(m)
            self.assertEqual(self.receive(), m)

    def test_burst_in_order(self):
        sent = [('m%d' % i) if i % 3 else bytes([i, i + 1]) for i in range(BURST)]
        for m in sent:
            self.client.send(m)
        self.assertEqual([self.receive() for _ in sent], sent)

    def test_transport(self):
        expected = 'polling' if self.transports == ['polling'] else 'websocket'
        self.assertEqual(self.client.transport(), expected)


class AsyncEioCase(DeadlineMixin):
    transports = None

    async def asyncSetUp(self):
        self.start_deadline()
        self.inbox = asyncio.Queue()
        self.client = engineio.AsyncClient()

        async def on_message(data):
            self.inbox.put_nowait(data)
        self.client.on('message', on_message)
        await self.client.connect(eio_url(), transports=self.transports, engineio_path='engine.io')

    async def asyncTearDown(self):
        await asyncio.wait_for(self.client.disconnect(), 5)
        self.stop_deadline()

    async def receive(self):
        try:
            return await asyncio.wait_for(self.inbox.get(), 5)
        except asyncio.TimeoutError:
            raise AssertionError('no echo within 5 s') from None

    async def test_echo_text_and_binary(self):
        for m in MESSAGES:
            await self.client.send(m)
            self.assertEqual(await self.receive(), m)

    async def test_burst_in_order(self):
        sent = [('m%d' % i) if i % 3 else bytes([i, i + 1]) for i in range(BURST)]
        for m in sent:
            await self.client.send(m)
        self.assertEqual([await self.receive() for _ in sent], sent)

    async def test_transport(self):
        expected = 'polling' if self.transports == ['polling'] else 'websocket'
        self.assertEqual(self.client.transport(), expected)


class EioSyncWebsocket(SyncEioCase, unittest.TestCase):
    transports = MODES['websocket']


class EioSyncPolling(SyncEioCase, unittest.TestCase):
    transports = MODES['polling']


class EioSyncDefault(SyncEioCase, unittest.TestCase):
    transports = MODES['default']


class EioAsyncWebsocket(AsyncEioCase, unittest.IsolatedAsyncioTestCase):
    transports = MODES['websocket']


class EioAsyncPolling(AsyncEioCase, unittest.IsolatedAsyncioTestCase):
    transports = MODES['polling']


class EioAsyncDefault(AsyncEioCase, unittest.IsolatedAsyncioTestCase):
    transports = MODES['default']


del SyncEioCase, AsyncEioCase
