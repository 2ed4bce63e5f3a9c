"""The IM service over plain WebSocket (`/ws`, docs/im-protocol.md) driven by Debian's
python3-websocket (websocket-client), next to python3-socketio devices: the envelopes, seed 004's
envelope, acks with the request id, a message for an offline user stored and caught up, and the
refusal close code. The same service as test_im.py, reached without Socket.IO."""
import json
import struct
import threading
import unittest

import socketio
import websocket

from e2e_env import DeadlineMixin, Inbox
from test_im import direct, im_url, mint, unique


class WsDevice:
    """One /ws peer: a reader thread files every pushed envelope by type, acks by id."""

    def __init__(self, url, token):
        self.ws = websocket.create_connection(url.replace('http://', 'ws://') + '/ws?token=' + token, timeout=10)
        self.ws.settimeout(None)  # the reader waits as long as the test does; close() wakes it
        self.inbox = Inbox()
        self.closed = Inbox()
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self):
        try:
            while True:
                opcode, data = self.ws.recv_data(control_frame=True)
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    code = struct.unpack('!H', data[:2])[0] if len(data) >= 2 else None
                    self.closed.put('close', (code, data[2:].decode()))
                    return
                if opcode != websocket.ABNF.OPCODE_TEXT:
                    continue
                envelope = json.loads(data)
                key = 'ack:%s' % envelope['id'] if envelope['type'] == 'ack' else envelope['type']
                self.inbox.put(key, (envelope,))
        except (websocket.WebSocketException, OSError):
            self.closed.put('close', (None, 'connection lost'))

    def request(self, event, data, request_id):
        self.ws.send(json.dumps({'type': event, 'id': request_id, 'data': data}))
        (envelope,) = self.inbox.get('ack:%s' % request_id, timeout=10)
        return envelope['data']

    def close(self):
        try:
            self.ws.send_close()
        except (websocket.WebSocketException, OSError):
            pass
        self.ws.abort()  # wakes the reader thread
        self.reader.join(timeout=10)


class PlainWsImCase(DeadlineMixin, unittest.TestCase):
    def setUp(self):
        self.start_deadline()
        self.url = im_url()
        self.peers = []
        self.clients = []

    def tearDown(self):
        for p in self.peers:
            p.close()
        for c in self.clients:
            c.disconnect()
        self.stop_deadline()

    def ws_device(self, user):
        device = WsDevice(self.url, mint({'sub': user}))
        self.peers.append(device)
        (hello,) = device.inbox.get('connected', timeout=10)
        self.assertEqual(hello['data'], {'user': user})
        return device

    def sio_device(self, user):
        client = socketio.Client(reconnection=False)
        inbox = Inbox()
        client.on('message', lambda m: inbox.put('message', (m,)))
        client.connect(self.url, auth={'token': mint({'sub': user})}, transports=['websocket'], wait_timeout=5)
        self.clients.append(client)
        self.assertTrue(client.call('sync', {}, timeout=10)['ok'])
        return client, inbox

    def test_a_ws_device_and_a_socketio_device_chat(self):
        a, b = unique('ann'), unique('ben')
        ann = self.ws_device(a)
        self.assertTrue(ann.request('sync', {}, 1)['ok'])
        ben, ben_inbox = self.sio_device(b)
        ack = ann.request('send', {'to': b, 'body': {'text': 'from ws'}, 'client_id': 'w1'}, 'm-1')
        self.assertEqual((ack['ok'], ack['seq'], ack['conversation']), (True, 1, direct(a, b)))
        (message,) = ben_inbox.get('message', timeout=10)
        self.assertEqual((message['seq'], message['from'], message['body']), (1, a, {'text': 'from ws'}))
        reply = ben.call('send', {'to': a, 'body': {'text': 'from socket.io'}, 'client_id': 's1'}, timeout=10)
        self.assertEqual(reply['seq'], 2)
        # Every device's stream holds every seq of the conversation once, in order: the sending
        # device gets its own entry too.
        pushed = [ann.inbox.get('message', timeout=10)[0]['data'] for _ in range(2)]
        self.assertEqual([(m['seq'], m['from'], m['body']) for m in pushed],
                         [(1, a, {'text': 'from ws'}), (2, b, {'text': 'from socket.io'})])
        again = ann.request('send', {'to': b, 'body': {'text': 'from ws'}, 'client_id': 'w1'}, 7)
        self.assertEqual((again['seq'], again['duplicate']), (1, True))

    def test_seed_004_envelope_to_an_offline_user_is_stored_for_them(self):
        a, b = unique('ann'), unique('ben')
        ann = self.ws_device(a)
        self.assertTrue(ann.request('sync', {}, 1)['ok'])
        ann.ws.send(json.dumps({'sender': a, 'receiver': b, 'data': 'while you were away', 'id': 2}))
        (ack,) = ann.inbox.get('ack:2', timeout=10)
        self.assertEqual((ack['data']['ok'], ack['data']['seq']), (True, 1))
        ann.ws.send(json.dumps({'sender': 'somebody-else', 'receiver': b, 'data': 'x'}))
        (wrong,) = ann.inbox.get('error', timeout=10)
        self.assertEqual(wrong['error'], 'wrong_sender')
        ben = self.ws_device(b)
        synced = ben.request('sync', {}, 'first')
        self.assertTrue(synced['ok'])
        # The sync ack comes after the replayed entries it waited for, and the reader files
        # envelopes in the order they arrived: the message is there already.
        self.assertFalse(ben.inbox.empty('message'))
        (message,) = ben.inbox.get('message')
        self.assertEqual((message['data']['seq'], message['data']['body']), (1, 'while you were away'))

    def test_bad_requests_get_error_envelopes_and_the_peer_stays(self):
        ann = self.ws_device(unique('ann'))
        ann.ws.send('not json')
        (bad,) = ann.inbox.get('error', timeout=10)
        self.assertEqual(bad['error'], 'bad_json')
        ann.ws.send(json.dumps({'type': 'no-such-event', 'id': 5}))
        (unknown,) = ann.inbox.get('error', timeout=10)
        self.assertEqual((unknown['error'], unknown['id']), ('unknown_type', 5))
        self.assertTrue(ann.request('sync', {}, 6)['ok'])

    def test_a_refused_token_closes_with_4401_and_the_reason(self):
        device = WsDevice(self.url, mint({'sub': 'x'}, key='wrong'))
        self.peers.append(device)
        self.assertEqual(device.closed.get('close', timeout=10), (4401, 'bad_signature'))


if __name__ == '__main__':
    unittest.main()
