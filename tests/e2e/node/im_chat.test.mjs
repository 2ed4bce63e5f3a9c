// The IM service's conversations through unmodified socket.io-client (docs/im-protocol.md):
// direct and group chat, ack-after-store then fan-out, retried sends, history, receipts and
// unread counts, typing, edits, catch-up after being offline, and a device that keeps
// reconnecting while another sends. Run against 1 and 4 shards by the runner.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Device, call, closeAll, connect, direct, unique, userToken } from "./lib/im.mjs";
import { reference } from "./lib/env.mjs";

const noIm = reference ? "the reference servers have no IM service" : false;
import { nextEvent, withTimeout } from "./lib/wait.mjs";

afterEach(closeAll);

const device = async (user, cursors) => {
  const d = new Device(user, cursors);
  await d.open();
  return d;
};

describe("im: conversations", { skip: noIm }, () => {
  test("direct: one conversation whichever way round, acked with seq, delivered to both sides", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const [ann, ann2, ben] = [await device(a), await device(a), await device(b)];
    const first = await call(ann.socket, "send", { to: b, body: { text: "hello" }, client_id: "m1" });
    assert.deepEqual({ ok: first.ok, seq: first.seq, conversation: first.conversation, duplicate: first.duplicate },
      { ok: true, seq: 1, conversation: direct(a, b), duplicate: false });
    assert.equal(typeof first.ts, "number");
    const second = await call(ben.socket, "send", { to: a, body: "back", client_id: "m1" });
    assert.equal(second.conversation, first.conversation);
    assert.equal(second.seq, 2);
    const c = first.conversation;
    await Promise.all([ann.reach(c, 2), ann2.reach(c, 2), ben.reach(c, 2)]);
    for (const d of [ann, ann2, ben]) {
      assert.deepEqual(d.violations, []);
      assert.deepEqual(d.received.map((m) => [m.seq, m.from, m.body]), [[1, a, { text: "hello" }], [2, b, "back"]]);
    }
    const third = await call(ann.socket, "send", { conversation: c, body: 3 });
    assert.equal(third.seq, 3);
  });

  test("a retried client id acks the same seq and stores nothing twice", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const [ann, ben] = [await device(a), await device(b)];
    const acks = await Promise.all([1, 2, 3].map(() => call(ann.socket, "send", { to: b, body: "once", client_id: "same" })));
    assert.deepEqual(acks.map((x) => x.seq), [1, 1, 1]);
    assert.equal(acks.filter((x) => x.duplicate).length, 2);
    const next = await call(ann.socket, "send", { to: b, body: "next", client_id: "other" });
    assert.equal(next.seq, 2);
    await ben.reach(next.conversation, 2);
    assert.deepEqual(ben.received.map((m) => m.body), ["once", "next"]);
    const page = await call(ben.socket, "history", { conversation: next.conversation, after: 0, limit: 10 });
    assert.equal(page.messages.length, 2);
  });

  test("a history page of large bodies ends under a quarter of the outbox limit, says so, and pages on", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await device(a);
    const big = "x".repeat(50000);
    let conversation;
    for (let i = 1; i <= 12; i++) ({ conversation } = await call(ann.socket, "send", { to: b, body: { i, big }, client_id: `big${i}` }));
    const seen = [];
    let after = 0;
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 12, "paging does not end");
      const page = await call(ann.socket, "history", { conversation, after, limit: 100 });
      assert.equal(page.ok, true);
      // The server's default --outbox-limit is 1 MiB: a page weighs at most a quarter of it.
      assert.ok(JSON.stringify(page).length <= (1 << 20) / 4, `a page of ${JSON.stringify(page).length} bytes`);
      seen.push(...page.messages.map((m) => m.body.i));
      if (!page.truncated) break;
      assert.ok(page.messages.length >= 1 && page.messages.length < 12);
      after = page.messages.at(-1).seq;
    }
    assert.deepEqual(seen, [...Array(12).keys()].map((i) => i + 1));
  });

  test("bad requests and strangers get error codes", async () => {
    const [a, b, c] = [unique("ann"), unique("ben"), unique("cat")];
    const ann = await device(a);
    assert.deepEqual(await call(ann.socket, "send", { to: b }), { ok: false, error: "bad_request" });
    assert.deepEqual(await call(ann.socket, "send", "text"), { ok: false, error: "bad_request" });
    assert.deepEqual(await call(ann.socket, "send", { to: "x:y", body: 1 }), { ok: false, error: "bad_request" });
    assert.deepEqual(await call(ann.socket, "send", { conversation: direct(b, c), body: 1 }),
      { ok: false, error: "no_such_conversation" });
    assert.deepEqual(await call(ann.socket, "send", { conversation: "g:nope", body: 1 }),
      { ok: false, error: "no_such_conversation" });
    const ben = await device(b);
    await call(ben.socket, "send", { to: c, body: 1 });
    assert.deepEqual(await call(ann.socket, "send", { conversation: direct(b, c), body: 1 }),
      { ok: false, error: "not_member" });
    assert.deepEqual(await call(ann.socket, "history", { conversation: direct(b, c) }),
      { ok: false, error: "not_member" });
  });

  test("groups: create (open), join up to the cap, send to all members, leave, members", async () => {
    const [o, m1, m2, late] = ["own", "mem", "two", "late"].map(unique);
    const [owner, mem, two, latecomer] = await Promise.all([o, m1, m2, late].map((u) => device(u)));
    const created = nextEvent(mem.socket, "group", 8000);
    const g = await call(owner.socket, "group.create", { title: "team", members: [m1, m2], max_members: 3, open: true });
    assert.equal(g.ok, true);
    assert.ok(g.conversation.startsWith("g:"));
    assert.deepEqual(g.members.find((x) => x.user === o), { user: o, role: "owner" });
    const [note] = await created;
    assert.equal(note.change, "created");
    assert.deepEqual(await call(latecomer.socket, "group.join", { conversation: g.conversation }),
      { ok: false, error: "group_full" });
    const sent = await call(mem.socket, "send", { conversation: g.conversation, body: "hi all", client_id: "x" });
    assert.equal(sent.seq, 1);
    await Promise.all([owner, mem, two].map((d) => d.reach(g.conversation, 1)));
    const left = await call(two.socket, "group.leave", { conversation: g.conversation });
    assert.equal(left.ok, true);
    assert.deepEqual(await call(two.socket, "send", { conversation: g.conversation, body: "?" }),
      { ok: false, error: "not_member" });
    const joined = await call(latecomer.socket, "group.join", { conversation: g.conversation });
    assert.equal(joined.members.length, 3);
    const list = await call(owner.socket, "group.members", { conversation: g.conversation });
    assert.deepEqual(list.members.map((x) => x.user).sort(), [o, m1, late].sort());
    await call(owner.socket, "send", { conversation: g.conversation, body: "welcome" });
    // The latecomer's device has no cursor for the group: it is given the whole sequence.
    await latecomer.reach(g.conversation, 2);
    assert.deepEqual(latecomer.received.map((m) => m.body), ["hi all", "welcome"]);
    assert.deepEqual(two.received.map((m) => m.body), ["hi all"]);
  });

  test("receipts reach the other members; unread counts follow the read position", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const [ann, ben] = [await device(a), await device(b)];
    let last;
    for (let i = 1; i <= 5; i++) last = await call(ann.socket, "send", { to: b, body: i });
    const c = last.conversation;
    await ben.reach(c, 5);
    const listed = await call(ben.socket, "conversations", {});
    assert.deepEqual(listed.conversations, [{ conversation: c, last_seq: 5, delivered: 0, read: 0, unread: 5,
      others: { delivered: 0, read: 0 } }]);
    const seen = nextEvent(ann.socket, "receipt", 8000);
    assert.deepEqual(await call(ben.socket, "delivered", { conversation: c, seq: 5 }), { ok: true, seq: 5 });
    assert.deepEqual((await seen)[0], { conversation: c, user: b, kind: "delivered", seq: 5 });
    const read = nextEvent(ann.socket, "receipt", 8000);
    await call(ben.socket, "read", { conversation: c, seq: 3 });
    assert.deepEqual((await read)[0], { conversation: c, user: b, kind: "read", seq: 3 });
    const after = await call(ben.socket, "conversations", {});
    assert.deepEqual(after.conversations[0], { conversation: c, last_seq: 5, delivered: 5, read: 3, unread: 2,
      others: { delivered: 0, read: 0 } });
    // ann sees ben's positions: her messages 1..5 delivered, 1..3 read.
    assert.deepEqual((await call(ann.socket, "conversations")).conversations[0].others, { delivered: 5, read: 3 });
    assert.deepEqual(await call(ben.socket, "read", { conversation: c, seq: 1 }), { ok: true, seq: 3 });
    assert.equal((await call(ann.socket, "conversations")).conversations[0].unread, 0);
  });

  test("typing reaches the other side and is never stored", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const [ann, ben] = [await device(a), await device(b)];
    const c = direct(a, b);
    const typing = nextEvent(ben.socket, "typing", 8000);
    assert.deepEqual(await call(ann.socket, "typing", { conversation: c }), { ok: true });
    assert.deepEqual((await typing)[0], { conversation: c, user: a });
    assert.deepEqual((await call(ann.socket, "history", { conversation: c })).messages, []);
  });

  test("edit and delete are entries in the sequence, by the author only", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const [ann, ben] = [await device(a), await device(b)];
    const m = await call(ann.socket, "send", { to: b, body: "helo" });
    assert.deepEqual(await call(ben.socket, "edit", { conversation: m.conversation, ref: 1, body: "x" }),
      { ok: false, error: "forbidden" });
    const e = await call(ann.socket, "edit", { conversation: m.conversation, ref: 1, body: "hello", client_id: "e1" });
    assert.equal(e.seq, 2);
    const d = await call(ann.socket, "delete", { conversation: m.conversation, ref: 1 });
    assert.equal(d.seq, 3);
    await ben.reach(m.conversation, 3);
    assert.deepEqual(ben.received.map((x) => [x.kind, x.ref, x.body]), [["msg", undefined, "helo"], ["edit", 1, "hello"], ["delete", 1, null]]);
  });

  test("history pages backwards and forwards", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await device(a);
    let c;
    for (let i = 1; i <= 30; i++) c = (await call(ann.socket, "send", { to: b, body: i })).conversation;
    const newest = await call(ann.socket, "history", { conversation: c, before: 31, limit: 10 });
    assert.deepEqual(newest.messages.map((m) => m.seq), [21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    const older = await call(ann.socket, "history", { conversation: c, before: 21, limit: 10 });
    assert.equal(older.messages[0].seq, 11);
    const forward = await call(ann.socket, "history", { conversation: c, after: 25, limit: 100 });
    assert.deepEqual(forward.messages.map((m) => m.body), [26, 27, 28, 29, 30]);
  });
});

describe("im: nothing lost", { skip: noIm }, () => {
  test("catch-up after being offline: 1,000 waiting messages, then live, exactly once in order", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await connect(userToken(a));
    const sends = [];
    for (let i = 1; i <= 1000; i++) sends.push(call(ann, "send", { to: b, body: { i }, client_id: `c${i}` }));
    const acks = await Promise.all(sends);
    assert.deepEqual(acks.map((x) => x.seq), Array.from({ length: 1000 }, (_, i) => i + 1));
    const c = acks[0].conversation;
    const ben = new Device(b);
    const opening = ben.open();
    // Messages sent while the replay runs come after it, once.
    const during = [];
    for (let i = 1001; i <= 1050; i++) during.push(call(ann, "send", { to: b, body: { i } }));
    const synced = await opening;
    assert.equal(synced.ok, true);
    await Promise.all(during);
    await ben.reach(c, 1050);
    assert.deepEqual(ben.violations, []);
    assert.equal(ben.received.length, 1050);
    assert.deepEqual(ben.received.map((m) => m.body.i), Array.from({ length: 1050 }, (_, i) => i + 1));
    // A second device that says it has seen 990 gets only the rest.
    const other = await device(b, { [c]: 990 });
    await other.reach(c, 1050);
    assert.deepEqual(other.received.map((m) => m.seq)[0], 991);
    assert.equal(other.received.length, 60);
  });

  test("a device reconnecting every 100 messages while another sends steadily gets 100 %, in order, once", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await connect(userToken(a));
    const ben = new Device(b);
    await ben.open();
    const c = direct(a, b);
    const total = 400;
    let acked = 0;
    let onAck = () => {};
    const sender = (async () => {
      // Each message acked before the next goes: the server's acks are the test's clock.
      for (let i = 1; i <= total; i++) {
        await call(ann, "send", { conversation: c, to: b, body: { i }, client_id: `s${i}` });
        acked = i;
        onAck();
      }
    })();
    const ackedAtLeast = (n) => withTimeout(new Promise((resolve) => {
      onAck = () => { if (acked >= n) resolve(); };
      onAck();
    }), 20000, `${n} acked sends (got ${acked})`);
    let reconnects = 0;
    for (const at of [100, 200, 300]) {
      await ackedAtLeast(at); // the sender goes on while ben is away
      ben.close();
      await ben.open();
      reconnects++;
    }
    await sender;
    await ben.reach(c, total, 20000);
    assert.ok(reconnects >= 2, `only ${reconnects} reconnects`);
    assert.equal(acked, total);
    assert.deepEqual(ben.violations, []);
    assert.deepEqual(ben.received.map((m) => m.body.i), Array.from({ length: total }, (_, i) => i + 1));
  });
});

describe("im: presence", { skip: noIm }, () => {
  test("online while any device is connected, on any shard; offline with last seen", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await connect(userToken(a));
    const events = [];
    const waiters = [];
    ann.on("presence", (p) => {
      if (p.user !== b) return;
      events.push(p);
      for (const w of waiters.splice(0)) w();
    });
    const count = (n) => new Promise((resolve) => {
      const check = () => (events.length >= n ? resolve() : waiters.push(check));
      check();
    });
    const ben1 = await connect(userToken(b));
    await call(ben1, "send", { to: a, body: "now we are contacts" });
    const before = Date.now();
    ben1.disconnect();
    await count(1);
    assert.equal(events[0].online, false);
    assert.ok(events[0].last_seen >= before - 1000);
    // Several devices (spread over the shards): one online, one offline after the last.
    const bens = await Promise.all([1, 2, 3, 4].map(() => connect(userToken(b))));
    await count(2);
    assert.equal(events[1].online, true);
    const now = await call(ann, "presence", { users: [b, unique("nobody")] });
    assert.deepEqual(now.presence.map((p) => p.online), [true, false]);
    for (const s of bens) s.disconnect();
    await count(3);
    assert.equal(events[2].online, false);
    // The next device is the next event: no extra one came from the other disconnects.
    const again = await connect(userToken(b));
    await count(4);
    assert.equal(events[3].online, true);
    assert.equal(events.length, 4);
    again.disconnect();
  });
});
