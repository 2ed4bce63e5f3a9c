// GET /healthz: liveness plus the gauges tests wait on (README.md, "GET /healthz").
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { health, parkGet, waitFor } from "./lib/health.mjs";
import { io } from "socket.io-client";
import { openPolling, pollGet, pollPost, WsPeer, eioUrl } from "./lib/raw.mjs";
import { httpUrl, imedgeOnly, servers } from "./lib/env.mjs";
import { nextEvent } from "./lib/wait.mjs";

const PATH = "/engine.io/";
const skip = imedgeOnly("/healthz is imedge's own endpoint");

describe("GET /healthz", { skip }, () => {
  test("answers status, shard and non-negative integer gauges", async () => {
    const h = await health(servers.eioEcho);
    assert.equal(h.status, "ok");
    for (const k of ["shard", "sessions", "parked_gets", "pings_sent", "pongs_received",
                     "acks_awaited", "slow_readers", "attachment_timeouts", "ring_drops",
                     "refused_handshakes", "refused_origins", "refused_joins"])
      assert.ok(Number.isInteger(h[k]) && h[k] >= 0, `${k}: ${JSON.stringify(h)}`);
  });

  test("a parked GET counts 1 while it waits, 0 after it is answered", async () => {
    const port = servers.eioEcho;
    const before = await health(port);
    const { sid } = await openPolling(port, PATH);
    const { response } = await parkGet(port, () => pollGet(port, PATH, sid));
    assert.equal((await health(port)).parked_gets, before.parked_gets + 1);
    assert.equal((await pollPost(port, PATH, sid, "4wake")).text, "ok");
    assert.equal((await response).text, "4wake");
    await waitFor(port, (h) => h.parked_gets === before.parked_gets, "the answered GET to unpark");
    assert.equal((await pollPost(port, PATH, sid, "1")).text, "ok");
  });

  test("sessions counts an open WebSocket session until it closes", async () => {
    const port = servers.eioEcho;
    const before = (await health(port)).sessions;
    const peer = await WsPeer.open(eioUrl(port, PATH, { transport: "websocket" }, "ws"));
    assert.equal((await peer.next())[0], "0");
    await waitFor(port, (h) => h.sessions === before + 1, "the session to be counted");
    peer.close();
    await waitFor(port, (h) => h.sessions === before, "the closed session to be forgotten");
  });

  test("pings_sent and pongs_received follow the heartbeat", async () => {
    const port = servers.eioEchoHeartbeat; // --ping-interval 300
    const before = await health(port);
    const peer = await WsPeer.open(eioUrl(port, PATH, { transport: "websocket" }, "ws"));
    assert.equal((await peer.next())[0], "0");
    assert.equal(await peer.next(1500), "2");
    await waitFor(port, (h) => h.pings_sent > before.pings_sent, "the ping to be counted");
    peer.send("3");
    await waitFor(port, (h) => h.pongs_received > before.pongs_received, "the pong to be counted");
    peer.close();
  });

  test("refused_joins counts a join past --max-rooms-per-socket; others keep joining", async () => {
    const port = servers.sioDemoRooms; // --max-rooms-per-socket 2: the sid's own room and one
    const connect = async () => {
      const socket = io(httpUrl(port), { transports: ["websocket"], forceNew: true, reconnection: false });
      await nextEvent(socket, "connect", 5000);
      return socket;
    };
    const [a, b] = [await connect(), await connect()];
    try {
      const before = await health(port);
      assert.equal(await a.timeout(3000).emitWithAck("join", "one"), "joined:one");
      assert.equal(await a.timeout(3000).emitWithAck("join", "two"), "refused:two");
      await waitFor(port, (h) => h.refused_joins === before.refused_joins + 1, "the refused join to be counted");
      assert.equal(await a.timeout(3000).emitWithAck("join", "one"), "joined:one", "already in: no refusal");
      assert.equal(await b.timeout(3000).emitWithAck("join", "two"), "joined:two");
      assert.equal((await health(port)).refused_joins, before.refused_joins + 1);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });
});
