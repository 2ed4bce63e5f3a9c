// The push HTTP API (docs/push-api.openapi.yaml) with `fetch` as the backend and unmodified
// socket.io-client devices of the IM service as receivers: every endpoint, the error answers,
// batch all-or-nothing, Idempotency-Key, a user's devices on different shards, and a system
// message reaching an offline member by catch-up. Run against 1 and 4 shards by the runner.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Device, closeAll, connect, direct, im, unique, userToken } from "./lib/im.mjs";
import { reference } from "./lib/env.mjs";
import { nextEvent, recordEvents } from "./lib/wait.mjs";
import { api, apiKey as key, until } from "./lib/push_api.mjs";

const skip = reference ? "the reference servers have no push API" : false;
const shards = () => Number(process.env.IMEDGE_E2E_SHARDS ?? "1");

afterEach(closeAll);

const device = async (user) => {
  const d = new Device(user);
  await d.open();
  return d;
};


// A marker emitted last in a batch: a recipient that has it has every earlier emit of the batch
// (one shard applies the batch in order, and each recipient shard gets them through one ring).
async function batchWithMarker(ops, sockets) {
  const marker = unique("marker");
  const seen = sockets.map((s) => nextEvent(s, marker, 8000));
  const r = await api("/api/v1/batch", { body: { operations: [...ops, { op: "emit", event: marker }] } });
  assert.equal(r.status, 200, r.text);
  await Promise.all(seen);
  return r.json;
}

function assertError(r, status, code, messagePart) {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json?.error?.code, code, r.text);
  assert.equal(typeof r.json.error.message, "string");
  if (messagePart) assert.ok(r.json.error.message.includes(messagePart), r.json.error.message);
}

describe("push api: keys, routes, methods, bodies", { skip }, () => {
  test("401 without a key, with a wrong key or scheme; JSON error with WWW-Authenticate", async () => {
    for (const auth of [null, "Bearer wrong", `Basic ${key()}`, `Bearer ${key()}x`]) {
      const r = await api("/api/v1/emit", { body: { event: "e" }, auth });
      assertError(r, 401, "unauthorized");
      assert.match(r.headers.get("www-authenticate") ?? "", /^Bearer/);
    }
    // The second configured key works too.
    assert.equal((await api("/api/v1/emit", { body: { event: "e" }, auth: "Bearer second-e2e-key" })).status, 200);
  });

  test("404 for an unknown route; a server without keys has no API at all", async () => {
    assertError(await api("/api/v1/nothing", { body: {} }), 404, "not_found", "/api/v1/nothing");
    assertError(await api("/api/v2/emit", { body: { event: "e" } }), 404, "not_found");
    const none = await api("/api/v1/emit", { body: { event: "e" }, port: im.rsPort });
    assert.equal(none.status, 404);
  });

  test("405 with Allow for a wrong method", async () => {
    const r = await api("/api/v1/emit", { method: "GET" });
    assertError(r, 405, "method_not_allowed");
    assert.equal(r.headers.get("allow"), "POST");
    const q = await api("/api/v1/presence?user=x", { body: {} });
    assertError(q, 405, "method_not_allowed");
    assert.equal(q.headers.get("allow"), "GET");
    assert.equal((await api("/api/v1/batch", { method: "DELETE" })).status, 405);
  });

  test("413 for a body over the API's bound (256 KiB by default)", async () => {
    const big = JSON.stringify({ event: "e", args: ["x".repeat(300 * 1024)] });
    assertError(await api("/api/v1/emit", { body: big }), 413, "payload_too_large");
    const fits = JSON.stringify({ event: "e", args: ["x".repeat(200 * 1024)] });
    assert.equal((await api("/api/v1/emit", { body: fits })).status, 200);
  });

  test("400 naming the field: not JSON, reserved events, unknown fields, wrong types", async () => {
    assertError(await api("/api/v1/emit", { body: "{nope" }), 400, "bad_request", "not JSON");
    for (const event of ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"])
      assertError(await api("/api/v1/emit", { body: { event } }), 400, "bad_request", `event: '${event}' is reserved`);
    assertError(await api("/api/v1/emit", { body: { event: "e", room: "r" } }), 400, "bad_request", "room: unknown field");
    assertError(await api("/api/v1/emit", { body: { event: "e", except: { sids: [1] } } }), 400, "bad_request", "except.sids[0]");
    assertError(await api("/api/v1/rooms/join", { body: { users: ["a"] } }), 400, "bad_request", "rooms: required");
    assertError(await api("/api/v1/disconnect", { body: {} }), 400, "bad_request", "users: required");
    assertError(await api("/api/v1/messages", { body: { conversation: "g:x" } }), 400, "bad_request", "body: required");
    assertError(await api("/api/v1/presence", { method: "GET" }), 400, "bad_request", "user: required");
    assertError(await api("/api/v1/members?room=", { method: "GET" }), 400, "bad_request", "room: required");
  });
});

describe("push api: emit, rooms, disconnect, presence, members", { skip }, () => {
  test("emit to a user reaches every device of it, on different shards", async () => {
    const u = unique("multi");
    const devices = [await device(u), await device(u)];
    let p = await api(`/api/v1/presence?user=${u}`, { method: "GET" });
    // With several shards, connect more devices until two shards hold one each.
    while (shards() > 1 && new Set(p.json.sockets.map((s) => s.shard)).size < 2 && devices.length < 16) {
      devices.push(await device(u));
      p = await api(`/api/v1/presence?user=${u}`, { method: "GET" });
    }
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.online, true);
    assert.equal(p.json.devices, devices.length);
    if (shards() > 1) assert.ok(new Set(p.json.sockets.map((s) => s.shard)).size >= 2, p.text);
    const other = await device(unique("other"));
    const gotOther = recordEvents(other.socket, "news");
    const got = devices.map((d) => recordEvents(d.socket, "news"));
    const r = await api("/api/v1/emit", { body: { event: "news", args: [{ n: 1 }, "two", [3], null], users: [u] } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { ok: true });
    await batchWithMarker([], [...devices.map((d) => d.socket), other.socket]);
    for (const g of got) assert.deepEqual(g, [[{ n: 1 }, "two", [3], null]]);
    assert.deepEqual(gotOther, []);
  });

  test("emit to a room, a sid and everyone, except rooms and sids; join and leave by user and sid", async () => {
    const [x, y, z] = [await device(unique("x")), await device(unique("y")), await device(unique("z"))];
    const room = unique("room");
    const got = [x, y, z].map((d) => recordEvents(d.socket, "r"));
    const res = await batchWithMarker(
      [
        { op: "join", users: [x.user], sids: [y.socket.id], room },
        { op: "emit", event: "r", args: ["room"], rooms: [room] },
        { op: "emit", event: "r", args: ["room-except"], rooms: [room], except: { sids: [y.socket.id] } },
        { op: "emit", event: "r", args: ["sid"], sids: [z.socket.id] },
        { op: "emit", event: "r", args: ["all-but-room"], except: { rooms: [room] } },
        { op: "leave", sids: [y.socket.id], rooms: [room] },
        { op: "emit", event: "r", args: ["after-leave"], rooms: [room] },
      ],
      [x.socket, y.socket, z.socket],
    );
    assert.deepEqual(res.results.slice(0, 2), [{ ok: true, sockets: 2 }, { ok: true }]);
    assert.deepEqual(got[0].map((a) => a[0]), ["room", "room-except", "after-leave"]);
    assert.deepEqual(got[1].map((a) => a[0]), ["room"]);
    assert.deepEqual(got[2].map((a) => a[0]), ["sid", "all-but-room"]);
    // The members query sees the join (asked on whichever shard takes the request).
    const m = await until(() => api(`/api/v1/members?room=${room}`, { method: "GET" }),
      (r) => r.json?.count === 1, "the room to hold x only");
    assert.deepEqual(m.json.sockets.map((s) => s.sid), [x.socket.id]);
    assert.equal(m.json.truncated, false);
    const single = await api("/api/v1/rooms/leave", { body: { users: [x.user], room } });
    assert.deepEqual(single.json, { ok: true, sockets: 1 });
    await until(() => api(`/api/v1/members?room=${room}`, { method: "GET" }), (r) => r.json?.count === 0, "an empty room");
  });

  test("disconnect a user: every device is disconnected by the server; presence follows", async () => {
    const u = unique("revoked");
    const [a, b] = [await device(u), await device(u)];
    const keep = await device(unique("kept"));
    const reasons = [a, b].map((d) => nextEvent(d.socket, "disconnect", 8000));
    const r = await api("/api/v1/disconnect", { body: { users: [u] } });
    assert.deepEqual(r.json, { ok: true, sockets: 2 });
    for (const [reason] of await Promise.all(reasons)) assert.equal(reason, "io server disconnect");
    assert.equal(keep.socket.connected, true);
    const p = await until(() => api(`/api/v1/presence?user=${u}`, { method: "GET" }), (x) => x.json?.devices === 0, "no devices");
    assert.deepEqual(p.json, { user: u, online: false, devices: 0, sockets: [] });
    // By sid: only that socket.
    const c = await device(unique("bysid"));
    const gone = nextEvent(c.socket, "disconnect", 8000);
    assert.deepEqual((await api("/api/v1/disconnect", { body: { sids: [c.socket.id] } })).json, { ok: true, sockets: 1 });
    await gone;
  });
});

describe("push api: stored messages", { skip }, () => {
  test("a system message is stored once, reaches an online member live and an offline one by catch-up", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await device(a);
    const c = direct(a, b);
    const r = await api("/api/v1/messages", { body: { conversation: c, body: { text: "from the backend" }, client_id: "sys-1", from: "billing" } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.ok, true);
    assert.equal(r.json.seq, 1);
    assert.equal(r.json.from, "system:billing");
    assert.equal(r.json.duplicate, false);
    await ann.reach(c, 1);
    assert.deepEqual(ann.received.map((m) => [m.seq, m.from, m.body]), [[1, "system:billing", { text: "from the backend" }]]);
    const again = await api("/api/v1/messages", { body: { conversation: c, body: { text: "from the backend" }, client_id: "sys-1", from: "billing" } });
    assert.equal(again.json.seq, 1);
    assert.equal(again.json.duplicate, true);
    // Ben was never online: his first sync catches up.
    const ben = await device(b);
    await ben.reach(c, 1);
    assert.deepEqual(ben.violations, []);
    assert.deepEqual(ben.received.map((m) => [m.seq, m.from]), [[1, "system:billing"]]);
    assert.ok(ben.synced.conversations.some((x) => x.conversation === c && x.last_seq === 1));
    assertError(await api("/api/v1/messages", { body: { conversation: "g:none", body: 1 } }), 404, "no_such_conversation");
  });
});

describe("push api: batch and idempotency", { skip }, () => {
  test("a batch with one bad operation applies none; a failed message applies nothing else", async () => {
    const d = await device(unique("batch"));
    const got = recordEvents(d.socket, "never");
    const bad = await api("/api/v1/batch", {
      body: { operations: [{ op: "emit", event: "never", users: [d.user] }, { op: "disconnect", users: [d.user] }, { op: "emit", event: "connect" }] },
    });
    assertError(bad, 400, "bad_request", "operations[2].event");
    const failed = await api("/api/v1/batch", {
      body: { operations: [{ op: "emit", event: "never", users: [d.user] }, { op: "disconnect", users: [d.user] }, { op: "message", conversation: "g:missing", body: 1 }] },
    });
    assertError(failed, 404, "no_such_conversation", "operations[2]");
    await batchWithMarker([], [d.socket]);
    assert.deepEqual(got, []);
    assert.equal(d.socket.connected, true);
    const two = await api("/api/v1/batch", { body: { operations: [{ op: "message", conversation: "g:a", body: 1 }, { op: "message", conversation: "g:b", body: 2 }] } });
    assertError(two, 400, "bad_request", "at most one message");
  });

  test("a repeated Idempotency-Key answers the first answer and applies nothing again", async () => {
    const [a, b] = [unique("ida"), unique("idb")];
    const ann = await device(a);
    const got = recordEvents(ann.socket, "once");
    const k = unique("key");
    const emit = { event: "once", users: [a] };
    const first = await api("/api/v1/emit", { body: emit, headers: { "idempotency-key": k } });
    const second = await api("/api/v1/emit", { body: emit, headers: { "idempotency-key": k } });
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal(second.headers.get("idempotent-replayed"), "true");
    await batchWithMarker([], [ann.socket]);
    assert.equal(got.length, 1);
    // A message without client_id: the key alone keeps it stored once.
    const m = { conversation: direct(a, b), body: "charged" };
    const k2 = unique("key");
    const m1 = await api("/api/v1/messages", { body: m, headers: { "idempotency-key": k2 } });
    const m2 = await api("/api/v1/messages", { body: m, headers: { "idempotency-key": k2 } });
    assert.deepEqual(m2.json, m1.json);
    const m3 = await api("/api/v1/messages", { body: m });
    assert.equal(m3.json.seq, m1.json.seq + 1);
    await ann.reach(m.conversation, m3.json.seq);
    assert.deepEqual(ann.received.map((x) => x.body), ["charged", "charged"]);
    assertError(await api("/api/v1/emit", { body: { event: "other" }, headers: { "idempotency-key": k } }), 422, "idempotency_mismatch");
    assertError(await api("/api/v1/emit", { body: emit, headers: { "idempotency-key": "bad key" } }), 400, "bad_request", "Idempotency-Key");
  });
});
