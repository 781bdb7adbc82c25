"""Interop with Python's `websockets`, the most used WebSocket library for Python.

    python python_peer.py client ws://127.0.0.1:PORT/   our echo server, websockets as the client
    python python_peer.py server PATH/TO/echo_client     websockets as the server, our echo client
    python python_peer.py client-deflate ws://127.0.0.1:PORT/
    python python_peer.py server-deflate PATH/TO/echo_client [ARG...]

The -deflate modes run permessage-deflate (RFC 7692): websockets offers or
accepts it, with its defaults, with an 8-bit window for our side, and with
every parameter set (no context takeover both ways, windows of 10 and 9 bits), checks that it was agreed
with those parameters and that our side compressed, and echoes messages of
every size, random and repetitive, text and binary, whole and fragmented.
In server-deflate the echo client runs as `ECHO_CLIENT ARG... URL` (give
it the flag that makes it offer deflate).

Prints one line per check and `N passed, N failed`; exits 1 on any failure.
Every wait is bounded.
"""

import asyncio
import random
import sys

from websockets.asyncio.client import connect
from websockets.asyncio.server import serve
from websockets.extensions.permessage_deflate import (
    ClientPerMessageDeflateFactory,
    PerMessageDeflate,
    ServerPerMessageDeflateFactory,
)

SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20]
MULTIBYTE = "héllo wörld € 😀 中文字符 Ελληνικά русский " * 1500
TIMEOUT = 10
NAME = "python websockets"


def text(size):
    line = "The quick brown fox jumps over the lazy dog. "
    return (line * (size // len(line) + 1))[:size]


def data(size):
    return bytes((i * 31 + (i >> 8)) & 0xFF for i in range(size))


def random_bytes(size):
    """`size` bytes that do not compress."""
    return random.Random(size).randbytes(size)


CHARACTERS = "aZ9 ~éßЖ€中😀𝄞"


def random_text(size):
    """Text of exactly `size` UTF-8 bytes, random characters of 1 to 4 bytes."""
    rng = random.Random(size)
    out, length = [], 0
    while length < size:
        c = rng.choice(CHARACTERS) if size - length >= 4 else "x"
        out.append(c)
        length += len(c.encode())
    return "".join(out)


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


def options(extensions=None):
    """Connection options; `extensions`, a list of extension factories, turns compression on."""
    common = {"max_size": None, "open_timeout": TIMEOUT, "close_timeout": TIMEOUT}
    if extensions is None:
        return {"compression": None, **common}
    return {"extensions": extensions, **common}


# permessage-deflate offers (client) and acceptances (server): websockets'
# defaults, an 8-bit window for our side (which compresses with zlib's 9-bit
# window: it never reaches back more than 250 bytes), then every parameter.
PARAMETERS = {
    "server_max_window_bits": 10,
    "client_max_window_bits": 9,
    "server_no_context_takeover": True,
    "client_no_context_takeover": True,
}
CLIENT_DEFLATE = [
    ("default offer", ClientPerMessageDeflateFactory(), None),
    (
        "server window of 8 bits",
        # Not the client's: zlib cannot compress with a raw 8-bit window.
        ClientPerMessageDeflateFactory(server_max_window_bits=8),
        {"remote_max_window_bits": 8},
    ),
    (
        "no context takeover, windows 10 and 9 bits",
        ClientPerMessageDeflateFactory(**PARAMETERS),
        # What the client's PerMessageDeflate must hold: remote is the server.
        {
            "remote_no_context_takeover": True,
            "local_no_context_takeover": True,
            "remote_max_window_bits": 10,
            "local_max_window_bits": 9,
        },
    ),
]
SERVER_DEFLATE = [
    ("default acceptance", ServerPerMessageDeflateFactory(), None),
    (
        "client window of 8 bits",
        ServerPerMessageDeflateFactory(client_max_window_bits=8),
        {"remote_max_window_bits": 8},
    ),
    (
        "no context takeover, windows 10 and 9 bits",
        ServerPerMessageDeflateFactory(**PARAMETERS),
        # What the server's PerMessageDeflate must hold: remote is the client.
        {
            "remote_no_context_takeover": True,
            "local_no_context_takeover": True,
            "remote_max_window_bits": 9,
            "local_max_window_bits": 10,
        },
    ),
]


def deflate_of(ws, expected):
    """The connection's PerMessageDeflate, checked against `expected`;
    counts from then on whether each received message was compressed."""
    found = [e for e in ws.protocol.extensions if isinstance(e, PerMessageDeflate)]
    if len(found) != 1 or len(ws.protocol.extensions) != 1:
        raise AssertionError(f"agreed extensions: {ws.protocol.extensions}")
    ext = found[0]
    for name, want in (expected or {}).items():
        if getattr(ext, name) != want:
            raise AssertionError(f"agreed {ext!r}, want {name}={want}")
    decode = ext.decode
    ext.compressed = []

    def watching(frame, **kwargs):
        if frame.opcode.name in ("TEXT", "BINARY"):
            ext.compressed.append(frame.rsv1)
        return decode(frame, **kwargs)

    ext.decode = watching
    return ext


async def compressed_echo(ws, ext, message):
    """`message` echoed, and the echo arrived compressed (RSV1 set)."""
    await echoes(ws, message)
    if not ext.compressed or not ext.compressed[-1]:
        raise AssertionError("the echo arrived uncompressed")


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


async def fragmented_large(ws):
    pieces = [text(300_000), random_text(200_000), MULTIBYTE, text(1)]
    await ws.send(iter(pieces))
    echo = await ws.recv()
    if echo != "".join(pieces):
        raise AssertionError(f"echo of {len(echo)} characters differs")


async def deflate_messages(suite, ws, ext, prefix):
    """Every message kind and size, and the checks that our side compressed."""
    for size in SIZES:
        await suite.check(f"{prefix}repetitive text of {size} bytes", lambda: echoes(ws, text(size)))
        await suite.check(f"{prefix}random text of {size} bytes", lambda: echoes(ws, random_text(size)))
        await suite.check(f"{prefix}repetitive binary of {size} bytes", lambda: echoes(ws, data(size)))
        await suite.check(f"{prefix}random binary of {size} bytes", lambda: echoes(ws, random_bytes(size)))
    await suite.check(f"{prefix}64 KiB repeating a random 200-byte block", lambda: echoes(ws, random_bytes(200) * 328))
    await suite.check(f"{prefix}multi-byte UTF-8 text", lambda: echoes(ws, MULTIBYTE))
    await suite.check(f"{prefix}fragmented text", lambda: fragmented(ws))
    await suite.check(f"{prefix}fragmented text of 0.6 MB", lambda: fragmented_large(ws))
    await suite.check(f"{prefix}1 MiB of text echoed compressed", lambda: compressed_echo(ws, ext, text(1 << 20)))
    await suite.check(f"{prefix}1 KiB of binary echoed compressed", lambda: compressed_echo(ws, ext, data(1024)))
    await suite.check(f"{prefix}ping answered with the same payload", lambda: pinged(ws))


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


async def client_deflate_suite(suite, url):
    for name, factory, expected in CLIENT_DEFLATE:
        prefix = f"deflate ({name}): "
        async with connect(url, subprotocols=["chat"], **options([factory])) as ws:
            ext = None

            async def agreed():
                nonlocal ext
                ext = deflate_of(ws, expected)
                if ws.subprotocol != "chat":
                    raise AssertionError(f"subprotocol {ws.subprotocol}")

            await suite.check(f"{prefix}permessage-deflate agreed, subprotocol chat", agreed)
            if ext is None:
                continue
            await deflate_messages(suite, ws, ext, prefix)

            async def closes():
                await ws.close(4001, "bye")
                got = ws.protocol.close_rcvd
                if got is None or got.code != 4001:
                    raise AssertionError(f"server answered {got}")

            await suite.check(f"{prefix}close 4001 echoed", closes)


async def server_deflate_suite(suite, echo_client):
    sessions = {}

    async def handler(ws):
        await sessions[ws.request.path].put(ws)
        await ws.wait_closed()

    for index, (name, factory, expected) in enumerate(SERVER_DEFLATE):
        prefix = f"deflate ({name}): "
        code = (1000, 4001)[index % 2]
        async with serve(handler, "127.0.0.1", 0, **options([factory])) as server:
            port = server.sockets[0].getsockname()[1]
            path = f"/deflate/{index}"
            sessions[path] = asyncio.Queue()
            child = await asyncio.create_subprocess_exec(*echo_client, f"ws://127.0.0.1:{port}{path}")
            ws = ext = None

            async def agreed():
                nonlocal ws, ext
                ws = await sessions[path].get()
                ext = deflate_of(ws, expected)

            await suite.check(f"{prefix}echo client connects, permessage-deflate agreed", agreed)
            if ext is None:
                child.kill()
                await child.wait()
                continue
            await deflate_messages(suite, ws, ext, prefix)

            async def closes():
                await ws.close(code, "done")
                got = ws.protocol.close_rcvd
                if got is None or got.code != code:
                    raise AssertionError(f"client answered {got}")
                status = await child.wait()
                if status != 0:
                    raise AssertionError(f"exit status {status}")

            await suite.check(f"{prefix}echo client echoes close {code} and exits 0", closes)


async def main():
    suite = Suite()
    match sys.argv[1:]:
        case ["client", url]:
            await client_suite(suite, url)
        case ["server", echo_client]:
            await server_suite(suite, echo_client)
        case ["client-deflate", url]:
            await client_deflate_suite(suite, url)
        case ["server-deflate", *echo_client] if echo_client:
            await server_deflate_suite(suite, echo_client)
        case _:
            print(__doc__, file=sys.stderr)
            return 2
    return suite.finish()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
