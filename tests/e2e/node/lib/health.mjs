// Waiting on what the server has seen: GET /healthz reports gauges summed over all shards
// (sessions, parked_gets, pings_sent, pongs_received; see README.md), and waitFor polls it until
// a condition holds. Polling the server for a fact is a signal; a sleep would be a guess.
import { httpUrl, reference } from "./env.mjs";
import { request } from "./raw.mjs";
import { sleep } from "./wait.mjs";

export async function health(port) {
  const res = await request(`${httpUrl(port)}/healthz`, { timeout: 3000 });
  if (res.status !== 200) throw new Error(`/healthz: ${res.status} ${res.text}`);
  return JSON.parse(res.text);
}

// Resolves with the first /healthz answer for which `predicate` holds; rejects after `ms`
// (generous: it must hold under ThreadSanitizer on a loaded machine).
export async function waitFor(port, predicate, what = "a /healthz condition", ms = 5000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await health(port);
    if (predicate(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}: ${JSON.stringify(last)}`);
    await sleep(10); // the poll period, not a guess at the server's state
  }
}

// Starts `get` (a promise-returning long-poll) and resolves, once the server holds it parked
// (parked_gets above what it was before), with { response }: the GET's still pending promise. The Node reference servers have no
// /healthz: there the old fixed pause remains (a reference run only checks the expectations).
export async function parkGet(port, get) {
  if (reference) {
    const pending = get();
    await sleep(100);
    return { response: pending };
  }
  const before = (await health(port)).parked_gets;
  const pending = get();
  await waitFor(port, (h) => h.parked_gets > before, "the GET to be parked on the server");
  return { response: pending };
}
