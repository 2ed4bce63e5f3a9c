// Two imedge binaries (the IM service) with --cluster on one real redis-server, each with a data
// directory of its own: what the IM service emits to users' rooms on one node (typing notes)
// reaches that user's devices on the other node, and a backend's @socket.io/redis-emitter push
// to a user reaches the user's devices on both nodes once each; the push HTTP API's room changes
// and disconnects of a user, asked of one node, reach the user's devices on the other node too.
// Stored messages do not cross
// (each node's store feeds only its own devices: docs/cluster.md). Run by tests/e2e/run-push.sh.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { call, closeAll, connect, direct, unique, userToken } from "./lib/im.mjs";
import { openEmitter, waitClusterNodes } from "./lib/redis.mjs";
import { api, until } from "./lib/push_api.mjs";
import { nextEvent, recordEvents } from "./lib/wait.mjs";

const [portA, portB] = [process.env.IMEDGE_E2E_IMEDGE_CLUSTER_PORT_A, process.env.IMEDGE_E2E_IMEDGE_CLUSTER_PORT_B].map(Number);
const logs = [process.env.IMEDGE_E2E_IMEDGE_CLUSTER_LOG_A, process.env.IMEDGE_E2E_IMEDGE_CLUSTER_LOG_B];
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
afterEach(closeAll);


test("a typing note on node A reaches the members' devices on node B, and no one else", async () => {
  const ann = unique("ann"), ben = unique("ben"), cat = unique("cat"), dan = unique("dan");
  const annOnA = await connect(userToken(ann), { port: portA });
  const annOnB = await connect(userToken(ann), { port: portB });
  const benOnB = await connect(userToken(ben), { port: portB });
  const catOnB = await connect(userToken(cat), { port: portB });
  const danOnA = await connect(userToken(dan), { port: portA });
  const stray = recordEvents(catOnB, "typing");
  const typist = recordEvents(annOnA, "typing");
  const conversation = direct(ann, ben);
  const arrivals = [nextEvent(benOnB, "typing", WAIT), nextEvent(annOnB, "typing", WAIT)];
  assert.deepEqual(await call(annOnA, "typing", { conversation }), { ok: true });
  // The typing device itself is skipped: were it not, the note (delivered on its own shard
  // before the ack was written) would be in before the ack.
  assert.deepEqual(typist, []);
  for (const arrival of arrivals) assert.deepEqual(await arrival, [{ conversation, user: ann }]);
  // A fence from node A to cat: node A's publications arrive in order, so once it is in, ann's
  // note cannot still be on its way to cat.
  const fence = nextEvent(catOnB, "typing", WAIT);
  assert.deepEqual(await call(danOnA, "typing", { conversation: direct(cat, dan) }), { ok: true });
  assert.deepEqual(await fence, [{ conversation: direct(cat, dan), user: dan }]);
  assert.deepEqual(stray, [[{ conversation: direct(cat, dan), user: dan }]]);
});

test("a backend push to a user reaches the user's devices on both nodes once each", async () => {
  const user = unique("4714");
  const devices = [
    await connect(userToken(user), { port: portA }),
    await connect(userToken(user), { port: portB }),
    await connect(userToken(user), { port: portB }),
  ];
  const records = devices.map((d) => recordEvents(d, "notify"));
  const fences = devices.map((d) => nextEvent(d, "done", WAIT));
  for (let i = 0; i < 50; i++) emitter.to(user).emit("notify", i);
  emitter.to(user).emit("done");
  await Promise.all(fences);
  for (const got of records) assert.deepEqual(got.map(([i]) => i), [...Array(50).keys()]);
});

// Resolves once `port`'s members query for `room` counts `n` sockets: the node has applied a
// room change that reached it through Redis (no other signal tells a backend when).
function membersReach(port, room, n) {
  const query = () => api(`/api/v1/members?room=${encodeURIComponent(room)}`, { method: "GET", port });
  const counted = (r) => {
    assert.equal(r.status, 200);
    return r.json.count === n;
  };
  return until(query, counted, `${n} members of ${room} on port ${port}`, WAIT);
}

test("the push API's room changes and disconnect of a user, asked of node A, act on its devices on node B too", async () => {
  const user = unique("carol");
  const onA = await connect(userToken(user), { port: portA });
  const onB = [await connect(userToken(user), { port: portB }), await connect(userToken(user), { port: portB })];
  const room = unique("ops");

  const joined = await api("/api/v1/rooms/join", { port: portA, body: { users: [user], rooms: [room] } });
  assert.equal(joined.status, 200);
  assert.deepEqual(joined.json, { ok: true, sockets: 1, other_nodes: true });
  await membersReach(portB, room, 2);
  const fences = [onA, ...onB].map((d) => nextEvent(d, "alert", WAIT));
  emitter.to(room).emit("alert", "to the room");
  for (const [text] of await Promise.all(fences)) assert.equal(text, "to the room");

  const left = await api("/api/v1/rooms/leave", { port: portB, body: { users: [user], rooms: [room] } });
  assert.deepEqual(left.json, { ok: true, sockets: 2, other_nodes: true });
  await membersReach(portA, room, 0);

  const reasons = [onA, ...onB].map((d) => nextEvent(d, "disconnect", WAIT));
  const gone = await api("/api/v1/disconnect", { port: portA, body: { users: [user] } });
  assert.deepEqual(gone.json, { ok: true, sockets: 1, other_nodes: true });
  for (const [reason] of await Promise.all(reasons)) assert.equal(reason, "io server disconnect");
});
