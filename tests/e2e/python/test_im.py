"""Debian's python3-socketio (sync and asyncio clients) against the imedge IM service, with
tokens minted by python3-jwt, following docs/im-protocol.md literally."""
import asyncio
import os
import time
import unittest
import uuid

import jwt
import socketio

from e2e_env import HOST, DeadlineMixin, Inbox

ISSUER = 'imedge-tests'
AUDIENCE = 'imedge'


def im_url():
    port = os.environ.get('IMEDGE_E2E_IM_PORT')
    if not port:
        raise unittest.SkipTest('no IM server (reference run)')
    return 'http://%s:%s' % (HOST, port)


def mint(claims, key=None, algorithm='HS256'):
    now = int(time.time())
    body = {'iat': now, 'exp': now + 600, 'iss': ISSUER, 'aud': AUDIENCE}
    body.update(claims)
    return jwt.encode(body, key or os.environ['IMEDGE_E2E_IM_SECRET'], algorithm=algorithm)


def unique(name):
    return '%s-%s' % (name, uuid.uuid4().hex[:8])


def direct(a, b):
    return 'd:%s:%s' % tuple(sorted((a, b)))


class SyncImCase(DeadlineMixin, unittest.TestCase):
    def setUp(self):
        self.start_deadline()
        self.url = im_url()
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            c.disconnect()
        self.stop_deadline()

    def device(self, user, cursors=None):
        client = socketio.Client(reconnection=False)
        inbox = Inbox()
        client.on('message', lambda m: inbox.put('message', (m,)))
        client.on('receipt', lambda r: inbox.put('receipt', (r,)))
        client.connect(self.url, auth={'token': mint({'sub': user})}, transports=['websocket'], wait_timeout=5)
        self.clients.append(client)
        synced = client.call('sync', cursors or {}, timeout=10)
        self.assertTrue(synced['ok'])
        return client, inbox

    def refusal(self, token):
        client = socketio.Client(reconnection=False)
        errors = Inbox()
        client.on('connect_error', lambda data=None: errors.put('error', (data,)))
        # This client version waits out wait_timeout even after a CONNECT_ERROR; the test
        # waits for the connect_error event itself.
        with self.assertRaises(socketio.exceptions.ConnectionError):
            client.connect(self.url, auth={'token': token}, transports=['websocket'], wait_timeout=1)
        (data,) = errors.get('error', timeout=10)
        return data

    def test_refusals_name_their_reason(self):
        cases = [('', 'missing'), ('garbage', 'malformed'), (mint({'sub': 'x'}, key='wrong'), 'bad_signature'),
                 (mint({'sub': 'x', 'exp': 1}), 'expired'), (mint({'sub': 'x', 'aud': 'other'}), 'wrong_audience'),
                 (mint({'sub': 'x', 'iss': 'other'}), 'wrong_issuer'), (mint({'no': 'user'}), 'no_user'),
                 (mint({'sub': 'x', 'nbf': int(time.time()) + 600}), 'not_yet_valid')]
        for token, reason in cases:
            self.assertEqual(self.refusal(token), {'message': 'unauthorized', 'data': {'reason': reason}})

    def test_direct_message_ack_then_delivery(self):
        a, b = unique('ann'), unique('ben')
        ann, _ = self.device(a)
        ben, ben_inbox = self.device(b)
        ack = ann.call('send', {'to': b, 'body': {'text': 'hi'}, 'client_id': 'p1'}, timeout=10)
        self.assertEqual((ack['ok'], ack['seq'], ack['conversation']), (True, 1, direct(a, b)))
        (message,) = ben_inbox.get('message', timeout=10)
        self.assertEqual((message['seq'], message['from'], message['body']), (1, a, {'text': 'hi'}))
        again = ann.call('send', {'to': b, 'body': {'text': 'hi'}, 'client_id': 'p1'}, timeout=10)
        self.assertEqual((again['seq'], again['duplicate']), (1, True))
        read = ben.call('read', {'conversation': ack['conversation'], 'seq': 1}, timeout=10)
        self.assertEqual(read, {'ok': True, 'seq': 1})

    def test_catch_up_from_a_cursor(self):
        a, b = unique('ann'), unique('ben')
        ann, _ = self.device(a)
        for i in range(1, 101):
            ann.call('send', {'to': b, 'body': i, 'client_id': str(i)}, timeout=10)
        ben, inbox = self.device(b, {direct(a, b): 40})
        got = [inbox.get('message', timeout=10)[0]['seq'] for _ in range(60)]
        self.assertEqual(got, list(range(41, 101)))
        self.assertTrue(inbox.empty('message'))

    def synced_entry(self, user, conversation):
        """A new device of `user` syncs; the sync ack's entry for `conversation`."""
        client = socketio.Client(reconnection=False)
        client.connect(self.url, auth={'token': mint({'sub': user})}, transports=['websocket'], wait_timeout=5)
        self.clients.append(client)
        synced = client.call('sync', {}, timeout=10)
        self.assertTrue(synced['ok'])
        (entry,) = [c for c in synced['conversations'] if c['conversation'] == conversation]
        return entry

    def test_sync_ack_carries_the_other_members_positions(self):
        a, b, c = unique('ann'), unique('ben'), unique('cat')
        ann, _ = self.device(a)
        ben, _ = self.device(b)
        cat, _ = self.device(c)
        for i in range(1, 6):
            ack = ann.call('send', {'to': b, 'body': i, 'client_id': 'd%d' % i}, timeout=10)
        pair = ack['conversation']
        self.assertEqual(ben.call('delivered', {'conversation': pair, 'seq': 5}, timeout=10), {'ok': True, 'seq': 5})
        self.assertEqual(ben.call('read', {'conversation': pair, 'seq': 3}, timeout=10), {'ok': True, 'seq': 3})
        # Direct: the peer's delivered and read seq, beside this user's own positions.
        entry = self.synced_entry(a, pair)
        self.assertEqual((entry['last_seq'], entry['delivered'], entry['read']), (5, 0, 0))
        self.assertEqual(entry['others'], {'delivered': 5, 'read': 3})
        self.assertEqual(self.synced_entry(b, pair)['others'], {'delivered': 0, 'read': 0})
        ann.call('read', {'conversation': pair, 'seq': 5}, timeout=10)
        self.assertEqual(self.synced_entry(b, pair)['others'], {'delivered': 5, 'read': 5})

        # Group: the lowest position among the other members (everyone else is at least there).
        group = ann.call('group.create', {'title': 't', 'members': [b, c]}, timeout=10)
        self.assertTrue(group['ok'])
        g = group['conversation']
        for i in range(4):
            self.assertTrue(ann.call('send', {'conversation': g, 'body': i}, timeout=10)['ok'])
        ben.call('read', {'conversation': g, 'seq': 4}, timeout=10)
        cat.call('delivered', {'conversation': g, 'seq': 2}, timeout=10)
        self.assertEqual(self.synced_entry(a, g)['others'], {'delivered': 2, 'read': 0})
        cat.call('read', {'conversation': g, 'seq': 3}, timeout=10)
        self.assertEqual(self.synced_entry(a, g)['others'], {'delivered': 3, 'read': 3})
        # ben's view: ann has reported nothing in the group, cat is at 3.
        self.assertEqual(self.synced_entry(b, g)['others'], {'delivered': 0, 'read': 0})


class AsyncImCase(DeadlineMixin, unittest.TestCase):
    def setUp(self):
        self.start_deadline()
        self.url = im_url()

    def tearDown(self):
        self.stop_deadline()

    def test_group_chat(self):
        async def scenario():
            users = [unique('u') for _ in range(3)]
            clients, boxes = [], []
            for u in users:
                c = socketio.AsyncClient(reconnection=False)
                box = asyncio.Queue()
                c.on('message', box.put)
                await c.connect(self.url, auth={'token': mint({'sub': u})}, transports=['websocket'], wait_timeout=5)
                await c.call('sync', {}, timeout=10)
                clients.append(c)
                boxes.append(box)
            group = await clients[0].call('group.create', {'title': 't', 'members': users[1:]}, timeout=10)
            self.assertTrue(group['ok'])
            for i, c in enumerate(clients):
                ack = await c.call('send', {'conversation': group['conversation'], 'body': i}, timeout=10)
                self.assertTrue(ack['ok'])
            for box in boxes:
                seqs = [(await asyncio.wait_for(box.get(), 10))['seq'] for _ in range(3)]
                self.assertEqual(seqs, [1, 2, 3])
            for c in clients:
                await c.disconnect()
        asyncio.run(scenario())


if __name__ == '__main__':
    unittest.main()
