"""python-socketio's asyncio socketio.AsyncClient (Debian python3-socketio) against sio_demo."""
import asyncio
import unittest
import uuid

import socketio

from e2e_env import MODES, DeadlineMixin, sio_url

EVENTS = ['auth', 'message-back', 'answer', 'broadcast', 'catch-all', 'disconnect', 'connect_error']


class AsyncInbox:
    """Received events: one asyncio.Queue of argument tuples per event name (loop thread only)."""

    def __init__(self):
        self.queues = {}

    def queue(self, event):
        return self.queues.setdefault(event, asyncio.Queue())

    async def get(self, event, timeout=5):
        try:
            return await asyncio.wait_for(self.queue(event).get(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError('no "%s" event within %s s' % (event, timeout)) from None

    def empty(self, event):
        return self.queue(event).empty()

    async def broadcasts_until(self, sentinel, timeout=5):
        got = []
        while True:
            (payload,) = await self.get('broadcast', timeout)
            if payload == sentinel:
                return got
            got.append(payload)


class AsyncSioCase(DeadlineMixin):
    transports = None

    async def asyncSetUp(self):
        self.start_deadline()
        self.clients = []

    async def asyncTearDown(self):
        for c in self.clients:
            try:
                await asyncio.wait_for(c.disconnect(), 5)
            except Exception:  # already gone
                pass
        self.stop_deadline()

    def client(self, namespaces=('/',), question=None):
        c = socketio.AsyncClient(reconnection=False)
        c.inbox = {}
        for nsp in namespaces:
            inbox = c.inbox[nsp] = AsyncInbox()
            for event in EVENTS:
                c.on(event, self._recorder(inbox, event), namespace=nsp)
            if question is not None:
                c.on('question', question, namespace=nsp)
        self.clients.append(c)
        return c

    @staticmethod
    def _recorder(inbox, event):
        async def handler(*args):
            inbox.queue(event).put_nowait(tuple(args))
        return handler

    async def connect(self, auth=None, namespaces=('/',), question=None):
        c = self.client(namespaces, question)
        await c.connect(sio_url(), auth=auth, transports=self.transports,
                        namespaces=list(namespaces), wait_timeout=5)
        return c

    async def call(self, c, event, data=None, namespace=None):
        return await c.call(event, data, namespace=namespace, timeout=5)

    async def test_connect_with_auth(self):
        auth = {'token': 'abc', 'n': 7, 'nested': {'list': [1, 'two', None]}}
        c = await self.connect(auth=auth)
        self.assertEqual(await c.inbox['/'].get('auth'), (auth,))

    async def test_connect_without_auth(self):
        c = await self.connect()
        self.assertEqual(await c.inbox['/'].get('auth'), ({},))

    async def test_rejected(self):
        c = self.client()
        with self.assertRaises(socketio.exceptions.ConnectionError):
            await c.connect(sio_url(), auth={'reject': 'go away'}, transports=self.transports,
                            wait_timeout=1)
        (err,) = await c.inbox['/'].get('connect_error')
        self.assertEqual(err, {'message': 'go away', 'data': {'code': 'REJECTED'}})

    async def test_events(self):
        c = await self.connect()
        args = ('hello', 42, {'a': [1, 2, {'b': None}]}, True, 'ünïcødé ✓')
        await c.emit('message', args)
        self.assertEqual(await c.inbox['/'].get('message-back'), args)

    async def test_ack_client_to_server(self):
        c = await self.connect()
        self.assertEqual(await self.call(c, 'message-with-ack', ('x', {'y': 1})), ('x', {'y': 1}))
        self.assertEqual(await self.call(c, 'message-with-ack', 'only'), 'only')

    async def test_ack_server_to_client(self):
        async def question(x):
            return 'reply-%s' % x, 2
        c = await self.connect(question=question)
        await c.emit('server-ack', 'hi')
        self.assertEqual(await c.inbox['/'].get('answer'), ('reply-hi', 2))

    async def test_ack_server_to_client_empty(self):
        c = await self.connect(question=lambda x: None)
        await c.emit('server-ack', 1)
        self.assertEqual(await c.inbox['/'].get('answer'), ())

    async def test_binary(self):
        c = await self.connect()
        args = (b'\x00\x01\xfe\xff', 'text', {'nested': {'buf': b'xy', 'list': [b'', b'\x09']}})
        await c.emit('message', args)
        self.assertEqual(await c.inbox['/'].get('message-back'), args)
        self.assertEqual(await self.call(c, 'message-with-ack', {'data': b'\x07\x08'}),
                         {'data': b'\x07\x08'})

    async def test_binary_server_ack(self):
        c = await self.connect(question=lambda x: (b'\x2a' + x, {'inner': b'\x01'}))
        await c.emit('server-ack', b'\x05')
        self.assertEqual(await c.inbox['/'].get('answer'), (b'\x2a\x05', {'inner': b'\x01'}))

    async def test_rooms(self):
        a, b, c = [await self.connect() for _ in range(3)]
        room = 'room-' + uuid.uuid4().hex
        self.assertEqual(await self.call(a, 'join', room), 'joined:' + room)
        self.assertEqual(await self.call(b, 'join', room), 'joined:' + room)
        self.assertEqual(sorted(await self.call(a, 'rooms')), sorted([a.get_sid('/'), room]))
        self.assertEqual(await self.call(c, 'rooms'), [c.get_sid('/')])

        await a.emit('broadcast', (room, {'hello': 'room'}))
        await a.emit('broadcast-all', 'sentinel-1')
        self.assertEqual(await b.inbox['/'].broadcasts_until('sentinel-1'), [{'hello': 'room'}])
        self.assertEqual(await a.inbox['/'].broadcasts_until('sentinel-1'), [])
        self.assertEqual(await c.inbox['/'].broadcasts_until('sentinel-1'), [])

        self.assertEqual(await self.call(b, 'leave', room), 'left:' + room)
        self.assertEqual(await self.call(b, 'rooms'), [b.get_sid('/')])
        await c.emit('broadcast', (room, 'after-leave'))
        await c.emit('broadcast-all', 'sentinel-2')
        self.assertEqual(await a.inbox['/'].broadcasts_until('sentinel-2'), ['after-leave'])
        self.assertEqual(await b.inbox['/'].broadcasts_until('sentinel-2'), [])

    async def test_namespaces(self):
        c = await self.connect(auth={'both': True}, namespaces=('/', '/custom'))
        self.assertEqual(await c.inbox['/'].get('auth'), ({'both': True},))
        self.assertEqual(await c.inbox['/custom'].get('auth'), ({'both': True},))
        self.assertNotEqual(c.get_sid('/'), c.get_sid('/custom'))
        await c.emit('message', 'on custom', namespace='/custom')
        self.assertEqual(await c.inbox['/custom'].get('message-back'), ('on custom',))
        await c.emit('message', 'on root')
        self.assertEqual(await c.inbox['/'].get('message-back'), ('on root',))
        self.assertTrue(c.inbox['/'].empty('message-back'))
        self.assertEqual(await self.call(c, 'join', 'croom', namespace='/custom'), 'joined:croom')
        self.assertEqual(sorted(await self.call(c, 'rooms', namespace='/custom')),
                         sorted([c.get_sid('/custom'), 'croom']))
        self.assertEqual(await self.call(c, 'rooms'), [c.get_sid('/')])

    async def test_unknown_namespace(self):
        c = self.client(namespaces=('/nope',))
        with self.assertRaises(socketio.exceptions.ConnectionError):
            await c.connect(sio_url(), transports=self.transports, namespaces=['/nope'],
                            wait_timeout=1)
        (err,) = await c.inbox['/nope'].get('connect_error')
        self.assertEqual(err, {'message': 'Invalid namespace'})

    async def test_session_data(self):
        c, other = await self.connect(), await self.connect()
        self.assertEqual(await self.call(c, 'set-session', ('color', 'blue')), 'ok')
        self.assertEqual(await self.call(c, 'get-session', 'color'), 'blue')
        self.assertIsNone(await self.call(c, 'get-session', 'missing'))
        self.assertIsNone(await self.call(other, 'get-session', 'color'))

    async def test_server_disconnect(self):
        c = await self.connect()
        await c.emit('disconnect-me')
        await c.inbox['/'].get('disconnect')
        self.assertFalse(c.connected)

    async def test_clean_disconnect(self):
        c = await self.connect()
        await c.disconnect()
        await c.inbox['/'].get('disconnect')
        self.assertFalse(c.connected)
        again = await self.connect(auth={'again': True})
        self.assertEqual(await again.inbox['/'].get('auth'), ({'again': True},))
        self.assertEqual(await self.call(again, 'message-with-ack', 'x'), 'x')

    async def test_catch_all(self):
        c = await self.connect()
        await c.emit('some-unknown-event', (1, 'two', {'three': [3]}))
        self.assertEqual(await c.inbox['/'].get('catch-all'),
                         ('some-unknown-event', 1, 'two', {'three': [3]}))
        await c.emit('binary-unknown', b'\x01\x02')
        self.assertEqual(await c.inbox['/'].get('catch-all'), ('binary-unknown', b'\x01\x02'))

    async def test_transport(self):
        c = await self.connect()
        expected = 'polling' if self.transports == ['polling'] else 'websocket'
        self.assertEqual(c.transport(), expected)


class AsyncWebsocket(AsyncSioCase, unittest.IsolatedAsyncioTestCase):
    transports = MODES['websocket']


class AsyncPolling(AsyncSioCase, unittest.IsolatedAsyncioTestCase):
    transports = MODES['polling']


class AsyncDefault(AsyncSioCase, unittest.IsolatedAsyncioTestCase):
    transports = MODES['default']


del AsyncSioCase
