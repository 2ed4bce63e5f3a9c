// Group rules (docs/im-protocol.md "Groups: who may do what") against a server started with
// --group-create-claim can_create_groups: creating needs the claim; joining needs an invitation
// from an owner/admin unless the group is open; only owner/admin add, remove and change roles;
// the owner hands over before leaving. Every change reaches the members' devices on any shard.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { call, closeAll, connect, im, token, unique } from "./lib/im.mjs";
import { reference } from "./lib/env.mjs";

const noIm = reference ? "the reference servers have no IM service" : false;

afterEach(closeAll);

const creator = (user) => connect(token({ sub: user, can_create_groups: true }), { port: im.rulesPort });
const plain = (user) => connect(token({ sub: user }), { port: im.rulesPort });
const refused = (code) => ({ ok: false, error: code });
const roles = (ack) => Object.fromEntries(ack.members.map((m) => [m.user, m.role]));

// The next `group` event with this change on `socket`.
function groupEvent(socket, change, ms = 8000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no group event "${change}"`)), ms);
    const on = (e) => {
      if (e.change !== change) return;
      clearTimeout(timer);
      socket.off("group", on);
      resolve(e);
    };
    socket.on("group", on);
  });
}

describe("im: group rules", { skip: noIm }, () => {
  test("creating a group needs the claim set to true", async () => {
    const [a, b] = [unique("ann"), unique("ben")];
    const without = await plain(a);
    assert.deepEqual(await call(without, "group.create", { title: "t" }), refused("forbidden"));
    const falsy = await connect(token({ sub: b, can_create_groups: false }), { port: im.rulesPort });
    assert.deepEqual(await call(falsy, "group.create", { title: "t" }), refused("forbidden"));
    const stringy = await connect(token({ sub: b, can_create_groups: "true" }), { port: im.rulesPort });
    assert.deepEqual(await call(stringy, "group.create", { title: "t" }), refused("forbidden"));
    const withClaim = await creator(a);
    const g = await call(withClaim, "group.create", { title: "t", members: [b] });
    assert.equal(g.ok, true);
    assert.equal(g.open, false);
    assert.deepEqual(roles(g), { [a]: "owner", [b]: "member" });
  });

  test("invite-only: an outsider needs an owner's or admin's invitation, used once", async () => {
    const [o, m, x] = [unique("own"), unique("mem"), unique("out")];
    const [owner, member, outsider] = [await creator(o), await plain(m), await plain(x)];
    const g = await call(owner, "group.create", { title: "closed", members: [m] });
    const id = g.conversation;
    assert.deepEqual(await call(outsider, "group.join", { conversation: id }), refused("not_invited"));
    assert.deepEqual(await call(member, "group.invite", { conversation: id, user: x }), refused("forbidden"));
    const told = groupEvent(outsider, "invited");
    const invited = await call(owner, "group.invite", { conversation: id, user: x });
    assert.equal(invited.ok, true);
    assert.deepEqual(await told, { conversation: id, change: "invited", user: x, by: o, members: g.members });
    const seen = groupEvent(member, "joined");
    const joined = await call(outsider, "group.join", { conversation: id });
    assert.deepEqual(roles(joined), { [o]: "owner", [m]: "member", [x]: "member" });
    assert.equal((await seen).user, x);
    assert.equal((await call(outsider, "send", { conversation: id, body: "hi" })).seq, 1);
    await call(outsider, "group.leave", { conversation: id });
    assert.deepEqual(await call(outsider, "group.join", { conversation: id }), refused("not_invited"));
  });

  test("an open group: anyone joins, up to the cap", async () => {
    const [o, x, y] = [unique("own"), unique("x"), unique("y")];
    const owner = await creator(o);
    const g = await call(owner, "group.create", { title: "open", open: true, max_members: 2 });
    assert.equal(g.open, true);
    assert.equal((await call(await plain(x), "group.join", { conversation: g.conversation })).ok, true);
    assert.deepEqual(await call(await plain(y), "group.join", { conversation: g.conversation }), refused("group_full"));
    assert.deepEqual(await call(owner, "group.create", { title: "bad", open: "yes" }), refused("bad_request"));
  });

  test("roles: only owner/admin add, remove and change roles; an admin acts on members only", async () => {
    const [o, a, m, n] = [unique("own"), unique("adm"), unique("mem"), unique("new")];
    const [owner, admin, member, newcomer] = [await creator(o), await plain(a), await plain(m), await plain(n)];
    const id = (await call(owner, "group.create", { title: "roles", members: [a, m] })).conversation;
    assert.deepEqual(await call(member, "group.add", { conversation: id, user: n }), refused("forbidden"));
    assert.deepEqual(await call(member, "group.role", { conversation: id, user: a, role: "admin" }), refused("forbidden"));
    const promoted = groupEvent(member, "role");
    assert.equal(roles(await call(owner, "group.role", { conversation: id, user: a, role: "admin" }))[a], "admin");
    assert.deepEqual(await promoted, { conversation: id, change: "role", user: a, by: o,
      members: [{ user: a, role: "admin" }, { user: m, role: "member" }, { user: o, role: "owner" }].sort((p, q) => (p.user < q.user ? -1 : 1)) });
    const added = groupEvent(newcomer, "added");
    assert.equal(roles(await call(admin, "group.add", { conversation: id, user: n }))[n], "member");
    assert.equal((await added).by, a);
    assert.deepEqual(await call(admin, "group.remove", { conversation: id, user: o }), refused("forbidden"));
    assert.deepEqual(await call(admin, "group.role", { conversation: id, user: o, role: "member" }), refused("forbidden"));
    assert.deepEqual(await call(admin, "group.role", { conversation: id, user: m, role: "owner" }), refused("forbidden"));
    assert.deepEqual(await call(admin, "group.role", { conversation: id, user: m, role: "boss" }), refused("bad_request"));
    const removed = groupEvent(newcomer, "removed");
    const after = await call(admin, "group.remove", { conversation: id, user: n });
    assert.equal(roles(after)[n], undefined);
    assert.equal((await removed).user, n); // the removed user hears it too
    assert.deepEqual(await call(newcomer, "send", { conversation: id, body: "?" }), refused("not_member"));
    assert.deepEqual(await call(owner, "group.remove", { conversation: id, user: n }), refused("not_member"));
    assert.equal(roles(await call(owner, "group.remove", { conversation: id, user: a }))[a], undefined);
  });

  test("the owner cannot leave without handing over; after handing over it is an admin and may leave", async () => {
    const [o, m] = [unique("own"), unique("mem")];
    const [owner, member] = [await creator(o), await plain(m)];
    const id = (await call(owner, "group.create", { title: "hand over", members: [m] })).conversation;
    assert.deepEqual(await call(owner, "group.leave", { conversation: id }), refused("owner_must_hand_over"));
    assert.deepEqual(await call(owner, "group.role", { conversation: id, user: o, role: "member" }),
      refused("owner_must_hand_over"));
    const handed = await call(owner, "group.role", { conversation: id, user: m, role: "owner" });
    assert.deepEqual(roles(handed), { [o]: "admin", [m]: "owner" });
    const left = groupEvent(member, "left");
    assert.equal((await call(owner, "group.leave", { conversation: id })).ok, true);
    assert.equal((await left).user, o);
    // Alone, the owner may leave.
    assert.equal((await call(member, "group.leave", { conversation: id })).ok, true);
  });

  test("bad requests and unknown groups", async () => {
    const owner = await creator(unique("own"));
    assert.deepEqual(await call(owner, "group.invite", { conversation: "g:0000000000000000" , user: "x" }),
      refused("no_such_conversation"));
    assert.deepEqual(await call(owner, "group.invite", { conversation: "g:0000000000000000" }), refused("bad_request"));
    assert.deepEqual(await call(owner, "group.add", { conversation: "g:1", user: "a:b" }), refused("bad_request"));
    assert.deepEqual(await call(owner, "group.join", {}), refused("bad_request"));
  });
});
