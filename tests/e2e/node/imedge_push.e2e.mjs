// A backend's @socket.io/redis-emitter push into the imedge binary (the IM service with
// --redis): `to(userId).emit(...)` reaches every device of that user, since each IM socket is in
// the room named by its user id, and no other user's. Run by tests/e2e/run-push.sh, which starts
// Redis and the server.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { closeAll, connect, unique, userToken } from "./lib/im.mjs";
import { openEmitter } from "./lib/redis.mjs";
import { nextEvent, recordEvents, waitLogLines } from "./lib/wait.mjs";

const port = Number(process.env.IMEDGE_E2E_IMEDGE_PUSH_PORT);
const WAIT = 10000; // generous: the bounds must hold on a loaded 2-core machine

let redis;
let emitter;
before(async () => {
  await waitLogLines(process.env.IMEDGE_E2E_IMEDGE_PUSH_LOG, "imedge: push: redis subscribed", 1, WAIT);
  ({ redis, emitter } = await openEmitter());
});
after(async () => {
  await redis.quit();
});
afterEach(closeAll);


test("to(userId).emit reaches every device of that user and no other user", async () => {
  const user = unique("4711"), other = unique("4712");
  const phone = await connect(userToken(user), { port });
  const laptop = await connect(userToken(user), { port, transports: ["polling"] });
  const stranger = await connect(userToken(other), { port });
  const stray = recordEvents(stranger, "notify");
  const arrivals = [nextEvent(phone, "notify", WAIT), nextEvent(laptop, "notify", WAIT)];
  emitter.to(user).emit("notify", { text: "you have mail", unread: 3 });
  for (const arrival of arrivals) assert.deepEqual(await arrival, [{ text: "you have mail", unread: 3 }]);
  // The next push, to the other user, comes after the first on every shard: once it is in,
  // the first one cannot still be on its way to the stranger.
  const fence = nextEvent(stranger, "notify", WAIT);
  emitter.to(other).emit("notify", "fence");
  assert.deepEqual(await fence, ["fence"]);
  assert.deepEqual(stray, [["fence"]]);
});

test("each push reaches each device once, in the order published", async () => {
  const user = unique("4713");
  const devices = [await connect(userToken(user), { port }), await connect(userToken(user), { port })];
  const records = devices.map((d) => recordEvents(d, "seq"));
  const fences = devices.map((d) => nextEvent(d, "done", WAIT));
  for (let i = 0; i < 100; i++) emitter.to(user).emit("seq", i);
  emitter.to(user).emit("done");
  await Promise.all(fences);
  for (const got of records) assert.deepEqual(got.map(([i]) => i), [...Array(100).keys()]);
});
