// A device of the IM service over plain WebSocket /ws (docs/im-protocol.md, "Plain WebSocket"),
// with the `ws` package: JSON envelopes, requests answered by id, pushes recorded by type, and
// the same exactly-once, in-order check per conversation as lib/im.mjs's Device.
import WebSocket from "ws";
import { im } from "./im.mjs";
import { wsUrl } from "./env.mjs";
import { withTimeout } from "./wait.mjs";

const open = new Set();
export function closeAllWs() {
  for (const d of open) d.close();
  open.clear();
}

// Resolves {code, reason} when `ws` closes.
export function closed(ws, ms = 8000) {
  return withTimeout(new Promise((resolve) =>
    ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() }))), ms, "close");
}

export class WsDevice {
  constructor(user, cursors = {}) {
    this.user = user;
    this.cursors = { ...cursors };
    this.received = [];   // `message` pushes, in order
    this.violations = [];
    this.pushes = [];     // every envelope that is not an ack or error: {type, data}
    this.errors = [];     // error envelopes without an id
    this.pending = new Map();
    this.waiters = [];
    this.nextId = 1;
  }

  // Opens /ws with `query` (default: this user's token in ?token=) and `headers`; resolves
  // the `connected` push, or rejects with the close {code, reason} when refused.
  connect({ token, query, headers, port = im.port } = {}) {
    const q = query ?? (token !== undefined ? `?token=${encodeURIComponent(token)}` : "");
    this.ws = new WebSocket(`${wsUrl(port)}/ws${q}`, { headers });
    open.add(this);
    this.closed = closed(this.ws, 600000).finally(() => open.delete(this));
    this.ws.on("message", (raw, binary) => this.onFrame(binary ? raw : raw.toString()));
    return withTimeout(new Promise((resolve, reject) => {
      this.ws.once("error", reject);
      this.closed.then(reject);
      this.waitPush("connected", 8000).then(resolve, reject);
    }), 9000, "/ws connected");
  }

  onFrame(text) {
    const e = JSON.parse(text);
    if ((e.type === "ack" || e.type === "error") && e.id !== undefined && this.pending.has(e.id)) {
      this.pending.get(e.id)(e);
      this.pending.delete(e.id);
    } else if (e.type === "error") {
      this.errors.push(e);
    } else {
      this.pushes.push(e);
      if (e.type === "message") this.onMessage(e.data);
    }
    this.waiters = this.waiters.filter((w) => !w());
  }

  onMessage(m) {
    const last = this.cursors[m.conversation] ?? 0;
    if (m.seq !== last + 1) this.violations.push(`${m.conversation}: got ${m.seq} after ${last}`);
    this.cursors[m.conversation] = Math.max(last, m.seq);
    this.received.push(m);
  }

  // Sends `envelope` as is (a string, or an object given an id when it has none); resolves the
  // answer envelope (ack or error) carrying that id.
  request(envelope, ms = 10000) {
    const e = typeof envelope === "string" ? envelope : { id: this.nextId++, ...envelope };
    const id = typeof e === "string" ? JSON.parse(e).id : e.id;
    const answer = new Promise((resolve) => this.pending.set(id, resolve));
    this.ws.send(typeof e === "string" ? e : JSON.stringify(e));
    return withTimeout(answer, ms, `answer to ${typeof e === "string" ? e : e.type}`);
  }

  // request({type, data}) and the ack's data (rejects on an error envelope).
  async call(type, data, ms) {
    const e = await this.request({ type, data }, ms);
    if (e.type !== "ack") throw new Error(`${type}: ${JSON.stringify(e)}`);
    return e.data;
  }

  // Resolves once `check()` holds (checked on every frame).
  until(check, ms, what) {
    return withTimeout(new Promise((resolve) => {
      const w = () => (check() ? (resolve(), true) : false);
      if (!w()) this.waiters.push(w);
    }), ms, what);
  }

  waitPush(type, ms = 10000, match = () => true) {
    const seen = this.pushes.length;
    return this.until(() => this.pushes.slice(seen).some((p) => p.type === type && match(p.data)), ms,
      `${this.user}: push ${type}`).then(() => this.pushes.slice(seen).find((p) => p.type === type && match(p.data)).data);
  }

  // Errors without an id (the next one after the call).
  nextError(ms = 5000) {
    const seen = this.errors.length;
    return this.until(() => this.errors.length > seen, ms, `${this.user}: error envelope`)
      .then(() => this.errors[seen]);
  }

  reach(c, seq, ms = 15000) {
    return this.until(() => (this.cursors[c] ?? 0) >= seq, ms,
      `${this.user} reaching ${c}#${seq} (at ${this.cursors[c] ?? 0})`);
  }

  close() {
    this.ws?.close();
  }
}
