// Long-polling echo load: N socket.io-client sockets held on HTTP long-polling (no upgrade), each
// sending `echo` with an ack back to back. With two shards about half of the requests land on a
// shard that does not own their session, which is the cost this measures: the server's CPU time
// per round trip (from /proc, so that a load generator slower than the server does not hide it),
// besides round trips per second and the ack latency.
//
// usage: node polling_echo.mjs --server PATH [--shards 2] [--clients 50] [--seconds 10]
//                              [--warmup 2] [--label NAME] [--polling-route movable|forward]
// (--polling-route is passed to the server; leave it out for servers that predate it)
// Prints one JSON line.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { io } from "socket.io-client";

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const serverPath = option("server");
if (!serverPath) {
  console.error("usage: node polling_echo.mjs --server PATH [--shards 2] [--clients 50] [--seconds 10]");
  process.exit(2);
}
const shards = Number(option("shards", "2"));
const clients = Number(option("clients", "50"));
const seconds = Number(option("seconds", "10"));
const warmup = Number(option("warmup", "2"));
const label = option("label", serverPath);

// utime + stime of a process, in clock ticks (100 per second on Linux).
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function startServer() {
  const route = option("polling-route", "");
  const extra = route ? ["--polling-route", route] : [];
  const child = spawn(serverPath, ["--host", "127.0.0.1", "--port", "0", "--shards", String(shards), ...extra], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const m = /listening on ([0-9.]+):(\d+)/.exec(out);
      if (m) resolve({ child, url: `http://${m[1]}:${m[2]}` });
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

const { child, url } = await startServer();
const sockets = await Promise.all(
  Array.from({ length: clients }, () => {
    const socket = io(url, { transports: ["polling"], forceNew: true, reconnection: false });
    return new Promise((resolve, reject) => {
      socket.on("connect", () => resolve(socket));
      socket.on("connect_error", reject);
    });
  }),
);

let measuring = false;
let stopped = false;
const latencies = [];
let roundTrips = 0;

async function drive(socket, id) {
  for (let i = 0; !stopped; ++i) {
    const start = process.hrtime.bigint();
    const reply = await socket.timeout(30000).emitWithAck("echo", id, i);
    if (reply !== id) throw new Error(`echo answered ${reply} for ${id}`);
    if (measuring) {
      ++roundTrips;
      latencies.push(Number(process.hrtime.bigint() - start) / 1000);
    }
  }
}

const drivers = sockets.map((s, id) => drive(s, id));
await new Promise((r) => setTimeout(r, warmup * 1000));
const cpuBefore = cpuTicks(child.pid);
const started = process.hrtime.bigint();
measuring = true;
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
const cpuAfter = cpuTicks(child.pid);
stopped = true;
await Promise.all(drivers);
for (const s of sockets) s.close();
child.kill("SIGTERM");

latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
const serverCpuSeconds = (cpuAfter - cpuBefore) / 100;
console.log(
  JSON.stringify({
    label,
    shards,
    clients,
    seconds: Number(elapsed.toFixed(2)),
    round_trips: roundTrips,
    per_second: Math.round(roundTrips / elapsed),
    server_cpu_us_per_round_trip: Number(((serverCpuSeconds * 1e6) / roundTrips).toFixed(1)),
    p50_us: Math.round(at(0.5)),
    p99_us: Math.round(at(0.99)),
  }),
);
process.exit(0);
