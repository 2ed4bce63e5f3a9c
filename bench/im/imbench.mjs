#!/usr/bin/env node
// The IM load generator (bench/README.md, "IM scenarios"): socket.io-client devices speaking
// docs/im-protocol.md to a real imedge, spread over worker processes (one core each at most).
//   node bench/im/imbench.mjs send    --port P --secret S [-c 64] [--window 16] [-p 2] [-d 5]
//   node bench/im/imbench.mjs catchup --port P --secret S [--messages 10000]
//   node bench/im/imbench.mjs group   --port P --secret S [--members 100] [--rate 1000] [-p 2] [-d 5]
// Common: [--server-pid PID] [--server-label NAME] [--setup-timeout S] [--drain S].
// send: persisted messages per second with ack-after-commit: each client keeps --window sends
//   in flight to its own direct conversation (with an offline user); throughput = acks/s,
//   latency = send -> ack.
// catchup: --messages entries are stored for an offline user, who then connects and syncs from
//   nothing; throughput = messages/s of the replay, latency_us.max = time from sync to the last.
// group: --members devices in one group, the first device of each worker sending, --rate
//   messages/s in all; latency = send -> deliver at every device (one monotonic clock on the
//   machine: process.hrtime).
// Prints one JSON line (the scripts/bench row) on stdout; progress on stderr.
import { fork } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { io } from "socket.io-client";
import { Histogram } from "./histogram.mjs";

const nowNs = () => process.hrtime.bigint();
const nowMs = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv) {
  const o = { scenario: argv[0], c: 64, window: 16, p: 2, d: 5, rate: 1000, members: 100,
    messages: 10000, "setup-timeout": 60, drain: 5, "server-label": "imedge" };
  for (let i = 1; i < argv.length; i++) {
    const k = argv[i].replace(/^-+/, "");
    const v = argv[++i];
    if (v === undefined) throw new Error(`${argv[i - 1]} needs a value`);
    o[k] = ["secret", "server-label"].includes(k) ? v : Number(v);
  }
  if (!["send", "catchup", "group"].includes(o.scenario)) throw new Error("scenario: send | catchup | group");
  if (!o.port || !o.secret) throw new Error("--port and --secret are required");
  return o;
}

const b64 = (x) => Buffer.from(JSON.stringify(x)).toString("base64url");
function token(secret, sub) {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub, iat: now, exp: now + 3600 })}`;
  return `${input}.${crypto.createHmac("sha256", secret).update(input).digest("base64url")}`;
}

function connect(o, user) {
  return new Promise((resolve, reject) => {
    const s = io(`http://127.0.0.1:${o.port}`, { transports: ["websocket"], forceNew: true,
      reconnection: false, timeout: 20000, auth: { token: token(o.secret, user) } });
    s.once("connect", () => resolve(s));
    s.once("connect_error", (e) => { s.close(); reject(e); });
  });
}

const call = (s, event, arg, ms = 30000) => s.timeout(ms).emitWithAck(event, arg);

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

// utime + stime of a process, in seconds (/proc/PID/stat fields 14 and 15).
function processCpu(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- workers (one process each)

async function workerSend(o, cfg) {
  const sockets = [];
  for (const u of cfg.users) sockets.push(await connect(o, u));
  process.send({ ready: sockets.length });
  const { durationMs } = await nextMessage("start");
  const hist = new Histogram();
  let sent = 0, acked = 0, inWindow = 0, failed = 0, disconnects = 0;
  let running = true;
  const end = nowMs() + durationMs;
  let closing = false; // our own close at the end is not a disconnect
  for (const s of sockets) s.on("disconnect", () => { if (!closing) disconnects++; });
  const cpu0 = cpuSeconds();
  const loops = sockets.map((s, i) => Promise.all(Array.from({ length: o.window }, async () => {
    let n = 0;
    while (running) {
      const t = nowNs();
      sent++;
      let ack;
      try {
        ack = await call(s, "send", { to: cfg.sinks[i], body: { n }, client_id: `c${n++}-${t}` });
      } catch {
        failed++;
        return;
      }
      if (!ack.ok) { failed++; continue; }
      acked++;
      if (nowMs() <= end) {
        inWindow++;
        hist.record(Number(nowNs() - t) / 1000);
      }
    }
  })));
  await sleep(durationMs);
  running = false;
  const cpu = cpuSeconds() - cpu0;
  await Promise.race([Promise.all(loops), sleep(o.drain * 1000)]);
  closing = true;
  for (const s of sockets) s.close();
  return { sent, received: acked, inWindow, failed, disconnects, cpu, hist: hist.toJSON() };
}

async function workerGroup(o, cfg) {
  const sockets = [];
  const hist = new Histogram();
  let received = 0, violations = 0, disconnects = 0, measuring = false, closing = false;
  for (const u of cfg.users) {
    const s = await connect(o, u);
    let last = 0;
    s.on("message", (m) => {
      if (m.conversation !== cfg.group) return;
      if (m.seq !== last + 1) violations++;
      last = m.seq;
      received++;
      if (measuring && m.body?.t) hist.record(Number(nowNs() - BigInt(m.body.t)) / 1000);
    });
    s.on("disconnect", () => { if (!closing) disconnects++; });
    await call(s, "sync", {});
    sockets.push(s);
  }
  process.send({ ready: sockets.length });
  const { durationMs } = await nextMessage("start");
  measuring = true;
  const cpu0 = cpuSeconds();
  let sent = 0, failed = 0;
  if (cfg.rate > 0) {
    const sender = sockets[0];
    const t0 = nowMs();
    await new Promise((resolve) => {
      const tick = () => {
        const elapsed = nowMs() - t0;
        const due = Math.min(Math.floor((elapsed / 1000) * cfg.rate), Math.floor((durationMs / 1000) * cfg.rate));
        while (sent < due) {
          sent++;
          sender.timeout(30000).emit("send", { conversation: cfg.group, body: { t: String(nowNs()) } },
            (err, ack) => { if (err || !ack?.ok) failed++; });
        }
        if (elapsed >= durationMs) resolve();
        else setTimeout(tick, 1);
      };
      tick();
    });
  } else {
    await sleep(durationMs);
  }
  const cpu = cpuSeconds() - cpu0;
  process.send({ sent });
  const { expected } = await nextMessage("expect");
  const deadline = nowMs() + o.drain * 1000;
  while (received < expected && nowMs() < deadline) await sleep(20);
  closing = true;
  for (const s of sockets) s.close();
  return { sent, received, failed, violations, disconnects, cpu, hist: hist.toJSON() };
}

const inbox = [];
let inboxWaiter = null;
function nextMessage(cmd) {
  return new Promise((resolve) => {
    const check = () => {
      const i = inbox.findIndex((m) => m.cmd === cmd);
      if (i < 0) return false;
      resolve(inbox.splice(i, 1)[0]);
      return true;
    };
    if (!check()) inboxWaiter = check;
  });
}

async function workerMain() {
  process.on("message", (m) => {
    inbox.push(m);
    if (inboxWaiter && inboxWaiter()) inboxWaiter = null;
  });
  const { o, cfg } = await nextMessage("setup");
  const result = o.scenario === "send" ? await workerSend(o, cfg) : await workerGroup(o, cfg);
  process.send({ result });
  process.disconnect();
}

// ---------------------------------------------------------------- coordinator

function spawnWorkers(o, configs) {
  const self = fileURLToPath(import.meta.url);
  return configs.map((cfg) => {
    const child = fork(self, [], { env: { ...process.env, IMBENCH_WORKER: "1" }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const messages = [];
    const waiters = [];
    child.on("message", (m) => { messages.push(m); for (const w of [...waiters]) w(); });
    const next = (key, ms) => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker: no "${key}" after ${ms} ms`)), ms);
      const check = () => {
        const i = messages.findIndex((m) => key in m);
        if (i < 0) return;
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
        resolve(messages.splice(i, 1)[0][key]);
      };
      waiters.push(check);
      check();
    });
    child.send({ cmd: "setup", o, cfg });
    return { child, next, send: (m) => child.send(m) };
  });
}

function split(list, parts) {
  const out = Array.from({ length: parts }, () => []);
  list.forEach((x, i) => out[i % parts].push(x));
  return out.filter((x) => x.length);
}

function row(o, fields) {
  return {
    scenario: `im-${o.scenario}`, server: o["server-label"], rate: fields.rate ?? 0,
    skipped: 0, ready: fields.clients, ...fields,
  };
}

async function measured(o, workers, durationMs) {
  const cpu0 = o["server-pid"] ? processCpu(o["server-pid"]) : null;
  const t0 = nowMs();
  for (const w of workers) w.send({ cmd: "start", durationMs });
  return () => {
    const seconds = (nowMs() - t0) / 1000;
    const cpu1 = o["server-pid"] ? processCpu(o["server-pid"]) : null;
    return { seconds, serverCpu: cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / seconds : 0 };
  };
}

async function runSend(o) {
  const run = crypto.randomBytes(3).toString("hex");
  const users = Array.from({ length: o.c }, (_, i) => `send-${run}-${i}`);
  const configs = split(users.map((u, i) => [u, `sink-${run}-${i}`]), o.p)
    .map((pairs) => ({ users: pairs.map((x) => x[0]), sinks: pairs.map((x) => x[1]) }));
  const workers = spawnWorkers(o, configs);
  const setupMs = o["setup-timeout"] * 1000;
  const ready = (await Promise.all(workers.map((w) => w.next("ready", setupMs)))).reduce((a, b) => a + b, 0);
  console.error(`im send: ${ready} clients, ${o.window} sends in flight each, ${o.d} s`);
  const done = await measured(o, workers, o.d * 1000);
  const results = await Promise.all(workers.map((w) => w.next("result", (o.d + o.drain + 30) * 1000)));
  // The window is the workers' own -d; the server's CPU is read right after it.
  const { serverCpu } = done();
  const hist = new Histogram();
  let sent = 0, received = 0, inWindow = 0, failed = 0, disconnects = 0, cpu = 0;
  for (const r of results) {
    hist.merge(Histogram.fromJSON(r.hist));
    sent += r.sent; received += r.received; inWindow += r.inWindow; failed += r.failed;
    disconnects += r.disconnects; cpu += r.cpu;
  }
  return row(o, {
    connections: ready, clients: o.c, throughput: inWindow / o.d, sent, received,
    expected: sent, lost: sent - received, failed, disconnects,
    latency_us: hist.summary(), spectrum_us: hist.spectrum(),
    server_cpu_cores: serverCpu, loadgen_cpu_cores: cpu / o.d, window: o.window, processes: workers.length,
  });
}

async function runGroup(o) {
  const run = crypto.randomBytes(3).toString("hex");
  const users = Array.from({ length: o.members }, (_, i) => `grp-${run}-${i}`);
  const owner = await connect(o, users[0]);
  const g = await call(owner, "group.create", { title: "bench", members: users.slice(1), max_members: o.members });
  owner.close();
  if (!g.ok) throw new Error(`group.create: ${JSON.stringify(g)}`);
  const parts = split(users, o.p);
  const configs = parts.map((us) => ({ users: us, group: g.conversation, rate: o.rate / parts.length }));
  const workers = spawnWorkers(o, configs);
  const setupMs = o["setup-timeout"] * 1000;
  const ready = (await Promise.all(workers.map((w) => w.next("ready", setupMs)))).reduce((a, b) => a + b, 0);
  console.error(`im group: ${ready} devices in ${g.conversation}, ${o.rate} msg/s from ${workers.length} senders, ${o.d} s`);
  const done = await measured(o, workers, o.d * 1000);
  const sentEach = await Promise.all(workers.map((w) => w.next("sent", (o.d + 30) * 1000)));
  const { serverCpu } = done();
  const sent = sentEach.reduce((a, b) => a + b, 0);
  workers.forEach((w, i) => w.send({ cmd: "expect", expected: sent * configs[i].users.length }));
  const results = await Promise.all(workers.map((w) => w.next("result", (o.drain + 30) * 1000)));
  const hist = new Histogram();
  let received = 0, failed = 0, violations = 0, disconnects = 0, cpu = 0;
  for (const r of results) {
    hist.merge(Histogram.fromJSON(r.hist));
    received += r.received; failed += r.failed; violations += r.violations;
    disconnects += r.disconnects; cpu += r.cpu;
  }
  const expected = sent * ready;
  return row(o, {
    connections: ready, clients: ready, rate: o.rate, throughput: received / o.d, sent, received,
    expected, lost: expected - received, failed, violations, disconnects,
    latency_us: hist.summary(), spectrum_us: hist.spectrum(),
    server_cpu_cores: serverCpu, loadgen_cpu_cores: cpu / o.d, members: o.members, processes: workers.length,
  });
}

async function runCatchup(o) {
  const run = crypto.randomBytes(3).toString("hex");
  const [writer, reader] = [`cw-${run}`, `cr-${run}`];
  const w = await connect(o, writer);
  let next = 0, failed = 0;
  const store0 = nowMs();
  await Promise.all(Array.from({ length: 256 }, async () => {
    while (next < o.messages) {
      const n = ++next;
      const ack = await call(w, "send", { to: reader, body: { n }, client_id: `m${n}` });
      if (!ack.ok) failed++;
    }
  }));
  const storeSeconds = (nowMs() - store0) / 1000;
  w.close();
  console.error(`im catchup: ${o.messages} stored in ${storeSeconds.toFixed(2)} s; the reader syncs from nothing`);
  const cpu0 = o["server-pid"] ? processCpu(o["server-pid"]) : null;
  const cpuGen0 = cpuSeconds();
  const t0 = nowMs();
  const r = await connect(o, reader);
  const connected = nowMs();
  let last = 0, violations = 0, lastAt = 0, firstAt = 0;
  const all = new Promise((resolve) => {
    r.on("message", (m) => {
      if (m.seq !== last + 1) violations++;
      last = m.seq;
      if (m.seq === 1) firstAt = nowMs();
      if (m.seq === o.messages) { lastAt = nowMs(); resolve(); }
    });
  });
  const syncAt = nowMs();
  const ack = call(r, "sync", {}, 120000);
  await Promise.race([all, sleep(120000)]);
  const synced = await ack.catch(() => null);
  const syncAckAt = nowMs();
  const seconds = ((lastAt || nowMs()) - syncAt) / 1000;
  const cpu1 = o["server-pid"] ? processCpu(o["server-pid"]) : null;
  const cpuGen = cpuSeconds() - cpuGen0;
  r.close();
  const hist = new Histogram();
  hist.record(seconds * 1e6);
  const received = last;
  return row(o, {
    connections: 1, clients: 1, throughput: received / seconds, sent: o.messages, received,
    expected: o.messages, lost: o.messages - received, failed, violations, disconnects: 0,
    latency_us: hist.summary(), spectrum_us: hist.spectrum(),
    time_to_last_ms: seconds * 1000, time_to_first_ms: firstAt ? firstAt - syncAt : null,
    connect_ms: connected - t0, sync_ack_ms: synced?.ok ? syncAckAt - syncAt : null,
    store_rate: o.messages / storeSeconds,
    server_cpu_cores: cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / seconds : 0,
    loadgen_cpu_cores: cpuGen / seconds,
  });
}

async function main() {
  if (process.env.IMBENCH_WORKER) return workerMain();
  const o = parseArgs(process.argv.slice(2));
  const result = o.scenario === "send" ? await runSend(o)
    : o.scenario === "group" ? await runGroup(o) : await runCatchup(o);
  result.machine_cores = os.cpus().length;
  console.log(JSON.stringify(result));
  process.exit(0);
}

main().catch((e) => {
  console.error(`imbench: ${e.stack ?? e}`);
  process.exit(1);
});
