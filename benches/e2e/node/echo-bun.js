// The echo server of Bun's built-in WebSocket server (uWebSockets in C++
// underneath), its documented form and default limits:
// `bun echo-bun.js HOST:PORT`. With `--deflate` after the address,
// permessage-deflate with a compressor per connection ("dedicated": the
// server keeps its context, as the Rust servers do; Bun's default, `true`,
// shares one compressor and so keeps none) and a 32 KiB decompressor, with
// which Bun asks clients for `client_no_context_takeover`. Bun's
// "dedicated" decompressor would let clients keep their context, but Bun
// 1.3.5 then drops the connection at the second compressed message. Bun
// compresses only what is sent with `compress` set.
const [hostname, port] = (Bun.argv[2] ?? "127.0.0.1:19400").split(":");
const deflate = Bun.argv[3] === "--deflate";
const perMessageDeflate = deflate ? { compress: "dedicated", decompress: "32KB" } : false;
Bun.serve({
  hostname,
  port: Number(port),
  fetch(req, server) {
    if (server.upgrade(req)) return;
    return new Response("WebSocket only", { status: 426 });
  },
  websocket: {
    perMessageDeflate,
    message(ws, message) {
      ws.send(message, deflate);
    },
  },
});
console.error(`echo-bun: listening on ${hostname}:${port}`);
