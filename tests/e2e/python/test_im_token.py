"""Token refresh and expiry on a live connection (docs/im-protocol.md "Token lifecycle") with
Debian's python3-socketio client and tokens minted by python3-jwt: auth.refresh before exp keeps
the connection past the old exp, another user's token is refused with wrong_user, and a token
that runs out unrefreshed gets auth.expired and a server-side disconnect."""
import time
import unittest

import socketio

from e2e_env import DeadlineMixin, Inbox
from test_im import im_url, mint, unique


def short(user, seconds=3):
    # 3 s from the current whole second: at least 2 s left for a slow connect.
    return mint({'sub': user, 'exp': int(time.time()) + seconds})


class TokenLifecycleCase(DeadlineMixin, unittest.TestCase):
    def setUp(self):
        self.start_deadline()
        self.url = im_url()
        self.clients = []

    def tearDown(self):
        for c in self.clients:
            if c.connected:
                c.disconnect()
        self.stop_deadline()

    def device(self, token):
        client = socketio.Client(reconnection=False)
        inbox = Inbox()
        client.on('auth.expired', lambda data: inbox.put('expired', (data,)))
        client.on('disconnect', lambda *why: inbox.put('disconnect', ()))
        client.connect(self.url, auth={'token': token}, transports=['websocket'], wait_timeout=5)
        self.clients.append(client)
        return client, inbox

    def assert_expires(self, inbox):
        (data,) = inbox.get('expired', timeout=15)
        self.assertEqual(data, {'reason': 'expired'})
        inbox.get('disconnect', timeout=10)

    def test_unrefreshed_token_expires_with_a_reason(self):
        client, inbox = self.device(short(unique('eve')))
        self.assert_expires(inbox)
        self.assertFalse(client.connected)

    def test_refresh_keeps_the_connection_past_the_old_exp(self):
        user = unique('rita')
        client, inbox = self.device(short(user))
        exp = int(time.time()) + 600
        ack = client.call('auth.refresh', {'token': mint({'sub': user, 'exp': exp})}, timeout=10)
        self.assertEqual(ack, {'ok': True, 'exp': exp})
        # The witness's token runs out no earlier than the old one: once it has been ended,
        # the refreshed connection's old deadline has passed as well.
        _, witness = self.device(short(unique('wit'), 4))
        self.assert_expires(witness)
        self.assertTrue(inbox.empty('expired'))
        self.assertTrue(client.connected)
        self.assertTrue(client.call('conversations', {}, timeout=10)['ok'])

    def test_refresh_refusals(self):
        user = unique('ruth')
        client, inbox = self.device(mint({'sub': user}))
        refused = lambda token: client.call('auth.refresh', {'token': token}, timeout=10)
        self.assertEqual(refused(mint({'sub': unique('mallory')})),
                         {'ok': False, 'error': 'unauthorized', 'reason': 'wrong_user'})
        self.assertEqual(refused(mint({'sub': user}, key='not the secret')),
                         {'ok': False, 'error': 'unauthorized', 'reason': 'bad_signature'})
        self.assertEqual(refused(mint({'sub': user, 'exp': 1})),
                         {'ok': False, 'error': 'unauthorized', 'reason': 'expired'})
        self.assertEqual(client.call('auth.refresh', {}, timeout=10), {'ok': False, 'error': 'bad_request'})
        self.assertTrue(client.connected)


if __name__ == '__main__':
    unittest.main()
