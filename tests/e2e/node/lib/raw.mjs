// Raw Engine.IO v4 helpers over fetch (polling) and ws (WebSocket), for the conformance tests.
// Nothing here hides protocol behaviour: each helper does one HTTP request or wraps one socket.
import assert from "node:assert/strict";
import http from "node:http";
import WebSocket from "ws";
import { host } from "./env.mjs";
import { withTimeout } from "./wait.mjs";

export const RS = "\x1e"; // the polling payload separator

export function eioUrl(port, path, params, scheme = "http") {
  const query = new URLSearchParams({ EIO: "4", ...params });
  for (const [k, v] of Object.entries(params)) if (v === undefined) query.delete(k);
  return `${scheme}://${host}:${port}${path}?${query}`;
}

// One HTTP request; resolves {status, text, contentType}. Never hangs past `timeout` (rejects
// with an Error saying so). `fresh: true` sends it on a new TCP connection (closed afterwards):
// with several shards, consecutive requests of one session then land on arbitrary shards.
export async function request(url, { method = "GET", body, timeout = 5000, headers, fresh = false } = {}) {
  if (fresh) return freshRequest(url, { method, body, timeout, headers });
  let res;
  try {
    res = await fetch(url, {
      method,
      body,
      headers: { ...(body !== undefined ? { "content-type": "text/plain;charset=UTF-8" } : {}), ...headers },
      signal: AbortSignal.timeout(timeout),
    });
    const text = await res.text();
    return { status: res.status, text, contentType: res.headers.get("content-type") };
  } catch (e) {
    if (e.name === "TimeoutError") throw new Error(`${method} ${url}: no answer within ${timeout} ms`);
    throw e;
  }
}

function freshRequest(url, { method, body, timeout, headers }) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method,
      agent: false,
      headers: { connection: "close", ...(body !== undefined ? { "content-type": "text/plain;charset=UTF-8" } : {}), ...headers },
      timeout,
    }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({
        status: res.statusCode, text: Buffer.concat(chunks).toString(), contentType: res.headers["content-type"],
      }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url}: no answer within ${timeout} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

export function splitPayload(text) {
  return text === "" ? [] : text.split(RS);
}

// Polling handshake: resolves {sid, open (parsed handshake object), packets (after the open)}.
export async function openPolling(port, path, opts) {
  const res = await request(eioUrl(port, path, { transport: "polling" }), opts);
  if (res.status !== 200) throw new Error(`handshake answered ${res.status}: ${res.text}`);
  const [first, ...packets] = splitPayload(res.text);
  if (first[0] !== "0") throw new Error(`handshake did not start with an open packet: ${res.text}`);
  const open = JSON.parse(first.slice(1));
  return { sid: open.sid, open, packets };
}

export const pollGet = (port, path, sid, opts) =>
  request(eioUrl(port, path, { transport: "polling", sid }), opts);

export const pollPost = (port, path, sid, body, opts) =>
  request(eioUrl(port, path, { transport: "polling", sid }), { method: "POST", body, ...opts });

// Polls until `count` packets arrived (answering server pings with pongs when asked to).
export async function pollPackets(port, path, sid, count, { timeout = 5000, pong = true, fresh = false } = {}) {
  const deadline = Date.now() + timeout;
  const got = [];
  while (got.length < count) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out polling: got ${JSON.stringify(got)}`);
    const res = await pollGet(port, path, sid, { timeout: left, fresh });
    if (res.status !== 200) throw new Error(`poll answered ${res.status}: ${res.text}`);
    for (const p of splitPayload(res.text)) {
      if (p === "2" && pong) await pollPost(port, path, sid, "3", { fresh });
      else if (p !== "6") got.push(p);
    }
  }
  return got;
}

// A WebSocket peer with an inbox: next() resolves the next frame as a string (text frame) or a
// Buffer (binary frame); closed resolves {code, reason} once the connection is gone.
export class WsPeer {
  constructor(url, options = {}) {
    this.ws = new WebSocket(url, options);
    this.inbox = [];
    this.waiters = [];
    this.isClosed = false;
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", resolve);
      this.ws.once("unexpected-response", (req, res) =>
        reject(Object.assign(new Error(`upgrade refused: HTTP ${res.statusCode}`), { status: res.statusCode })));
      this.ws.once("error", reject);
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => {
      this.ws.once("close", (code, reason) => {
        this.isClosed = true;
        resolve({ code, reason: reason.toString() });
        for (const w of this.waiters.splice(0)) w.reject(new Error("websocket closed"));
      });
    });
    this.ws.on("error", () => {}); // surfaced through `closed`
    this.ws.on("message", (data, isBinary) => {
      const frame = isBinary ? Buffer.from(data) : data.toString();
      const w = this.waiters.shift();
      if (w) w.resolve(frame);
      else this.inbox.push(frame);
    });
  }

  static async open(url, options) {
    const peer = new WsPeer(url, options);
    await withTimeout(peer.opened, 5000, `websocket open ${url}`);
    return peer;
  }

  next(ms = 3000) {
    if (this.inbox.length) return Promise.resolve(this.inbox.shift());
    if (this.isClosed) return Promise.reject(new Error("websocket closed"));
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (f) => { clearTimeout(timer); resolve(f); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${ms} ms waiting for a websocket frame`));
      }, ms);
      this.waiters.push(waiter);
    });
  }

  // Next frame that is not an Engine.IO ping (pings are answered with pongs).
  async nextNonPing(ms = 3000) {
    for (;;) {
      const f = await this.next(ms);
      if (f === "2") this.send("3");
      else return f;
    }
  }

  send(data) {
    this.ws.send(data);
  }

  waitClose(ms = 3000) {
    return withTimeout(this.closed, ms, "the server to close the websocket");
  }

  close() {
    if (!this.isClosed) this.ws.terminate();
  }
}

// The Engine.IO session `sid` is gone: a GET drains at most a final close packet (or a pending
// noop/ping), then the sid is refused as unknown (400, code 1).
export async function assertSessionGone(port, path, sid, ms = 3000) {
  const deadline = Date.now() + ms;
  for (;;) {
    let res;
    try {
      res = await pollGet(port, path, sid, { timeout: Math.max(deadline - Date.now(), 1) });
    } catch (e) {
      assert.fail(`the session is still alive: a GET on its sid stayed parked (${e.message})`);
    }
    if (res.status === 400) {
      assert.deepEqual(JSON.parse(res.text), { code: 1, message: "Session ID unknown" });
      return;
    }
    assert.equal(res.status, 200);
    assert.ok(splitPayload(res.text).every((p) => ["1", "6", "2"].includes(p)),
      `session still delivers packets: ${res.text}`);
    if (Date.now() > deadline) assert.fail("the session is still known");
  }
}
