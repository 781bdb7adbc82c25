#!/usr/bin/env python3
"""Writes the committed seed corpus (fuzz/corpus/<target>/seed-*) from the
RFC 6455 vectors and handshakes in the shapes real clients send."""
import os

KEY = bytes([0x37, 0xFA, 0x21, 0x3D])


def frame(b0, payload, masked):
    n = len(payload)
    m = 0x80 if masked else 0
    if n <= 125:
        head = bytes([b0, m | n])
    elif n <= 0xFFFF:
        head = bytes([b0, m | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([b0, m | 127]) + n.to_bytes(8, "big")
    if masked:
        return head + KEY + bytes(b ^ KEY[i % 4] for i, b in enumerate(payload))
    return head + payload


def streams(masked):
    f = lambda b0, p: frame(b0, p, masked)
    return {
        "hello": f(0x81, b"Hello"),
        "fragmented": f(0x01, b"Hel") + f(0x80, b"lo"),
        "ping-pong": f(0x89, b"Hello") + f(0x8A, b"Hello"),
        "len256": f(0x82, bytes(range(256))),
        "len65536": f(0x82, bytes(65536)),
        "interleaved": f(0x01, "κό".encode()) + f(0x89, b"p") + f(0x80, "σμε".encode()),
        "close": f(0x81, b"bye") + f(0x88, b"\x03\xe8done"),
        "bad-utf8": f(0x81, b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited"),
        "reserved": f(0x83, b"") + f(0xC1, b"x"),
        "bad-close": f(0x88, b"\x03"),
        "huge-length": bytes([0x82, 0xFF]) + (2**63 - 1).to_bytes(8, "big") + KEY,
    }


REQUESTS = {
    "rfc": b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
    b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n"
    b"Sec-WebSocket-Version: 13\r\n\r\n",
    "chromium": b"GET /chat?room=1 HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nConnection: Upgrade\r\n"
    b"Pragma: no-cache\r\nUpgrade: websocket\r\nOrigin: http://127.0.0.1:8080\r\n"
    b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n",
    "firefox": b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: Mozilla/5.0\r\n"
    b"Sec-WebSocket-Version: 13\r\nOrigin: null\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n",
    "curl": b"GET /ws HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n"
    b"Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Connection: Upgrade\r\n\r\n",
    "bad-version": b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n",
}

RESPONSES = {
    "rfc": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: chat\r\n\r\n",
    "redirect": b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n",
    "with-frame": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n\x81\x02hi",
}


def write(target, name, data):
    d = os.path.join(os.path.dirname(__file__), "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


for name, data in streams(True).items():
    write("server_stream", name, b"\x00" + data)
    write("chunking", name, b"\x00\x03\x00\x07\x00" + data)
for name, data in streams(False).items():
    write("client_stream", name, b"\x01" + data)
    write("chunking", "client-" + name, b"\x01\x02\x00\x05\x00" + data)
for name, data in REQUESTS.items():
    write("handshake_request", name, data)
for name, data in RESPONSES.items():
    write("handshake_response", name, b"\x10\x00" + data)
for name, text in {"ascii": b"hello", "greek": "κόσμε".encode(), "surrogate": b"\xed\xa0\x80",
                   "too-big": b"\xf4\x90\x80\x80", "truncated": b"\xf0\x9f"}.items():
    write("utf8", name, b"\x02\x01\x03" + text)
for name, data in streams(False).items():
    write("frame_roundtrip", name, data)
    write("pair", name, data)
# server_handshake takes (accept: bool, split: u16, bytes): a request, then
# frames the client pipelined.
for name, data in REQUESTS.items():
    hello = frame(0x81, b"Hello", True) + frame(0x88, b"\x03\xe8", True)
    write("server_handshake", "accept-" + name, b"\x01\x00\x05" + data + hello)
    write("server_handshake", "reject-" + name, b"\x00\x00\x20" + data)


# send takes a script (see fuzz_targets/send.rs): flags, two storage sizes,
# a send queue, then ops of (operation << 1 | side), side 0 the client.
def send_script(flags, client_size, server_size, queue, ops):
    head = bytes([flags]) + client_size.to_bytes(2, "big") + server_size.to_bytes(2, "big")
    return head + queue.to_bytes(2, "big") + b"".join(ops)


def op(side, operation, *args):
    return bytes([operation << 1 | side]) + bytes(args)


CLIENT, SERVER = 0, 1
TEXT_WHOLE, BINARY_WHOLE, TEXT_PARTIAL, BINARY_PARTIAL, CONTINUE, PING, CLOSE, MOVE, POLL = range(9)
SEND = {
    # Both sides on the smallest fixed storage, stream mode: a 64 KiB text
    # (length 0x1000 x 16) sent in pieces with pings crossing it.
    "partial-text-fixed": send_script(0x00, 0, 0, 0, [
        op(CLIENT, TEXT_PARTIAL, 0x10, 0x00, 0x83),
        op(CLIENT, MOVE, 0x01, 0x2c), op(SERVER, POLL, 0),
        op(SERVER, PING, 5), op(SERVER, MOVE, 0, 7), op(CLIENT, POLL, 0),
        op(CLIENT, CONTINUE), op(CLIENT, MOVE, 0, 100), op(SERVER, POLL, 1),
        op(SERVER, BINARY_WHOLE, 0, 200, 9), op(SERVER, MOVE, 1, 0),
    ]),
    # Growable storage, whole messages, a 1280-byte queue: whole sends
    # past it, a partial one, then a close.
    "growable-mixed": send_script(0x0F, 0, 0, 64, [
        op(SERVER, BINARY_WHOLE, 0x03, 0xe8, 1), op(CLIENT, TEXT_WHOLE, 0, 126, 2),
        op(SERVER, BINARY_WHOLE, 0x02, 0x00, 3), op(SERVER, BINARY_PARTIAL, 0xff, 0xff, 4),
        op(SERVER, MOVE, 0x10, 0), op(CLIENT, POLL, 0), op(SERVER, CONTINUE),
        op(CLIENT, CLOSE, 0, 3), op(CLIENT, MOVE, 0, 20), op(SERVER, POLL, 0),
    ]),
    # A close in the middle of a partial binary message, fixed and growable
    # mixed.
    "close-mid-partial": send_script(0x05, 300, 1000, 100, [
        op(CLIENT, BINARY_PARTIAL, 0x4e, 0x20, 7), op(CLIENT, MOVE, 0, 7),
        op(SERVER, POLL, 0), op(CLIENT, CLOSE, 1, 10), op(CLIENT, CONTINUE),
        op(CLIENT, MOVE, 0x02, 0), op(SERVER, POLL, 0), op(SERVER, MOVE, 0, 50),
    ]),
}
for name, data in SEND.items():
    write("send", name, data)

# timers takes a header (connection kind; handshake, keepalive, dead-peer,
# close and linger deadlines; misc bits), then ops (see the target):
# 0 n bytes: raw input; 1+13k n payload: a frame (k: text, binary, ping,
# pong, text more, continuation, close); 2: the opening head (132: then the
# time before the drain); 3 b: +10*b ms; 4 hi lo: +secs; 5 b: -b secs;
# 6 c: a year, near or at the end of time; 7: to the deadline; 8 c n data: a
# command; 9: stall/flow; 10: EOF; 11: the same time again; 12 n bytes: raw
# input, then the time before the drain.
TEN_S, TWENTY_S, ONE_S = 4, 5, 3
slow = bytes([11])
for byte in REQUESTS["rfc"][:20]:
    slow += bytes([0, 1, byte, 4, 0, 1])
write("timers", "slowloris-server", bytes([0, TEN_S, TWENTY_S, TWENTY_S, TEN_S, ONE_S, 0]) + slow + b"\x07\x07")
keepalive = (b"\x0b\x07" + bytes([40, 0]) + b"\x07\x03\x32" + bytes([1, 5]) + b"hello"
             + b"\x07\x07\x05\x1e\x06\x00\x07\x07")
write("timers", "keepalive-open-server", bytes([2, 0, TWENTY_S, TWENTY_S, TEN_S, ONE_S, 0]) + keepalive)
closing = (b"\x0b" + bytes([132]) + b"\x0b" + bytes([8, 4, 0]) + bytes([79, 2, 0x03, 0xE8])
           + b"\x07\x07\x09" + bytes([8, 1, 40]) + b"x" * 40 + b"\x07")
write("timers", "close-linger-client", bytes([1, TEN_S, TWENTY_S, TWENTY_S, TEN_S, ONE_S, 1]) + closing)


# extension_negotiation takes (split: u16, bytes): a request offering x-toy,
# then a response naming it (cut where the request ends).
TOY_REQUEST = (b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
               b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Extensions: %s\r\n\r\n")
TOY_RESPONSE = (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Extensions: %s\r\n\r\n")
for name, offers, answer in [
    ("plain", b"x-toy", b"x-toy"),
    ("level", b"x-toy; level=3, x-other", b"x-toy; level=3"),
    ("bad-then-good", b"x-toy; level=1; level=2, x-toy; speed=1, x-toy; level=\"7\"", b"x-toy; level=7"),
    ("unoffered-param", b"x-toy", b"x-toy; speed=1"),
    ("twice", b"x-toy", b"x-toy, x-toy"),
]:
    request = TOY_REQUEST % offers
    write("extension_negotiation", name, len(request).to_bytes(2, "big") + request + TOY_RESPONSE % answer)



# deflate_inflate takes (room, piece, flags, split: u16, bytes): two
# permessage-deflate messages (RFC 7692 §7.2.3 vectors) cut at `split`.
HELLO = bytes.fromhex("f248cdc9c90700")
for name, flags, first, second in [
    ("hello-twice", 0x07, HELLO, bytes.fromhex("f200110000")),
    ("stored", 0x07, bytes.fromhex("000500faff48656c6c6f00"), HELLO),
    ("bfinal", 0x0f, bytes.fromhex("f348cdc9c9070000"), HELLO),
    ("two-blocks", 0x00, bytes.fromhex("f2480500000000ffffcac9c90700"), b"\x00"),
    ("window-8", 0x00, HELLO, HELLO),
]:
    write("deflate_inflate", name, bytes([0x10, 0x02, flags]) + len(first).to_bytes(2, "big") + first + second)

# deflate_negotiation takes (server settings, client settings, a
# Sec-WebSocket-Extensions value).
for name, value in [
    ("bare", b"permessage-deflate"),
    ("all", b"permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
            b"server_max_window_bits=10; client_max_window_bits"),
    ("bad-then-good", b"permessage-deflate; server_max_window_bits=16, permessage-deflate; client_max_window_bits=9"),
    ("quoted", b"permessage-deflate; server_max_window_bits=\"12\", x-other"),
]:
    write("deflate_negotiation", name, b"\x3f\x5d" + value)
