// The push hand-off webhook (docs/push-webhook.md) against a local receiver: an entry stored for
// a member with no live device is POSTed, signed, with a bounded preview and the badge; online
// members get none; a failing receiver gets retries and then exactly one success; a receiver
// that is down and a full queue cost counted drops; shutdown counts what it drops. Each test
// starts its own imedge (the runner's shard count) with the webhook flags it needs.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Device, call, closeAll, direct, unique } from "./lib/im.mjs";
import { health, waitFor } from "./lib/health.mjs";
import { reference } from "./lib/env.mjs";
import { closedPort, startImedge, startReceiver, verifySignature } from "./lib/webhook.mjs";

const skip = reference ? "the reference servers have no IM service" : false;
const SECRET = "webhook-test-secret";

let cleanups = [];
afterEach(async () => {
  closeAll();
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function setUp({ answer, url, flags = [] } = {}) {
  const receiver = url ? null : await startReceiver(answer);
  if (receiver) cleanups.push(() => receiver.close());
  const server = await startImedge(["--push-webhook", url ?? receiver.url,
    "--push-webhook-secret", SECRET, ...flags]);
  cleanups.push(() => server.stop());
  return { receiver, server, port: server.port };
}

const device = async (port, user) => {
  const d = new Device(user);
  await d.open({ port });
  return d;
};

const hooks = (port) => health(port).then((h) => h.push_webhook);

describe("im: push webhook", { skip }, () => {
  test("an offline member's message is POSTed, signed, with a bounded preview and the badge", async () => {
    const { receiver, port } = await setUp();
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await device(port, a);
    const long = "é".repeat(100); // 200 bytes: the preview keeps 120, never half a character
    await call(ann.socket, "send", { to: b, body: { text: "hello" }, client_id: "m1" });
    await call(ann.socket, "send", { to: b, body: long, client_id: "m2" });
    const got = await receiver.until((r) => r.length >= 2, "two webhooks");
    got.sort((x, y) => x.json.seq - y.json.seq);
    for (const r of got) {
      assert.equal(r.method, "POST");
      assert.equal(r.url, "/hooks/push?src=imedge");
      assert.equal(r.headers["content-type"], "application/json");
      assert.equal(r.headers["x-imedge-attempt"], "1");
      assert.ok(verifySignature(r, SECRET), `signature of ${r.raw}`);
      assert.ok(!verifySignature(r, "another secret"));
      assert.ok(!verifySignature({ ...r, raw: r.raw.replace("ben", "bob") }, SECRET));
      assert.equal(r.json.id, r.headers["x-imedge-delivery"]);
    }
    assert.notEqual(got[0].json.id, got[1].json.id);
    const { ts: ts0, id: id0, ...first } = got[0].json;
    assert.equal(typeof ts0, "number");
    assert.equal(typeof id0, "string");
    assert.deepEqual(first, { type: "message", recipient: b, conversation: direct(a, b), seq: 1,
      sender: a, kind: "msg", preview: "hello", truncated: false, badge: 1 });
    assert.equal(got[1].json.seq, 2);
    assert.equal(got[1].json.badge, 2);
    assert.equal(got[1].json.preview, "é".repeat(60));
    assert.equal(got[1].json.truncated, true);
    const h = await waitFor(port, (x) => x.push_webhook.delivered === 2, "two deliveries counted");
    assert.deepEqual(h.push_webhook, { enqueued: 2, delivered: 2, attempts: 2, failed_attempts: 0,
      dropped_queue_full: 0, dropped_retries_exhausted: 0, dropped_shutdown: 0, queued: 0 });
  });

  test("no webhook for a member with a live device; a group pushes to its offline members only", async () => {
    const { receiver, port } = await setUp();
    const [a, b, c, d] = [unique("ann"), unique("ben"), unique("cat"), unique("dan")];
    const [ann, ben] = [await device(port, a), await device(port, b)];
    const g = await call(ann.socket, "group.create", { title: "t", members: [b, c] });
    assert.equal(g.ok, true);
    const direct1 = await call(ann.socket, "send", { to: b, body: "to ben, online" });
    await ben.reach(direct1.conversation, 1);
    const inGroup = await call(ann.socket, "send", { conversation: g.conversation, body: "to all" });
    await ben.reach(g.conversation, inGroup.seq);
    // dan is offline too: his webhook comes after any the earlier sends caused (commit order).
    await call(ann.socket, "send", { to: d, body: "marker" });
    await receiver.until((r) => r.some((x) => x.json.recipient === d), "dan's webhook");
    await waitFor(port, (x) => x.push_webhook.delivered === 2, "both deliveries counted");
    assert.deepEqual(receiver.requests.map((r) => [r.json.recipient, r.json.conversation]).sort(),
      [[c, g.conversation], [d, direct(a, d)]].sort());
    assert.equal((await hooks(port)).enqueued, 2);
  });

  test("a receiver that fails twice: retried with backoff, then delivered once, no duplicate", async () => {
    const { receiver, port } = await setUp({
      answer: (r, n) => (n <= 2 ? 500 : 200),
      flags: ["--push-webhook-retries", "3", "--push-webhook-backoff-ms", "40"],
    });
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await device(port, a);
    const ack = await call(ann.socket, "send", { to: b, body: "retry me" });
    assert.equal(ack.ok, true); // the ack never waits for the webhook
    await receiver.until((r) => r.some((x) => x.status === 200), "a 2xx answer");
    const h = await waitFor(port, (x) => x.push_webhook.queued === 0 && x.push_webhook.delivered === 1,
      "the delivery to finish");
    assert.deepEqual(h.push_webhook, { enqueued: 1, delivered: 1, attempts: 3, failed_attempts: 2,
      dropped_queue_full: 0, dropped_retries_exhausted: 0, dropped_shutdown: 0, queued: 0 });
    // Nothing is held any more, so nothing more can come: exactly the 3 attempts arrived.
    const got = receiver.requests;
    assert.equal(got.length, 3);
    assert.deepEqual(got.map((r) => r.headers["x-imedge-attempt"]), ["1", "2", "3"]);
    assert.equal(new Set(got.map((r) => r.headers["x-imedge-delivery"])).size, 1);
    assert.equal(new Set(got.map((r) => r.raw)).size, 1);
    for (const r of got) assert.ok(verifySignature(r, SECRET));
    // Backoff with equal jitter: each wait is at least half its nominal 40, then 80 ms.
    assert.ok(got[1].at - got[0].at >= 20 - 1, `first wait ${got[1].at - got[0].at} ms`);
    assert.ok(got[2].at - got[1].at >= 40 - 1, `second wait ${got[2].at - got[1].at} ms`);
  });

  test("a receiver that is down: the retries run out and each drop is counted", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/hook`;
    const { port } = await setUp({ url, flags: ["--push-webhook-retries", "2", "--push-webhook-backoff-ms", "10"] });
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await device(port, a);
    for (const n of [1, 2]) assert.equal((await call(ann.socket, "send", { to: b, body: n })).seq, n);
    const h = await waitFor(port, (x) => x.push_webhook.dropped_retries_exhausted === 2,
      "two pushes dropped after their retries", 15000);
    assert.deepEqual(h.push_webhook, { enqueued: 2, delivered: 0, attempts: 6, failed_attempts: 6,
      dropped_queue_full: 0, dropped_retries_exhausted: 2, dropped_shutdown: 0, queued: 0 });
  });

  test("a full queue drops and counts; shutdown counts what it drops and does not wait", async () => {
    const { receiver, server, port } = await setUp({
      answer: () => null, // accepts, never answers
      flags: ["--push-webhook-queue", "2", "--push-webhook-concurrency", "1",
        "--push-webhook-timeout-ms", "60000"],
    });
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await device(port, a);
    for (let n = 1; n <= 5; n++) assert.equal((await call(ann.socket, "send", { to: b, body: n })).seq, n);
    await receiver.until((r) => r.length === 1, "the first attempt");
    const h = await waitFor(port, (x) => x.push_webhook.dropped_queue_full === 3, "three drops");
    assert.deepEqual(h.push_webhook, { enqueued: 2, delivered: 0, attempts: 1, failed_attempts: 0,
      dropped_queue_full: 3, dropped_retries_exhausted: 0, dropped_shutdown: 0, queued: 2 });
    const stopped = await server.stop();
    assert.equal(stopped.code, 0, stopped.output);
    assert.match(stopped.output, /push webhook: \{[^}]*"dropped_queue_full":3,"dropped_retries_exhausted":0,"dropped_shutdown":2,"queued":0\}/);
    assert.equal(receiver.requests.length, 1);
  });
});
