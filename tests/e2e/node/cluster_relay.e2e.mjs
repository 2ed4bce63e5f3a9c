// Three imedge nodes (examples/push_demo --cluster, started by scripts/cluster) behind a real
// haproxy balancing TCP connections round-robin, with no stickiness: a request for a session of
// another node is relayed to the node the sid names (server/engineio/node_relay.hpp). Polling-only
// clients (every request a new connection, so each goes to the next node) connect, get acks
// and room broadcasts exactly once; default clients upgrade through the balancer; an upgrade
// sent straight to a non-owner is relayed; unknown sessions get 400; a session whose node is
// down gets 502 with a reason and its client reconnects on a live node. Run by
// tests/e2e/run-cluster.sh.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { io } from "socket.io-client";
import WebSocket from "ws";
import { httpUrl } from "./lib/env.mjs";
import { health } from "./lib/health.mjs";
import { eioUrl, request } from "./lib/raw.mjs";
import { nextEvent, waitLogLines, waitRefused, withTimeout } from "./lib/wait.mjs";

const env = process.env;
const balancer = Number(env.IMEDGE_E2E_BALANCER_PORT);
const nodes = env.IMEDGE_E2E_NODE_PORTS.split(" ").map(Number);
const pids = env.IMEDGE_E2E_NODE_PIDS.split(" ").map(Number);
const logs = nodes.map((_, i) => `${env.IMEDGE_E2E_CLUSTER_DIR}/node-${i + 1}.log`);
const WAIT = 15000; // generous: the bounds must hold on a loaded 2-core machine
const tags = []; // node i's tag, from its log

before(async () => {
  for (const [i, log] of logs.entries()) {
    await waitLogLines(log, "imedge: push: redis subscribed", 1, WAIT);
    await waitLogLines(log, "imedge: cluster: node tag", 1, WAIT);
    tags[i] = readFileSync(log, "utf8").match(/imedge: cluster: node tag (\S+) at/)[1];
  }
});

const open = [];
afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});
after(() => {
  for (const s of open.splice(0)) s.disconnect();
});

const room = () => `room-${randomUUID().slice(0, 8)}`;
const tagOf = (sid) => sid.slice(20, 24);
const nodeOf = (sid) => tags.indexOf(tagOf(sid));

async function relays() {
  let total = 0;
  for (const port of nodes) total += (await health(port)).node_relays;
  return total;
}

async function client(options = {}) {
  const socket = io(httpUrl(balancer), { forceNew: true, reconnection: false, timeout: WAIT, ...options });
  open.push(socket);
  await nextEvent(socket, "connect", WAIT);
  return socket;
}

// Records every `shout` a socket gets.
function shouts(socket) {
  const got = [];
  socket.on("shout", (...args) => got.push(args));
  return got;
}

test("polling-only clients through the balancer: acks and room broadcasts, exactly once", async () => {
  const before = await relays();
  const r = room();
  const a = await client({ transports: ["polling"] });
  const b = await client({ transports: ["polling"] });
  assert.equal(a.io.engine.transport.name, "polling");
  assert.equal(tagOf(a.io.engine.id).length, 4);
  assert.ok(nodeOf(a.io.engine.id) >= 0, "the sid names a node of the cluster");
  assert.equal(await a.timeout(WAIT).emitWithAck("join", r), r);
  assert.equal(await b.timeout(WAIT).emitWithAck("join", r), r);
  const [gotA, gotB] = [shouts(a), shouts(b)];
  for (let i = 0; i < 10; i++) await a.timeout(WAIT).emitWithAck("shout", r, { i });
  const fence = [nextEvent(a, "shout", WAIT), nextEvent(b, "shout", WAIT)];
  await b.timeout(WAIT).emitWithAck("shout", r, "fence");
  await Promise.all(fence);
  const expected = [...Array(10).keys()].map((i) => [{ i }]).concat([["fence"]]);
  assert.deepEqual(gotA, expected);
  assert.deepEqual(gotB, expected);
  // Round-robin put most of those requests on a node that does not own their session.
  assert.ok((await relays()) - before >= 10, "requests were relayed to their owners");
});

test("default clients start polling and upgrade through the balancer", async () => {
  const sockets = [];
  for (let i = 0; i < 6; i++) {
    const s = io(httpUrl(balancer), { forceNew: true, reconnection: false, timeout: WAIT });
    open.push(s);
    sockets.push(s);
  }
  const r = room();
  for (const s of sockets) {
    if (!s.connected) await nextEvent(s, "connect", WAIT); // they connect at once, in any order
    if (s.io.engine.transport.name !== "websocket") await nextEvent(s.io.engine, "upgrade", WAIT);
    assert.equal(s.io.engine.transport.name, "websocket");
    assert.equal(await s.timeout(WAIT).emitWithAck("join", r), r);
  }
  const got = sockets.map(shouts);
  const fences = sockets.map((s) => nextEvent(s, "shout", WAIT));
  await sockets[0].timeout(WAIT).emitWithAck("shout", r, "over websocket");
  await Promise.all(fences);
  for (const g of got) assert.deepEqual(g, [["over websocket"]]);
});

test("an upgrade sent straight to a node that does not own the session is relayed", async () => {
  const open = await request(eioUrl(nodes[0], "/socket.io/", { transport: "polling" }));
  const sid = JSON.parse(open.text.slice(1)).sid;
  assert.equal(tagOf(sid), tags[0]);
  const before = (await health(nodes[1])).node_relays;
  const ws = new WebSocket(eioUrl(nodes[1], "/socket.io/", { transport: "websocket", sid }, "ws"));
  try {
    await withTimeout(new Promise((resolve, reject) => { ws.once("open", resolve); ws.once("error", reject); }), WAIT, "the relayed upgrade");
    const probe = withTimeout(new Promise((resolve) => ws.once("message", (m) => resolve(String(m)))), WAIT, "3probe");
    ws.send("2probe");
    assert.equal(await probe, "3probe");
    assert.equal((await health(nodes[1])).node_relays, before + 1);
  } finally {
    ws.close();
  }
});

test("20 polling clients spread over the nodes each get one emit exactly once", async () => {
  const r = room();
  const sockets = [];
  for (let i = 0; i < 20; i++) sockets.push(await client({ transports: ["polling"] }));
  const owners = new Set(sockets.map((s) => nodeOf(s.io.engine.id)));
  assert.equal(owners.size, nodes.length, "round-robin spread the sessions over every node");
  for (const s of sockets) assert.equal(await s.timeout(WAIT).emitWithAck("join", r), r);
  const got = sockets.map(shouts);
  const fences = sockets.map((s) => nextEvent(s, "shout", WAIT));
  await sockets[7].timeout(WAIT).emitWithAck("shout", r, "to all 20");
  await Promise.all(fences);
  // A second emit as a fence: had the first been delivered twice, the copy would be in by now.
  const seconds = sockets.map((s) => nextEvent(s, "shout", WAIT));
  await sockets[0].timeout(WAIT).emitWithAck("shout", r, "fence");
  await Promise.all(seconds);
  for (const g of got) assert.deepEqual(g, [["to all 20"], ["fence"]]);
});

test("unknown sessions get 400; a sid naming no live node gets 503 with a reason", async () => {
  const unknownSid = (tag) => `${"A".repeat(20)}${tag}A`;
  for (const port of [balancer, nodes[0]]) {
    const garbage = await request(eioUrl(port, "/socket.io/", { transport: "polling", sid: "nope" }), { fresh: true });
    assert.equal(garbage.status, 400);
    assert.match(garbage.text, /Session ID unknown/);
  }
  // A well-formed sid of node 2 that node 2 does not have: relayed from node 1, answered 400
  // by node 2 (which never relays a relayed request again).
  const relayed = await request(eioUrl(nodes[0], "/socket.io/", { transport: "polling", sid: unknownSid(tags[1]) }));
  assert.equal(relayed.status, 400);
  assert.match(relayed.text, /Session ID unknown/);
  const looped = await request(eioUrl(nodes[0], "/socket.io/", { transport: "polling", sid: unknownSid(tags[1]) }), {
    headers: { "x-imedge-relayed-by": tags[2] },
  });
  assert.equal(looped.status, 400, "a request relayed once is served where it lands");
  const free = ["zzzz", "Zz_9", "q-q-"].find((t) => !tags.includes(t));
  const nobody = await request(eioUrl(nodes[0], "/socket.io/", { transport: "polling", sid: unknownSid(free) }));
  assert.equal(nobody.status, 503);
  assert.match(nobody.text, /node owning this session is unknown/);
});

// Last: it kills a node.
test("a session whose node is down gets 502 with a reason, and its client reconnects elsewhere", async () => {
  const socket = io(httpUrl(balancer), { forceNew: true, transports: ["polling"], timeout: WAIT, reconnectionDelay: 100, reconnectionDelayMax: 500 });
  open.push(socket);
  await nextEvent(socket, "connect", WAIT);
  const sid = socket.io.engine.id;
  const owner = nodeOf(sid);
  const other = (owner + 1) % nodes.length;
  // SIGKILL: no clean stop, so its address stays registered (until its key expires).
  process.kill(pids[owner], "SIGKILL");
  // Until the kernel has closed its listeners a dying node still completes TCP handshakes and
  // the relay reports "did not answer" instead; wait for the refusal this test is about.
  await waitRefused(nodes[owner], WAIT);
  const gone = await request(eioUrl(nodes[other], "/socket.io/", { transport: "polling", sid }));
  assert.equal(gone.status, 502);
  assert.match(gone.text, /node owning this session cannot be reached/);
  await withTimeout(
    new Promise((resolve) => {
      const check = () => (socket.connected && nodeOf(socket.io.engine.id) !== owner ? resolve() : socket.once("connect", check));
      socket.once("connect", check);
    }),
    WAIT * 2,
    "a reconnect on a live node",
  );
  assert.notEqual(nodeOf(socket.io.engine.id), owner);
  assert.equal(await socket.timeout(WAIT).emitWithAck("join", "after"), "after");
});
