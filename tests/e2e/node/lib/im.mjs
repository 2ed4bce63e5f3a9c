// Helpers for the IM service tests (docs/im-protocol.md): tokens minted with node:crypto, a
// connected device, acked calls, and a device that keeps a cursor per conversation.
import crypto from "node:crypto";
import { io } from "socket.io-client";
import { httpUrl } from "./env.mjs";
import { withTimeout } from "./wait.mjs";

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suites through tests/e2e/run-node.sh`);
  return value;
}

export const im = {
  get port() { return Number(env("IMEDGE_E2E_IM_PORT")); },      // HS256, issuer + audience
  get rsPort() { return Number(env("IMEDGE_E2E_IM_RS_PORT")); }, // RS256, user claim user_id
  // HS256 as `port`, with --group-create-claim can_create_groups.
  get rulesPort() { return Number(env("IMEDGE_E2E_IM_RULES_PORT")); },
  // No key configured: the development secret and GET /dev/token.
  get devPort() { return Number(env("IMEDGE_E2E_IM_DEV_PORT")); },
  get secret() { return env("IMEDGE_E2E_IM_SECRET"); },
  issuer: "imedge-tests",
  audience: "imedge",
  get rsPrivateKey() { return env("IMEDGE_E2E_IM_RS_PRIVATE_KEY"); },
  get rsPublicKey() { return env("IMEDGE_E2E_IM_RS_PUBLIC_KEY"); },
};

const b64url = (x) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x)).toString("base64url");

// A JWT with `claims` (iat/exp/iss/aud added unless given), signed with `alg` and `key`.
export function token(claims, { alg = "HS256", key = im.secret, header = {} } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const body = { iat: now, exp: now + 600, iss: im.issuer, aud: im.audience, ...claims };
  const head = b64url({ alg, typ: "JWT", ...header });
  const input = `${head}.${b64url(body)}`;
  let sig = "";
  if (alg === "HS256") sig = crypto.createHmac("sha256", key).update(input).digest("base64url");
  else if (alg === "RS256") sig = crypto.sign("sha256", Buffer.from(input), key).toString("base64url");
  return `${input}.${sig}`;
}

export const userToken = (user) => token({ sub: user });

const open = new Set();
export function closeAll() {
  for (const s of open) s.disconnect();
  open.clear();
}

// Connects with { auth: { token } } (or the query when `viaQuery`); resolves the socket, or
// rejects with the connect_error.
export function connect(tok, { port = im.port, viaQuery = false, transports = ["websocket"] } = {}) {
  const socket = io(httpUrl(port), {
    forceNew: true,
    reconnection: false,
    timeout: 5000,
    transports,
    ...(viaQuery ? { query: { token: tok } } : { auth: { token: tok } }),
  });
  open.add(socket);
  socket.on("disconnect", () => open.delete(socket));
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.once("connect", () => resolve(socket));
      socket.once("connect_error", (e) => { open.delete(socket); socket.close(); reject(e); });
    }),
    8000,
    "connect",
  );
}

// emit(event, arg) with an ack; resolves the ack's first argument.
export function call(socket, event, arg, ms = 10000) {
  return withTimeout(socket.timeout(ms).emitWithAck(event, arg), ms + 1000, `ack of ${event}`);
}

// A user's device: records every `message` per conversation and checks, as it goes, that each
// conversation arrives exactly once, in order, with no gap (seq == last + 1).
export class Device {
  constructor(user, cursors = {}) {
    this.user = user;
    this.cursors = { ...cursors }; // conversation -> last seq seen
    this.received = [];            // every message, in arrival order
    this.violations = [];
    this.waiters = [];
  }

  async open(opts = {}) {
    this.socket = await connect(opts.token ?? userToken(this.user), opts);
    this.socket.on("message", (m) => this.onMessage(m));
    this.synced = await call(this.socket, "sync", this.cursors);
    return this.synced;
  }

  onMessage(m) {
    const last = this.cursors[m.conversation] ?? 0;
    if (m.seq !== last + 1) this.violations.push(`${m.conversation}: got ${m.seq} after ${last}`);
    this.cursors[m.conversation] = Math.max(last, m.seq);
    this.received.push(m);
    this.waiters = this.waiters.filter((w) => !w());
  }

  // Resolves once conversation `c` has reached `seq`.
  reach(c, seq, ms = 15000) {
    return withTimeout(
      new Promise((resolve) => {
        const check = () => ((this.cursors[c] ?? 0) >= seq ? (resolve(), true) : false);
        if (!check()) this.waiters.push(check);
      }),
      ms,
      `${this.user} reaching ${c}#${seq} (at ${this.cursors[c] ?? 0})`,
    );
  }

  close() {
    this.socket?.disconnect();
  }
}

export const direct = (a, b) => (a < b ? `d:${a}:${b}` : `d:${b}:${a}`);
export const unique = (name) => `${name}-${crypto.randomBytes(4).toString("hex")}`;
