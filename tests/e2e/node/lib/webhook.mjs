// For the push webhook tests (docs/push-webhook.md): an imedge process of the test's own (its
// --push-webhook flags differ per test), and a local receiver that records every POST and
// answers as the test says.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { im } from "./im.mjs";
import { withTimeout } from "./wait.mjs";

const READY = /^imedge: listening on [^ ]+:(\d+) with (\d+) shards/m;

// Starts build/bin/imedge with the IM settings of the runner's HS256 server plus `args`;
// resolves once it prints its readiness line. stop() sends SIGTERM and resolves its output.
export async function startImedge(args) {
  const bin = process.env.IMEDGE_E2E_IMEDGE_BIN;
  if (!bin) throw new Error("IMEDGE_E2E_IMEDGE_BIN is not set: run the suites through tests/e2e/run-node.sh");
  const shards = process.env.IMEDGE_E2E_SHARDS ?? "1";
  const dir = await mkdtemp(path.join(process.env.IMEDGE_E2E_IM_DIR ?? os.tmpdir(), "webhook-"));
  const child = spawn(bin, ["--host", "127.0.0.1", "--port", "0", "--shards", shards,
    "--jwt-secret", im.secret, "--jwt-issuer", im.issuer, "--jwt-audience", im.audience,
    "--data-dir", dir, "--durability", "os", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => { output += d; });
  child.stderr.on("data", (d) => { output += d; });
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const port = await withTimeout(new Promise((resolve, reject) => {
    const check = () => {
      const m = READY.exec(output);
      if (m) resolve(Number(m[1]));
    };
    child.stdout.on("data", check);
    exited.then(() => reject(new Error(`imedge exited before it was ready:\n${output}`)));
  }), 15000, `imedge's readiness line (output so far: ${output})`);
  return {
    port,
    output: () => output,
    async stop() {
      child.kill("SIGTERM");
      const status = await withTimeout(exited, 10000, "imedge to stop on SIGTERM");
      return { ...status, output };
    },
    // kill -9: the process gets no chance to finish anything.
    async kill() {
      child.kill("SIGKILL");
      return withTimeout(exited, 10000, "imedge to die on SIGKILL");
    },
  };
}

// A webhook receiver on an ephemeral loopback port. `answer(request, n)` (n counts from 1)
// returns a status to send, or null to never answer. Every request is kept in `requests`.
export async function startReceiver(answer = () => 200) {
  const requests = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const r = { method: req.method, url: req.url, headers: req.headers, raw, at: performance.now() };
      try { r.json = JSON.parse(raw); } catch { r.json = undefined; }
      requests.push(r);
      const status = answer(r, requests.length);
      r.status = status;
      if (status !== null) res.writeHead(status, { "content-type": "text/plain" }).end("ok\n");
      for (const w of [...waiters]) w();
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hooks/push?src=imedge`,
    requests,
    // Resolves once `predicate(requests)` holds.
    until(predicate, what, ms = 15000) {
      return withTimeout(new Promise((resolve) => {
        const check = () => {
          if (!predicate(requests)) return;
          waiters.splice(waiters.indexOf(check), 1);
          resolve(requests);
        };
        waiters.push(check);
        check();
      }), ms, `${what} (got ${requests.length} requests)`);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

// A loopback port nothing listens on (bound, then released).
export async function closedPort() {
  const s = http.createServer();
  await new Promise((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address();
  await new Promise((resolve) => s.close(resolve));
  return port;
}

// What a receiver does (docs/push-webhook.md): HMAC-SHA256 over "<timestamp>.<raw body>",
// compared in constant time, and a timestamp no older than five minutes.
export function verifySignature(request, secret, now = Date.now()) {
  const ts = request.headers["x-imedge-timestamp"];
  const sig = request.headers["x-imedge-signature"] ?? "";
  if (!ts || !sig.startsWith("sha256=")) return false;
  if (Math.abs(now / 1000 - Number(ts)) > 300) return false;
  const want = crypto.createHmac("sha256", secret).update(`${ts}.${request.raw}`).digest();
  const got = Buffer.from(sig.slice(7), "hex");
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}
