"""The examples' deadlines, judged from outside over real sockets.

    python deadlines.py linger PATH/TO/echo_client   a server that completes the close
                                                     handshake but never closes TCP
    python deadlines.py stall ws://127.0.0.1:PORT/   clients that send half a request head
                                                     and go quiet

`linger`: echo_client must exit 0 within a few seconds (the client's
`linger_timeout`, 2 s, then its lingering close), not wait for the server.
`stall`: the server must close every stalled connection after its
`handshake_timeout` (10 s), not before 9 s and not after 14 s.

Standard library only. Prints one line per check and `N passed, N failed`;
exits 1 on any failure. Every wait is bounded; only loopback is used.
"""

import asyncio
import base64
import hashlib
import struct
import sys
import time
from urllib.parse import urlparse

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
STALLED = 50
NAME = "deadlines"


class Suite:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, what, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"  ok    {NAME}: {what}", flush=True)
        else:
            self.failed += 1
            print(f"  FAIL  {NAME}: {what}: {detail}", flush=True)

    def finish(self):
        print(f"{NAME}: {self.passed} passed, {self.failed} failed", flush=True)
        return 0 if self.failed == 0 else 1


async def read_frame(reader):
    """One frame from a client (masked): (opcode, payload)."""
    b0, b1 = await reader.readexactly(2)
    length = b1 & 0x7F
    if length == 126:
        (length,) = struct.unpack(">H", await reader.readexactly(2))
    elif length == 127:
        (length,) = struct.unpack(">Q", await reader.readexactly(8))
    mask = await reader.readexactly(4) if b1 & 0x80 else b"\0\0\0\0"
    payload = bytes(b ^ mask[i % 4] for i, b in enumerate(await reader.readexactly(length)))
    return b0 & 0x0F, payload


async def linger(suite, echo_client):
    """A server that closes the WebSocket but holds TCP open for 30 s."""
    seen = asyncio.get_running_loop().create_future()
    holders = []

    async def handler(reader, writer):
        holders.append(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            key = next(
                line.split(b":", 1)[1].strip()
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"sec-websocket-key:")
            )
            accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
            writer.write(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
            )
            writer.write(b"\x88\x02\x03\xe8")  # Close 1000
            await writer.drain()
            opcode, payload = await read_frame(reader)
            seen.set_result((opcode, payload))
            await asyncio.sleep(30)  # never closes TCP itself
        except asyncio.CancelledError:
            pass  # the check is over
        except Exception as e:  # reported through `seen`
            if not seen.done():
                seen.set_exception(e)

    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    started = time.monotonic()
    child = await asyncio.create_subprocess_exec(echo_client, f"ws://127.0.0.1:{port}/")
    try:
        status = await asyncio.wait_for(child.wait(), 15)
    except asyncio.TimeoutError:
        child.kill()
        status = None
    elapsed = time.monotonic() - started
    echoed = seen.result() if seen.done() and not seen.exception() else None
    suite.check("echo_client echoes the server's Close 1000", echoed == (8, b"\x03\xe8"), repr(echoed))
    suite.check(
        "echo_client exits 0 within 6 s when the server never closes TCP",
        status == 0 and elapsed < 6,
        f"status {status} after {elapsed:.1f} s",
    )
    for writer in holders:
        writer.close()
    server.close()


async def stall(suite, url):
    """Half a request head on each of STALLED connections, then silence."""
    parsed = urlparse(url)
    half = (
        f"GET {parsed.path or '/'} HTTP/1.1\r\nHost: {parsed.hostname}:{parsed.port}\r\n"
        "Upgrade: websocket\r\n"
    ).encode()

    async def one():
        reader, writer = await asyncio.open_connection(parsed.hostname, parsed.port)
        writer.write(half)
        await writer.drain()
        started = time.monotonic()
        try:
            got = await asyncio.wait_for(reader.read(4096), 20)
        except ConnectionResetError:
            got = b""
        except asyncio.TimeoutError:
            got = None
        writer.close()
        return got, time.monotonic() - started

    results = await asyncio.gather(*(one() for _ in range(STALLED)))
    closed = [t for got, t in results if got == b""]
    suite.check(
        f"{url} closes all {STALLED} stalled handshakes, sending nothing",
        len(closed) == STALLED,
        f"{len(closed)} closed; others got {[g for g, _ in results if g != b''][:3]}",
    )
    if closed:
        suite.check(
            f"{url} closes them after 9 to 14 s (handshake_timeout 10 s)",
            9 <= min(closed) and max(closed) <= 14,
            f"between {min(closed):.1f} and {max(closed):.1f} s",
        )


async def main():
    suite = Suite()
    match sys.argv[1:]:
        case ["linger", echo_client]:
            await linger(suite, echo_client)
        case ["stall", url]:
            await stall(suite, url)
        case _:
            print(__doc__, file=sys.stderr)
            return 2
    return suite.finish()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
