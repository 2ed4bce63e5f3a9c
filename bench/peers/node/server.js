// Reference Socket.IO 4.x peer for the imedge bench: implements the scenario contract in
// bench/README.md on /socket.io/ (WebSocket transport only) and its raw-WebSocket variant on /ws.
import { createServer } from "node:http";
import { Server } from "socket.io";
import { WebSocketServer } from "ws";

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const host = option("host", "127.0.0.1");
const port = Number(option("port", "3000"));

const httpServer = createServer((req, res) => {
  res.writeHead(404).end();
});

// Production settings: WebSocket only, no compression anywhere, default heartbeats.
const io = new Server(httpServer, {
  transports: ["websocket"],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  maxHttpBufferSize: 1e6,
  destroyUpgrade: false,
});

io.on("connection", (socket) => {
  socket.on("echo", (...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    if (ack) ack(...args);
  });
  socket.on("join", (room, ack) => {
    socket.join(String(room));
    if (typeof ack === "function") ack(`joined:${room}`);
  });
  socket.on("publish", (room, payload, ack) => {
    io.to(String(room)).emit("msg", payload);
    if (typeof ack === "function") ack();
  });
  socket.on("chat", (room, payload) => {
    socket.to(String(room)).emit("msg", payload);
  });
});

// Raw WebSocket variant: one JSON object per text message, see bench/README.md.
const rooms = new Map();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1e6 });
wss.on("connection", (ws) => {
  const joined = new Set();
  ws.on("message", (data, isBinary) => {
    if (isBinary) return;
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      ws.close(1007, "bad json");
      return;
    }
    switch (msg.op) {
      case "echo":
        ws.send(data, { binary: false });
        break;
      case "join": {
        const room = String(msg.room);
        if (!rooms.has(room)) rooms.set(room, new Set());
        rooms.get(room).add(ws);
        joined.add(room);
        ws.send(JSON.stringify({ op: "joined", room }));
        break;
      }
      case "publish":
      case "chat": {
        const members = rooms.get(String(msg.room));
        if (!members) break;
        const text = JSON.stringify(msg.data);
        for (const peer of members) {
          if (msg.op === "chat" && peer === ws) continue;
          peer.send(text);
        }
        break;
      }
      default:
        break;
    }
  });
  ws.on("close", () => {
    for (const room of joined) {
      const members = rooms.get(room);
      members.delete(ws);
      if (members.size === 0) rooms.delete(room);
    }
  });
});

httpServer.on("upgrade", (req, socket, head) => {
  if (req.url === "/ws" || req.url.startsWith("/ws/") || req.url.startsWith("/ws?")) {
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  }
});

httpServer.listen(port, host, () => {
  const addr = httpServer.address();
  console.log(`bench-peer: listening on ${addr.address}:${addr.port} (node socket.io ${process.version})`);
});

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => process.exit(0));
}
