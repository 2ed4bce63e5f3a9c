// Bounded waits: every helper here rejects after a deadline instead of hanging a test.

import { readFileSync } from "node:fs";
import net from "node:net";

export function withTimeout(promise, ms, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

// Resolves with the arguments (an array) of the next `event` on an emitter
// (socket.io-client, engine.io-client or Node EventEmitter).
export function nextEvent(emitter, event, ms = 3000) {
  return withTimeout(
    new Promise((resolve) => emitter.once(event, (...args) => resolve(args))),
    ms,
    `event "${event}"`,
  );
}

// Resolves `n` events' argument lists, in order.
export function collectEvents(emitter, event, n, ms = 3000) {
  const got = [];
  return withTimeout(
    new Promise((resolve) => {
      const on = (...args) => {
        got.push(args);
        if (got.length === n) {
          emitter.off(event, on);
          resolve(got);
        }
      };
      emitter.on(event, on);
    }),
    ms,
    `${n} "${event}" events (got ${got.length})`,
  );
}

// Resolves once connecting to 127.0.0.1:port is refused: the process that listened there is
// gone and the kernel has closed its listeners. After a SIGKILL the process may still accept
// into its backlog for a moment, so a test that needs "the node is down" waits for this.
export function waitRefused(port, ms = 5000) {
  let stop = false;
  const attempt = (resolve) => {
    if (stop) return;
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      setImmediate(() => attempt(resolve));
    });
    socket.once("error", (err) => (err.code === "ECONNREFUSED" ? resolve() : setImmediate(() => attempt(resolve))));
  };
  return withTimeout(new Promise(attempt), ms, `port ${port} to refuse connections`).finally(() => {
    stop = true;
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Normalises whatever binary type a client hands out to a Buffer.
export function toBuffer(x) {
  if (Buffer.isBuffer(x)) return x;
  if (x instanceof ArrayBuffer) return Buffer.from(new Uint8Array(x));
  if (ArrayBuffer.isView(x)) return Buffer.from(x.buffer, x.byteOffset, x.byteLength);
  throw new Error(`not binary: ${Object.prototype.toString.call(x)}`);
}

// Deep-copies a value turning every binary leaf into a Buffer, for deepStrictEqual.
export function normaliseBinary(x) {
  if (x instanceof ArrayBuffer || ArrayBuffer.isView(x)) return toBuffer(x);
  if (Array.isArray(x)) return x.map(normaliseBinary);
  if (x && typeof x === "object") {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, normaliseBinary(v)]));
  }
  return x;
}

// How many lines of the log file at `path` contain `text`.
export function logLines(path, text) {
  return readFileSync(path, "utf8").split("\n").filter((l) => l.includes(text)).length;
}

// Waits until the server has logged `n` lines containing `text` in the file at `path` (its
// readiness and counter lines are the signals), polling every 20 ms.
export async function waitLogLines(path, text, n = 1, ms = 10000) {
  const deadline = Date.now() + ms;
  while (logLines(path, text) < n) {
    if (Date.now() > deadline) throw new Error(`${path}: the server did not log ${n} x "${text}"`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// Every `event` that `socket` gets, in order, as its argument arrays.
export function recordEvents(socket, event) {
  const got = [];
  socket.on(event, (...args) => got.push(args));
  return got;
}
