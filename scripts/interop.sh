#!/usr/bin/env bash
# interop.sh: rfc6455 against the peers people actually use.
#
# Usage: scripts/interop.sh
#
# Installs what is missing (Debian's chromium with apt; playwright-core and ws
# from npm into interop/node_modules; websockets from PyPI into a virtualenv),
# builds the examples, starts echo_server, tokio_echo, chat and the
# rfc6455-tokio crate's tokio_echo_server on 127.0.0.1 (twice: plain, and with
# --deflate, which accepts permessage-deflate), then runs every suite:
#
#   python websockets  as the client of echo_server, tokio_echo and
#                      tokio_echo_server, and as the server for echo_client
#                      and tokio_echo_client
#   node ws            the same, plus 1,000 clients of the chat example
#   deflate            permessage-deflate (RFC 7692) both ways: python
#                      websockets and node ws as clients of tokio_echo_server
#                      --deflate and as servers for tokio_echo_client --deflate,
#                      with their default parameters, 8-bit windows, and all four set
#                      (each checks what was agreed, and that we compressed);
#                      Chromium's offer to tokio_echo_server --deflate
#   tokio_client       200 concurrent connections to each echo server
#   deadlines          echo_client leaves a server that never closes TCP within
#                      6 s; the echo servers drop stalled handshakes at 10 s
#   chromium           the chat page in two tabs, a message over the chat's
#                      limit (a clean 1009 close), and echoes, subprotocols and
#                      close codes from a page to echo_server and
#                      tokio_echo_server, which decline Chromium's offer of
#                      permessage-deflate (screenshot in reports/interop/)
#
# echo_server and echo_client are the core's, over blocking std::net;
# tokio_echo_server and tokio_echo_client are tokio/examples/echo_server.rs and
# echo_client.rs, the same contract on the rfc6455-tokio adapter.
#
# Each suite prints `N passed, N failed`; the script exits non-zero if any
# check failed. Only loopback addresses are used; every wait is bounded.
#
# Environment (all optional): INTEROP_PORT_BASE (19000), INTEROP_VENV
# (~/.cache/rfc6455-interop/venv), CHROMIUM (/usr/bin/chromium).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
base=${INTEROP_PORT_BASE:-19000}
venv=${INTEROP_VENV:-$HOME/.cache/rfc6455-interop/venv}
reports=$root/reports/interop
started=$SECONDS
log() { printf 'interop: %s\n' "$*" >&2; }

# ---- install what is missing ---------------------------------------------------------
chromium=${CHROMIUM:-/usr/bin/chromium}
if [[ ! -x $chromium ]]; then
    log "installing Debian's chromium"
    sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
log "$("$chromium" --version)"
# playwright-core drives the installed browser; it must never download one.
(cd interop && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
if [[ ! -x $venv/bin/python ]]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r interop/requirements.txt
log "node $(node --version), python websockets $("$venv/bin/python" -c 'import websockets; print(websockets.__version__)')"

# ---- build and start our servers -----------------------------------------------------
cargo build --release --example echo_server --example echo_client --example tokio_echo \
    --example tokio_client --example chat
cargo build --release -p rfc6455-tokio --features deflate --example tokio_echo_server \
    --example tokio_echo_client
bin=${CARGO_TARGET_DIR:-$root/target}/release/examples
rm -rf "$reports"
mkdir -p "$reports"
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null || true # 1,000 connections need the descriptors

pids=()
cleanup() { for pid in ${pids[@]+"${pids[@]}"}; do kill -- "-$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

start() { # NAME PORT [FLAG]: start our example NAME on 127.0.0.1:PORT, wait until it listens
    local name=$1 port=$2 flag=${3-} deadline=$((SECONDS + 30))
    setsid "$bin/$name" ${flag:+"$flag"} "127.0.0.1:$port" >"$reports/$name$flag.log" 2>&1 </dev/null &
    pids+=("$!")
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        ((SECONDS < deadline)) || { log "$name did not listen on 127.0.0.1:$port"; exit 1; }
        sleep 0.1
    done
}
start echo_server $((base + 1))
start tokio_echo $((base + 2))
start chat $((base + 80))
start tokio_echo_server $((base + 3))
start tokio_echo_server $((base + 4)) --deflate
echo_server=ws://127.0.0.1:$((base + 1))/
tokio_echo=ws://127.0.0.1:$((base + 2))/
adapter=ws://127.0.0.1:$((base + 3))/
deflate=ws://127.0.0.1:$((base + 4))/
chat=127.0.0.1:$((base + 80))

# ---- the suites ------------------------------------------------------------------------
failed=()
summary=()
suite() { # NAME CMD...: run a suite with a time bound, keep its summary line
    local name=$1 out status
    shift
    log "suite: $name"
    set +e
    out=$(timeout 300 "$@" 2>&1)
    status=$?
    set -e
    printf '%s\n' "$out" >"$reports/$(tr ' /' '__' <<<"$name").log"
    printf '%s\n' "$out" | grep -E 'FAIL|passed, ' || true
    summary+=("$(printf '%-52s %s' "$name" "$(printf '%s\n' "$out" | grep -E 'passed, ' | tail -1 | sed 's/^[^:]*: //')")")
    if ((status != 0)); then
        failed+=("$name (exit $status)")
    fi
}
py=("$venv/bin/python" interop/python_peer.py)
suite "python websockets -> echo_server" "${py[@]}" client "$echo_server"
suite "python websockets -> tokio_echo" "${py[@]}" client "$tokio_echo"
suite "python websockets -> tokio_echo_server" "${py[@]}" client "$adapter"
suite "echo_client -> python websockets" "${py[@]}" server "$bin/echo_client"
suite "tokio_echo_client -> python websockets" "${py[@]}" server "$bin/tokio_echo_client"
suite "node ws -> echo_server" node interop/node_peer.mjs client "$echo_server"
suite "node ws -> tokio_echo" node interop/node_peer.mjs client "$tokio_echo"
suite "node ws -> tokio_echo_server" node interop/node_peer.mjs client "$adapter"
suite "echo_client -> node ws" node interop/node_peer.mjs server "$bin/echo_client"
suite "tokio_echo_client -> node ws" node interop/node_peer.mjs server "$bin/tokio_echo_client"
suite "python websockets -> tokio_echo_server --deflate" "${py[@]}" client-deflate "$deflate"
suite "tokio_echo_client --deflate -> python websockets" "${py[@]}" server-deflate \
    "$bin/tokio_echo_client" --deflate
suite "node ws -> tokio_echo_server --deflate" node interop/node_peer.mjs client-deflate "$deflate"
suite "tokio_echo_client --deflate -> node ws" node interop/node_peer.mjs server-deflate \
    "$bin/tokio_echo_client" --deflate
suite "1000 node ws clients -> chat" node interop/node_peer.mjs fanout "ws://$chat/ws" 1000
suite "tokio_client x200 -> echo_server" "$bin/tokio_client" "$echo_server" 200 20
suite "tokio_client x200 -> tokio_echo" "$bin/tokio_client" "$tokio_echo" 200 20
suite "tokio_client x200 -> tokio_echo_server" "$bin/tokio_client" "$adapter" 200 20
dl=("$venv/bin/python" interop/deadlines.py)
suite "echo_client -> a server that never closes TCP" "${dl[@]}" linger "$bin/echo_client"
suite "stalled handshakes -> echo_server" "${dl[@]}" stall "$echo_server"
suite "tokio_echo_client -> a server that never closes TCP" "${dl[@]}" linger "$bin/tokio_echo_client"
suite "stalled handshakes -> tokio_echo" "${dl[@]}" stall "$tokio_echo"
suite "stalled handshakes -> tokio_echo_server" "${dl[@]}" stall "$adapter"
suite "chromium -> chat, echo_server, tokio_echo_server" node interop/browser.mjs "http://$chat/" \
    "$echo_server" "$adapter" "$reports/chat.png"
suite "chromium -> tokio_echo_server --deflate" node interop/browser.mjs --deflate "$deflate"

echo
echo "interop summary ($((SECONDS - started)) s; logs in $reports):"
printf '  %s\n' "${summary[@]}"
if ((${#failed[@]})); then
    printf 'interop: FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "interop: all suites passed"
