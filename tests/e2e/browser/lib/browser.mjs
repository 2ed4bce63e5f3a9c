// Helpers for the chat page's browser tests: Debian's Chromium driven by playwright-core (never
// a downloaded browser), tokens minted with node:crypto for the server's test secret, and a
// user's page opened on the chat page and waited on until it is online.
import crypto from "node:crypto";
import { chromium } from "playwright-core";

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through tests/e2e/run-browser.sh`);
  return value;
}

export const baseUrl = () => `http://127.0.0.1:${env("IMEDGE_E2E_WEB_PORT")}`;

const b64url = (x) => Buffer.from(JSON.stringify(x)).toString("base64url");

export function userToken(user) {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url({ sub: user, iat: now, exp: now + 600 })}`;
  const sig = crypto.createHmac("sha256", env("IMEDGE_E2E_WEB_SECRET")).update(input).digest("base64url");
  return `${input}.${sig}`;
}

export const unique = (name) => `${name}-${crypto.randomBytes(3).toString("hex")}`;
export const directId = (a, b) => (a < b ? `d:${a}:${b}` : `d:${b}:${a}`);

// Playwright gives each launch a fresh temporary profile (its own --user-data-dir) and each
// context its own storage, so two contexts are two users on two machines.
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

// A new context (machine) with `user` logged in through ?token=, online.
export async function openUser(browser, user) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 640 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[${user}] page error: ${e.message}`));
  await page.goto(`${baseUrl()}/?token=${userToken(user)}`);
  await online(page);
  return { context, page, user };
}

export const online = (page) => page.waitForSelector('#status[data-state="online"]');

// The messages shown in the open conversation: [{seq, from, text, tick}].
export function shown(page) {
  return page.$$eval("#messages li", (items) =>
    items.map((li) => ({
      seq: li.dataset.seq === "" ? null : Number(li.dataset.seq),
      from: li.dataset.from,
      text: li.querySelector(".body").textContent,
      tick: li.querySelector(".ticks")?.dataset.tick ?? null,
    })));
}

export async function send(page, text) {
  await page.fill("#composer [name=text]", text);
  await page.press("#composer [name=text]", "Enter");
}

export const message = (seq) => `#messages li[data-seq="${seq}"]`;
export const tickOf = (seq, tick) => `${message(seq)} .ticks[data-tick="${tick}"]`;
// Acked by the server (any tick but the clock).
export const stored = (seq) => `${message(seq)} .ticks:not([data-tick="pending"])`;
export const listItem = (id) => `#conversations li[data-conversation="${id}"]`;
