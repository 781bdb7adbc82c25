// The echo server of Node's `ws` (its README's), default limits and no
// permessage-deflate (ws's server default): `node echo-ws.mjs HOST:PORT`.
// Node runs JavaScript on one thread, as the Rust servers run on a tokio
// current_thread runtime.
import { WebSocketServer } from "ws";

const [host, port] = (process.argv[2] ?? "127.0.0.1:19400").split(":");
const wss = new WebSocketServer({ host, port: Number(port) });
wss.on("connection", (ws) => {
  ws.on("error", () => {});
  ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
});
wss.on("listening", () => console.error(`echo-ws: listening on ${host}:${port}`));
