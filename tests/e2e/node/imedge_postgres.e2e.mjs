// Two (and a third) imedge nodes with --postgres on one real PostgreSQL database: users on
// different nodes chat in a direct conversation and a group; both nodes appending to one
// conversation at once still make one gap-free sequence, and every device sees each entry once,
// in order, live (the other node's commits arrive through LISTEN/NOTIFY) or by catching up on
// either node; a node killed with kill -9 in the middle of a storm loses no acknowledged message.
// Run by tests/e2e/run-postgres.sh (which starts the server and sets IMEDGE_E2E_PG_URL).
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { Device, call, closeAll, connect, unique, userToken } from "./lib/im.mjs";
import { startImedge } from "./lib/webhook.mjs";

const url = process.env.IMEDGE_E2E_PG_URL;
const WAIT = 60000; // generous: the bounds must hold on a loaded 2-core machine
const EACH = 200;

let nodeA, nodeB;
before(async () => {
  if (!url) throw new Error("IMEDGE_E2E_PG_URL is not set: run through tests/e2e/run-postgres.sh");
  [nodeA, nodeB] = await Promise.all([startImedge(["--postgres", url]), startImedge(["--postgres", url])]);
});
after(async () => {
  closeAll();
  for (const n of [nodeA, nodeB]) {
    const status = await n?.stop();
    if (status) assert.equal(status.code, 0, status.output);
  }
});
afterEach(closeAll);

// `count` sends from `socket`, all in flight at once; resolves the acks.
function storm(socket, target, count, tag) {
  return Promise.all(Array.from({ length: count }, (_, i) =>
    call(socket, "send", { ...target, body: { tag, i }, client_id: `${tag}-${i}` }, WAIT)));
}

function assertGapFree(acks, total) {
  for (const a of acks) assert.equal(a.ok, true, JSON.stringify(a));
  const seqs = acks.map((a) => a.seq).sort((x, y) => x - y);
  assert.deepEqual(seqs, Array.from({ length: total }, (_, i) => i + 1));
}

test("a direct conversation across nodes: both sides at once, one gap-free sequence, seen once in order", { timeout: 180000 }, async () => {
  const [ann, ben] = [unique("ann"), unique("ben")];
  const annA = new Device(ann), benB = new Device(ben);
  await annA.open({ port: nodeA.port });
  await benB.open({ port: nodeB.port });
  const [fromAnn, fromBen] = await Promise.all([
    storm(annA.socket, { to: ben }, EACH, "a"), storm(benB.socket, { to: ann }, EACH, "b")]);
  const conversation = fromAnn[0].conversation;
  assertGapFree([...fromAnn, ...fromBen], 2 * EACH);
  await Promise.all([annA.reach(conversation, 2 * EACH, WAIT), benB.reach(conversation, 2 * EACH, WAIT)]);
  assert.deepEqual(annA.violations, []);
  assert.deepEqual(benB.violations, []);
  // Each device got its peer's entries live from the other node, and each entry once.
  for (const d of [annA, benB]) assert.equal(d.received.length, 2 * EACH);

  // A device that connects to the other node catches up everything, in order.
  for (const [user, port] of [[ben, nodeA.port], [ann, nodeB.port]]) {
    const late = new Device(user);
    await late.open({ port });
    await late.reach(conversation, 2 * EACH, WAIT);
    assert.deepEqual(late.violations, []);
    assert.equal(late.received.length, 2 * EACH);
    const ids = new Set(late.received.map((m) => m.client_id));
    for (let i = 0; i < EACH; ++i) assert.ok(ids.has(`a-${i}`) && ids.has(`b-${i}`), `entry ${i} is missing`);
  }
  // A retried send on the other node is the same entry (the client id is unique in the database).
  const again = await call(benB.socket, "send", { to: ann, body: { tag: "a", i: 0 }, client_id: "b-0" });
  assert.equal(again.seq, fromBen[0].seq);
});

test("a group with members on both nodes: everyone sees every entry once, in order", { timeout: 180000 }, async () => {
  const [ann, ben, cat] = [unique("ann"), unique("ben"), unique("cat")];
  const annA = new Device(ann), benB = new Device(ben), catA = new Device(cat), catB = new Device(cat);
  await annA.open({ port: nodeA.port });
  const created = await call(annA.socket, "group.create", { title: "pg", members: [ben, cat], max_members: 10, open: false });
  assert.equal(created.ok, true, JSON.stringify(created));
  const group = created.conversation;
  await benB.open({ port: nodeB.port });
  await catA.open({ port: nodeA.port });
  await catB.open({ port: nodeB.port });
  const acks = (await Promise.all([
    storm(annA.socket, { conversation: group }, EACH / 2, "ga"),
    storm(benB.socket, { conversation: group }, EACH / 2, "gb")])).flat();
  assertGapFree(acks, EACH);
  for (const d of [annA, benB, catA, catB]) {
    await d.reach(group, EACH, WAIT);
    assert.deepEqual(d.violations, []);
    assert.equal(d.received.filter((m) => m.conversation === group).length, EACH);
  }
});

test("kill -9 of a node in the middle of a storm loses no acknowledged message", { timeout: 180000 }, async () => {
  const [ann, ben] = [unique("ann"), unique("ben")];
  const doomed = await startImedge(["--postgres", url]);
  const sender = await connect(userToken(ann), { port: doomed.port });
  const acked = [];
  let killed = false;
  let enough;
  const enoughAcked = new Promise((resolve) => { enough = resolve; });
  // Sends keep going, 50 in flight, until the node is gone; the ones acked before are counted.
  const worker = async (w) => {
    for (let i = 0; !killed; ++i) {
      try {
        const a = await call(sender, "send", { to: ben, body: { i }, client_id: `k${w}-${i}` }, 5000);
        if (a.ok) acked.push(a);
        if (acked.length >= 300) enough();
      } catch {
        return; // the node died with this send in flight: it may or may not be stored
      }
    }
  };
  const workers = Array.from({ length: 50 }, (_, w) => worker(w));
  await enoughAcked;
  killed = true;
  const status = await doomed.kill();
  assert.equal(status.signal, "SIGKILL");
  await Promise.all(workers);
  const conversation = acked[0].conversation;
  // ben catches up on node A: every acked entry is there, the sequence has no gap.
  const reader = new Device(ben);
  await reader.open({ port: nodeA.port });
  const last = Math.max(...acked.map((a) => a.seq));
  await reader.reach(conversation, last, WAIT);
  assert.deepEqual(reader.violations, []);
  const stored = new Map(reader.received.map((m) => [m.seq, m.client_id]));
  for (const a of acked) assert.ok(stored.has(a.seq), `acked seq ${a.seq} is missing`);
  // And the conversation goes on from node B where node C left it.
  const next = await call(await connect(userToken(ann), { port: nodeB.port }), "send", { to: ben, body: {}, client_id: "after" });
  assert.ok(next.ok);
  assert.ok(next.seq > last);
  await reader.reach(conversation, next.seq, WAIT);
  assert.deepEqual(reader.violations, []);
});
