// socket.io-client (unmodified, from npm) against examples/notify, in the three transport modes.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { MODES, httpUrl, servers } from "./lib/env.mjs";
import { nextEvent } from "./lib/wait.mjs";

const open = [];
afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});

// Connects and resolves the socket with the first `message` and `notify` the server sent,
// in the order they arrived.
async function connect(mode) {
  const socket = io(httpUrl(servers.notify), {
    forceNew: true,
    reconnection: false,
    timeout: 5000,
    ...(mode.transports ? { transports: mode.transports } : {}),
  });
  open.push(socket);
  const order = [];
  const welcome = nextEvent(socket, "message", 5000).then((a) => { order.push("message"); return a; });
  const notify = nextEvent(socket, "notify", 5000).then((a) => { order.push("notify"); return a; });
  await nextEvent(socket, "connect", 5000);
  return { socket, welcome: await welcome, notify: await notify, order };
}

for (const mode of MODES) {
  describe(`socket.io-client notify ${mode.name}`, () => {
    test("welcome message then notify with a timestamp", async () => {
      const before = Date.now();
      const { socket, welcome, notify, order } = await connect(mode);
      assert.deepEqual(welcome, [`welcome ${socket.id}`]);
      assert.equal(notify.length, 1);
      assert.deepEqual(Object.keys(notify[0]), ["ts"]);
      assert.equal(typeof notify[0].ts, "number");
      assert.ok(Math.abs(notify[0].ts - before) < 60000, `ts ${notify[0].ts} is not near ${before}`);
      assert.deepEqual(order, ["message", "notify"]);
    });

    test("notify(msg) -> notify back to the sender only, and the ack", async () => {
      const { socket } = await connect(mode);
      const { socket: other } = await connect(mode);
      let otherGot = null;
      other.on("notify", (m) => { otherGot = m; });
      const back = nextEvent(socket, "notify");
      const acked = await socket.timeout(3000).emitWithAck("notify", "hello there");
      assert.equal(acked, "I have received your msg: hello there");
      assert.deepEqual(await back, ["I have received your msg: hello there"]);
      await other.timeout(3000).emitWithAck("notify", "sync");
      assert.equal(otherGot, "I have received your msg: sync", "another client got someone else's notify");
    });

    test("notify without an ack, and with a non-string message", async () => {
      const { socket } = await connect(mode);
      const back = nextEvent(socket, "notify");
      socket.emit("notify", "no ack please");
      assert.deepEqual(await back, ["I have received your msg: no ack please"]);
      const acked = await socket.timeout(3000).emitWithAck("notify", { a: [1, "b"] });
      const prefix = "I have received your msg: ";
      assert.ok(acked.startsWith(prefix), acked);
      assert.deepEqual(JSON.parse(acked.slice(prefix.length)), { a: [1, "b"] });
      assert.equal(await socket.timeout(3000).emitWithAck("notify", 42), `${prefix}42`);
    });
  });
}
