// Raw Engine.IO v4 conformance against examples/eio_echo, over fetch (polling) and ws.
// Written from the Engine.IO v4 protocol description; each test names the rule it checks.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  RS, WsPeer, assertSessionGone, eioUrl, openPolling, pollGet, pollPackets, pollPost, request, splitPayload,
} from "./lib/raw.mjs";
import { imedgeOnly, servers } from "./lib/env.mjs";
import { parkGet } from "./lib/health.mjs";
import { withTimeout } from "./lib/wait.mjs";

const PATH = "/engine.io/";
const peers = [];
after(() => peers.forEach((p) => p.close()));

async function wsSession(port, params = {}) {
  const peer = await WsPeer.open(eioUrl(port, PATH, { transport: "websocket", ...params }, "ws"));
  peers.push(peer);
  return peer;
}

async function wsOpen(port) {
  const peer = await wsSession(port);
  const open = await peer.next();
  assert.equal(open[0], "0", `first frame is not an open packet: ${open}`);
  peer.handshake = JSON.parse(open.slice(1));
  return peer;
}

function assertError(res, code, message) {
  assert.equal(res.status, 400, `expected HTTP 400, got ${res.status} ${res.text}`);
  assert.deepEqual(JSON.parse(res.text), { code, message });
}

// An echo round trip over an open WebSocket session, proving it (and the server) still work.
async function assertEchoes(peer, text = "4still alive") {
  peer.send(text);
  assert.equal(await peer.nextNonPing(), text);
}

describe("Engine.IO v4 handshake", () => {
  test("polling open packet has exactly sid, upgrades, pingInterval, pingTimeout, maxPayload", async () => {
    const { open, packets } = await openPolling(servers.eioEcho, PATH);
    assert.deepEqual(Object.keys(open).sort(), ["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"]);
    assert.equal(typeof open.sid, "string");
    assert.ok(open.sid.length > 0);
    assert.deepEqual(open.upgrades, ["websocket"]);
    assert.equal(open.pingInterval, 25000);
    assert.equal(open.pingTimeout, 20000);
    assert.equal(open.maxPayload, 1000000);
    assert.deepEqual(packets, [], "nothing else in the handshake response");
  });

  test("websocket open packet: same fields, no further upgrades", async () => {
    const peer = await wsOpen(servers.eioEcho);
    assert.deepEqual(Object.keys(peer.handshake).sort(), ["maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"]);
    assert.deepEqual(peer.handshake.upgrades, []);
  });

  test("sids are distinct", async () => {
    const sids = await Promise.all([1, 2, 3, 4].map(() => openPolling(servers.eioEcho, PATH).then((s) => s.sid)));
    assert.equal(new Set(sids).size, 4);
  });

  test("the handshake reports --ping-interval, --ping-timeout and --max-payload", async () => {
    const hb = await openPolling(servers.eioEchoHeartbeat, PATH);
    assert.equal(hb.open.pingInterval, 300);
    assert.equal(hb.open.pingTimeout, 400);
    const small = await openPolling(servers.eioEchoSmall, PATH);
    assert.equal(small.open.maxPayload, 10000);
  });
});

describe("Engine.IO v4 errors", () => {
  test("unknown transport -> 400 {code:0, Transport unknown}", async () => {
    assertError(await request(eioUrl(servers.eioEcho, PATH, { transport: "carrier-pigeon" })), 0, "Transport unknown");
  });

  test("unknown sid -> 400 {code:1, Session ID unknown}", async () => {
    assertError(await pollGet(servers.eioEcho, PATH, "no-such-sid-AAAAAAAA"), 1, "Session ID unknown");
    assertError(await pollPost(servers.eioEcho, PATH, "no-such-sid-AAAAAAAA", "4x"), 1, "Session ID unknown");
  });

  test("POST without sid -> 400 {code:2, Bad handshake method}", async () => {
    const res = await request(eioUrl(servers.eioEcho, PATH, { transport: "polling" }), { method: "POST", body: "4x" });
    assertError(res, 2, "Bad handshake method");
  });

  test("EIO=3 -> 400 {code:5, Unsupported protocol version}", async () => {
    const res = await request(eioUrl(servers.eioEcho, PATH, { transport: "polling", EIO: "3" }));
    assertError(res, 5, "Unsupported protocol version");
  });

  test("transport=websocket on a plain GET (no Upgrade) -> 400 {code:3, Bad request}", async () => {
    const res = await request(eioUrl(servers.eioEcho, PATH, { transport: "websocket" }));
    assertError(res, 3, "Bad request");
  });

  test("websocket upgrade with an unknown sid is refused", async () => {
    const peer = new WsPeer(eioUrl(servers.eioEcho, PATH, { transport: "websocket", sid: "no-such-sid" }, "ws"));
    peers.push(peer);
    const outcome = await withTimeout(peer.opened.then(() => "open", (e) => e), 3000, "upgrade answer");
    if (outcome === "open") {
      await peer.waitClose(); // accepted then closed at once is acceptable too
    } else {
      assert.equal(outcome.status, 400);
    }
  });
});

describe("Engine.IO v4 polling", () => {
  test("POST answers ok; packets echo back in a payload joined by \\x1e", async () => {
    const { sid } = await openPolling(servers.eioEcho, PATH);
    const res = await pollPost(servers.eioEcho, PATH, sid, `4a${RS}4b ✓${RS}4c`);
    assert.equal(res.status, 200);
    assert.equal(res.text, "ok");
    assert.deepEqual(await pollPackets(servers.eioEcho, PATH, sid, 3), ["4a", "4b ✓", "4c"]);
  });

  test("several queued packets come back joined by \\x1e in one GET", async () => {
    const { sid } = await openPolling(servers.eioEcho, PATH);
    for (const m of ["4one", "4two", "4three"]) await pollPost(servers.eioEcho, PATH, sid, m);
    const res = await pollGet(servers.eioEcho, PATH, sid);
    assert.equal(res.status, 200);
    assert.equal(res.text, `4one${RS}4two${RS}4three`);
  });

  test("binary goes as b + base64 both ways", async () => {
    const { sid } = await openPolling(servers.eioEcho, PATH);
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    await pollPost(servers.eioEcho, PATH, sid, `b${bytes.toString("base64")}${RS}4text`);
    const got = await pollPackets(servers.eioEcho, PATH, sid, 2);
    assert.deepEqual(got, [`b${bytes.toString("base64")}`, "4text"]);
  });

  test("a pending GET is answered when a message arrives", async () => {
    const { sid } = await openPolling(servers.eioEcho, PATH);
    const { response: pending } = await parkGet(servers.eioEcho, () => pollGet(servers.eioEcho, PATH, sid));
    await pollPost(servers.eioEcho, PATH, sid, "4wake");
    const res = await pending;
    assert.equal(res.status, 200);
    assert.equal(res.text, "4wake");
  });

  test("a second concurrent GET ends the session", async () => {
    const { sid } = await openPolling(servers.eioEcho, PATH);
    const { response: first } = await parkGet(servers.eioEcho, () => pollGet(servers.eioEcho, PATH, sid));
    const second = await pollGet(servers.eioEcho, PATH, sid);
    assert.equal(second.status, 400, `second GET: ${second.status} ${second.text}`);
    const firstRes = await first; // released, not left hanging
    assert.ok(firstRes.status === 400 || splitPayload(firstRes.text).includes("1"),
      `first GET: ${firstRes.status} ${JSON.stringify(firstRes.text)}`);
    await assertSessionGone(servers.eioEcho, PATH, sid);
  });

  test("a close packet over POST ends the session", async () => {
    const { sid } = await openPolling(servers.eioEcho, PATH);
    await pollPost(servers.eioEcho, PATH, sid, "1");
    await assertSessionGone(servers.eioEcho, PATH, sid);
  });

  // engine.io's polling transport: a close from the client answers the parked GET with a noop.
  test("a close packet POSTed while a GET is parked answers that GET with a noop 6; the session is gone", async () => {
    const { sid } = await openPolling(servers.eioEcho, PATH);
    const { response: parked } = await parkGet(servers.eioEcho, () => pollGet(servers.eioEcho, PATH, sid));
    assert.equal((await pollPost(servers.eioEcho, PATH, sid, "1")).text, "ok");
    const released = await withTimeout(parked, 3000, "the parked GET to be answered");
    assert.equal(released.status, 200);
    assert.equal(released.text, "6");
    await assertSessionGone(servers.eioEcho, PATH, sid);
  });
});

describe("Engine.IO v4 websocket", () => {
  test("text frames are message packets; binary frames are raw binary messages", async () => {
    const peer = await wsOpen(servers.eioEcho);
    await assertEchoes(peer, "4hello ✓");
    peer.send(Buffer.from([1, 2, 3]));
    assert.deepEqual(await peer.nextNonPing(), Buffer.from([1, 2, 3]));
  });

  test("a close packet closes the websocket",
    { skip: imedgeOnly("Node engine.io ignores a close packet over websocket") }, async () => {
    const peer = await wsOpen(servers.eioEcho);
    peer.send("1");
    await peer.waitClose();
  });

  test("polling requests on a websocket-only session are refused with 400", async () => {
    const peer = await wsOpen(servers.eioEcho);
    const res = await pollGet(servers.eioEcho, PATH, peer.handshake.sid);
    assert.equal(res.status, 400);
    await assertEchoes(peer);
  });
});

describe("Engine.IO v4 upgrade", () => {
  test("2probe/3probe/5 with a pending GET released by a noop 6; polling refused afterwards", async () => {
    const port = servers.eioEcho;
    const { sid } = await openPolling(port, PATH);
    const { response: pending } = await parkGet(port, () => pollGet(port, PATH, sid));
    const peer = await wsSession(port, { sid });
    peer.send("2probe");
    assert.equal(await peer.next(), "3probe");
    const released = await withTimeout(pending, 3000, "the pending GET to be released");
    assert.equal(released.status, 200);
    assert.equal(released.text, "6");
    peer.send("5");
    await assertEchoes(peer, "4over websocket");
    peer.send(Buffer.from([9, 8, 7]));
    assert.deepEqual(await peer.nextNonPing(), Buffer.from([9, 8, 7]));
    assert.equal((await pollGet(port, PATH, sid)).status, 400, "GET after upgrade");
    assert.equal((await pollPost(port, PATH, sid, "4late")).status, 400, "POST after upgrade");
    await assertEchoes(peer, "4still upgraded");
  });

  // engine.io's Server: a WebSocket for a session that has upgraded (or is upgrading) completes
  // its handshake and is closed; the session keeps its transport.
  test("a second WebSocket for an already upgraded sid is opened, then closed by the server", async () => {
    const port = servers.eioEcho;
    const { sid } = await openPolling(port, PATH);
    const peer = await wsSession(port, { sid });
    peer.send("2probe");
    assert.equal(await peer.next(), "3probe");
    peer.send("5");
    await assertEchoes(peer, "4upgraded");
    const second = new WsPeer(eioUrl(port, PATH, { transport: "websocket", sid }, "ws"));
    peers.push(second);
    await withTimeout(second.opened, 3000, "the second WebSocket's handshake");
    await second.waitClose();
    await assertEchoes(peer, "4first still works");
  });

  test("two concurrent upgrades of one session: the second is closed, the first upgrades", async () => {
    const port = servers.eioEcho;
    const { sid } = await openPolling(port, PATH);
    const url = eioUrl(port, PATH, { transport: "websocket", sid }, "ws");
    const a = new WsPeer(url);
    const b = new WsPeer(url);
    peers.push(a, b);
    await withTimeout(Promise.all([a.opened, b.opened]), 5000, "both handshakes");
    // The server closes one of them (its close is the signal); the other is the upgrade, which
    // the probe below proves is open.
    const closed = await withTimeout(Promise.race([a.closed.then(() => a), b.closed.then(() => b)]),
      5000, "the server to close one of the two");
    const kept = closed === a ? b : a;
    assert.equal(kept.isClosed, false, "both WebSockets were closed");
    kept.send("2probe");
    assert.equal(await kept.next(), "3probe");
    kept.send("5");
    await assertEchoes(kept, "4one writer");
  });

  test("messages echoed during the probe are not lost", async () => {
    const port = servers.eioEcho;
    const { sid } = await openPolling(port, PATH);
    const peer = await wsSession(port, { sid });
    peer.send("2probe");
    assert.equal(await peer.next(), "3probe");
    await pollPost(port, PATH, sid, "4during probe");
    const got = await pollPackets(port, PATH, sid, 1);
    assert.deepEqual(got, ["4during probe"]);
    peer.send("5");
    await assertEchoes(peer, "4after upgrade");
  });
});

describe("Engine.IO v4 heartbeat (--ping-interval 300 --ping-timeout 400)", () => {
  const port = () => servers.eioEchoHeartbeat;

  test("websocket: a client that never pongs is closed within interval+timeout+slack", async () => {
    const peer = await wsOpen(port());
    const t0 = Date.now();
    assert.equal(await peer.next(1500), "2", "the server pings first");
    await peer.waitClose(300 + 400 + 1500);
    const elapsed = Date.now() - t0;
    assert.ok(elapsed >= 400, `closed after only ${elapsed} ms`);
  });

  test("websocket: pongs sent 200 ms late (within pingTimeout 400) keep the session", async () => {
    const peer = await wsOpen(port());
    let pings = 0;
    const deadline = Date.now() + 1600;
    while (Date.now() < deadline) {
      let frame;
      try {
        frame = await peer.next(deadline - Date.now());
      } catch (e) {
        if (peer.isClosed) throw new Error(`closed after ${pings} late pongs`);
        break;
      }
      assert.equal(frame, "2");
      pings++;
      setTimeout(() => { if (!peer.isClosed) peer.send("3"); }, 200);
    }
    assert.ok(pings >= 3, `only ${pings} pings in 1600 ms`);
    // The server pinging again is its word that it took the last late pong.
    assert.equal(await peer.next(1500), "2", "closed although every pong came within pingTimeout");
  });

  test("websocket: a client that pongs stays connected", async () => {
    const peer = await wsOpen(port());
    let pings = 0;
    const deadline = Date.now() + 1600;
    while (Date.now() < deadline) {
      let frame;
      try {
        frame = await peer.next(deadline - Date.now());
      } catch (e) {
        if (peer.isClosed) throw e;
        break;
      }
      assert.equal(frame, "2");
      pings++;
      peer.send("3");
    }
    assert.ok(pings >= 3, `only ${pings} pings in 1600 ms`);
    assert.equal(peer.isClosed, false);
    await assertEchoes(peer);
  });

  test("after an upgrade the pings come over the WebSocket, and a missing pong closes it", async () => {
    const { sid } = await openPolling(port(), PATH);
    const peer = await wsSession(port(), { sid });
    peer.send("2probe");
    assert.equal(await peer.next(), "3probe");
    peer.send("5");
    let frame;
    do frame = await peer.next(1500); while (frame === "6");
    assert.equal(frame, "2", "a ping over the upgraded WebSocket");
    peer.send("3");
    assert.equal(await peer.next(1500), "2", "the next ping after a pong");
    await peer.waitClose(300 + 400 + 1500); // no pong this time
  });

  test("polling: a client that never pongs loses its session", async () => {
    const { sid } = await openPolling(port(), PATH);
    const ping = await pollGet(port(), PATH, sid);
    assert.deepEqual(splitPayload(ping.text), ["2"], "the server pings");
    await assertSessionGone(port(), PATH, sid, 400 + 3000); // not answered: gone after pingTimeout
  });

  test("polling: a client that pongs keeps its session", async () => {
    const { sid } = await openPolling(port(), PATH);
    let pings = 0;
    const deadline = Date.now() + 1600;
    while (Date.now() < deadline) {
      const res = await pollGet(port(), PATH, sid);
      assert.equal(res.status, 200, `poll: ${res.status} ${res.text}`);
      for (const p of splitPayload(res.text)) {
        assert.equal(p, "2");
        pings++;
        assert.equal((await pollPost(port(), PATH, sid, "3")).text, "ok");
      }
    }
    assert.ok(pings >= 3, `only ${pings} pings in 1600 ms`);
    await pollPost(port(), PATH, sid, "4alive");
    assert.deepEqual(await pollPackets(port(), PATH, sid, 1), ["4alive"]);
  });
});

describe("Engine.IO v4 malformed input closes only that session", () => {
  for (const [name, frame] of [
    ["unknown packet type 9", "9hello"],
    ["empty text frame", ""],
    ["non-digit packet type", "xyz"],
  ]) {
    test(`websocket: ${name}`, async () => {
      const bystander = await wsOpen(servers.eioEcho);
      const victim = await wsOpen(servers.eioEcho);
      victim.send(frame);
      await victim.waitClose();
      await assertEchoes(bystander);
    });
  }

  test("polling: unknown packet type in a POST", async () => {
    const bystander = await openPolling(servers.eioEcho, PATH);
    const { sid } = await openPolling(servers.eioEcho, PATH);
    const res = await pollPost(servers.eioEcho, PATH, sid, "9hello");
    assert.ok(res.status === 400 || res.status === 200, `POST: ${res.status}`);
    await assertSessionGone(servers.eioEcho, PATH, sid);
    await pollPost(servers.eioEcho, PATH, bystander.sid, "4fine");
    assert.deepEqual(await pollPackets(servers.eioEcho, PATH, bystander.sid, 1), ["4fine"]);
  });
});

describe("Engine.IO v4 maxPayload (--max-payload 10000)", () => {
  const port = () => servers.eioEchoSmall;

  test("websocket: a message under the limit is echoed", async () => {
    const peer = await wsOpen(port());
    await assertEchoes(peer, "4" + "a".repeat(9000));
  });

  test("websocket: an oversized message closes that session only", async () => {
    const bystander = await wsOpen(port());
    const victim = await wsOpen(port());
    victim.send("4" + "x".repeat(20000));
    await victim.waitClose();
    await assertEchoes(bystander);
  });

  test("polling: an oversized POST is refused", async () => {
    const { sid } = await openPolling(port(), PATH);
    const res = await pollPost(port(), PATH, sid, "4" + "x".repeat(20000));
    assert.ok(res.status === 413 || res.status === 400, `POST answered ${res.status} ${res.text.slice(0, 80)}`);
  });

  test("polling: an oversized POST ends that session only",
    { skip: imedgeOnly("Node engine.io answers 413 but keeps the session") }, async () => {
      const bystander = await openPolling(port(), PATH);
      const { sid } = await openPolling(port(), PATH);
      await pollPost(port(), PATH, sid, "4" + "x".repeat(20000));
      await assertSessionGone(port(), PATH, sid);
      await pollPost(port(), PATH, bystander.sid, "4fine");
      assert.deepEqual(await pollPackets(port(), PATH, bystander.sid, 1), ["4fine"]);
    });
});

// Every request on its own TCP connection: with several shards, the requests of one session land
// on arbitrary shards and must be handed to the shard that owns the session.
describe("Engine.IO v4 polling, one TCP connection per request (cross-shard hand-off)", () => {
  const fresh = { fresh: true };

  test("POST/GET rounds on fresh connections echo in order", async () => {
    const { sid } = await openPolling(servers.eioEcho, PATH, fresh);
    for (let i = 0; i < 10; i++) {
      const res = await pollPost(servers.eioEcho, PATH, sid, `4round-${i}${RS}b${Buffer.from([i]).toString("base64")}`, fresh);
      assert.equal(res.text, "ok");
      assert.deepEqual(await pollPackets(servers.eioEcho, PATH, sid, 2, fresh),
        [`4round-${i}`, `b${Buffer.from([i]).toString("base64")}`]);
    }
  });

  test("a parked GET is woken by a POST that arrives on another connection", async () => {
    for (let i = 0; i < 5; i++) {
      const { sid } = await openPolling(servers.eioEcho, PATH, fresh);
      const { response: pending } = await parkGet(servers.eioEcho, () => pollGet(servers.eioEcho, PATH, sid, fresh));
      assert.equal((await pollPost(servers.eioEcho, PATH, sid, `4wake-${i}`, fresh)).text, "ok");
      const res = await pending;
      assert.equal(res.status, 200);
      assert.equal(res.text, `4wake-${i}`);
    }
  });

  test("a second concurrent GET on another connection ends the session", async () => {
    for (let i = 0; i < 3; i++) {
      const { sid } = await openPolling(servers.eioEcho, PATH, fresh);
      const { response: first } = await parkGet(servers.eioEcho, () => pollGet(servers.eioEcho, PATH, sid, fresh));
      const second = await pollGet(servers.eioEcho, PATH, sid, fresh);
      assert.equal(second.status, 400, `second GET: ${second.status} ${second.text}`);
      const firstRes = await first;
      assert.ok(firstRes.status === 400 || splitPayload(firstRes.text).includes("1"),
        `first GET: ${firstRes.status} ${JSON.stringify(firstRes.text)}`);
      await assertSessionGone(servers.eioEcho, PATH, sid);
    }
  });

  test("upgrade with the parked GET and the WebSocket on different connections", async () => {
    for (let i = 0; i < 3; i++) {
      const { sid } = await openPolling(servers.eioEcho, PATH, fresh);
      const { response: pending } = await parkGet(servers.eioEcho, () => pollGet(servers.eioEcho, PATH, sid, fresh));
      const peer = await wsSession(servers.eioEcho, { sid });
      peer.send("2probe");
      assert.equal(await peer.next(), "3probe");
      assert.equal((await withTimeout(pending, 3000, "the parked GET")).text, "6");
      peer.send("5");
      await assertEchoes(peer, `4upgraded-${i}`);
      assert.equal((await pollGet(servers.eioEcho, PATH, sid, fresh)).status, 400);
      peer.close();
    }
  });

  test("a close packet POSTed on another connection ends the session", async () => {
    const { sid } = await openPolling(servers.eioEcho, PATH, fresh);
    await pollPost(servers.eioEcho, PATH, sid, "1", fresh);
    await assertSessionGone(servers.eioEcho, PATH, sid);
  });

  test("heartbeat: pongs on fresh connections keep the session", async () => {
    const port = servers.eioEchoHeartbeat;
    const { sid } = await openPolling(port, PATH, fresh);
    let pings = 0;
    const deadline = Date.now() + 1200;
    while (Date.now() < deadline) {
      const res = await pollGet(port, PATH, sid, fresh);
      assert.equal(res.status, 200, `poll: ${res.status} ${res.text}`);
      for (const p of splitPayload(res.text)) {
        assert.equal(p, "2");
        pings++;
        assert.equal((await pollPost(port, PATH, sid, "3", fresh)).text, "ok");
      }
    }
    assert.ok(pings >= 2, `only ${pings} pings in 1200 ms`);
    await pollPost(port, PATH, sid, "4alive", fresh);
    assert.deepEqual(await pollPackets(port, PATH, sid, 1, fresh), ["4alive"]);
  });

  test("an oversized POST on another connection ends that session only",
    { skip: imedgeOnly("Node engine.io answers 413 but keeps the session") }, async () => {
      const port = servers.eioEchoSmall;
      for (let i = 0; i < 4; i++) {
        const { sid } = await openPolling(port, PATH, fresh);
        const res = await pollPost(port, PATH, sid, "4" + "x".repeat(20000), fresh);
        assert.ok(res.status === 413 || res.status === 400, `POST answered ${res.status}`);
        await assertSessionGone(port, PATH, sid);
      }
    });
});
