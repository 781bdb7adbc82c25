// Interop with Node's `ws`, the most used WebSocket library for Node.js.
//
//   node node_peer.mjs client ws://127.0.0.1:PORT/   our echo server, ws as the client
//   node node_peer.mjs server PATH/TO/echo_client     ws as the server, our echo client
//   node node_peer.mjs fanout ws://127.0.0.1:PORT/ws N   N clients of the chat example
//   node node_peer.mjs client-deflate ws://127.0.0.1:PORT/
//   node node_peer.mjs server-deflate PATH/TO/echo_client [ARG...]
//
// The -deflate modes run permessage-deflate (RFC 7692) with every message
// compressed (threshold 0): ws offers or accepts it, first with its defaults,
// then with 8-bit windows, then with every parameter (no context takeover both ways, windows of 9
// bits for the server and 10 for the client), checks what was agreed and
// that our side compressed, and echoes messages of every size, random and
// repetitive, text and binary, whole and fragmented. In server-deflate the
// echo client runs as `ECHO_CLIENT ARG... URL`.
//
// Each prints one line per check and `N passed, N failed`; exits 1 on any
// failure. Every wait is bounded.
import { spawn } from "node:child_process";
import WebSocket, { WebSocketServer } from "ws";
import { SIZES, text, bytes, randomBytes, randomText, MULTIBYTE, Suite, withTimeout } from "./common.mjs";

const suite = new Suite("node ws");

function open(url, protocols, perMessageDeflate = false) {
  return withTimeout(new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { perMessageDeflate, maxPayload: 64 << 20 });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  }), `open ${url}`);
}

function next(ws, event = "message") {
  return withTimeout(new Promise((resolve, reject) => {
    const onClose = (code) => reject(new Error(`closed with ${code} while waiting for ${event}`));
    ws.once(event, (...args) => { ws.off("close", onClose); resolve(args); });
    if (event !== "close") ws.once("close", onClose);
  }), `waiting for ${event}`);
}

async function echoes(ws, payload, binary) {
  ws.send(payload, { binary });
  const [data, isBinary] = await next(ws);
  if (isBinary !== binary) throw new Error(`echo came back as ${isBinary ? "binary" : "text"}`);
  if (!Buffer.from(payload).equals(data)) throw new Error(`echo of ${payload.length} bytes differs`);
}

async function clientSuite(url) {
  const ws = await open(url);
  for (const size of SIZES) {
    await suite.check(`text of ${size} bytes echoed`, () => echoes(ws, text(size), false));
    await suite.check(`binary of ${size} bytes echoed`, () => echoes(ws, bytes(size), true));
  }
  await suite.check("multi-byte UTF-8 text echoed", () => echoes(ws, MULTIBYTE, false));
  await suite.check("fragmented text split inside a character echoed", async () => {
    const whole = Buffer.from("ab😀cd€");
    ws.send(whole.subarray(0, 4), { binary: false, fin: false });
    ws.send(whole.subarray(4, 9), { binary: false, fin: false });
    ws.send(whole.subarray(9), { binary: false, fin: true });
    const [data, isBinary] = await next(ws);
    if (isBinary || !whole.equals(data)) throw new Error(`got ${data}`);
  });
  await suite.check("fragmented binary echoed", async () => {
    const whole = bytes(70000);
    ws.send(whole.subarray(0, 1), { binary: true, fin: false });
    ws.send(whole.subarray(1, 65537), { binary: true, fin: false });
    ws.send(whole.subarray(65537), { binary: true, fin: true });
    const [data, isBinary] = await next(ws);
    if (!isBinary || !whole.equals(data)) throw new Error("echo differs");
  });
  await suite.check("ping answered with the same payload", async () => {
    ws.ping(Buffer.from("are you there?"));
    const [data] = await next(ws, "pong");
    if (data.toString() !== "are you there?") throw new Error(`pong carried ${data}`);
  });
  for (const code of [1000, 4001]) {
    await suite.check(`close ${code} echoed`, async () => {
      const conn = await open(url);
      conn.close(code, "bye");
      const [got, reason] = await next(conn, "close");
      if (got !== code) throw new Error(`closed with ${got} (${reason})`);
    });
  }
  ws.close(1000);
  await next(ws, "close");
  for (const [offered, wanted] of [[["chat", "superchat"], "chat"], [["superchat", "chat"], "superchat"]]) {
    await suite.check(`subprotocol ${wanted} chosen from ${offered}`, async () => {
      const conn = await open(url, offered);
      const got = conn.protocol;
      conn.close(1000);
      await next(conn, "close");
      if (got !== wanted) throw new Error(`got ${got}`);
    });
  }
}

/// A ws server that sends the whole sequence to our echo client, checks
/// every echo, then closes with the code in the request path.
async function serverSuite(echoClient) {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false, maxPayload: 64 << 20 });
  await withTimeout(new Promise((resolve) => wss.once("listening", resolve)), "listen");
  const port = wss.address().port;
  const sessions = new Map();
  wss.on("connection", (ws, request) => {
    const code = Number(request.url.split("/").pop());
    sessions.get(request.url)?.(ws, code);
  });
  for (const code of [1000, 4001]) {
    const path = `/close/${code}`;
    const session = new Promise((resolve) => sessions.set(path, (ws, c) => resolve([ws, c])));
    const child = spawn(echoClient, [`ws://127.0.0.1:${port}${path}`], { stdio: ["ignore", "inherit", "inherit"] });
    const exited = new Promise((resolve) => child.once("exit", (status) => resolve(status)));
    let ws;
    await suite.check(`echo client connects (close ${code})`, async () => {
      [ws] = await withTimeout(session, "the echo client to connect");
    });
    if (!ws) { child.kill(); continue; }
    for (const size of SIZES) {
      await suite.check(`echo client echoes text of ${size} bytes`, () => echoes(ws, text(size), false));
      await suite.check(`echo client echoes binary of ${size} bytes`, () => echoes(ws, bytes(size), true));
    }
    await suite.check("echo client echoes multi-byte UTF-8", () => echoes(ws, MULTIBYTE, false));
    await suite.check("echo client echoes a fragmented message", async () => {
      const whole = Buffer.from("€uro 😀 fragments");
      ws.send(whole.subarray(0, 2), { binary: false, fin: false });
      ws.send(whole.subarray(2), { binary: false, fin: true });
      const [data] = await next(ws);
      if (!whole.equals(data)) throw new Error(`got ${data}`);
    });
    await suite.check("echo client answers a ping", async () => {
      ws.ping(Buffer.from("ping!"));
      const [data] = await next(ws, "pong");
      if (data.toString() !== "ping!") throw new Error(`pong carried ${data}`);
    });
    await suite.check(`echo client echoes close ${code} and exits 0`, async () => {
      ws.close(code, "done");
      const [got] = await next(ws, "close");
      if (got !== code) throw new Error(`client answered ${got}`);
      const status = await withTimeout(exited, "the echo client to exit");
      if (status !== 0) throw new Error(`exit status ${status}`);
    });
  }
  wss.close();
}

/// N clients of the chat example; one message reaches every one of them.
async function fanoutSuite(url, count) {
  const clients = [];
  await suite.check(`${count} connections open`, async () => {
    for (let i = 0; i < count; i += 100) {
      const batch = Array.from({ length: Math.min(100, count - i) }, () => open(url));
      clients.push(...(await Promise.all(batch)));
    }
  });
  if (clients.length !== count) return;
  await suite.check(`one message reaches all ${count}`, async () => {
    const tag = `fanout ${Date.now()}`;
    const arrived = clients.map((ws) => withTimeout(new Promise((resolve) => {
      ws.on("message", (data) => { if (data.toString() === tag) resolve(); });
    }), "the broadcast", 30000));
    clients[0].send(tag);
    await Promise.all(arrived);
  });
  await suite.check(`${count} connections close cleanly`, async () => {
    const closed = clients.map((ws) => next(ws, "close").then(([code]) => {
      if (code !== 1000) throw new Error(`closed with ${code}`);
    }));
    clients.forEach((ws) => ws.close(1000));
    await Promise.all(closed);
  });
}

// permessage-deflate settings, ws's defaults, 8-bit windows (zlib compresses
// with 9 bits, reaching back at most 250 bytes), then every parameter, with
// the parameters each must agree on. The client offers the second set and
// the server asks for it; either way the response carries all four.
const DEFLATE = [
  ["defaults", { threshold: 0 }, {}],
  ["windows of 8 bits", { threshold: 0, serverMaxWindowBits: 8, clientMaxWindowBits: 8 },
    { server_max_window_bits: 8, client_max_window_bits: 8 }],
  ["no context takeover, windows 9 and 10 bits", {
    threshold: 0,
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    serverMaxWindowBits: 9,
    clientMaxWindowBits: 10,
  }, {
    server_no_context_takeover: true,
    client_no_context_takeover: true,
    server_max_window_bits: 9,
    client_max_window_bits: 10,
  }],
];

/** Checks that `ws` agreed on permessage-deflate with `expected` params. */
function checkAgreed(ws, expected) {
  if (ws.extensions !== "permessage-deflate") throw new Error(`extensions ${JSON.stringify(ws.extensions)}`);
  const params = ws._extensions["permessage-deflate"].params;
  for (const [name, want] of Object.entries(expected)) {
    // ws keeps a parameter's value as a number or `true`.
    if (params[name] !== want) throw new Error(`agreed ${JSON.stringify(params)}, want ${name}=${want}`);
  }
}

/**
 * `payload` (repetitive text) echoed, and the echo took under a quarter of
 * its size on the wire. Not less: at level 1 a 9-bit window compresses
 * 1 MiB of `text` only to 9% with zlib itself (15% with ours).
 */
async function compressedEcho(ws, payload, binary) {
  const before = ws._socket.bytesRead;
  await echoes(ws, payload, binary);
  const read = ws._socket.bytesRead - before;
  if (read * 4 > Buffer.byteLength(payload)) throw new Error(`the echo of ${payload.length} bytes took ${read}`);
}

async function sendFragments(ws, pieces, binary) {
  pieces.forEach((piece, i) => ws.send(piece, { binary, compress: true, fin: i === pieces.length - 1 }));
  const [data, isBinary] = await next(ws);
  if (isBinary !== binary || !Buffer.concat(pieces.map((p) => Buffer.from(p))).equals(data)) {
    throw new Error(`echo of ${data.length} bytes differs`);
  }
}

/** Every message kind and size, and the checks that our side compressed. */
async function deflateMessages(ws, prefix) {
  for (const size of SIZES) {
    await suite.check(`${prefix}repetitive text of ${size} bytes`, () => echoes(ws, text(size), false));
    await suite.check(`${prefix}random text of ${size} bytes`, () => echoes(ws, randomText(size), false));
    await suite.check(`${prefix}repetitive binary of ${size} bytes`, () => echoes(ws, bytes(size), true));
    await suite.check(`${prefix}random binary of ${size} bytes`, () => echoes(ws, randomBytes(size), true));
  }
  await suite.check(`${prefix}64 KiB repeating a random 200-byte block`, () =>
    echoes(ws, Buffer.concat(Array(328).fill(randomBytes(200))), true));
  await suite.check(`${prefix}multi-byte UTF-8 text`, () => echoes(ws, MULTIBYTE, false));
  await suite.check(`${prefix}fragmented text split inside a character`, () => {
    const whole = Buffer.from("ab😀cd€" + text(1000));
    return sendFragments(ws, [whole.subarray(0, 4), whole.subarray(4, 9), whole.subarray(9)], false);
  });
  await suite.check(`${prefix}fragmented binary of 1 MiB, random and repetitive`, () =>
    sendFragments(ws, [randomBytes(1), bytes(500000), randomBytes(65536), bytes(482987)], true));
  await suite.check(`${prefix}1 MiB of text echoed compressed`, () => compressedEcho(ws, text(1 << 20), false));
  await suite.check(`${prefix}64 KiB of binary echoed compressed`, () =>
    compressedEcho(ws, Buffer.from(text(65536)), true));
  await suite.check(`${prefix}ping answered with the same payload`, async () => {
    ws.ping(Buffer.from("are you there?"));
    const [data] = await next(ws, "pong");
    if (data.toString() !== "are you there?") throw new Error(`pong carried ${data}`);
  });
}

async function clientDeflateSuite(url) {
  for (const [name, options, expected] of DEFLATE) {
    const prefix = `deflate (${name}): `;
    let ws;
    await suite.check(`${prefix}permessage-deflate agreed, subprotocol chat`, async () => {
      ws = await open(url, ["chat"], options);
      if (ws.protocol !== "chat") throw new Error(`subprotocol ${ws.protocol}`);
      checkAgreed(ws, expected);
    });
    if (!ws || ws.readyState !== WebSocket.OPEN) continue;
    await deflateMessages(ws, prefix);
    await suite.check(`${prefix}close 4001 echoed`, async () => {
      ws.close(4001, "bye");
      const [got] = await next(ws, "close");
      if (got !== 4001) throw new Error(`closed with ${got}`);
    });
  }
}

/// A ws server with deflate for each setting in turn, our echo client
/// connecting to each.
async function serverDeflateSuite(echoClient) {
  for (const [index, [name, options, expected]] of DEFLATE.entries()) {
    const prefix = `deflate (${name}): `;
    const code = [1000, 4001][index % 2];
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: options, maxPayload: 64 << 20 });
    await withTimeout(new Promise((resolve) => wss.once("listening", resolve)), "listen");
    const session = new Promise((resolve) => wss.once("connection", resolve));
    const url = `ws://127.0.0.1:${wss.address().port}/deflate/${index}`;
    const child = spawn(echoClient[0], [...echoClient.slice(1), url], { stdio: ["ignore", "inherit", "inherit"] });
    const exited = new Promise((resolve) => child.once("exit", (status) => resolve(status)));
    let ws;
    await suite.check(`${prefix}echo client connects, permessage-deflate agreed`, async () => {
      const conn = await withTimeout(session, "the echo client to connect");
      checkAgreed(conn, expected);
      ws = conn;
    });
    if (ws) {
      await deflateMessages(ws, prefix);
      await suite.check(`${prefix}echo client echoes close ${code} and exits 0`, async () => {
        ws.close(code, "done");
        const [got] = await next(ws, "close");
        if (got !== code) throw new Error(`client answered ${got}`);
        const status = await withTimeout(exited, "the echo client to exit");
        if (status !== 0) throw new Error(`exit status ${status}`);
      });
    } else {
      child.kill();
    }
    wss.close();
  }
}

const [mode, target, ...rest] = process.argv.slice(2);
if (mode === "client") await clientSuite(target);
else if (mode === "server") await serverSuite(target);
else if (mode === "fanout") await fanoutSuite(target, Number(rest[0] ?? 1000));
else if (mode === "client-deflate") await clientDeflateSuite(target);
else if (mode === "server-deflate" && target) await serverDeflateSuite([target, ...rest]);
else {
  console.error("usage: node_peer.mjs client URL | server ECHO_CLIENT | fanout URL [N]"
    + " | client-deflate URL | server-deflate ECHO_CLIENT [ARG...]");
  process.exit(2);
}
process.exit(suite.finish());
