"""python-socketio's synchronous socketio.Client (Debian python3-socketio) against sio_demo."""
import unittest
import uuid

import socketio

from e2e_env import MODES, DeadlineMixin, Inbox, broadcasts_until, sio_url

EVENTS = ['auth', 'message-back', 'answer', 'answer-timeout', 'broadcast', 'catch-all']


class SyncSioCase(DeadlineMixin):
    transports = None

    def setUp(self):
        self.start_deadline()
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            try:
                c.disconnect()
            except Exception:  # already gone
                pass
        self.stop_deadline()

    def client(self, namespaces=('/',), question=None):
        """A new client whose events land in `client.inbox[namespace]`."""
        c = socketio.Client(reconnection=False)
        c.inbox = {}
        for nsp in namespaces:
            inbox = c.inbox[nsp] = Inbox()
            for event in EVENTS:
                c.on(event, self._recorder(inbox, event), namespace=nsp)
            c.on('disconnect', self._recorder(inbox, 'disconnect'), namespace=nsp)
            c.on('connect_error', self._recorder(inbox, 'connect_error'), namespace=nsp)
            if question is not None:
                c.on('question', question, namespace=nsp)
        self.clients.append(c)
        return c

    @staticmethod
    def _recorder(inbox, event):
        def handler(*args):
            inbox.put(event, args)
        return handler

    def connect(self, auth=None, namespaces=('/',), question=None):
        c = self.client(namespaces, question)
        c.connect(sio_url(), auth=auth, transports=self.transports,
                  namespaces=list(namespaces), wait_timeout=5)
        return c

    def test_connect_with_auth(self):
        auth = {'token': 'abc', 'n': 7, 'nested': {'list': [1, 'two', None]}}
        c = self.connect(auth=auth)
        self.assertEqual(c.inbox['/'].get('auth'), (auth,))
        self.assertTrue(c.sid)

    def test_connect_without_auth(self):
        c = self.connect()
        self.assertEqual(c.inbox['/'].get('auth'), ({},))

    def test_rejected(self):
        c = self.client()
        with self.assertRaises(socketio.exceptions.ConnectionError):
            # a refused namespace makes connect() wait out wait_timeout: keep it short
            c.connect(sio_url(), auth={'reject': 'go away'}, transports=self.transports,
                      wait_timeout=1)
        (err,) = c.inbox['/'].get('connect_error')
        self.assertEqual(err, {'message': 'go away', 'data': {'code': 'REJECTED'}})

    def test_events(self):
        c = self.connect()
        args = ('hello', 42, {'a': [1, 2, {'b': None}]}, True, 'ünïcødé ✓')
        c.emit('message', args)
        self.assertEqual(c.inbox['/'].get('message-back'), args)

    def test_ack_client_to_server(self):
        c = self.connect()
        self.assertEqual(c.call('message-with-ack', ('x', {'y': 1}), timeout=5), ('x', {'y': 1}))
        self.assertEqual(c.call('message-with-ack', 'only', timeout=5), 'only')

    def test_ack_server_to_client(self):
        c = self.connect(question=lambda x: ('reply-%s' % x, 2))
        c.emit('server-ack', 'hi')
        self.assertEqual(c.inbox['/'].get('answer'), ('reply-hi', 2))

    def test_ack_server_to_client_empty(self):
        c = self.connect(question=lambda x: None)
        c.emit('server-ack', 1)
        self.assertEqual(c.inbox['/'].get('answer'), ())

    def test_binary(self):
        c = self.connect()
        args = (b'\x00\x01\xfe\xff', 'text', {'nested': {'buf': b'xy', 'list': [b'', b'\x09']}})
        c.emit('message', args)
        self.assertEqual(c.inbox['/'].get('message-back'), args)
        self.assertEqual(c.call('message-with-ack', {'data': b'\x07\x08'}, timeout=5),
                         {'data': b'\x07\x08'})

    def test_binary_server_ack(self):
        c = self.connect(question=lambda x: (b'\x2a' + x, {'inner': b'\x01'}))
        c.emit('server-ack', b'\x05')
        self.assertEqual(c.inbox['/'].get('answer'), (b'\x2a\x05', {'inner': b'\x01'}))

    def test_rooms(self):
        a, b, c = self.connect(), self.connect(), self.connect()
        room = 'room-' + uuid.uuid4().hex
        self.assertEqual(a.call('join', room, timeout=5), 'joined:' + room)
        self.assertEqual(b.call('join', room, timeout=5), 'joined:' + room)
        self.assertEqual(sorted(a.call('rooms', timeout=5)), sorted([a.get_sid('/'), room]))
        self.assertEqual(c.call('rooms', timeout=5), [c.get_sid('/')])

        a.emit('broadcast', (room, {'hello': 'room'}))
        a.emit('broadcast-all', 'sentinel-1')
        self.assertEqual(broadcasts_until(b.inbox['/'], 'sentinel-1'), [{'hello': 'room'}])
        self.assertEqual(broadcasts_until(a.inbox['/'], 'sentinel-1'), [], 'sender got its own')
        self.assertEqual(broadcasts_until(c.inbox['/'], 'sentinel-1'), [], 'outsider got it')

        self.assertEqual(b.call('leave', room, timeout=5), 'left:' + room)
        self.assertEqual(b.call('rooms', timeout=5), [b.get_sid('/')])
        c.emit('broadcast', (room, 'after-leave'))
        c.emit('broadcast-all', 'sentinel-2')
        self.assertEqual(broadcasts_until(a.inbox['/'], 'sentinel-2'), ['after-leave'])
        self.assertEqual(broadcasts_until(b.inbox['/'], 'sentinel-2'), [])
        self.assertEqual(broadcasts_until(c.inbox['/'], 'sentinel-2'), [])

    def test_namespaces(self):
        c = self.connect(auth={'both': True}, namespaces=('/', '/custom'))
        self.assertEqual(c.inbox['/'].get('auth'), ({'both': True},))
        self.assertEqual(c.inbox['/custom'].get('auth'), ({'both': True},))
        self.assertNotEqual(c.get_sid('/'), c.get_sid('/custom'))
        c.emit('message', 'on custom', namespace='/custom')
        self.assertEqual(c.inbox['/custom'].get('message-back'), ('on custom',))
        c.emit('message', 'on root')
        self.assertEqual(c.inbox['/'].get('message-back'), ('on root',))
        self.assertTrue(c.inbox['/'].empty('message-back'))
        self.assertEqual(c.call('join', 'croom', namespace='/custom', timeout=5), 'joined:croom')
        self.assertEqual(sorted(c.call('rooms', namespace='/custom', timeout=5)),
                         sorted([c.get_sid('/custom'), 'croom']))
        self.assertEqual(c.call('rooms', timeout=5), [c.get_sid('/')])

    def test_unknown_namespace(self):
        c = self.client(namespaces=('/nope',))
        with self.assertRaises(socketio.exceptions.ConnectionError):
            c.connect(sio_url(), transports=self.transports, namespaces=['/nope'], wait_timeout=1)
        (err,) = c.inbox['/nope'].get('connect_error')
        self.assertEqual(err, {'message': 'Invalid namespace'})

    def test_session_data(self):
        c, other = self.connect(), self.connect()
        self.assertEqual(c.call('set-session', ('color', 'blue'), timeout=5), 'ok')
        self.assertEqual(c.call('get-session', 'color', timeout=5), 'blue')
        self.assertEqual(c.call('set-session', ('color', 'red'), timeout=5), 'ok')
        self.assertEqual(c.call('get-session', 'color', timeout=5), 'red')
        self.assertIsNone(c.call('get-session', 'missing', timeout=5))
        self.assertIsNone(other.call('get-session', 'color', timeout=5))

    def test_server_disconnect(self):
        c = self.connect()
        c.emit('disconnect-me')
        c.inbox['/'].get('disconnect')
        self.assertFalse(c.connected)

    def test_clean_disconnect(self):
        c = self.connect()
        c.disconnect()
        c.inbox['/'].get('disconnect')
        self.assertFalse(c.connected)
        again = self.connect(auth={'again': True})
        self.assertEqual(again.inbox['/'].get('auth'), ({'again': True},))
        self.assertEqual(again.call('message-with-ack', 'x', timeout=5), 'x')

    def test_catch_all(self):
        c = self.connect()
        c.emit('some-unknown-event', (1, 'two', {'three': [3]}))
        self.assertEqual(c.inbox['/'].get('catch-all'), ('some-unknown-event', 1, 'two', {'three': [3]}))
        c.emit('binary-unknown', b'\x01\x02')
        self.assertEqual(c.inbox['/'].get('catch-all'), ('binary-unknown', b'\x01\x02'))

    def test_transport(self):
        c = self.connect()
        expected = 'polling' if self.transports == ['polling'] else 'websocket'
        self.assertEqual(c.transport(), expected)


class SyncWebsocket(SyncSioCase, unittest.TestCase):
    transports = MODES['websocket']


class SyncPolling(SyncSioCase, unittest.TestCase):
    transports = MODES['polling']


class SyncDefault(SyncSioCase, unittest.TestCase):
    transports = MODES['default']


del SyncSioCase
