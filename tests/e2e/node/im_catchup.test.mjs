// Catch-up with flow control (docs/im-protocol.md, `sync`): a device comes back to 10,000
// waiting messages, over WebSocket and over long-polling, on a server whose slow-reader bound
// (--outbox-limit) is far smaller than the backlog. Without pacing the replay overruns the
// outbox and the connection is closed as a slow reader; with it, the device receives every
// entry once, in order, and the messages sent during the catch-up come after, with no gap.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Device, call, closeAll, connect, unique, userToken } from "./lib/im.mjs";
import { reference } from "./lib/env.mjs";
import { withTimeout } from "./lib/wait.mjs";
import { startImedge } from "./lib/webhook.mjs";

const noIm = reference ? "the reference servers have no IM service" : false;
const WAITING = 10000;
const LIVE = 50;
const OUTBOX_LIMIT = 32768; // bytes; the backlog is about 2.5 MB
// A body of ~100 bytes: a replay page of 500 entries is ~4x the outbox bound.
const body = (i) => ({ text: `message ${i} `.padEnd(100, ".") });

describe("im: catch-up with flow control", { skip: noIm }, () => {
  let server, sender, conversation;
  const [ann, ben] = [unique("ann"), unique("ben")];

  before(async () => {
    server = await startImedge(["--outbox-limit", String(OUTBOX_LIMIT)]);
    sender = await connect(userToken(ann), { port: server.port });
    // Store the backlog with a window of sends in flight (the store commits them in groups).
    let next = 1;
    const worker = async () => {
      while (next <= WAITING) {
        const i = next++;
        const ack = await call(sender, "send", { to: ben, body: body(i), client_id: `w${i}` }, 30000);
        assert.equal(ack.ok, true);
        conversation = ack.conversation;
      }
    };
    await Promise.all(Array.from({ length: 200 }, worker));
  }, { timeout: 120000 });

  after(async () => {
    closeAll();
    await server?.stop();
  });

  for (const transports of [["websocket"], ["polling"]]) {
    test(`${WAITING} waiting messages over ${transports[0]}: all once, in order, then the live ones`,
      { timeout: 120000 }, async () => {
        const last = (await call(sender, "history", { conversation, before: 1e15, limit: 1 })).messages[0].seq;
        assert.ok(last >= WAITING);
        const device = new Device(ben);
        device.socket = await connect(userToken(ben), { port: server.port, transports });
        const closed = [];
        device.socket.on("disconnect", (reason) => closed.push(reason));
        device.socket.on("message", (m) => device.onMessage(m));
        const synced = call(device.socket, "sync", {}, 100000);
        // Live messages while the replay runs: they must come after it, exactly once.
        await device.reach(conversation, 1000, 60000);
        const live = await Promise.all(Array.from({ length: LIVE }, (_, i) =>
          call(sender, "send", { to: ben, body: { live: i }, client_id: `live-${transports[0]}-${i}` })));
        assert.ok(live.every((a) => a.ok && a.seq > last));
        const end = last + LIVE;
        const ack = await synced;
        assert.equal(ack.ok, true);
        await device.reach(conversation, end, 60000);
        assert.deepEqual(closed, [], "the device was disconnected during the catch-up");
        assert.ok(device.socket.connected);
        assert.deepEqual(device.violations, []);
        assert.equal(device.received.length, end);
        assert.deepEqual(device.received.map((m) => m.seq), Array.from({ length: end }, (_, i) => i + 1));
        const liveIds = device.received.slice(last).map((m) => m.client_id).sort();
        assert.deepEqual(liveIds, live.map((_, i) => `live-${transports[0]}-${i}`).sort());
        // Nothing more comes (no duplicate after the end): a round trip through the same socket.
        assert.equal((await call(device.socket, "conversations", {})).ok, true);
        assert.equal(device.received.length, end);
        device.close();
      });
  }
});
