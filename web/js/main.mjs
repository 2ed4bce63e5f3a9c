// The chat page: log in, then keep the state of every conversation (messages, unread count,
// the other members' receipts, who is typing) from the client's events, and render it.
import { ImClient, directId, directPeers } from "./im_client.mjs";
import { $, renderConversations, renderMessages, renderTyping } from "./view.mjs";
import { developmentToken, expiryOf, forgetToken, keepToken, storedToken, userOf } from "./session.mjs";

const TYPING_SHOWN_MS = 4000, TYPING_EVERY_MS = 2000, PAGE = 30;

let client = null;
let current = null;                 // the open conversation's id
const conversations = new Map();    // id -> state, see conversation()
let titles = {};                    // group id -> title we know (kept in localStorage)

function conversation(id) {
  let c = conversations.get(id);
  if (!c) {
    c = {
      id, unread: 0, lastSeq: 0,
      messages: new Map(),          // seq -> message (entries of kind "message")
      pending: new Map(),           // client_id -> a send not yet acked
      members: directPeers(id),     // null for a group until group.members answers
      peers: {},                    // user -> {delivered, read}, from live receipts
      others: { delivered: 0, read: 0 }, // every other member is at least here (the sync ack)
      typing: new Map(),            // user -> timer
      oldest: Infinity,             // lowest seq loaded (history stops at 1)
    };
    conversations.set(id, c);
  }
  return c;
}

const titleOf = (c) => {
  const pair = directPeers(c.id);
  if (pair) return pair[0] === client.user ? pair[1] : pair[0];
  return titles[c.id] ?? c.id;
};

function tick(c, m) {
  if (m.from !== client.user) return null;
  const others = (c.members ?? []).filter((u) => u !== client.user);
  // A member's position: the later of its live receipts and the floor the sync ack gave.
  const at = (u, kind) => Math.max(c.peers[u]?.[kind] ?? 0, c.others[kind]);
  const all = (kind) => (others.length > 0 ? others.every((u) => at(u, kind) >= m.seq) : c.others[kind] >= m.seq && m.seq > 0);
  return all("read") ? "read" : all("delivered") ? "delivered" : "sent";
}

const visible = () => document.visibilityState === "visible";

function render() {
  const list = [...conversations.values()].sort((a, b) => b.lastSeq - a.lastSeq || a.id.localeCompare(b.id));
  renderConversations(list, current, titleOf);
  if (!current) return;
  const c = conversation(current);
  $("#conversation-title").textContent = titleOf(c) + (c.id.startsWith("g:") ? `  (${c.id})` : "");
  renderMessages(c, client.user, (m) => tick(c, m));
  renderTyping([...c.typing.keys()]);
}

// Reports what the open conversation shows as read, and zeroes its badge.
function markRead() {
  if (!current || !visible()) return;
  const c = conversation(current);
  c.unread = 0;
  if (c.lastSeq > 0) client.report("read", c.id, c.lastSeq);
}

async function open(id) {
  current = id;
  const c = conversation(id);
  $("#composer").hidden = false;
  c.scrollToEnd = true;
  markRead();
  render();
  if (!c.members) c.members = (await client.members(id).catch(() => ({ members: [] }))).members.map((m) => m.user);
  if (c.messages.size < PAGE) await loadOlder(c);
  render();
  $("#composer [name=text]").focus();
}

// Scroll-back: the page before the oldest entry loaded (or before our cursor after a reload).
async function loadOlder(c) {
  const before = Math.min(c.oldest, (client.cursors[c.id] ?? 0) + 1);
  if (before <= 1 || c.loading) return;
  c.loading = true;
  try {
    const { messages } = await client.history(c.id, before, PAGE);
    for (const m of messages) apply(c, m);
    c.oldest = Math.min(c.oldest, ...messages.map((m) => m.seq), messages.length < PAGE ? 1 : Infinity);
    c.prepended = true;
  } finally {
    c.loading = false;
  }
  if (c.id === current) render();
}

// One entry of a conversation's sequence: a message, or an edit/delete of an earlier one.
function apply(c, m) {
  c.oldest = Math.min(c.oldest, m.seq);
  c.lastSeq = Math.max(c.lastSeq, m.seq);
  if (m.kind === "edit" || m.kind === "delete") {
    const target = c.messages.get(m.ref);
    if (target && m.kind === "edit") Object.assign(target, { body: m.body, edited: true });
    if (target && m.kind === "delete") target.deleted = true;
    return;
  }
  c.messages.set(m.seq, { ...m });
}

function onMessage(m) {
  const c = conversation(m.conversation);
  apply(c, m);
  c.pending.delete(m.client_id);
  stopTyping(c, m.from);
  if (m.from !== client.user) {
    if (m.conversation === current && visible()) markRead();
    else c.unread += 1;
    client.report("delivered", c.id, m.seq);
  }
  render();
}

function onReceipt(r) {
  const c = conversation(r.conversation);
  if (r.user === client.user) {
    if (r.kind === "read") c.unread = 0; // read on another of my devices
  } else {
    const p = (c.peers[r.user] ??= { delivered: 0, read: 0 });
    p[r.kind] = Math.max(p[r.kind], r.seq);
    if (r.kind === "read") p.delivered = Math.max(p.delivered, r.seq);
  }
  render();
}

function stopTyping(c, user) {
  clearTimeout(c.typing.get(user));
  c.typing.delete(user);
}

function onTyping({ conversation: id, user }) {
  const c = conversation(id);
  stopTyping(c, user);
  c.typing.set(user, setTimeout(() => { stopTyping(c, user); render(); }, TYPING_SHOWN_MS));
  render();
}

function onGroup(g) {
  const aboutMe = g.user === client.user;
  if (aboutMe && g.change === "invited") {
    // Not a member yet: the invitation is used by joining.
    $("#join-group [name=conversation]").value = g.conversation;
    $("#typing").textContent = `${g.by} invited you to a group: press Join`;
    return;
  }
  if (aboutMe && (g.change === "left" || g.change === "removed")) {
    conversations.delete(g.conversation);
    if (current === g.conversation) current = null;
  } else {
    conversation(g.conversation).members = g.members.map((m) => m.user);
  }
  render();
}

function onConversations(list) {
  for (const s of list) {
    const c = conversation(s.conversation);
    c.lastSeq = Math.max(c.lastSeq, s.last_seq);
    c.unread = s.unread;
    if (s.others) {
      c.others.delivered = Math.max(c.others.delivered, s.others.delivered);
      c.others.read = Math.max(c.others.read, s.others.read);
    }
  }
  markRead();
  render();
}

function sendText(text) {
  const c = conversation(current);
  const pair = directPeers(c.id);
  // A direct conversation is addressed by the other user the first time (it may not exist yet).
  const target = pair ? { to: pair[0] === client.user ? pair[1] : pair[0] } : { conversation: c.id };
  const entry = client.send(target, { text });
  c.pending.set(entry.client_id, { ...entry, from: client.user });
  c.scrollToEnd = true;
  render();
}

function wireForms() {
  let lastTyping = 0;
  $("#composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = e.target.elements.text;
    if (input.value.trim()) sendText(input.value);
    input.value = "";
    lastTyping = 0;
  });
  $("#composer [name=text]").addEventListener("input", () => {
    if (current && Date.now() - lastTyping > TYPING_EVERY_MS) {
      lastTyping = Date.now();
      client.typing(current);
    }
  });
  $("#new-direct").addEventListener("submit", (e) => {
    e.preventDefault();
    const other = e.target.elements.user.value.trim();
    if (!other || other.includes(":")) return;
    e.target.reset();
    open(directId(client.user, other));
  });
  $("#new-group").addEventListener("submit", async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    const members = f.members.value.split(",").map((s) => s.trim()).filter(Boolean);
    const g = await client.createGroup(f.title.value.trim(), members);
    titles[g.conversation] = f.title.value.trim();
    localStorage.setItem(`${client.key}.titles`, JSON.stringify(titles));
    conversation(g.conversation).members = g.members.map((m) => m.user);
    e.target.reset();
    open(g.conversation);
  });
  $("#join-group").addEventListener("submit", async (e) => {
    e.preventDefault();
    const id = e.target.elements.conversation.value.trim();
    const g = await client.joinGroup(id);
    conversation(id).members = g.members.map((m) => m.user);
    e.target.reset();
    open(id);
  });
  $("#conversations").addEventListener("click", (e) => {
    const li = e.target.closest("li[data-conversation]");
    if (li) open(li.dataset.conversation);
  });
  $("#messages").addEventListener("scroll", (e) => {
    if (current && e.target.scrollTop < 40) loadOlder(conversation(current));
  });
  document.addEventListener("visibilitychange", () => { markRead(); render(); });
  $("#logout").addEventListener("click", () => { forgetToken(); location.reload(); });
}

// A minute before the token runs out, ask for a fresh development token and hand it to the
// live connection (auth.refresh). A server that hands out none (a key is configured) ends the
// connection at `exp` with auth.expired, and the page asks for a new token.
function keepTokenFresh(user, token) {
  const exp = expiryOf(token);
  if (!exp) return;
  const wait = Math.min(Math.max(exp - Date.now() - 60000, 5000), 2 ** 31 - 1);
  setTimeout(async () => {
    const fresh = await developmentToken(user).catch(() => null);
    if (!fresh) return;
    try {
      await client.refreshToken(fresh);
      keepToken(fresh);
      keepTokenFresh(user, fresh);
    } catch {
      // Refused or offline: the connection ends at `exp` and says so.
    }
  }, wait);
}

function start(token) {
  const user = userOf(token);
  if (!user) return showLogin("that token names no user");
  keepToken(token);
  $("#login").hidden = true;
  $("#app").hidden = false;
  $("#me").textContent = user;
  client = new ImClient(token, user);
  titles = client.load("titles", {});
  client.addEventListener("state", ({ detail }) => {
    $("#status").dataset.state = detail.state;
    $("#status").textContent = detail.state;
    $("#status").title = detail.detail ?? "";
  });
  client.addEventListener("conversations", (e) => onConversations(e.detail));
  client.addEventListener("message", (e) => onMessage(e.detail));
  client.addEventListener("receipt", (e) => onReceipt(e.detail));
  client.addEventListener("typing", (e) => onTyping(e.detail));
  client.addEventListener("group", (e) => onGroup(e.detail));
  // A fresh page for the next login (its forms and client are wired once per page), telling
  // why the last session ended.
  client.addEventListener("ended", (e) => {
    forgetToken();
    sessionStorage.setItem("imedge.ended", e.detail.event === "auth.expired"
      ? "your token expired: log in again"
      : `the server ended your session: ${e.detail.reason ?? "revoked"}`);
    location.reload();
  });
  client.addEventListener("refused", (e) => {
    conversation(current)?.pending.delete(e.detail.client_id);
    for (const c of conversations.values()) c.pending.delete(e.detail.client_id);
    $("#typing").textContent = `not sent: ${e.detail.error}`;
  });
  // Sends kept from before a reload are shown as pending until their ack comes.
  for (const entry of client.outbox) {
    const id = entry.conversation ?? directId(user, entry.to);
    conversation(id).pending.set(entry.client_id, { ...entry, from: user });
  }
  wireForms();
  client.start();
  keepTokenFresh(user, token);
  render();
}

function showLogin(error = "") {
  $("#app").hidden = true;
  $("#login").hidden = false;
  $("#login-error").textContent = error;
}

$("#dev-login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const token = await developmentToken(e.target.elements.user.value.trim()).catch(() => null);
  if (token) start(token);
  else showLogin("this server hands out no development tokens: paste one (imedge token USER)");
});
$("#token-login").addEventListener("submit", (e) => {
  e.preventDefault();
  start(e.target.elements.token.value.trim());
});

const token = storedToken();
const ended = sessionStorage.getItem("imedge.ended");
sessionStorage.removeItem("imedge.ended");
if (token) start(token);
else showLogin(ended ?? "");
