// A minimal reader of Socket.IO v5 text packets for the raw conformance tests:
// <type>[<attachments>-][<nsp>,][<ack id>][<json>]. Written from the protocol description.
import assert from "node:assert/strict";
import { WsPeer, eioUrl } from "./raw.mjs";

export const SIO = { CONNECT: 0, DISCONNECT: 1, EVENT: 2, ACK: 3, CONNECT_ERROR: 4, BINARY_EVENT: 5, BINARY_ACK: 6 };

export function parseSio(text) {
  assert.equal(typeof text, "string", "expected a text frame");
  assert.equal(text[0], "4", `expected an Engine.IO message packet, got ${JSON.stringify(text)}`);
  let i = 1;
  const packet = { type: Number(text[i++]), nsp: "/", attachments: 0, id: undefined, data: undefined };
  const dash = text.indexOf("-", i);
  if ((packet.type === SIO.BINARY_EVENT || packet.type === SIO.BINARY_ACK) && dash > 0) {
    packet.attachments = Number(text.slice(i, dash));
    i = dash + 1;
  }
  if (text[i] === "/") {
    const comma = text.indexOf(",", i);
    packet.nsp = text.slice(i, comma < 0 ? text.length : comma);
    i = comma < 0 ? text.length : comma + 1;
  }
  let digits = "";
  while (i < text.length && text[i] >= "0" && text[i] <= "9") digits += text[i++];
  if (digits) packet.id = Number(digits);
  if (i < text.length) packet.data = JSON.parse(text.slice(i));
  return packet;
}

// Opens a WebSocket-only Engine.IO session on /socket.io/ and reads its open packet.
export async function openSioWs(port) {
  const peer = await WsPeer.open(eioUrl(port, "/socket.io/", { transport: "websocket" }, "ws"));
  const open = await peer.next();
  assert.equal(open[0], "0", `expected an open packet, got ${open}`);
  peer.handshake = JSON.parse(open.slice(1));
  return peer;
}

// Sends CONNECT for `nsp` and checks the answer and sio_demo's `auth` event; resolves the sid.
export async function sioConnect(peer, nsp = "/", auth) {
  const prefix = nsp === "/" ? "" : `${nsp},`;
  peer.send(`40${prefix}${auth === undefined ? "" : JSON.stringify(auth)}`);
  const connect = parseSio(await peer.nextNonPing());
  assert.equal(connect.type, SIO.CONNECT, `expected CONNECT, got ${JSON.stringify(connect)}`);
  assert.equal(connect.nsp, nsp);
  assert.equal(typeof connect.data?.sid, "string");
  const authEvent = parseSio(await peer.nextNonPing());
  assert.deepEqual(authEvent, { type: SIO.EVENT, nsp, attachments: 0, id: undefined, data: ["auth", auth ?? {}] });
  return connect.data.sid;
}

// A socket on `/` that proves the server still serves others: one ack round trip.
export async function assertAlive(peer, tag = "alive") {
  peer.send(`42999["message-with-ack","${tag}"]`);
  const ack = parseSio(await peer.nextNonPing());
  assert.deepEqual(ack, { type: SIO.ACK, nsp: "/", attachments: 0, id: 999, data: [tag] });
}
