// Where the servers under test listen (set by tests/e2e/run-node.sh) and whether they are the
// Node reference servers (IMEDGE_E2E_REFERENCE=1) rather than imedge's example binaries.
function port(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suites through tests/e2e/run-node.sh`);
  return Number(value);
}

export const reference = process.env.IMEDGE_E2E_REFERENCE === "1";
export const host = "127.0.0.1";

export const servers = {
  // examples/sio_demo with its defaults (connect timeout 1000 ms).
  get sioDemo() { return port("IMEDGE_E2E_SIO_DEMO_PORT"); },
  // examples/notify with its defaults.
  get notify() { return port("IMEDGE_E2E_NOTIFY_PORT"); },
  // examples/eio_echo with its defaults.
  get eioEcho() { return port("IMEDGE_E2E_EIO_ECHO_PORT"); },
  // examples/eio_echo with --ping-interval 300 --ping-timeout 400.
  get eioEchoHeartbeat() { return port("IMEDGE_E2E_EIO_ECHO_HB_PORT"); },
  // examples/eio_echo with --max-payload 10000.
  get eioEchoSmall() { return port("IMEDGE_E2E_EIO_ECHO_SMALL_PORT"); },
  // examples/sio_demo with --ping-interval 300 --ping-timeout 200.
  get sioDemoHeartbeat() { return port("IMEDGE_E2E_SIO_DEMO_HB_PORT"); },
  // examples/sio_demo with --max-payload 10000.
  get sioDemoSmall() { return port("IMEDGE_E2E_SIO_DEMO_SMALL_PORT"); },
  // examples/sio_demo with --max-rooms-per-socket 2 (imedge only: not started for a reference run).
  get sioDemoRooms() { return port("IMEDGE_E2E_SIO_DEMO_ROOMS_PORT"); },
};

export const httpUrl = (p) => `http://${host}:${p}`;
export const wsUrl = (p) => `ws://${host}:${p}`;

// The three ways a client may reach the server.
export const MODES = [
  { name: "default (polling then upgrade)", transports: undefined },
  { name: "websocket-only", transports: ["websocket"] },
  { name: "polling-only", transports: ["polling"] },
];

// Marks a test whose expectation is imedge's own choice (CONTRACT.md / DESIGN.md) where the Node
// reference server behaves differently: skipped against the reference server.
export const imedgeOnly = (why) => (reference ? `reference server differs: ${why}` : false);
