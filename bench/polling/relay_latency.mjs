// What relaying to the owner node costs a long-polling client: one Socket.IO session on node A,
// then ROUNDS round trips (a POST carrying an acked event, then the GET that brings the ack)
// sent straight to A, and as many sent to node B, which relays each request to A. Prints the
// median and 90th percentile of each, in microseconds. Not a load test: one client, one
// request at a time, on whatever machine runs it (docs/cluster.md has a recorded run).
//
//   node bench/polling/relay_latency.mjs PORT_A PORT_B [ROUNDS=300]
// (the ports of two --cluster nodes on one Redis, e.g. from scripts/cluster's cluster.env)
import http from "node:http";

const [portA, portB] = process.argv.slice(2, 4).map(Number);
const rounds = Number(process.argv[4] ?? 300);
if (!portA || !portB) {
  console.error("usage: relay_latency.mjs PORT_A PORT_B [ROUNDS]");
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 }); // the client's own connection

function request(port, method, query, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method, path: `/socket.io/?EIO=4&transport=polling${query}`, agent,
        headers: body === undefined ? {} : { "content-type": "text/plain;charset=UTF-8" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (text += d));
        res.on("end", () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode} ${text}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const open = await request(portA, "GET", "");
const sid = JSON.parse(open.slice(1)).sid;
await request(portA, "POST", `&sid=${sid}`, "40");
await request(portA, "GET", `&sid=${sid}`); // the CONNECT's answer

let ack = 0;
async function roundTrip(port) {
  const started = process.hrtime.bigint();
  await request(port, "POST", `&sid=${sid}`, `42${++ack}["join","r"]`);
  const answer = await request(port, "GET", `&sid=${sid}`);
  if (!answer.startsWith(`43${ack}`)) throw new Error(`unexpected answer ${answer}`);
  return Number(process.hrtime.bigint() - started) / 1000;
}

const direct = [];
const relayed = [];
for (let i = 0; i < rounds; i++) { // interleaved, so both see the same machine load
  direct.push(await roundTrip(portA));
  relayed.push(await roundTrip(portB));
}
const stats = (xs) => {
  xs.sort((a, b) => a - b);
  return `median ${Math.round(xs[xs.length >> 1])} us, p90 ${Math.round(xs[Math.floor(xs.length * 0.9)])} us`;
};
console.log(`${rounds} polling round trips (POST + GET) of one session on node A`);
console.log(`  straight to A:     ${stats(direct)}`);
console.log(`  via B, relayed:    ${stats(relayed)}`);
agent.destroy();
