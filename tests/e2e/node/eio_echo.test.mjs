// engine.io-client and ws (unmodified, from npm) against examples/eio_echo.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Socket } from "engine.io-client";
import WebSocket from "ws";
import { MODES, httpUrl, servers, wsUrl } from "./lib/env.mjs";
import { collectEvents, nextEvent, toBuffer, withTimeout } from "./lib/wait.mjs";

const open = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

async function connect(mode) {
  const socket = new Socket(httpUrl(servers.eioEcho), {
    path: "/engine.io/",
    ...(mode.transports ? { transports: mode.transports } : {}),
  });
  open.push(socket);
  const failed = nextEvent(socket, "error", 5000).then(([e]) => { throw new Error(`engine.io error: ${e}`); });
  failed.catch(() => {});
  await Promise.race([nextEvent(socket, "open", 5000), failed]);
  return socket;
}

for (const mode of MODES) {
  describe(`engine.io-client eio_echo ${mode.name}`, () => {
    test("text messages are echoed", async () => {
      const socket = await connect(mode);
      for (const text of ["hello", "ünïcødé ✓ 😀", '{"looks":"like json"}', "x".repeat(5000)]) {
        const echo = nextEvent(socket, "message");
        socket.send(text);
        assert.deepEqual(await echo, [text]);
      }
    });

    test("binary messages are echoed as binary", async () => {
      const socket = await connect(mode);
      for (const bytes of [Buffer.from([0, 1, 2, 3, 255]), Buffer.alloc(3000, 0xab), Buffer.from("b")]) {
        const echo = nextEvent(socket, "message");
        socket.send(bytes);
        const [got] = await echo;
        assert.notEqual(typeof got, "string", "binary came back as text");
        assert.deepEqual(toBuffer(got), bytes);
      }
    });

    test("a burst of mixed messages comes back complete and in order", async () => {
      const socket = await connect(mode);
      const all = collectEvents(socket, "message", 40, 8000);
      const sent = [];
      for (let i = 0; i < 40; i++) {
        const m = i % 3 === 0 ? Buffer.from([i, i + 1]) : `m${i}`;
        sent.push(m);
        socket.send(m);
      }
      const got = (await all).map(([m]) => (typeof m === "string" ? m : toBuffer(m)));
      assert.deepEqual(got, sent);
    });

    test("1000 small messages sent at once all come back in order", async () => {
      const socket = await connect(mode);
      const all = collectEvents(socket, "message", 1000, 15000);
      for (let i = 0; i < 1000; i++) socket.send(`n${i}`);
      assert.deepEqual((await all).map(([m]) => m), [...Array(1000).keys()].map((i) => `n${i}`));
    });

    test("clean close from the client", async () => {
      const socket = await connect(mode);
      const closed = nextEvent(socket, "close");
      socket.close();
      assert.equal((await closed)[0], "forced close");
    });

    if (!mode.transports) {
      test("upgrades from polling to websocket and keeps echoing", async () => {
        const socket = await connect(mode);
        if (socket.transport.name !== "websocket") await nextEvent(socket, "upgrade", 5000);
        assert.equal(socket.transport.name, "websocket");
        const echo = nextEvent(socket, "message");
        socket.send("after upgrade");
        assert.deepEqual(await echo, ["after upgrade"]);
      });
    }
  });
}

describe("ws plain WebSocket echo on /", () => {
  async function plain() {
    const ws = new WebSocket(wsUrl(servers.eioEcho) + "/");
    open.push({ close: () => ws.terminate() });
    await nextEvent(ws, "open", 5000);
    return ws;
  }

  test("text frames are echoed unchanged", async () => {
    const ws = await plain();
    for (const text of ["hello", '{"json":true}', "ünïcødé ✓", "y".repeat(70000)]) {
      const echo = nextEvent(ws, "message");
      ws.send(text);
      const [data, isBinary] = await echo;
      assert.equal(isBinary, false);
      assert.equal(data.toString(), text);
    }
  });

  test("binary frames are echoed unchanged", async () => {
    const ws = await plain();
    for (const bytes of [Buffer.from([0, 255, 1]), Buffer.alloc(0), Buffer.alloc(200000, 7)]) {
      const echo = nextEvent(ws, "message");
      ws.send(bytes);
      const [data, isBinary] = await echo;
      assert.equal(isBinary, true);
      assert.deepEqual(Buffer.from(data), bytes);
    }
  });

  test("a fragmented message is echoed whole; pings are answered", async () => {
    const ws = await plain();
    const echo = nextEvent(ws, "message");
    ws.send("first half, ", { fin: false });
    ws.send("second half", { fin: true });
    const [data, isBinary] = await echo;
    assert.equal(isBinary, false);
    assert.equal(data.toString(), "first half, second half");
    const pong = nextEvent(ws, "pong");
    ws.ping(Buffer.from("are you there"));
    assert.equal((await pong)[0].toString(), "are you there");
  });

  test("close handshake is answered", async () => {
    const ws = await plain();
    const closed = nextEvent(ws, "close");
    ws.close(1000, "bye");
    const [code] = await closed;
    assert.equal(code, 1000);
  });

  test("several plain clients are independent", async () => {
    const clients = await Promise.all([plain(), plain(), plain()]);
    const echoes = clients.map((ws) => nextEvent(ws, "message"));
    clients.forEach((ws, i) => ws.send(`client-${i}`));
    const got = await withTimeout(Promise.all(echoes), 3000, "echoes");
    assert.deepEqual(got.map(([d]) => d.toString()), ["client-0", "client-1", "client-2"]);
  });
});
