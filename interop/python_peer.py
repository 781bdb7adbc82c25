"""Interop with Python's `websockets`, the most used WebSocket library for Python.

    python python_peer.py client ws://127.0.0.1:PORT/   our echo server, websockets as the client
    python python_peer.py server PATH/TO/echo_client     websockets as the server, our echo client

Prints one line per check and `N passed, N failed`; exits 1 on any failure.
Every wait is bounded.
"""

import asyncio
import sys

from websockets.asyncio.client import connect
from websockets.asyncio.server import serve

SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20]
MULTIBYTE = "héllo wörld € 😀 中文字符 Ελληνικά русский " * 1500
TIMEOUT = 10
NAME = "python websockets"


def text(size):
    line = "The quick brown fox jumps over the lazy dog. "
    return (line * (size // len(line) + 1))[:size]


def data(size):
    return bytes((i * 31 + (i >> 8)) & 0xFF for i in range(size))


class Suite:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    async def check(self, what, body):
        try:
            await asyncio.wait_for(body(), TIMEOUT)
            self.passed += 1
            print(f"  ok    {NAME}: {what}", flush=True)
        except Exception as e:  # any failure of the check, reported and counted
            self.failed += 1
            print(f"  FAIL  {NAME}: {what}: {e!r}", flush=True)

    def finish(self):
        print(f"{NAME}: {self.passed} passed, {self.failed} failed", flush=True)
        return 0 if self.failed == 0 else 1


def options():
    return {"compression": None, "max_size": None, "open_timeout": TIMEOUT, "close_timeout": TIMEOUT}


async def echoes(ws, message):
    await ws.send(message)
    echo = await ws.recv()
    if type(echo) is not type(message):
        raise AssertionError(f"echo came back as {type(echo).__name__}")
    if echo != message:
        raise AssertionError(f"echo of {len(message)} differs")


async def fragmented(ws):
    pieces = ["€uro ", "😀 ", "fragments ", "中文"]
    await ws.send(iter(pieces))
    echo = await ws.recv()
    if echo != "".join(pieces):
        raise AssertionError(f"got {echo!r}")


async def pinged(ws):
    waiter = await ws.ping(b"are you there?")
    await waiter  # websockets checks that the Pong carries the same payload


async def client_suite(suite, url):
    async with connect(url, **options()) as ws:
        for size in SIZES:
            await suite.check(f"text of {size} bytes echoed", lambda: echoes(ws, text(size)))
            await suite.check(f"binary of {size} bytes echoed", lambda: echoes(ws, data(size)))
        await suite.check("multi-byte UTF-8 text echoed", lambda: echoes(ws, MULTIBYTE))
        await suite.check("fragmented text echoed", lambda: fragmented(ws))
        await suite.check("ping answered with the same payload", lambda: pinged(ws))
    for code in (1000, 4001):

        async def close_echoed():
            async with connect(url, **options()) as conn:
                await conn.close(code, "bye")
                got = conn.protocol.close_rcvd
                if got is None or got.code != code:
                    raise AssertionError(f"server answered {got}")

        await suite.check(f"close {code} echoed", close_echoed)

    async def subprotocol():
        async with connect(url, subprotocols=["chat", "superchat"], **options()) as conn:
            if conn.subprotocol != "chat":
                raise AssertionError(f"got {conn.subprotocol}")

    await suite.check("subprotocol chat chosen from chat, superchat", subprotocol)


async def server_suite(suite, echo_client):
    sessions = {}

    async def handler(ws):
        await sessions[ws.request.path].put(ws)
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0, **options()) as server:
        port = server.sockets[0].getsockname()[1]
        for code in (1000, 4001):
            path = f"/close/{code}"
            sessions[path] = asyncio.Queue()
            child = await asyncio.create_subprocess_exec(echo_client, f"ws://127.0.0.1:{port}{path}")
            try:
                ws = await asyncio.wait_for(sessions[path].get(), TIMEOUT)
            except asyncio.TimeoutError:
                child.kill()
                await suite.check(f"echo client connects (close {code})", lambda: asyncio.sleep(TIMEOUT + 1))
                continue
            for size in SIZES:
                await suite.check(f"echo client echoes text of {size} bytes", lambda: echoes(ws, text(size)))
                await suite.check(f"echo client echoes binary of {size} bytes", lambda: echoes(ws, data(size)))
            await suite.check("echo client echoes multi-byte UTF-8", lambda: echoes(ws, MULTIBYTE))
            await suite.check("echo client echoes a fragmented message", lambda: fragmented(ws))
            await suite.check("echo client answers a ping", lambda: pinged(ws))

            async def closes():
                await ws.close(code, "done")
                got = ws.protocol.close_rcvd
                if got is None or got.code != code:
                    raise AssertionError(f"client answered {got}")
                status = await child.wait()
                if status != 0:
                    raise AssertionError(f"exit status {status}")

            await suite.check(f"echo client echoes close {code} and exits 0", closes)


async def main():
    suite = Suite()
    match sys.argv[1:]:
        case ["client", url]:
            await client_suite(suite, url)
        case ["server", echo_client]:
            await server_suite(suite, echo_client)
        case _:
            print(__doc__, file=sys.stderr)
            return 2
    return suite.finish()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
