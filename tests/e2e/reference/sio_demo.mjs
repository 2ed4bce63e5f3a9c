// Reference implementation of examples/sio_demo (tests/e2e/CONTRACT.md) on Node's socket.io,
// used to develop the e2e suites before the imedge binaries exist.
import { parseOptions, serve, socketIoServer } from "./common.mjs";


const opts = parseOptions();
const known = new Set([
  "message", "message-with-ack", "join", "leave", "rooms", "broadcast", "broadcast-all",
  "server-ack", "set-session", "get-session", "disconnect-me",
]);

function withoutCallbacks(args) {
  const ack = typeof args[args.length - 1] === "function" ? args[args.length - 1] : null;
  return { args: ack ? args.slice(0, -1) : args, ack };
}

function setupNamespace(nsp) {
  nsp.use((socket, next) => {
    const auth = socket.handshake.auth || {};
    if (typeof auth.reject === "string") {
      const err = new Error(auth.reject);
      err.data = { code: "REJECTED" };
      return next(err);
    }
    next();
  });
  nsp.on("connection", (socket) => {
    socket.emit("auth", socket.handshake.auth || {});
    socket.on("message", (...raw) => {
      const { args } = withoutCallbacks(raw);
      socket.emit("message-back", ...args);
    });
    socket.on("message-with-ack", (...raw) => {
      const { args, ack } = withoutCallbacks(raw);
      if (ack) ack(...args);
    });
    socket.on("join", (room, ack) => {
      socket.join(room);
      if (typeof ack === "function") ack(`joined:${room}`);
    });
    socket.on("leave", (room, ack) => {
      socket.leave(room);
      if (typeof ack === "function") ack(`left:${room}`);
    });
    socket.on("rooms", (ack) => {
      if (typeof ack === "function") ack([...socket.rooms]);
    });
    socket.on("broadcast", (room, payload) => {
      socket.to(room).emit("broadcast", payload);
    });
    socket.on("broadcast-all", (payload) => {
      nsp.emit("broadcast", payload);
    });
    socket.on("server-ack", (x) => {
      socket.timeout(1000).emit("question", x, (err, ...answer) => {
        if (!socket.connected) return;
        if (err) socket.emit("answer-timeout");
        else socket.emit("answer", ...answer);
      });
    });
    socket.on("set-session", (key, value, ack) => {
      socket.data[key] = value;
      if (typeof ack === "function") ack("ok");
    });
    socket.on("get-session", (key, ack) => {
      const value = Object.hasOwn(socket.data, key) ? socket.data[key] : null;
      if (typeof ack === "function") ack(value);
    });
    socket.on("disconnect-me", () => socket.disconnect());
    socket.onAny((event, ...raw) => {
      if (known.has(event)) return;
      const { args } = withoutCallbacks(raw);
      socket.emit("catch-all", event, ...args);
    });
  });
}

serve(opts, (httpServer) => {
  const io = socketIoServer(httpServer, opts);
  setupNamespace(io.of("/"));
  setupNamespace(io.of("/custom"));
});
