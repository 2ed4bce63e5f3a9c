// The real redis-server the test command started, as the backends' publishers reach it: a
// connected @socket.io/redis-emitter, and the wait for cluster nodes to be on Redis.
import { Emitter } from "@socket.io/redis-emitter";
import { createClient } from "redis";
import { waitLogLines } from "./wait.mjs";

export const redisUrl = `redis://127.0.0.1:${Number(process.env.IMEDGE_E2E_REDIS_PORT)}`;

// A connected client and an emitter on it; `redis.quit()` ends both.
export async function openEmitter() {
  const redis = createClient({ url: redisUrl });
  // A test that restarts Redis makes the client report the lost connection; it reconnects by
  // itself, and an 'error' event without a listener would end the test process.
  redis.on("error", () => {});
  await redis.connect();
  return { redis, emitter: new Emitter(redis) };
}

// Each cluster node logs when it publishes and when it is subscribed: waits for both lines in
// every node's log.
export async function waitClusterNodes(logs, ms) {
  for (const log of logs) {
    await waitLogLines(log, "imedge: cluster: node", 1, ms);
    await waitLogLines(log, "imedge: push: redis subscribed", 1, ms);
  }
}
