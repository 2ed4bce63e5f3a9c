// Backend pushes from the npm @socket.io/redis-emitter (and from python3-socketio's
// RedisManager) through a real redis-server into examples/push_demo, received by
// socket.io-client. Run by tests/e2e/run-push.sh, which starts Redis and the server.
import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { randomUUID } from "node:crypto";
import { io } from "socket.io-client";
import { httpUrl } from "./lib/env.mjs";
import { openEmitter, redisUrl } from "./lib/redis.mjs";
import { collectEvents, logLines, nextEvent, recordEvents, waitLogLines, withTimeout } from "./lib/wait.mjs";

const pushPort = Number(process.env.IMEDGE_E2E_PUSH_PORT);

let redis;
let emitter;
before(async () => {
  ({ redis, emitter } = await openEmitter());
});
after(async () => {
  await redis.quit();
});

const open = [];
afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});

// Every wait is bounded, generously: the bounds must hold on a loaded 2-core machine.
const WAIT = 10000;

const room = () => `room-${randomUUID().slice(0, 8)}`;

// A connected client on `nsp` that joined `rooms` (acked by the server).
async function client(rooms = [], nsp = "/") {
  const socket = io(httpUrl(pushPort) + nsp, { forceNew: true, reconnection: false, timeout: 5000 });
  open.push(socket);
  await nextEvent(socket, "connect", 5000);
  for (const r of rooms) assert.equal(await socket.timeout(5000).emitWithAck("join", r), r);
  return socket;
}

const logCount = (text) => logLines(process.env.IMEDGE_E2E_PUSH_LOG, text);
const waitLog = (text, n) => waitLogLines(process.env.IMEDGE_E2E_PUSH_LOG, text, n);

describe("redis-emitter broadcasts", () => {
  test("to(room).emit reaches the room's sockets only, with every arg", async () => {
    const r = room();
    const a = await client([r]);
    const b = await client([r]);
    const other = await client([room()]);
    const stray = recordEvents(other, "notify");
    const pa = nextEvent(a, "notify", WAIT);
    const pb = nextEvent(b, "notify", WAIT);
    emitter.to(r).emit("notify", { text: "hi", n: 7 }, [1, "two"], null, 1.5, true);
    const expected = [{ text: "hi", n: 7 }, [1, "two"], null, 1.5, true];
    assert.deepEqual(await pa, expected);
    assert.deepEqual(await pb, expected);
    const sentinel = nextEvent(other, "sentinel", WAIT);
    emitter.emit("sentinel", "everyone");
    assert.deepEqual(await sentinel, ["everyone"]);
    assert.deepEqual(stray, []);
  });

  test("several rooms and except()", async () => {
    const r1 = room(), r2 = room(), vip = room();
    const a = await client([r1]);
    const b = await client([r2, vip]);
    const c = await client([r2]);
    const strayB = recordEvents(b, "offer");
    const pa = nextEvent(a, "offer", WAIT);
    const pc = nextEvent(c, "offer", WAIT);
    emitter.to([r1, r2]).except(vip).emit("offer", 10);
    assert.deepEqual(await pa, [10]);
    assert.deepEqual(await pc, [10]);
    const sentinel = nextEvent(b, "sentinel", WAIT);
    emitter.to(b.id).emit("sentinel", 1);
    await sentinel;
    assert.deepEqual(strayB, []);
  });

  test("binary args arrive as binary", async () => {
    const r = room();
    const a = await client([r]);
    const p = nextEvent(a, "bin", WAIT);
    emitter.to(r).emit("bin", Buffer.from([0, 1, 255]), { nested: Buffer.from("abc") });
    const [buf, obj] = await p;
    assert.deepEqual([...new Uint8Array(buf)], [0, 1, 255]);
    assert.equal(Buffer.from(obj.nested).toString(), "abc");
  });

  test("of(nsp) reaches that namespace only", async () => {
    const r = room();
    const root = await client([r]);
    const admin = await client([r], "/admin");
    const stray = recordEvents(root, "ns");
    const p = nextEvent(admin, "ns", WAIT);
    emitter.of("/admin").to(r).emit("ns", "admin");
    assert.deepEqual(await p, ["admin"]);
    const s = nextEvent(root, "sentinel", WAIT);
    emitter.to(root.id).emit("sentinel");
    await s;
    assert.deepEqual(stray, []);
  });

  test("many pushes arrive in order", async () => {
    const r = room();
    const a = await client([r]);
    const got = collectEvents(a, "seq", 500, 20000);
    for (let i = 0; i < 500; i++) emitter.to(r).emit("seq", i);
    assert.deepEqual((await got).map((x) => x[0]), [...Array(500).keys()]);
  });
});

describe("redis-emitter requests", () => {
  test("socketsJoin then socketsLeave", async () => {
    const from = room(), to = room();
    const a = await client([from]);
    const b = await client();
    const strayB = recordEvents(b, "joined");
    emitter.in(from).socketsJoin(to);
    const p = nextEvent(a, "joined", WAIT);
    emitter.to(to).emit("joined", 1);
    assert.deepEqual(await p, [1]);
    emitter.in(from).socketsLeave(to);
    const strayA = recordEvents(a, "left");
    emitter.to(to).emit("left", 2);
    const s = nextEvent(a, "sentinel", WAIT);
    emitter.to(a.id).emit("sentinel");
    await s;
    assert.deepEqual(strayA, []);
    assert.deepEqual(strayB, []);
  });

  test("disconnectSockets disconnects the matching sockets only", async () => {
    const r = room();
    const a = await client([r]);
    const b = await client();
    const gone = nextEvent(a, "disconnect", WAIT);
    emitter.in(r).disconnectSockets();
    assert.equal((await gone)[0], "io server disconnect");
    const s = nextEvent(b, "sentinel", WAIT);
    emitter.to(b.id).emit("sentinel");
    await s;
    assert.ok(b.connected);
  });

  test("serverSideEmit is refused and counted; the next push still arrives", async () => {
    const r = room();
    const a = await client([r]);
    const before = logCount("unsupported_request (");
    emitter.serverSideEmit("hello", 1);
    const p = nextEvent(a, "good", WAIT);
    emitter.to(r).emit("good", 1);
    await p;
    await waitLog("unsupported_request (", before + 1);
  });
});

describe("hostile messages on the emitter's channels", () => {
  const cases = [
    ["not msgpack", "socket.io#/#", Buffer.from([0xc1]), "bad_msgpack"],
    ["truncated", "socket.io#/#", Buffer.from([0x93, 0xa7, 0x65]), "bad_msgpack"],
    ["wrong shape", "socket.io#/#", Buffer.from([0x91, 0x01]), "wrong_type"],
    ["array count past the input", "socket.io#/#", Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff]), "bad_msgpack"],
    ["more values than the limit", "socket.io#/#",
      Buffer.concat([Buffer.from([0xdd, 0x00, 0x03, 0x0d, 0x40]), Buffer.alloc(200000, 0xc0)]), "too_large"],
    ["nested past the depth limit", "socket.io#/#", Buffer.alloc(100, 0x91), "too_large"],
    ["an ext type the emitter never writes", "socket.io#/#", Buffer.from([0xd4, 0x05, 0x00]), "bad_msgpack"],
    ["bad json request", "socket.io-request#/#", "{not json", "bad_json"],
    ["wrong request type", "socket.io-request#/#", JSON.stringify({ type: "2", rooms: [] }), "wrong_type"],
  ];
  for (const [name, channel, body, reason] of cases) {
    test(`${name}: dropped as ${reason}, the next push arrives`, async () => {
      const r = room();
      const a = await client([r]);
      const before = logCount(`: ${reason} (`);
      await redis.publish(channel, body);
      const p = nextEvent(a, "good", WAIT);
      emitter.to(r).emit("good", name);
      assert.deepEqual(await p, [name]);
      await waitLog(`: ${reason} (`, before + 1);
    });
  }
});

describe("python-socketio RedisManager to socket.io-client", () => {
  test("emit(room=str(user_id)) reaches the user's sockets", async () => {
    const user = String(1000 + Math.floor(Math.random() * 1000));
    const a = await client([user]);
    // The publisher is a separate python process (seconds to start on a loaded machine); run
    // it asynchronously so the client keeps reading meanwhile.
    const p = nextEvent(a, "notify", 25000);
    await promisify(execFile)("/usr/bin/python3", ["-c", `
import socketio, sys
socketio.RedisManager(sys.argv[1], write_only=True).emit('notify', {'user': int(sys.argv[2]), 'blob': b'\\x01\\x02'}, room=sys.argv[2])
`, redisUrl, user], { timeout: 20000 });
    const [msg] = await p;
    assert.equal(msg.user, Number(user));
    assert.deepEqual([...new Uint8Array(msg.blob)], [1, 2]);
  });
});

describe("measure (reported, not asserted)", () => {
  test("emitter pushes per second to one client", async () => {
    const r = room();
    const a = await client([r]);
    const n = 20000;
    const got = collectEvents(a, "m", n, 25000);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) emitter.to(r).emit("m", i);
    const t1 = performance.now();
    await got;
    const t2 = performance.now();
    console.log(`measure: redis-emitter: ${n} pushes published in ${((t1 - t0) / 1000).toFixed(2)} s, ` +
      `all delivered after ${((t2 - t0) / 1000).toFixed(2)} s (${Math.round(n / ((t2 - t0) / 1000))}/s)`);
  });
});

describe("measure intake (reported, not asserted)", () => {
  test("emitter pushes per second taken in, apart from any client", async () => {
    // N pushes to a room nobody is in, then one to a client: taken in order, so its arrival
    // means all N were decoded and applied.
    const a = await client();
    const n = 50000;
    const sentinel = nextEvent(a, "sentinel", 60000);
    const t0 = performance.now();
    const nobody = emitter.to(`nobody-${room()}`);
    for (let i = 0; i < n; i++) nobody.emit("m", { n: i, text: "x".repeat(40) });
    emitter.to(a.id).emit("sentinel");
    await sentinel;
    const t = (performance.now() - t0) / 1000;
    console.log(`measure: redis-emitter intake: ${n} pushes taken in after ${t.toFixed(2)} s (${Math.round(n / t)}/s)`);
  });
});
