// The chat page (web/) in headless Chromium against imedge: two users in a direct chat, one
// going offline and coming back, a reload keeping history with scroll-back, unread counts,
// typing, and a group of three. Every wait is on something the page shows.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  directId, launch, listItem, message, online, openUser, send, shown, stored, tickOf, unique,
} from "./lib/browser.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const openDirect = async (page, other) => {
  await page.fill("#new-direct [name=user]", other);
  await page.press("#new-direct [name=user]", "Enter");
  await page.waitForSelector("#composer:not([hidden])");
};

describe("chat page", () => {
  test("direct chat: offline, the other keeps writing, back online sees all in order with ticks", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await openUser(browser, a), ben = await openUser(browser, b);
    const c = directId(a, b);
    await openDirect(ann.page, b);
    await send(ann.page, "hello ben");
    await ann.page.waitForSelector(stored(1));

    // Ben sees the conversation appear, unread, and reading it turns Ann's tick blue.
    await ben.page.waitForSelector(`${listItem(c)} .unread:text("1")`);
    await ben.page.click(listItem(c));
    await ben.page.waitForSelector(`${message(1)} .body:text("hello ben")`);
    await ann.page.waitForSelector(tickOf(1, "read"));
    assert.equal(await ben.page.textContent(`${listItem(c)} .unread`), "");

    // Typing reaches the other side.
    await ben.page.type("#composer [name=text]", "ty");
    await ann.page.waitForSelector(`#typing:text("${b} is typing")`);
    await ben.page.fill("#composer [name=text]", "");

    // Ann's machine loses the network; what she writes waits, pending.
    await ann.context.setOffline(true);
    await ann.page.waitForSelector('#status[data-state="offline"]');
    await send(ann.page, "written offline");
    await ann.page.waitForSelector('#messages li .ticks[data-tick="pending"]');

    for (let i = 1; i <= 5; i++) await send(ben.page, `while you were away ${i}`);
    await ben.page.waitForSelector(tickOf(6, "sent"));
    // Nobody delivered them: Ann really is offline.
    assert.deepEqual((await shown(ben.page)).slice(1).map((m) => m.tick), ["sent", "sent", "sent", "sent", "sent"]);

    await ann.context.setOffline(false);
    await online(ann.page);
    await ann.page.waitForSelector(stored(7));
    await ben.page.waitForSelector(`${message(7)} .body:text("written offline")`);
    const annSees = await shown(ann.page);
    assert.deepEqual(annSees.map((m) => [m.seq, m.from]),
      [[1, a], [2, b], [3, b], [4, b], [5, b], [6, b], [7, a]]);
    assert.deepEqual(annSees.slice(1, 6).map((m) => m.text), [1, 2, 3, 4, 5].map((i) => `while you were away ${i}`));
    // Ann has the conversation open: everything she caught up on is read, and Ben sees it.
    await ben.page.waitForSelector(tickOf(6, "read"));
    assert.deepEqual((await shown(ben.page)).map((m) => m.seq), [1, 2, 3, 4, 5, 6, 7]);
    await ann.page.waitForSelector(tickOf(7, "read"));

    fs.mkdirSync(process.env.IMEDGE_E2E_SCREENSHOT_DIR ?? "build/test-logs", { recursive: true });
    await ann.page.screenshot({ path: path.join(process.env.IMEDGE_E2E_SCREENSHOT_DIR ?? "build/test-logs", "chat-page.png") });
    await Promise.all([ann.context.close(), ben.context.close()]);
  });

  test("a reload keeps history: cursors in localStorage, older pages from the server on scroll-back", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const ann = await openUser(browser, a), ben = await openUser(browser, b);
    const c = directId(a, b);
    await openDirect(ben.page, a);
    const total = 40;
    for (let i = 1; i <= total; i++) await send(ben.page, `line ${i}`);
    await ben.page.waitForSelector(stored(total));
    await ann.page.click(listItem(c));
    await ann.page.waitForSelector(message(total));
    assert.equal(await ann.page.evaluate((u) => JSON.parse(localStorage.getItem(`imedge.${u}.cursors`)), a)
      .then((cursors) => cursors[c]), total);

    await ann.page.reload();
    await online(ann.page);
    await ann.page.click(listItem(c));
    await ann.page.waitForSelector(message(total));
    // The newest page came from history, not from a replay: the older ones are not loaded yet.
    assert.equal(await ann.page.$(message(1)), null);
    await ann.page.$eval("#messages", (ol) => { ol.scrollTop = 0; });
    await ann.page.waitForSelector(message(1));
    const seqs = (await shown(ann.page)).map((m) => m.seq);
    assert.deepEqual(seqs, Array.from({ length: total }, (_, i) => i + 1));

    // Live again after the reload, exactly once.
    await send(ben.page, "after your reload");
    await ann.page.waitForSelector(`${message(total + 1)} .body:text("after your reload")`);
    assert.equal((await shown(ann.page)).filter((m) => m.seq === total + 1).length, 1);

    // Ben reloads after Ann read everything: no receipt comes live now, so his ticks are drawn
    // from the other member's positions in the sync ack.
    await ben.page.waitForSelector(tickOf(total + 1, "read"));
    await ben.page.reload();
    await online(ben.page);
    await ben.page.click(listItem(c));
    await ben.page.waitForSelector(tickOf(total + 1, "read"));
    await Promise.all([ann.context.close(), ben.context.close()]);
  });

  test("a group of three: created, listed for the members, unread, read ticks from all", async () => {
    const [a, b, c] = [unique("ann"), unique("ben"), unique("cat")];
    const [ann, ben, cat] = await Promise.all([a, b, c].map((u) => openUser(browser, u)));
    await ann.page.fill("#new-group [name=title]", "trio");
    await ann.page.fill("#new-group [name=members]", `${b}, ${c}`);
    await ann.page.press("#new-group [name=members]", "Enter");
    await ann.page.waitForSelector('#conversation-title:text("trio")');
    const g = (await ann.page.textContent("#conversation-title")).match(/\((g:[^)]+)\)/)[1];

    await cat.page.click(listItem(g));
    await cat.page.waitForSelector("#composer:not([hidden])");
    await send(cat.page, "hi all");
    await cat.page.waitForSelector(stored(1));
    await ann.page.waitForSelector(`${message(1)} .body:text("hi all")`);
    await ben.page.waitForSelector(`${listItem(g)} .unread:text("1")`);
    // Ann has read it, Ben not yet: not all members read it.
    await cat.page.waitForSelector(tickOf(1, "delivered"));
    await ben.page.click(listItem(g));
    await ben.page.waitForSelector(`${message(1)} .body:text("hi all")`);
    await cat.page.waitForSelector(tickOf(1, "read"));

    await send(ben.page, "hello both");
    await Promise.all([ann, cat].map((u) => u.page.waitForSelector(`${message(2)} .body:text("hello both")`)));
    assert.deepEqual((await shown(cat.page)).map((m) => [m.seq, m.from]), [[1, c], [2, b]]);
    await Promise.all([ann, ben, cat].map((u) => u.context.close()));
  });
});
