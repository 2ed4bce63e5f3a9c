// The IM service's identity at connect (docs/im-protocol.md "Connecting"): every refusal
// reason through an unmodified socket.io-client, the token in the auth payload or the query.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeAll, connect, im, token, unique, userToken, call, direct } from "./lib/im.mjs";
import { reference } from "./lib/env.mjs";

const noIm = reference ? "the reference servers have no IM service" : false;
import { nextEvent } from "./lib/wait.mjs";

afterEach(closeAll);

async function refusal(tok, opts) {
  const error = await connect(tok, opts).then(
    () => assert.fail("connected"),
    (e) => e,
  );
  assert.equal(error.message, "unauthorized");
  return error.data?.reason;
}

const now = () => Math.floor(Date.now() / 1000);

describe("im: connect", { skip: noIm }, () => {
  test("a valid token in the auth payload or the query connects", async () => {
    const user = unique("alice");
    const a = await connect(userToken(user));
    assert.ok(a.connected);
    const b = await connect(userToken(user), { viaQuery: true, transports: ["polling"] });
    assert.ok(b.connected);
  });

  test("every refusal has its reason", async () => {
    assert.equal(await refusal(""), "missing");
    assert.equal(await refusal(undefined), "missing");
    assert.equal(await refusal("not-a-token"), "malformed");
    assert.equal(await refusal("a.b.c"), "malformed");
    assert.equal(await refusal(token({ sub: "x" }, { key: "another secret" })), "bad_signature");
    assert.equal(await refusal(token({ sub: "x" }, { alg: "none" })), "wrong_algorithm");
    assert.equal(await refusal(token({ sub: "x", exp: now() - 60 })), "expired");
    assert.equal(await refusal(token({ sub: "x", nbf: now() + 600 })), "not_yet_valid");
    assert.equal(await refusal(token({ sub: "x", iss: "someone else" })), "wrong_issuer");
    assert.equal(await refusal(token({ sub: "x", aud: "other" })), "wrong_audience");
    assert.equal(await refusal(token({ name: "no sub" })), "no_user");
    assert.equal(await refusal(token({ sub: "a:b" })), "no_user");
    assert.equal(await refusal("x", { viaQuery: true }), "malformed");
  });

  test("RS256 with a user_id claim; an HS256 token signed with the public key is refused", async () => {
    const rs = (claims, opts) => token(claims, { alg: "RS256", key: im.rsPrivateKey, ...opts });
    const ok = await connect(rs({ user_id: 42 }), { port: im.rsPort });
    assert.ok(ok.connected);
    assert.equal(await refusal(token({ user_id: 42 }, { key: im.rsPublicKey }), { port: im.rsPort }), "wrong_algorithm");
    assert.equal(await refusal(rs({ sub: "42" }), { port: im.rsPort }), "no_user");
    assert.equal(await refusal(token({ user_id: 1 }), { port: im.rsPort }), "wrong_algorithm");
  });

  test("every device of a user is in the user's room: a direct message reaches all of them", async () => {
    const alice = unique("alice");
    const bob = unique("bob");
    const bobs = await Promise.all([1, 2, 3].map(() => connect(userToken(bob))));
    const sender = await connect(userToken(alice));
    for (const s of bobs) assert.equal((await call(s, "sync", {})).ok, true);
    const got = bobs.map((s) => nextEvent(s, "message", 8000));
    const ack = await call(sender, "send", { to: bob, body: { text: "hi" }, client_id: "c1" });
    assert.equal(ack.ok, true);
    assert.equal(ack.conversation, direct(alice, bob));
    for (const [m] of await Promise.all(got)) {
      assert.equal(m.seq, ack.seq);
      assert.equal(m.from, alice);
      assert.deepEqual(m.body, { text: "hi" });
    }
  });
});
