// The echo server of Bun's built-in WebSocket server (uWebSockets in C++
// underneath), its documented form and default limits:
// `bun echo-bun.js HOST:PORT`.
const [hostname, port] = (Bun.argv[2] ?? "127.0.0.1:19400").split(":");
Bun.serve({
  hostname,
  port: Number(port),
  fetch(req, server) {
    if (server.upgrade(req)) return;
    return new Response("WebSocket only", { status: 426 });
  },
  websocket: {
    message(ws, message) {
      ws.send(message);
    },
  },
});
console.error(`echo-bun: listening on ${hostname}:${port}`);
