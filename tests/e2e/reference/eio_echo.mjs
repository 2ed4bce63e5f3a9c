// Reference implementation of examples/eio_echo (tests/e2e/CONTRACT.md): bare Engine.IO echo on
// /engine.io/ and a plain WebSocket echo on /.
import { parseOptions, requireFromSuite, serve } from "./common.mjs";

const { Server: EngineServer } = requireFromSuite("engine.io");
const { WebSocketServer } = requireFromSuite("ws");

const opts = parseOptions();
serve(opts, (httpServer) => {
  const engine = new EngineServer({
    pingInterval: opts.pingInterval,
    pingTimeout: opts.pingTimeout,
    maxHttpBufferSize: opts.maxPayload,
    destroyUpgrade: false,
  });
  engine.attach(httpServer, { path: "/engine.io/", destroyUpgrade: false });
  engine.on("connection", (socket) => {
    socket.on("message", (data) => socket.send(data));
  });
  const plain = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload });
  httpServer.on("upgrade", (req, socket, head) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path !== "/") return; // engine.io handles its own path
    plain.handleUpgrade(req, socket, head, (ws) => {
      ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  });
});
