// socket.io-client (unmodified, from npm) against examples/sio_demo, in the three transport modes.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { io, Manager } from "socket.io-client";
import { MODES, httpUrl, reference, servers } from "./lib/env.mjs";
import { health, waitFor } from "./lib/health.mjs";
import { collectEvents, nextEvent, normaliseBinary, sleep, withTimeout } from "./lib/wait.mjs";

const open = [];
afterEach(() => {
  for (const s of open.splice(0)) s.disconnect();
});

function clientOptions(mode, extra = {}) {
  return {
    forceNew: true,
    reconnection: false,
    timeout: 5000,
    ...(mode.transports ? { transports: mode.transports } : {}),
    ...extra,
  };
}

// Connects a socket.io-client socket and resolves it with the payload of its `auth` event.
async function connect(mode, { nsp = "/", auth } = {}) {
  const socket = io(httpUrl(servers.sioDemo) + nsp, clientOptions(mode, auth ? { auth } : {}));
  open.push(socket);
  const authEvent = nextEvent(socket, "auth", 5000);
  const failed = nextEvent(socket, "connect_error", 5000).then(([e]) => {
    throw new Error(`connect_error: ${e.message}`);
  });
  failed.catch(() => {});
  await Promise.race([nextEvent(socket, "connect", 5000), failed]);
  const [authPayload] = await authEvent;
  return { socket, authPayload };
}

// Resolves true if `socket` gets `event` before `sentinel` (both emitted by the server in order).
async function receivedBefore(socket, event, sentinel, ms = 3000) {
  let seen = false;
  const on = () => { seen = true; };
  socket.on(event, on);
  try {
    await nextEvent(socket, sentinel, ms);
  } finally {
    socket.off(event, on);
  }
  return seen;
}

// Collects the payloads of `broadcast` events until one equals `sentinel` (not included).
function broadcastsUntil(socket, sentinel, ms = 3000) {
  const got = [];
  return withTimeout(
    new Promise((resolve) => {
      const on = (payload) => {
        if (payload === sentinel) {
          socket.off("broadcast", on);
          resolve(got);
        } else {
          got.push(payload);
        }
      };
      socket.on("broadcast", on);
    }),
    ms,
    `broadcast "${sentinel}"`,
  );
}

for (const mode of MODES) {
  describe(`socket.io-client sio_demo ${mode.name}`, () => {
    test("connect with auth: the auth event echoes it", async () => {
      const auth = { token: "abc", n: 7, nested: { list: [1, "two", null] } };
      const { socket, authPayload } = await connect(mode, { auth });
      assert.deepEqual(authPayload, auth);
      assert.ok(socket.id && typeof socket.id === "string");
    });

    test("connect without auth: the auth event carries {}", async () => {
      const { authPayload } = await connect(mode);
      assert.deepEqual(authPayload, {});
    });

    test("rejected connect: connect_error with message and data", async () => {
      const socket = io(httpUrl(servers.sioDemo), clientOptions(mode, { auth: { reject: "go away" } }));
      open.push(socket);
      const [err] = await nextEvent(socket, "connect_error", 5000);
      assert.equal(err.message, "go away");
      assert.deepEqual(err.data, { code: "REJECTED" });
      assert.equal(socket.connected, false);
    });

    test("events: message -> message-back with the same args", async () => {
      const { socket } = await connect(mode);
      const back = nextEvent(socket, "message-back");
      socket.emit("message", "hello", 42, { a: [1, 2, { b: null }] }, true, "ünïcødé ✓ \n\"q\"");
      assert.deepEqual(await back, ["hello", 42, { a: [1, 2, { b: null }] }, true, "ünïcødé ✓ \n\"q\""]);
    });

    test("JSON edge cases survive: escapes, astral characters, numbers, empty containers", async () => {
      const { socket } = await connect(mode);
      const tricky = {
        quotes: 'say "hi" \\ back\\slash /slash',
        control: "nul\u0000 tab\t nl\n cr\r bell\u0007 del\u007f",
        astral: "😀 𝄞 👩‍👩‍👧",
        lone: "a\u2028b\u2029c",
        numbers: [0, -0.5, 0.1, 3.141592653589793, 9007199254740991, -12.5e-7, 1e300, 2 ** 53 - 1],
        empty: { arr: [], obj: {}, str: "" },
        deep: [[[[[[[[["deep"]]]]]]]]],
        bools: [true, false, null],
      };
      const back = nextEvent(socket, "message-back");
      socket.emit("message", tricky, "😀", "");
      assert.deepEqual(await back, [tricky, "😀", ""]);
      const emptyArgs = nextEvent(socket, "message-back");
      socket.emit("message");
      assert.deepEqual(await emptyArgs, []);
    });

    test("many events keep their order", async () => {
      const { socket } = await connect(mode);
      const all = collectEvents(socket, "message-back", 50, 5000);
      for (let i = 0; i < 50; i++) socket.emit("message", i);
      assert.deepEqual((await all).map(([n]) => n), [...Array(50).keys()]);
    });

    test("ack client->server: message-with-ack acks the same args", async () => {
      const { socket } = await connect(mode);
      const args = await withTimeout(
        new Promise((resolve) => socket.emit("message-with-ack", "x", { y: 1 }, [2, 3], (...a) => resolve(a))),
        3000, "ack");
      assert.deepEqual(args, ["x", { y: 1 }, [2, 3]]);
      const single = await socket.timeout(3000).emitWithAck("message-with-ack", "only");
      assert.equal(single, "only");
    });

    test("ack server->client: question is acked, server answers with the ack args", async () => {
      const { socket } = await connect(mode);
      socket.on("question", (x, ack) => ack(`reply-${x}`, 2, { ok: true }));
      const answer = nextEvent(socket, "answer");
      socket.emit("server-ack", "hi");
      assert.deepEqual(await answer, ["reply-hi", 2, { ok: true }]);
    });

    test("ack server->client: no ack -> answer-timeout", async () => {
      const { socket } = await connect(mode);
      const question = nextEvent(socket, "question");
      const timeout = nextEvent(socket, "answer-timeout", 4000);
      const t0 = Date.now();
      socket.emit("server-ack", 5);
      const [x, ack] = await question;
      assert.equal(x, 5);
      assert.equal(typeof ack, "function", "the question must carry an ack id");
      assert.deepEqual(await timeout, []);
      assert.ok(Date.now() - t0 >= 900, "answer-timeout came before the 1000 ms deadline");
    });

    test("ack server->client arriving after the 1000 ms deadline is ignored", async () => {
      const { socket } = await connect(mode);
      let answers = 0;
      socket.on("answer", () => answers++);
      let lateAck = null;
      socket.on("question", (x, ack) => { lateAck = ack; });
      const timeout = nextEvent(socket, "answer-timeout", 4000);
      socket.emit("server-ack", "slow");
      await timeout; // the server's own word that its deadline has passed
      assert.ok(lateAck, "the question came before the deadline");
      lateAck("too late");
      // One connection keeps order: an "answer" to the late ack would come before this ack.
      assert.equal(await socket.timeout(3000).emitWithAck("message-with-ack", "alive"), "alive");
      assert.equal(answers, 0, "the server answered with an ack that came after its deadline");
    });

    test("a client that leaves while the server waits for its ack does no harm", async () => {
      const { socket } = await connect(mode);
      const before = reference ? 0 : (await health(servers.sioDemo)).acks_awaited;
      const question = nextEvent(socket, "question");
      socket.emit("server-ack", "bye");
      await question;
      if (!reference) assert.equal((await health(servers.sioDemo)).acks_awaited, before + 1);
      socket.disconnect();
      if (reference) await sleep(1200); // no /healthz: past its ack deadline (expectations only)
      // The server's word that it waits no more: the socket's end answered its pending ack.
      else await waitFor(servers.sioDemo, (h) => h.acks_awaited === before, "the ack wait to end");
      const { socket: next } = await connect(mode);
      assert.equal(await next.timeout(3000).emitWithAck("message-with-ack", "fine"), "fine");
    });

    test("a non-string reject field does not reject", async () => {
      const { authPayload } = await connect(mode, { auth: { reject: 5 } });
      assert.deepEqual(authPayload, { reject: 5 });
    });

    test("a room member disconnected by the server gets no more room broadcasts", async () => {
      const [a, b] = (await Promise.all([connect(mode), connect(mode)])).map((x) => x.socket);
      const room = `gone-${Math.random().toString(36).slice(2)}`;
      await a.timeout(3000).emitWithAck("join", room);
      await b.timeout(3000).emitWithAck("join", room);
      const gone = nextEvent(b, "disconnect");
      b.emit("disconnect-me");
      await gone;
      b.connect(); // same client object, new session: must not be in the room any more
      await nextEvent(b, "auth", 5000);
      assert.deepEqual(await b.timeout(3000).emitWithAck("rooms"), [b.id]);
      const seen = [a, b].map((s) => broadcastsUntil(s, "gone-sentinel"));
      a.emit("broadcast", room, "to nobody");
      a.emit("broadcast-all", "gone-sentinel");
      const [aSeen, bSeen] = await Promise.all(seen);
      assert.deepEqual(aSeen, [], "the sender got its own room broadcast");
      assert.deepEqual(bSeen, [], "the reconnected socket is still in its old room");
    });

    test("binary args: Buffer in, Buffer out, top level and nested", async () => {
      const { socket } = await connect(mode);
      const payload = [
        Buffer.from([0, 1, 2, 253, 254, 255]),
        "text",
        { nested: { buf: Buffer.from("nested ✓"), list: [Buffer.alloc(0), Buffer.from([9])] }, n: 1 },
      ];
      const back = nextEvent(socket, "message-back");
      socket.emit("message", ...payload);
      const got = await back;
      assert.ok(Buffer.isBuffer(got[0]) || got[0] instanceof ArrayBuffer, "first arg is binary");
      assert.deepEqual(normaliseBinary(got), payload);
    });

    test("binary in acks both ways", async () => {
      const { socket } = await connect(mode);
      const buf = Buffer.from([7, 8, 9, 0]);
      const acked = await socket.timeout(3000).emitWithAck("message-with-ack", { data: buf });
      assert.deepEqual(normaliseBinary(acked), { data: buf });
      socket.on("question", (x, ack) => ack(Buffer.from([42, 43]), { inner: Buffer.from([1]) }));
      const answer = nextEvent(socket, "answer");
      socket.emit("server-ack", Buffer.from([5]));
      assert.deepEqual(normaliseBinary(await answer), [Buffer.from([42, 43]), { inner: Buffer.from([1]) }]);
    });

    test("rooms: join/leave/rooms/broadcast except sender/broadcast-all", async () => {
      const [a, b, c] = (await Promise.all([connect(mode), connect(mode), connect(mode)])).map((x) => x.socket);
      const room = `room-${Math.random().toString(36).slice(2)}`;
      assert.equal(await a.timeout(3000).emitWithAck("join", room), `joined:${room}`);
      assert.equal(await b.timeout(3000).emitWithAck("join", room), `joined:${room}`);
      const roomsA = await a.timeout(3000).emitWithAck("rooms");
      assert.ok(Array.isArray(roomsA));
      assert.deepEqual([...roomsA].sort(), [a.id, room].sort());
      assert.deepEqual(await c.timeout(3000).emitWithAck("rooms"), [c.id]);

      // broadcast to the room except the sender: only b gets it. The sender's broadcast-all
      // sentinel follows it, so whoever sees the sentinel first never got the room broadcast.
      const seen = [a, b, c].map((s) => broadcastsUntil(s, "sentinel-1"));
      a.emit("broadcast", room, { hello: "room" });
      a.emit("broadcast-all", "sentinel-1");
      const [aSeen, bSeen, cSeen] = await Promise.all(seen);
      assert.deepEqual(bSeen, [{ hello: "room" }]);
      assert.deepEqual(aSeen, [], "the sender got its own room broadcast");
      assert.deepEqual(cSeen, [], "a socket outside the room got the room broadcast");

      // broadcast-all reaches everyone in the namespace, the sender included
      const all = [a, b, c].map((s) => nextEvent(s, "broadcast"));
      c.emit("broadcast-all", "everyone");
      for (const got of await Promise.all(all)) assert.deepEqual(got, ["everyone"]);

      // leave: b no longer receives the room's broadcasts
      assert.equal(await b.timeout(3000).emitWithAck("leave", room), `left:${room}`);
      assert.deepEqual(await b.timeout(3000).emitWithAck("rooms"), [b.id]);
      const after = [a, b].map((s) => broadcastsUntil(s, "sentinel-2"));
      c.emit("broadcast", room, "after-leave");
      c.emit("broadcast-all", "sentinel-2");
      const [aAfter, bAfter] = await Promise.all(after);
      assert.deepEqual(aAfter, ["after-leave"]);
      assert.deepEqual(bAfter, [], "a socket that left the room still got its broadcast");
    });

    test("fan-out: a room broadcast reaches each of 12 members exactly once", async () => {
      const members = (await Promise.all([...Array(12)].map(() => connect(mode)))).map((x) => x.socket);
      const room = `fan-${Math.random().toString(36).slice(2)}`;
      await Promise.all(members.map((s) => s.timeout(3000).emitWithAck("join", room)));
      const [sender, ...others] = members;
      const seen = members.map((s) => broadcastsUntil(s, "fan-sentinel", 5000));
      for (let i = 0; i < 5; i++) sender.emit("broadcast", room, i);
      sender.emit("broadcast-all", "fan-sentinel");
      const got = await Promise.all(seen);
      assert.deepEqual(got[0], [], "the sender got its own broadcast");
      for (const [i, g] of got.slice(1).entries()) assert.deepEqual(g, [0, 1, 2, 3, 4], `member ${i + 1}`);
      assert.equal(others.length, 11);
    });

    test("large payloads: 600 kB text and 600 kB binary round trips", async () => {
      const { socket } = await connect(mode);
      const text = "é".repeat(150000) + "z".repeat(300000); // 600 kB of UTF-8
      assert.equal(await socket.timeout(8000).emitWithAck("message-with-ack", text), text);
      const bytes = Buffer.alloc(600000);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
      const back = nextEvent(socket, "message-back", 8000);
      socket.emit("message", bytes);
      assert.deepEqual(normaliseBinary(await back), [bytes]);
    });

    test("100 acks in flight at once resolve to their own values", async () => {
      const { socket } = await connect(mode);
      const results = await Promise.all(
        [...Array(100).keys()].map((i) => socket.timeout(5000).emitWithAck("message-with-ack", i, `v${i}`)));
      // with two args the ack callback gets both; emitWithAck resolves the first
      assert.deepEqual(results, [...Array(100).keys()]);
    });

    test("30 clients connect at once and each gets its own answers", async () => {
      const clients = await Promise.all([...Array(30).keys()].map((i) => connect(mode, { auth: { i } })));
      clients.forEach(({ authPayload }, i) => assert.deepEqual(authPayload, { i }));
      const acks = await Promise.all(clients.map(({ socket }, i) => socket.timeout(5000).emitWithAck("message-with-ack", `c${i}`)));
      assert.deepEqual(acks, [...Array(30).keys()].map((i) => `c${i}`));
      assert.equal(new Set(clients.map(({ socket }) => socket.id)).size, 30);
    });

    test("namespaces / and /custom multiplexed on one Manager connection", async () => {
      const manager = new Manager(httpUrl(servers.sioDemo), clientOptions(mode));
      const root = manager.socket("/", { auth: { ns: "root" } });
      const custom = manager.socket("/custom", { auth: { ns: "custom" } });
      open.push(root, custom);
      const rootAuth = nextEvent(root, "auth", 5000);
      const customAuth = nextEvent(custom, "auth", 5000);
      root.connect();
      custom.connect();
      assert.deepEqual(await rootAuth, [{ ns: "root" }]);
      assert.deepEqual(await customAuth, [{ ns: "custom" }]);
      assert.ok(root.connected && custom.connected);
      assert.equal(root.io, custom.io, "both sockets share one Manager");
      assert.notEqual(root.id, custom.id);

      // an event on /custom is answered on /custom only
      const rootSaw = receivedBefore(root, "message-back", "catch-all");
      const customBack = nextEvent(custom, "message-back");
      custom.emit("message", "on custom");
      assert.deepEqual(await customBack, ["on custom"]);
      root.emit("probe-root");
      assert.equal(await rootSaw, false, "/ got the answer to a /custom event");

      // rooms are per namespace
      assert.equal(await custom.timeout(3000).emitWithAck("join", "croom"), "joined:croom");
      assert.deepEqual([...await custom.timeout(3000).emitWithAck("rooms")].sort(), [custom.id, "croom"].sort());
      assert.deepEqual(await root.timeout(3000).emitWithAck("rooms"), [root.id]);

      // disconnecting /custom leaves / working on the same connection
      custom.disconnect();
      assert.equal(await root.timeout(3000).emitWithAck("message-with-ack", "still here"), "still here");
    });

    test("unknown namespace -> connect_error Invalid namespace", async () => {
      const socket = io(httpUrl(servers.sioDemo) + "/does-not-exist", clientOptions(mode));
      open.push(socket);
      const [err] = await nextEvent(socket, "connect_error", 5000);
      assert.equal(err.message, "Invalid namespace");
    });

    test("session data: set-session / get-session, per socket", async () => {
      const { socket } = await connect(mode);
      const { socket: other } = await connect(mode);
      assert.equal(await socket.timeout(3000).emitWithAck("set-session", "color", "blue"), "ok");
      assert.equal(await socket.timeout(3000).emitWithAck("get-session", "color"), "blue");
      assert.equal(await socket.timeout(3000).emitWithAck("set-session", "color", "red"), "ok");
      assert.equal(await socket.timeout(3000).emitWithAck("get-session", "color"), "red");
      assert.equal(await socket.timeout(3000).emitWithAck("get-session", "missing"), null);
      assert.equal(await other.timeout(3000).emitWithAck("get-session", "color"), null);
    });

    test("server-side disconnect: disconnect-me -> io server disconnect", async () => {
      const { socket } = await connect(mode);
      const reason = nextEvent(socket, "disconnect");
      socket.emit("disconnect-me");
      assert.equal((await reason)[0], "io server disconnect");
      assert.equal(socket.connected, false);
    });

    test("server-side disconnect of /custom keeps / alive on the same connection", async () => {
      const manager = new Manager(httpUrl(servers.sioDemo), clientOptions(mode));
      const root = manager.socket("/");
      const custom = manager.socket("/custom");
      open.push(root, custom);
      const ready = Promise.all([nextEvent(root, "auth", 5000), nextEvent(custom, "auth", 5000)]);
      root.connect();
      custom.connect();
      await ready;
      const reason = nextEvent(custom, "disconnect");
      custom.emit("disconnect-me");
      assert.equal((await reason)[0], "io server disconnect");
      assert.equal(await root.timeout(3000).emitWithAck("message-with-ack", 1), 1);
    });

    test("clean client disconnect, then reconnect works", async () => {
      const { socket } = await connect(mode);
      const reason = nextEvent(socket, "disconnect");
      socket.disconnect();
      assert.equal((await reason)[0], "io client disconnect");
      const { socket: again, authPayload } = await connect(mode, { auth: { again: true } });
      assert.deepEqual(authPayload, { again: true });
      assert.equal(await again.timeout(3000).emitWithAck("message-with-ack", "x"), "x");
    });

    test("catch-all: unknown events come back with their name and args", async () => {
      const { socket } = await connect(mode);
      const caught = nextEvent(socket, "catch-all");
      socket.emit("some-unknown-event", 1, "two", { three: [3] });
      assert.deepEqual(await caught, ["some-unknown-event", 1, "two", { three: [3] }]);
      const caughtBinary = nextEvent(socket, "catch-all");
      socket.emit("binary-unknown", Buffer.from([1, 2]));
      assert.deepEqual(normaliseBinary(await caughtBinary), ["binary-unknown", Buffer.from([1, 2])]);
      const caughtNoArgs = nextEvent(socket, "catch-all");
      socket.emit("no-args");
      assert.deepEqual(await caughtNoArgs, ["no-args"]);
    });

    if (!mode.transports) {
      test("the connection upgrades from polling to websocket", async () => {
        const { socket } = await connect(mode);
        const engine = socket.io.engine;
        if (engine.transport.name !== "websocket") await nextEvent(engine, "upgrade", 5000);
        assert.equal(engine.transport.name, "websocket");
        assert.equal(await socket.timeout(3000).emitWithAck("message-with-ack", "after upgrade"), "after upgrade");
      });
    }
  });
}
