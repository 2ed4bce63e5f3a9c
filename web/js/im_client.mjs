// The IM protocol (docs/im-protocol.md) as a small client: connect with a token, sync from the
// cursors kept in localStorage, then live messages; sends carry a client id and are re-sent on
// every reconnect until acked, so a message is stored exactly once however the network behaves.
//
// Exactly-once on the receiving side: the server replays, per conversation, every entry after
// the cursor we give in `sync`, then the live stream, in seq order. The client moves a cursor
// only forwards and ignores an entry at or below it, so a replay never shows anything twice.

/* global io */

const ACK_TIMEOUT_MS = 10000;

export class ImClient extends EventTarget {
  constructor(token, user) {
    super();
    this.user = user;
    this.key = `imedge.${user}`;
    this.cursors = this.load("cursors", {});   // conversation -> last seq received
    this.outbox = this.load("outbox", []);     // sends not yet acked: {client_id, to|conversation, body}
    this.receipts = {};                        // conversation -> {delivered, read} we reported
    this.socket = io({ auth: { token }, autoConnect: false });
    this.socket.on("connect", () => this.onConnect());
    this.socket.on("disconnect", (reason) => this.emitState("offline", reason));
    this.socket.on("connect_error", (e) => this.emitState("refused", e.data?.reason ?? e.message));
    for (const name of ["message", "receipt", "typing", "group"])
      this.socket.on(name, (data) => this.onServerEvent(name, data));
    // The server ends the connection itself when the token runs out or the user is revoked;
    // it says why first. Reconnecting with the same token would not help.
    for (const name of ["auth.expired", "auth.revoked"])
      this.socket.on(name, (data) => this.dispatchEvent(new CustomEvent("ended", { detail: { event: name, reason: data?.reason } })));
    // The browser knows before any heartbeat does that the network is gone or back.
    addEventListener("offline", () => this.socket.disconnect());
    addEventListener("online", () => this.socket.connect());
  }

  start() {
    if (navigator.onLine) this.socket.connect();
    else this.emitState("offline", "no network");
  }

  load(name, fallback) {
    try {
      return JSON.parse(localStorage.getItem(`${this.key}.${name}`)) ?? fallback;
    } catch {
      return fallback;
    }
  }

  save(name, value) {
    localStorage.setItem(`${this.key}.${name}`, JSON.stringify(value));
  }

  emitState(state, detail) {
    this.dispatchEvent(new CustomEvent("state", { detail: { state, detail } }));
  }

  async call(event, arg) {
    const reply = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, arg);
    if (!reply?.ok) throw new Error(reply?.error ?? "no reply");
    return reply;
  }

  // Catch-up first, then the outbox: the replay of what we missed comes before our own
  // re-sent messages, whose seqs are necessarily newer.
  async onConnect() {
    this.emitState("syncing");
    try {
      const { conversations } = await this.call("sync", this.cursors);
      this.dispatchEvent(new CustomEvent("conversations", { detail: conversations }));
      this.emitState("online");
      for (const entry of [...this.outbox]) this.transmit(entry);
    } catch (e) {
      this.emitState("offline", e.message);
    }
  }

  onServerEvent(name, data) {
    if (name === "message") {
      const last = this.cursors[data.conversation] ?? 0;
      if (data.seq <= last) return; // already shown: a replay overlapping what we had
      this.cursors[data.conversation] = data.seq;
      this.save("cursors", this.cursors);
      if (data.from === this.user) this.settle(data.client_id);
    }
    this.dispatchEvent(new CustomEvent(name, { detail: data }));
  }

  // Queues a message for `target` ({to: user} or {conversation: id}); returns its client id.
  send(target, body) {
    const entry = { ...target, body, client_id: crypto.randomUUID() };
    this.outbox.push(entry);
    this.save("outbox", this.outbox);
    if (this.socket.connected) this.transmit(entry);
    return entry;
  }

  async transmit(entry) {
    try {
      const ack = await this.call("send", entry);
      this.settle(entry.client_id);
      this.dispatchEvent(new CustomEvent("acked", { detail: { ...ack, client_id: entry.client_id } }));
    } catch (e) {
      // A timeout or a lost connection: kept in the outbox, re-sent with the same client id on
      // the next connect (the server acks the seq it stored the first time). A refusal by the
      // server (not a member, bad request) will not get better: drop it and say so.
      if (e.message !== "operation has timed out" && this.socket.connected) {
        this.settle(entry.client_id);
        this.dispatchEvent(new CustomEvent("refused", { detail: { ...entry, error: e.message } }));
      }
    }
  }

  settle(clientId) {
    const before = this.outbox.length;
    this.outbox = this.outbox.filter((e) => e.client_id !== clientId);
    if (this.outbox.length !== before) this.save("outbox", this.outbox);
  }

  // Tells the server how far we have received or read (only ever forwards).
  report(kind, conversation, seq) {
    const mine = (this.receipts[conversation] ??= { delivered: 0, read: 0 });
    if (seq <= mine[kind] || !this.socket.connected) return;
    mine[kind] = seq;
    if (kind === "read" && mine.delivered < seq) mine.delivered = seq;
    this.socket.emit(kind, { conversation, seq });
  }

  history(conversation, before, limit = 30) {
    return this.call("history", { conversation, before, limit });
  }

  typing(conversation) {
    if (this.socket.connected) this.socket.emit("typing", { conversation });
  }

  // Hands the live connection a newer token of the same user (before the old one's `exp`);
  // later reconnects use it too. Resolves the server's ack {ok, exp}.
  async refreshToken(token) {
    const ack = await this.call("auth.refresh", { token });
    this.socket.auth = { token };
    return ack;
  }

  createGroup(title, members) {
    return this.call("group.create", { title, members });
  }

  joinGroup(conversation) {
    return this.call("group.join", { conversation });
  }

  members(conversation) {
    return this.call("group.members", { conversation });
  }
}

// The id of the direct conversation of users a and b, whichever way round.
export const directId = (a, b) => (a < b ? `d:${a}:${b}` : `d:${b}:${a}`);

// The two users of a direct conversation id ("d:" + the smaller id + ":" + the other).
export function directPeers(conversation) {
  if (!conversation.startsWith("d:")) return null;
  const rest = conversation.slice(2);
  const colon = rest.indexOf(":");
  return [rest.slice(0, colon), rest.slice(colon + 1)];
}
