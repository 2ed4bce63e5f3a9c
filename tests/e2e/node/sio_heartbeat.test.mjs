// socket.io-client (unmodified) against sio_demo started with --ping-interval 300
// --ping-timeout 200: a real client answers the server's pings in every transport mode, including
// while it upgrades, and stays connected for several ping periods.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { MODES, httpUrl, servers } from "./lib/env.mjs";
import { nextEvent, withTimeout } from "./lib/wait.mjs";

const open = [];
afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});

for (const mode of MODES) {
  describe(`socket.io-client heartbeat ${mode.name}`, () => {
    test("stays connected over 2 s of 300 ms pings, with traffic and while idle", async () => {
      const socket = io(httpUrl(servers.sioDemoHeartbeat), {
        forceNew: true,
        reconnection: false,
        timeout: 5000,
        ...(mode.transports ? { transports: mode.transports } : {}),
      });
      open.push(socket);
      let disconnected = null;
      socket.on("disconnect", (reason) => { disconnected = reason; });
      let pings = 0;
      await nextEvent(socket, "connect", 5000);
      socket.io.engine.on("ping", () => pings++);
      // Resolves once the client has seen `n` pings in all: the server's pings mark the time.
      const pinged = (n) => withTimeout(new Promise((resolve) => {
        const check = () => { if (pings >= n) { socket.io.engine.off("ping", check); resolve(); } };
        socket.io.engine.on("ping", check);
        check();
      }), 10000, `${n} pings (got ${pings})`);
      for (let i = 0; i < 5; i++) {
        assert.equal(await socket.timeout(3000).emitWithAck("message-with-ack", i), i);
        await pinged(i + 1); // one ack per ping period: traffic and pings interleave
      }
      await pinged(pings + 3); // idle for three ping periods
      assert.equal(disconnected, null, `disconnected: ${disconnected}`);
      assert.ok(pings >= 4, `only ${pings} pings`);
      assert.equal(await socket.timeout(3000).emitWithAck("message-with-ack", "end"), "end");
    });
  });
}
