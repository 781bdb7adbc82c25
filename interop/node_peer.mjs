// Interop with Node's `ws`, the most used WebSocket library for Node.js.
//
//   node node_peer.mjs client ws://127.0.0.1:PORT/   our echo server, ws as the client
//   node node_peer.mjs server PATH/TO/echo_client     ws as the server, our echo client
//   node node_peer.mjs fanout ws://127.0.0.1:PORT/ws N   N clients of the chat example
//
// Each prints one line per check and `N passed, N failed`; exits 1 on any
// failure. Every wait is bounded.
import { spawn } from "node:child_process";
import WebSocket, { WebSocketServer } from "ws";
import { SIZES, text, bytes, MULTIBYTE, Suite, withTimeout } from "./common.mjs";

const suite = new Suite("node ws");

function open(url, protocols) {
  return withTimeout(new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { perMessageDeflate: false, maxPayload: 64 << 20 });
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

const [mode, target, count] = process.argv.slice(2);
if (mode === "client") await clientSuite(target);
else if (mode === "server") await serverSuite(target);
else if (mode === "fanout") await fanoutSuite(target, Number(count ?? 1000));
else { console.error("usage: node_peer.mjs client URL | server ECHO_CLIENT | fanout URL [N]"); process.exit(2); }
process.exit(suite.finish());
