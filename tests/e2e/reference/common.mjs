// Shared start-up for the reference servers: parses the imedge common options
// (see tests/e2e/CONTRACT.md) and prints the same readiness line as imedge.
import http from "node:http";
import { createRequire } from "node:module";

// The npm packages are installed once, in ../node (pinned by its package-lock.json).
export const requireFromSuite = createRequire(new URL("../node/package.json", import.meta.url));

export function parseOptions(argv = process.argv.slice(2)) {
  const opts = {
    host: "127.0.0.1",
    port: 0,
    shards: 1,
    pingInterval: 25000,
    pingTimeout: 20000,
    maxPayload: 1000000,
    connectTimeout: 1000,
  };
  const names = {
    "--host": ["host", String],
    "--port": ["port", Number],
    "--shards": ["shards", Number],
    "--ping-interval": ["pingInterval", Number],
    "--ping-timeout": ["pingTimeout", Number],
    "--max-payload": ["maxPayload", Number],
    "--connect-timeout": ["connectTimeout", Number],
  };
  for (let i = 0; i < argv.length; i++) {
    const spec = names[argv[i]];
    if (!spec || i + 1 >= argv.length) {
      console.error(`reference: unknown or incomplete option ${argv[i]}`);
      process.exit(2);
    }
    opts[spec[0]] = spec[1](argv[++i]);
  }
  return opts;
}

// Creates the HTTP server, lets `setup` attach to it, listens and prints the readiness line.
// A Socket.IO server on `httpServer` configured from the common options.
export function socketIoServer(httpServer, opts) {
  const { Server } = requireFromSuite("socket.io");
  return new Server(httpServer, {
    path: "/socket.io/",
    pingInterval: opts.pingInterval,
    pingTimeout: opts.pingTimeout,
    maxHttpBufferSize: opts.maxPayload,
    connectTimeout: opts.connectTimeout,
    serveClient: false,
  });
}

export function serve(opts, setup) {
  const server = http.createServer();
  setup(server);
  server.listen(opts.port, opts.host, () => {
    const { port } = server.address();
    console.log(`imedge: listening on ${opts.host}:${port} with ${opts.shards} shards`);
  });
  const stop = () => process.exit(0);
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  return server;
}
