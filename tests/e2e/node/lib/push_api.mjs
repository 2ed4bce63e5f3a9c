// The push HTTP API (docs/push-api.openapi.yaml) as a backend calls it with fetch, and a bounded
// poll of one of its queries, shared by the suites that drive it.
import { httpUrl } from "./env.mjs";
import { im } from "./im.mjs";
import { withTimeout } from "./wait.mjs";

export const apiKey = () => process.env.IMEDGE_E2E_API_KEY;

// One request; resolves { status, json (undefined when the body is not JSON), text, headers }.
export async function api(path, { method = "POST", body, auth = `Bearer ${apiKey()}`, headers = {}, port = im.port } = {}) {
  const res = await withTimeout(
    fetch(httpUrl(port) + path, {
      method,
      headers: { ...(auth ? { authorization: auth } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    }),
    10000,
    `${method} ${path}`,
  );
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text, headers: res.headers };
}

// Polls a query until `ok(answer)` (each poll is a request the server answers; no sleeps).
export async function until(query, ok, what, ms = 8000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    last = await query();
    if (ok(last)) return last;
  }
  throw new Error(`timed out waiting for ${what}; last answer ${JSON.stringify(last?.json)}`);
}
