// Interop with a real browser: Debian's Chromium, headless, driven by
// playwright-core (which never downloads a browser of its own).
//
//   node browser.mjs CHAT_URL ECHO_URL [ECHO_URL...] SCREENSHOT.png
//
// CHAT_URL is the chat example's page (http://127.0.0.1:PORT/), each ECHO_URL
// an echo server (ws://127.0.0.1:PORT/), checked in turn; a check's name
// starts with its echo server's URL when there are several. Prints one line per check and
// `N passed, N failed`; exits 1 on any failure.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { SIZES, Suite } from "./common.mjs";

/** The chat example's limit on a message (`MAX_MESSAGE` in examples/chat.rs). */
const CHAT_MAX_MESSAGE = 16 << 10;

const [chatUrl, ...rest] = process.argv.slice(2);
const screenshot = rest.pop();
const echoUrls = rest;
if (!chatUrl || !screenshot || echoUrls.length === 0) {
  console.error("usage: browser.mjs CHAT_URL ECHO_URL [ECHO_URL...] SCREENSHOT.png");
  process.exit(2);
}
const suite = new Suite("chromium");
const profile = mkdtempSync(join(tmpdir(), "rfc6455-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  timeout: 30000,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
browser.setDefaultTimeout(10000);

try {
  // Two tabs of the chat page: what one sends, the other shows.
  const [alice, bob] = [await browser.newPage(), await browser.newPage()];
  for (const page of [alice, bob]) {
    await suite.check("chat page loads and connects", async () => {
      await page.goto(chatUrl);
      await page.locator("#state", { hasText: "open" }).waitFor();
    });
  }
  await suite.check("a message typed in one tab appears in the other", async () => {
    const words = `hello from alice ${Date.now()} — ünïcödé 😀`;
    await alice.fill("#input", words);
    await alice.click("#send");
    await bob.locator("#messages li", { hasText: words }).waitFor();
    await alice.locator("#messages li", { hasText: words }).waitFor();
  });
  await suite.check("the chat page renders (screenshot)", async () => {
    await alice.screenshot({ path: screenshot, fullPage: true });
  });
  await suite.check("the server closes with the code and reason asked for", async () => {
    await bob.fill("#input", "/close 4001 going away");
    await bob.click("#send");
    await bob.waitForFunction(() => window.chat.closeEvent !== null);
    const event = await bob.evaluate(() => window.chat.closeEvent);
    expect(event, { code: 4001, reason: "going away", wasClean: true });
  });
  await suite.check("the close button closes cleanly", async () => {
    await alice.click("#close");
    await alice.waitForFunction(() => window.chat.closeEvent !== null);
    expect(await alice.evaluate(() => window.chat.closeEvent), { code: 1000, reason: "", wasClean: true });
    await alice.locator("#state", { hasText: "closed" }).waitFor();
  });

  // Over the limit, the server fails the connection with 1009 while the rest
  // of the message is still arriving. Its Close frame reaches the browser
  // only if the server then closes TCP in order (FIN, then read until the
  // browser's FIN): dropping the socket with unread input sends a reset,
  // which destroys the Close and the browser reports 1006, not clean.
  // The message is 4 times the limit: enough unread input for a reset every
  // time, and small enough that Chromium has handed all of it to the network
  // before the Close comes back (Blink reports `wasClean` only when
  // `bufferedAmount` was consumed; at 16 times the limit, about 1 run in 8
  // was not clean for that reason alone, with the same bytes on the wire).
  const carol = await browser.newPage();
  await suite.check("chat: a message under the limit is broadcast back", async () => {
    await carol.goto(chatUrl);
    await carol.locator("#state", { hasText: "open" }).waitFor();
    const words = `carol ${Date.now()} ` + "é".repeat(1000);
    await carol.evaluate((words) => window.chat.ws.send(words), words);
    await carol.waitForFunction((words) => window.chat.received.includes(words), words);
  });
  await suite.check(`chat: a message over ${CHAT_MAX_MESSAGE} bytes closes with 1009, cleanly`, async () => {
    await carol.evaluate((size) => window.chat.ws.send("x".repeat(size)), 4 * CHAT_MAX_MESSAGE);
    await carol.waitForFunction(() => window.chat.closeEvent !== null);
    const { code, wasClean } = await carol.evaluate(() => window.chat.closeEvent);
    expect({ code, wasClean }, { code: 1009, wasClean: true });
  });

  // Each echo server, from a page of the chat's origin.
  const page = alice;
  for (const echoUrl of echoUrls) {
    const name = (check) => (echoUrls.length > 1 ? `${echoUrl}: ${check}` : check);
    for (const size of SIZES) {
      for (const kind of ["text", "binary"]) {
        await suite.check(name(`${kind} of ${size} bytes echoed`), async () => {
          const result = await page.evaluate(echoInPage, { url: echoUrl, size, kind });
          if (result !== "ok") throw new Error(result);
        });
      }
    }
    await suite.check(name("subprotocol chat chosen from ['chat', 'superchat']"), async () => {
      const protocol = await page.evaluate(async (url) => {
        const ws = new WebSocket(url, ["chat", "superchat"]);
        await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
        ws.close();
        return ws.protocol;
      }, echoUrl);
      if (protocol !== "chat") throw new Error(`got ${JSON.stringify(protocol)}`);
    });
    for (const code of [1000, 4001]) {
      await suite.check(name(`close ${code} with a reason ends cleanly`), async () => {
        const event = await page.evaluate(async ({ url, code }) => {
          const ws = new WebSocket(url);
          await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
          const closed = new Promise((resolve) => { ws.onclose = resolve; });
          ws.close(code, "see you");
          const e = await closed;
          return { code: e.code, reason: e.reason, wasClean: e.wasClean };
        }, { url: echoUrl, code });
        // The server echoes the code (RFC 6455 §5.5.1), not the reason.
        expect(event, { code, reason: "", wasClean: true });
      });
    }
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(suite.finish());

function expect(got, want) {
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
}

// Runs in the page: one message of `size` bytes to the echo server and back.
async function echoInPage({ url, size, kind }) {
  const ws = new WebSocket(url);
  ws.binaryType = "arraybuffer";
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error("no connection")); });
  const sent = kind === "text"
    ? "The quick brown fox jumps over the lazy dog. ".repeat(Math.ceil(size / 45)).slice(0, size)
    : Uint8Array.from({ length: size }, (_, i) => (i * 31 + (i >> 8)) & 0xff);
  const echo = new Promise((resolve) => { ws.onmessage = (e) => resolve(e.data); });
  ws.send(sent);
  const got = await echo;
  ws.close(1000);
  if (kind === "text") return got === sent ? "ok" : `text echo differs (${typeof got}, ${got.length})`;
  const bytes = new Uint8Array(got);
  if (!(got instanceof ArrayBuffer) || bytes.length !== size) return `binary echo has ${bytes.length} bytes`;
  return bytes.every((b, i) => b === sent[i]) ? "ok" : "binary echo differs";
}
