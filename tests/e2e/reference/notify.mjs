// Reference implementation of examples/notify (tests/e2e/CONTRACT.md) on Node's socket.io.
import { parseOptions, requireFromSuite, serve } from "./common.mjs";

const { Server } = requireFromSuite("socket.io");

const opts = parseOptions();
serve(opts, (httpServer) => {
  const io = new Server(httpServer, {
    path: "/socket.io/",
    pingInterval: opts.pingInterval,
    pingTimeout: opts.pingTimeout,
    maxHttpBufferSize: opts.maxPayload,
    connectTimeout: opts.connectTimeout,
    serveClient: false,
  });
  io.on("connection", (socket) => {
    socket.send(`welcome ${socket.id}`);
    socket.emit("notify", { ts: Date.now() });
    socket.join("notify room");
    socket.on("notify", (msg, ack) => {
      const text = typeof msg === "string" ? msg : JSON.stringify(msg);
      const reply = `I have received your msg: ${text}`;
      socket.emit("notify", reply);
      if (typeof ack === "function") ack(reply);
    });
  });
});
