// Reference implementation of examples/notify (tests/e2e/CONTRACT.md) on Node's socket.io.
import { parseOptions, serve, socketIoServer } from "./common.mjs";


const opts = parseOptions();
serve(opts, (httpServer) => {
  const io = socketIoServer(httpServer, opts);
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
