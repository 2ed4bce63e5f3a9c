// Measures persisted sends per second with ack-after-commit (reported, not asserted):
//   node im_send_rate.mjs PORT SECRET [clients=8] [in_flight=64] [seconds=5]
// Each client keeps `in_flight` unacked sends to its own direct conversation.
import crypto from "node:crypto";
import { io } from "socket.io-client";

const [port, secret, clients = 8, inFlight = 64, seconds = 5] = process.argv.slice(2);
const b64 = (x) => Buffer.from(JSON.stringify(x)).toString("base64url");
const token = (sub) => {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub, iat: now, exp: now + 600 })}`;
  return `${input}.${crypto.createHmac("sha256", secret).update(input).digest("base64url")}`;
};

const sockets = await Promise.all(
  Array.from({ length: Number(clients) }, (_, i) => new Promise((resolve, reject) => {
    const s = io(`http://127.0.0.1:${port}`, { transports: ["websocket"], auth: { token: token(`rate${i}-${Date.now()}`) } });
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
  })),
);
let acked = 0;
let running = true;
const latencies = [];
const loop = async (s, i) => {
  let n = 0;
  const one = async () => {
    while (running) {
      const t = performance.now();
      const ack = await s.emitWithAck("send", { to: `sink${i}`, body: { n }, client_id: `c${n++}` });
      if (!ack.ok) throw new Error(JSON.stringify(ack));
      acked++;
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: Number(inFlight) }, one));
};
const start = performance.now();
const runs = sockets.map(loop);
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
running = false;
const elapsed = (performance.now() - start) / 1000;
const rate = acked / elapsed;
await Promise.all(runs);
latencies.sort((a, b) => a - b);
const p = (q) => latencies[Math.floor(q * (latencies.length - 1))].toFixed(1);
console.log(`${acked} sends acked in ${elapsed.toFixed(1)} s: ${Math.round(rate)}/s; ack latency p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`);
for (const s of sockets) s.disconnect();
