// Rendering: the conversation list and the messages of the open conversation, from the state
// kept in main.mjs. Plain DOM; every value from the network goes in as text, never as HTML.

export const $ = (selector) => document.querySelector(selector);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("data-") || k.startsWith("aria-")) node.setAttribute(k, v);
    else node[k] = v;
  }
  node.append(...children);
  return node;
}

export function bodyText(body) {
  if (body && typeof body === "object" && typeof body.text === "string") return body.text;
  return JSON.stringify(body);
}

const time = (ts) => new Date(ts).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

export function renderConversations(list, current, titleOf) {
  const ul = $("#conversations");
  ul.replaceChildren(
    ...list.map((c) =>
      el("li", { "data-conversation": c.id, "aria-selected": String(c.id === current) },
        el("span", { class: "name", textContent: titleOf(c) }),
        el("span", { class: "kind", textContent: c.id.startsWith("g:") ? "group" : "" }),
        el("span", { class: "unread", textContent: c.unread > 0 ? String(c.unread) : "" }))));
}

// `tick(m)` is "pending", "sent", "delivered" or "read" for my messages, null for others'.
export function renderMessages(c, me, tick) {
  const ol = $("#messages");
  const atBottom = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 40;
  const oldHeight = ol.scrollHeight, oldTop = ol.scrollTop;
  const items = [...c.messages.values()].sort((a, b) => a.seq - b.seq).map((m) => messageItem(m, me, tick(m)));
  for (const p of c.pending.values()) items.push(messageItem(p, me, "pending"));
  ol.replaceChildren(...items);
  if (atBottom || c.scrollToEnd) ol.scrollTop = ol.scrollHeight;
  else ol.scrollTop = oldTop + (ol.scrollHeight - oldHeight) * (c.prepended ? 1 : 0);
  c.scrollToEnd = c.prepended = false;
}

const TICKS = { pending: "🕓", sent: "✓", delivered: "✓✓", read: "✓✓" };

function messageItem(m, me, tick) {
  const mine = m.from === me;
  const meta = el("div", { class: "meta", textContent: m.ts ? time(m.ts) : "" });
  if (mine && tick) meta.append(el("span", { class: "ticks", "data-tick": tick, textContent: TICKS[tick] }));
  return el("li", {
    class: `${mine ? "mine" : ""} ${m.deleted ? "deleted" : ""}`.trim(),
    "data-seq": m.seq ?? "", "data-from": m.from, "data-client-id": m.client_id ?? "",
  },
  el("div", { class: "from", textContent: m.from }),
  el("div", { class: "body", textContent: m.deleted ? "message deleted" : bodyText(m.body) + (m.edited ? " (edited)" : "") }),
  meta);
}

export function renderTyping(users) {
  $("#typing").textContent =
    users.length === 0 ? "" : `${users.join(", ")} ${users.length === 1 ? "is" : "are"} typing…`;
}
