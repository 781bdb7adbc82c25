// The echo server of Node's `ws` (its README's), default limits and no
// permessage-deflate (ws's server default): `node echo-ws.mjs HOST:PORT`.
// With `--deflate` after the address, permessage-deflate as the Rust
// servers run it: context takeover, level 1, and messages from 64 bytes on
// compressed (ws's defaults are zlib's level 6 and a 1 KiB threshold).
// Node runs JavaScript on one thread, as the Rust servers run on a tokio
// current_thread runtime.
import { WebSocketServer } from "ws";

const [host, port] = (process.argv[2] ?? "127.0.0.1:19400").split(":");
const perMessageDeflate =
  process.argv[3] === "--deflate" ? { zlibDeflateOptions: { level: 1 }, threshold: 64 } : false;
const wss = new WebSocketServer({ host, port: Number(port), perMessageDeflate });
wss.on("connection", (ws) => {
  ws.on("error", () => {});
  ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
});
wss.on("listening", () => console.error(`echo-ws: listening on ${host}:${port}`));
