// The IM service over plain WebSocket /ws (docs/im-protocol.md, "Plain WebSocket") with the `ws`
// package, next to socket.io-client devices on the same server: refusals as close code 4401 with
// connect's reasons, direct messages both ways, groups, typing and receipts, catch-up by sync
// after being offline, seed 004's {"sender","receiver","data"}, token refresh and expiry, and
// an error envelope for every kind of bad input with the connection living on. Run against 1
// and 4 shards by the runner (scripts/test); several devices per test spread over the shards.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Device, call, closeAll, direct, token, unique, userToken } from "./lib/im.mjs";
import { WsDevice, closeAllWs, closed } from "./lib/im_ws.mjs";
import { reference } from "./lib/env.mjs";
import { nextEvent } from "./lib/wait.mjs";

const noIm = reference ? "the reference servers have no IM service" : false;
const now = () => Math.floor(Date.now() / 1000);

afterEach(() => {
  closeAll();
  closeAllWs();
});

const sioDevice = async (user, cursors) => {
  const d = new Device(user, cursors);
  await d.open();
  return d;
};
// A /ws device of `user`, connected and synced.
const wsDevice = async (user, cursors) => {
  const d = new WsDevice(user, cursors);
  assert.deepEqual(await d.connect({ token: userToken(user) }), { user });
  d.synced = await d.call("sync", d.cursors);
  assert.equal(d.synced.ok, true);
  return d;
};
// The close a refused /ws open gets.
const refusal = async (opts) => {
  const d = new WsDevice("refused");
  await assert.rejects(d.connect(opts), (e) => {
    assert.equal(e.code, 4401);
    d.refusal = e.reason;
    return true;
  });
  return d.refusal;
};

describe("im over /ws", { skip: noIm }, () => {
  test("refused tokens close with 4401 and connect's reason; a Bearer header is accepted", async () => {
    const user = unique("ann");
    assert.equal(await refusal({}), "missing");
    assert.equal(await refusal({ token: "not-a-jwt" }), "malformed");
    assert.equal(await refusal({ token: token({ sub: user }, { key: "another secret" }) }), "bad_signature");
    assert.equal(await refusal({ token: token({ sub: user, exp: now() - 60 }) }), "expired");
    assert.equal(await refusal({ headers: { authorization: "Bearer x.y" } }), "malformed");
    const d = new WsDevice(user);
    assert.deepEqual(await d.connect({ query: "", headers: { authorization: `Bearer ${userToken(user)}` } }),
      { user });
    assert.equal((await d.call("conversations", {})).ok, true);
  });

  test("direct messages between a /ws device and a socket.io-client device, both ways", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const [ann, ann2] = [await wsDevice(a), await wsDevice(a)];
    const ben = await sioDevice(b);
    const first = await ann.call("send", { to: b, body: { text: "hi from ws" }, client_id: "w1" });
    assert.deepEqual({ ok: first.ok, seq: first.seq, conversation: first.conversation, duplicate: first.duplicate },
      { ok: true, seq: 1, conversation: direct(a, b), duplicate: false });
    const c = first.conversation;
    const second = await call(ben.socket, "send", { to: a, body: "hi from sio", client_id: "s1" });
    assert.equal(second.seq, 2);
    await Promise.all([ann.reach(c, 2), ann2.reach(c, 2), ben.reach(c, 2)]);
    for (const d of [ann, ann2, ben]) {
      assert.deepEqual(d.violations, []);
      assert.deepEqual(d.received.map((m) => [m.seq, m.from, m.body]),
        [[1, a, { text: "hi from ws" }], [2, b, "hi from sio"]]);
    }
    // Typing and receipts cross too, both ways, and skip the sending device.
    const typingAtAnn = [ann.waitPush("typing"), ann2.waitPush("typing")];
    assert.deepEqual(await call(ben.socket, "typing", { conversation: c }), { ok: true });
    for (const got of await Promise.all(typingAtAnn)) assert.deepEqual(got, { conversation: c, user: b });
    const typingAtBen = nextEvent(ben.socket, "typing", 10000);
    assert.deepEqual(await ann.call("typing", { conversation: c }), { ok: true });
    assert.deepEqual((await typingAtBen)[0], { conversation: c, user: a });
    const receiptAtBen = nextEvent(ben.socket, "receipt", 10000);
    const receiptAtAnn2 = ann2.waitPush("receipt");
    assert.deepEqual(await ann.call("read", { conversation: c, seq: 2 }), { ok: true, seq: 2 });
    const expected = { conversation: c, user: a, kind: "read", seq: 2 };
    assert.deepEqual((await receiptAtBen)[0], expected);
    assert.deepEqual(await receiptAtAnn2, expected);
    // The sending /ws device never gets its own typing or receipt back (a round trip first, so
    // one would have come by now): only ben's typing.
    assert.equal((await ann.call("conversations", {})).ok, true);
    assert.deepEqual(ann.pushes.filter((p) => p.type === "receipt" || p.type === "typing"),
      [{ type: "typing", data: { conversation: c, user: b } }]);
    // History and a retried client id answer as on Socket.IO.
    const again = await ann.call("send", { to: b, body: "again", client_id: "w1" });
    assert.deepEqual([again.seq, again.duplicate], [1, true]);
    const history = await ann.call("history", { conversation: c, after: 0 });
    assert.deepEqual(history.messages.map((m) => m.seq), [1, 2]);
  });

  test("a group message reaches /ws members, and the group event does too", async () => {
    const [a, b, c] = [unique("ann"), unique("ben"), unique("cid")];
    const ben = await wsDevice(b);
    const cid = await wsDevice(c);
    const ann = await sioDevice(a);
    const created = cid.waitPush("group", 10000, (g) => g.change === "created");
    const group = await call(ann.socket, "group.create", { title: "g", members: [b, c] });
    assert.equal(group.ok, true);
    const g = group.conversation;
    assert.deepEqual((await created).members.map((m) => m.user).sort(), [a, b, c].sort());
    const sent = await call(ann.socket, "send", { conversation: g, body: "to all" });
    const fromWs = await ben.call("send", { conversation: g, body: "from ws" });
    assert.deepEqual([sent.seq, fromWs.seq], [1, 2]);
    await Promise.all([ben.reach(g, 2), cid.reach(g, 2), ann.reach(g, 2)]);
    for (const d of [ben, cid, ann]) {
      assert.deepEqual(d.violations, []);
      assert.deepEqual(d.received.filter((m) => m.conversation === g).map((m) => m.body), ["to all", "from ws"]);
    }
  });

  test("offline on /ws: sync on reconnect replays what was stored, in order, once; then only the new", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await sioDevice(a);
    const acks = [];
    for (let i = 1; i <= 40; i++) acks.push(await call(ann.socket, "send", { to: b, body: { i }, client_id: `o${i}` }));
    assert.deepEqual(acks.map((x) => x.seq), Array.from({ length: 40 }, (_, i) => i + 1));
    const c = acks[0].conversation;
    const ben = await wsDevice(b); // sync {}: everything, and the ack after the replay
    assert.equal(ben.received.length, 40, "the sync ack came before the replayed messages");
    assert.deepEqual(ben.received.map((m) => m.body.i), Array.from({ length: 40 }, (_, i) => i + 1));
    assert.deepEqual(ben.violations, []);
    const summary = ben.synced.conversations.find((s) => s.conversation === c);
    assert.equal(summary.last_seq, 40);
    ben.close();
    await ben.closed.catch(() => {});
    for (let i = 41; i <= 45; i++) await call(ann.socket, "send", { to: b, body: { i }, client_id: `o${i}` });
    const back = await wsDevice(b, { [c]: 40 });
    assert.deepEqual(back.received.map((m) => m.seq), [41, 42, 43, 44, 45]);
    assert.deepEqual(back.violations, []);
    // Nothing more comes: a round trip on the same connection.
    assert.equal((await back.call("conversations", {})).ok, true);
    assert.equal(back.received.length, 5);
  });

  test("seed 004's {sender, receiver, data} is a direct send; another sender is refused", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await wsDevice(a);
    const ben = await sioDevice(b);
    const ack = await ann.request({ sender: a, receiver: b, data: "hello, seed" });
    assert.equal(ack.type, "ack");
    assert.deepEqual([ack.data.ok, ack.data.seq, ack.data.conversation], [true, 1, direct(a, b)]);
    await ben.reach(direct(a, b), 1);
    assert.deepEqual(ben.received.map((m) => [m.from, m.body]), [[a, "hello, seed"]]);
    assert.deepEqual(await ann.request({ id: "x", sender: b, receiver: a, data: "forged" }),
      { type: "error", id: "x", error: "wrong_sender" });
    // Without an id the ack still comes, carrying none.
    ann.ws.send(JSON.stringify({ sender: a, receiver: b, data: 2 }));
    await ben.reach(direct(a, b), 2);
  });

  test("bad input: an error envelope with a code, and the connection lives on", async () => {
    const user = unique("ann");
    const d = await wsDevice(user);
    const sent = (frame, opts) => {
      const next = d.nextError();
      d.ws.send(frame, opts);
      return next;
    };
    assert.deepEqual(await sent("not json"), { type: "error", error: "bad_json" });
    assert.deepEqual(await sent("[1,2]"), { type: "error", error: "bad_json" });
    assert.deepEqual(await sent(Buffer.from([1, 2, 3]), { binary: true }), { type: "error", error: "not_text" });
    assert.deepEqual(await sent("x".repeat(70000)), { type: "error", error: "too_large" });
    assert.deepEqual(await sent(JSON.stringify({ type: "send", id: { no: 1 } })), { type: "error", error: "bad_id" });
    assert.deepEqual(await d.request({ id: 7, type: "no.such" }), { type: "error", id: 7, error: "unknown_type" });
    assert.deepEqual(await d.request({ id: 8, type: 5 }), { type: "error", id: 8, error: "bad_request" });
    assert.deepEqual(await d.request({ id: 9, receiver: "x", data: 1 }), { type: "error", id: 9, error: "bad_request" });
    // Missing or wrong fields reach the handler and are answered as on Socket.IO.
    assert.deepEqual(await d.call("send", {}), { ok: false, error: "bad_request" });
    assert.deepEqual(await d.call("send", "text"), { ok: false, error: "bad_request" });
    assert.deepEqual(await d.call("history"), { ok: false, error: "bad_request" });
    assert.deepEqual(await d.call("read", { conversation: "d:x:y", seq: "one" }), { ok: false, error: "bad_request" });
    const big = await d.call("send", { to: unique("ben"), body: "y".repeat(60000) });
    assert.equal(big.ok, true);
    assert.equal(d.ws.readyState, 1);
  });

  test("auth.refresh replaces the token; one that runs out unrefreshed ends with auth.expired and 4401", async () => {
    const user = unique("ann");
    const refreshed = new WsDevice(user);
    await refreshed.connect({ token: token({ sub: user, exp: now() + 3 }) });
    const exp = now() + 600;
    assert.deepEqual(await refreshed.call("auth.refresh", { token: token({ sub: user, exp }) }), { ok: true, exp });
    assert.deepEqual(await refreshed.call("auth.refresh", { token: token({ sub: unique("eve") }) }),
      { ok: false, error: "unauthorized", reason: "wrong_user" });
    const expiring = new WsDevice(user);
    await expiring.connect({ token: token({ sub: user, exp: now() + 2 }) });
    const expired = expiring.waitPush("auth.expired", 10000);
    assert.deepEqual(await expired, { reason: "expired" });
    assert.deepEqual(await expiring.closed, { code: 4401, reason: "expired" });
    // The refreshed one outlived its first exp.
    assert.equal((await refreshed.call("conversations", {})).ok, true);
    assert.equal(refreshed.ws.readyState, 1);
  });
});
