// A token's life on a live connection (docs/im-protocol.md "Token lifecycle"): auth.refresh
// before exp keeps the connection alive past the old exp; a token that runs out unrefreshed
// gets auth.expired and a server-side disconnect; refresh refusals carry connect's reasons; and
// the development token endpoint exists only in the default set-up. Run on 1 and 4 shards.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { call, connect as connectAny, im, token, unique } from "./lib/im.mjs";
import { httpUrl, reference } from "./lib/env.mjs";
import { nextEvent, withTimeout } from "./lib/wait.mjs";

const noIm = reference ? "the reference servers have no IM service" : false;

// The lifecycle tests mostly wait for deadlines, so they run concurrently; each test gets a
// `connect` whose sockets it closes itself when it ends (closeAll would close the others').
const each = (name, fn) =>
  test(name, (t) =>
    fn(async (tok, opts) => {
      const socket = await connectAny(tok, opts);
      t.after(() => socket.disconnect());
      return socket;
    }));

const now = () => Math.floor(Date.now() / 1000);
// Short-lived: 3 s leaves room for a slow connect, and the test still ends in seconds.
const shortToken = (user, seconds = 3) => token({ sub: user, exp: now() + seconds });

// Resolves [reason of auth.expired, disconnect reason] once the server has ended the socket.
function expiry(socket, ms = 15000) {
  return withTimeout(
    new Promise((resolve) => {
      socket.once("auth.expired", (data) =>
        socket.once("disconnect", (why) => resolve([data, why])));
    }),
    ms,
    "auth.expired then disconnect",
  );
}

describe("im: token lifecycle", { skip: noIm, concurrency: true }, () => {
  each("a token that runs out unrefreshed: auth.expired {reason: expired}, then the server disconnects", async (connect) => {
    const socket = await connect(shortToken(unique("eve")));
    const started = Date.now();
    const [data, why] = await expiry(socket);
    assert.deepEqual(data, { reason: "expired" });
    assert.equal(why, "io server disconnect");
    assert.equal(socket.connected, false);
    // Not before its exp (the token was minted with exp = now + 3 at a whole second).
    assert.ok(Date.now() - started >= 1000, `ended after ${Date.now() - started} ms`);
  });

  each("auth.refresh before exp: acked with the new exp; the connection outlives the old exp", async (connect) => {
    const user = unique("rita");
    const refreshed = await connect(shortToken(user));
    const exp = now() + 600;
    const ack = await call(refreshed, "auth.refresh", { token: token({ sub: user, exp }) });
    assert.deepEqual(ack, { ok: true, exp });
    let ended = false;
    refreshed.on("auth.expired", () => { ended = true; });
    refreshed.on("disconnect", () => { ended = true; });
    // A witness whose token runs out no earlier than the refreshed socket's old one: once the
    // server has ended the witness, the old deadline has passed too.
    const witness = await connect(shortToken(unique("wit"), 4));
    await expiry(witness);
    assert.equal(ended, false);
    assert.equal(refreshed.connected, true);
    const still = await call(refreshed, "conversations", {});
    assert.equal(still.ok, true);
  });

  each("a token without exp clears the deadline; a later refresh with exp arms it again", async (connect) => {
    const user = unique("nox");
    const socket = await connect(shortToken(user));
    assert.deepEqual(await call(socket, "auth.refresh", { token: token({ sub: user, exp: undefined }) }),
      { ok: true, exp: null });
    const witness = await connect(shortToken(unique("wit"), 4));
    await expiry(witness);
    assert.equal(socket.connected, true);
    const ends = expiry(socket);
    await call(socket, "auth.refresh", { token: shortToken(user, 2) });
    const [data] = await ends;
    assert.deepEqual(data, { reason: "expired" });
  });

  each("refresh refusals name connect's reasons, wrong_user for another user's token; the old token stays", async (connect) => {
    const user = unique("ruth");
    const socket = await connect(token({ sub: user, exp: now() + 600 }));
    const refused = (tok) => call(socket, "auth.refresh", { token: tok });
    const unauthorized = (reason) => ({ ok: false, error: "unauthorized", reason });
    assert.deepEqual(await refused(token({ sub: unique("mallory") })), unauthorized("wrong_user"));
    assert.deepEqual(await refused(token({ sub: user }, { key: "another secret" })), unauthorized("bad_signature"));
    assert.deepEqual(await refused(token({ sub: user, exp: now() - 60 })), unauthorized("expired"));
    assert.deepEqual(await refused(token({ sub: user }, { alg: "none" })), unauthorized("wrong_algorithm"));
    assert.deepEqual(await refused(token({ sub: user, aud: "other" })), unauthorized("wrong_audience"));
    assert.deepEqual(await refused("garbage"), unauthorized("malformed"));
    assert.deepEqual(await refused(""), unauthorized("missing"));
    assert.deepEqual(await call(socket, "auth.refresh", {}), { ok: false, error: "bad_request" });
    assert.deepEqual(await call(socket, "auth.refresh", "text"), { ok: false, error: "bad_request" });
    assert.equal(socket.connected, true);
    assert.equal((await call(socket, "conversations", {})).ok, true);
  });

  each("a refused refresh does not extend a short token: the connection still expires", async (connect) => {
    const user = unique("sam");
    const socket = await connect(shortToken(user));
    const ends = expiry(socket);
    const ack = await call(socket, "auth.refresh", { token: token({ sub: unique("other") }) });
    assert.equal(ack.reason, "wrong_user");
    const [data] = await ends;
    assert.deepEqual(data, { reason: "expired" });
  });

  each("every device of a user expires on its own deadline, on whichever shard it is", async (connect) => {
    const user = unique("multi");
    const sockets = await Promise.all([3, 3, 3, 3].map((s) => connect(shortToken(user, s))));
    const keeper = await connect(token({ sub: user, exp: now() + 600 }));
    const results = await Promise.all(sockets.map((s) => expiry(s)));
    for (const [data] of results) assert.deepEqual(data, { reason: "expired" });
    assert.equal(keeper.connected, true);
  });
});

describe("im: development tokens", { skip: noIm }, () => {
  each("GET /dev/token?user=alice in the default set-up: a token that connects as alice, with the group-create claim", async (connect) => {
    const user = unique("alice");
    const res = await fetch(`${httpUrl(im.devPort)}/dev/token?user=${encodeURIComponent(user)}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const tok = (await res.text()).trim();
    const claims = JSON.parse(Buffer.from(tok.split(".")[1], "base64url"));
    assert.equal(claims.sub, user);
    assert.equal(claims.can_create_groups, true);
    assert.ok(claims.exp > now());
    const socket = await connect(tok, { port: im.devPort });
    const g = await call(socket, "group.create", { title: "dev" });
    assert.equal(g.ok, true);
    assert.deepEqual(g.members, [{ user, role: "owner" }]);
  });

  each("/dev/token refuses a bad user and is 404 wherever a secret or key is configured", async (connect) => {
    assert.equal((await fetch(`${httpUrl(im.devPort)}/dev/token`)).status, 400);
    assert.equal((await fetch(`${httpUrl(im.devPort)}/dev/token?user=a:b`)).status, 400);
    for (const port of [im.port, im.rsPort, im.rulesPort]) {
      const res = await fetch(`${httpUrl(port)}/dev/token?user=alice`);
      assert.equal(res.status, 404, `port ${port}`);
    }
  });

  each("the development server still refuses tokens it did not sign", async (connect) => {
    const error = await connect(token({ sub: "x" }), { port: im.devPort }).then(() => null, (e) => e);
    assert.equal(error?.data?.reason, "bad_signature");
  });
});
