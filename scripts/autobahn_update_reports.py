#!/usr/bin/env python3
"""autobahn_update_reports.py: ask a running `wstest -m fuzzingserver` to write its reports.

Usage:
    scripts/autobahn_update_reports.py ws://127.0.0.1:9002 AGENT [--timeout SECONDS]

scripts/autobahn.sh uses this as a fallback when the client under test died or
hung before calling updateReports itself, so that the cases that did run still
get a report. It is deliberately tiny and independent of the crate: the stdlib,
one WebSocket handshake to /updateReports?agent=AGENT, then wait (bounded) for
wstest's Close, which wstest sends only after every report file is written.
Exit status 0 if the Close arrived, 1 otherwise.
"""
import argparse
import base64
import os
import socket
import sys
import time
import urllib.parse


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("url", help="fuzzingserver URL, ws://HOST:PORT")
    ap.add_argument("agent")
    ap.add_argument("--timeout", type=float, default=120.0,
                    help="seconds to wait for the reports (default 120)")
    args = ap.parse_args()

    u = urllib.parse.urlsplit(args.url)
    if u.scheme != "ws" or not u.hostname:
        ap.error("need a ws://HOST:PORT URL")
    host, port = u.hostname, u.port or 80
    path = "/updateReports?agent=" + urllib.parse.quote(args.agent, safe="")
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, host, port, key)
    )
    deadline = time.monotonic() + args.timeout
    try:
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(request.encode())
            data = b""
            while b"\r\n\r\n" not in data:
                s.settimeout(max(0.1, deadline - time.monotonic()))
                chunk = s.recv(4096)
                if not chunk:
                    raise ConnectionError("connection closed during the handshake")
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 101"):
                raise ConnectionError("handshake refused: %r" % head.split(b"\r\n")[0])
            # wstest sends Close (opcode 8) once the reports are on disk.
            data = rest
            while not (len(data) >= 1 and data[0] & 0x0F == 0x8):
                s.settimeout(max(0.1, deadline - time.monotonic()))
                chunk = s.recv(4096)
                if not chunk:
                    raise ConnectionError("connection closed before wstest's Close")
                data += chunk
            # Reply with a masked, empty Close and leave.
            s.sendall(b"\x88\x80" + os.urandom(4))
    except (OSError, ConnectionError) as e:
        print("autobahn_update_reports: %s: %s" % (args.url, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
