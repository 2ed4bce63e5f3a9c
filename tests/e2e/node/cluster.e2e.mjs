// Two imedge nodes (examples/push_demo --cluster) sharing one real redis-server: an emit on one
// node reaches the sockets of the other exactly once, in the order it was emitted; a node never
// delivers its own publication twice; a backend's @socket.io/redis-emitter push reaches both
// nodes' sockets once each; a join, leave or disconnect of a sid made on one node reaches the
// socket on the other (push_demo's join_other, leave_other, disconnect_other), in order with
// the emits; Redis restarting (last) leaves each node serving its own sockets and cross-node
// emits resume with nothing lost once every node is back on Redis. Run by
// tests/e2e/run-push.sh, which starts Redis and the nodes.
import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { io } from "socket.io-client";
import { httpUrl } from "./lib/env.mjs";
import { health, waitFor } from "./lib/health.mjs";
import { openEmitter, waitClusterNodes } from "./lib/redis.mjs";
import { logLines, nextEvent, waitLogLines } from "./lib/wait.mjs";

const nodes = [Number(process.env.IMEDGE_E2E_CLUSTER_PORT_A), Number(process.env.IMEDGE_E2E_CLUSTER_PORT_B)];
const logs = [process.env.IMEDGE_E2E_CLUSTER_LOG_A, process.env.IMEDGE_E2E_CLUSTER_LOG_B];
const WAIT = 15000; // generous: the bounds must hold on a loaded 2-core machine

let redis;
let emitter;
before(async () => {
  await waitClusterNodes(logs, WAIT);
  ({ redis, emitter } = await openEmitter());
});
after(async () => {
  await redis.quit();
});

const open = [];
afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});

const room = () => `room-${randomUUID().slice(0, 8)}`;

async function client(port, rooms) {
  const socket = io(httpUrl(port), { forceNew: true, reconnection: false, timeout: 5000, transports: ["websocket"] });
  open.push(socket);
  await nextEvent(socket, "connect", WAIT);
  for (const r of rooms) assert.equal(await socket.timeout(WAIT).emitWithAck("join", r), r);
  return socket;
}

// Records every `event` a socket gets; `until(pred)` resolves once the record satisfies it.
function recorder(socket, event) {
  const got = [];
  const waiters = [];
  socket.on(event, (...args) => {
    got.push(args);
    for (const w of waiters.splice(0)) if (!w.pred(got)) waiters.push(w); else w.resolve();
  });
  return {
    got,
    until(pred, what) {
      if (pred(got)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what} (got ${got.length})`)), WAIT);
        waiters.push({ pred, resolve: () => { clearTimeout(timer); resolve(); } });
      });
    },
  };
}

// Every message `from` sends (n of them, then a fence) reaches `to` sockets exactly once, in order.
// Each run tags its messages, so that runs sharing a socket count only their own.
async function shoutsArriveOnce(from, to, r, n) {
  const tag = randomUUID();
  const records = to.map((s) => recorder(s, "shout"));
  const mine = (rec) => rec.got.filter(([d]) => d.tag === tag);
  for (let i = 0; i < n; i++) from.emit("shout", r, { tag, i });
  from.emit("shout", r, { tag, fence: true });
  // Per-origin order: once the fence is in, nothing sent before it can still come.
  await Promise.all(
    records.map((rec, k) => rec.until(() => mine(rec).some(([d]) => d.fence), `the fence on socket ${k}`)),
  );
  for (const rec of records) {
    const got = mine(rec);
    assert.deepEqual(got.filter(([d]) => !d.fence).map(([d]) => d.i), [...Array(n).keys()]); // all, once, in order
    assert.equal(got.length, n + 1);
  }
}

describe("cluster over redis", () => {
  test("an emit on one node reaches both nodes' sockets once, in order (300 messages)", async () => {
    const r = room();
    const a = await client(nodes[0], [r]);
    const b = await client(nodes[1], [r]);
    const b2 = await client(nodes[1], [r]);
    await shoutsArriveOnce(a, [a, b, b2], r, 300);
  });

  test("and the other way round, while the first node also emits", async () => {
    const r1 = room(), r2 = room();
    const a = await client(nodes[0], [r1, r2]);
    const b = await client(nodes[1], [r1, r2]);
    await Promise.all([shoutsArriveOnce(b, [a, b], r1, 200), shoutsArriveOnce(a, [a, b], r2, 200)]);
  });

  test("a room only reaches its members, on every node", async () => {
    const r = room();
    const a = await client(nodes[0], [r]);
    const outsider = await client(nodes[1], [room()]);
    const stray = recorder(outsider, "shout");
    const member = await client(nodes[1], [r]);
    await shoutsArriveOnce(a, [a, member], r, 20);
    // A fence to the outsider's own sid, which is a room too, from the other node.
    const fence = nextEvent(outsider, "shout", WAIT);
    a.emit("shout", outsider.id, { fence: true });
    await fence;
    assert.equal(stray.got.length, 1); // the fence alone
  });

  test("a backend's redis-emitter push reaches each node's sockets once", async () => {
    const r = room();
    const a = await client(nodes[0], [r]);
    const b = await client(nodes[1], [r]);
    const ra = recorder(a, "notify");
    const rb = recorder(b, "notify");
    for (let i = 0; i < 50; i++) emitter.to(r).emit("notify", i);
    emitter.to(r).emit("notify", "fence");
    await ra.until((g) => g.some(([d]) => d === "fence"), "the fence on node A");
    await rb.until((g) => g.some(([d]) => d === "fence"), "the fence on node B");
    for (const rec of [ra, rb]) assert.deepEqual(rec.got.map(([d]) => d), [...Array(50).keys(), "fence"]);
  });

  // The sockets in `quiet` got no shout but the fence sent now to each one's own sid from `from`.
  async function onlyFences(from, quiet, records) {
    const fences = quiet.map((s) => nextEvent(s, "shout", WAIT));
    for (const s of quiet) from.emit("shout", s.id, { fence: true });
    await Promise.all(fences);
    for (const rec of records) assert.deepEqual(rec.got, [[{ fence: true }]]);
  }

  test("a join made on one node puts a socket of the other in the room; the emit right after reaches it once", async () => {
    const r = room();
    const a = await client(nodes[0], []);
    const b = await client(nodes[1], []);
    const bystanders = [await client(nodes[0], []), await client(nodes[1], [])];
    const stray = bystanders.map((s) => recorder(s, "shout"));
    a.emit("join_other", b.id, r); // no wait: the shouts follow it at once, on the same socket
    await shoutsArriveOnce(a, [b], r, 20);
    await onlyFences(a, bystanders, stray);
  });

  test("a leave made on one node takes the socket of the other out of the room; the others stay", async () => {
    const r = room();
    const a = await client(nodes[0], [r]);
    const b = await client(nodes[1], []);
    const stays = await client(nodes[1], [r]);
    assert.equal(await a.timeout(WAIT).emitWithAck("join_other", b.id, r), undefined);
    await shoutsArriveOnce(a, [a, b, stays], r, 5);
    const gone = recorder(b, "shout");
    a.emit("leave_other", b.id, r);
    await shoutsArriveOnce(a, [a, stays], r, 5); // sent right after the leave
    // b had none of them: the fence to its sid, sent after them, is all it got.
    await onlyFences(a, [b], [gone]);
  });

  test("a disconnect of a sid made on one node disconnects the socket on the other, and only it", async () => {
    const a = await client(nodes[0], []);
    const b = await client(nodes[1], []);
    const bystanders = [await client(nodes[0], []), await client(nodes[1], [])];
    const stray = bystanders.map((s) => recorder(s, "shout"));
    const closed = nextEvent(b, "disconnect", WAIT);
    await a.timeout(WAIT).emitWithAck("disconnect_other", b.id);
    assert.deepEqual((await closed)[0], "io server disconnect");
    await onlyFences(a, bystanders, stray);
    for (const s of bystanders) assert.equal(s.connected, true);
  });

  test("the same on namespace /admin, from the second node to the first", async () => {
    const adminClient = async (port) => {
      const socket = io(`${httpUrl(port)}/admin`, { forceNew: true, reconnection: false, timeout: 5000, transports: ["websocket"] });
      open.push(socket);
      await nextEvent(socket, "connect", WAIT);
      return socket;
    };
    const r = room();
    const b = await adminClient(nodes[1]);
    const a = await adminClient(nodes[0]);
    const rootA = await client(nodes[0], [r]); // a room of the same name on "/": untouched
    const rootB = await client(nodes[1], []);
    const stray = recorder(rootA, "shout");
    b.emit("join_other", a.id, r);
    await shoutsArriveOnce(b, [a], r, 5);
    const closed = nextEvent(a, "disconnect", WAIT);
    b.emit("disconnect_other", a.id);
    assert.deepEqual((await closed)[0], "io server disconnect");
    await onlyFences(rootB, [rootA], [stray]);
  });

  test("a join of a socket on another shard of the same node stays on the node: nothing is published for it", async () => {
    const r = room();
    const a = await client(nodes[0], []);
    const local = await client(nodes[0], []); // on another shard of node A, or on a's own
    const b = await client(nodes[1], [r]);
    const before = (await health(nodes[0])).cluster;
    assert.equal(before.connected, true);
    a.emit("join_other", local.id, r);
    // One emit to the room, published for node B: it reaches `local` too, after its join.
    await shoutsArriveOnce(a, [local, b], r, 0);
    const after = await waitFor(nodes[0], (h) => h.cluster.published >= before.published + 1, "the fence published", WAIT);
    assert.equal(after.cluster.published, before.published + 1, "only the fence went to Redis");
  });

  // Last: it restarts Redis.
  test("Redis restarts: each node serves its own sockets meanwhile; then cross-node emits resume, none lost", async () => {
    const r = room();
    const a = await client(nodes[0], [r]);
    const b = await client(nodes[1], [r]);
    await shoutsArriveOnce(a, [a, b], r, 10); // node A's publishing connection is in use
    const published = (await health(nodes[0])).cluster;
    const subscribed = logs.map((log) => logLines(log, "imedge: push: redis subscribed"));
    const lost = logs.map((log) => logLines(log, "imedge: push: redis redis://"));
    const ctl = process.env.IMEDGE_E2E_REDIS_CTL;
    execFileSync(ctl, ["stop", process.env.IMEDGE_E2E_REDIS_DIR], { timeout: 10000 });
    for (const [i, log] of logs.entries()) await waitLogLines(log, "imedge: push: redis redis://", lost[i] + 1, WAIT);
    // Redis is down: node A's own sockets still hear node A's emits.
    const local = room();
    const a2 = await client(nodes[0], [local]);
    await shoutsArriveOnce(a, [a2], local, 10);
    // Node A's status says its cluster link is down (it found out on publishing those).
    await waitFor(nodes[0], (h) => h.cluster.connected === false, "cluster.connected false", WAIT);
    execFileSync(ctl, ["start", process.env.IMEDGE_E2E_REDIS_DIR, process.env.IMEDGE_E2E_REDIS_PORT], { timeout: 20000 });
    for (const [i, log] of logs.entries()) await waitLogLines(log, "imedge: push: redis subscribed", subscribed[i] + 1, WAIT);
    // Both nodes are subscribed again. Node A's publishing connection was closed while idle:
    // the first emits after the restart must not be lost on it.
    await shoutsArriveOnce(a, [a, b], r, 100);
    await shoutsArriveOnce(b, [a, b], r, 100);
    const back = (await health(nodes[0])).cluster;
    assert.equal(back.connected, true);
    assert.equal(back.redis_down, published.redis_down, "nothing was lost with a connection");
    assert.equal(back.queue_full, published.queue_full);
    await redis.ping(); // the emitter's own client is back too, for after()
  });
});
