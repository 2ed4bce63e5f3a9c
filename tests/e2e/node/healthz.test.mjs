// GET /healthz: liveness plus the gauges tests wait on (README.md, "GET /healthz").
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { health, parkGet, waitFor } from "./lib/health.mjs";
import { openPolling, pollGet, pollPost, WsPeer, eioUrl } from "./lib/raw.mjs";
import { imedgeOnly, servers } from "./lib/env.mjs";

const PATH = "/engine.io/";
const skip = imedgeOnly("/healthz is imedge's own endpoint");

describe("GET /healthz", { skip }, () => {
  test("answers status, shard and non-negative integer gauges", async () => {
    const h = await health(servers.eioEcho);
    assert.equal(h.status, "ok");
    for (const k of ["shard", "sessions", "parked_gets", "pings_sent", "pongs_received"])
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
});
