#!/usr/bin/env bash
# idle_rss.sh: how much memory a server holds per idle WebSocket connection.
#
# Usage: scripts/idle_rss.sh [CONNECTIONS]        (default 10000)
#
# Builds tokio_echo and tokio_client in release, starts tokio_echo on
# 127.0.0.1, reads its resident memory (VmRSS in /proc/PID/status), has
# `tokio_client --idle` open CONNECTIONS connections that complete the
# opening handshake and then send nothing, reads VmRSS again, and prints
#
#   RSS per idle connection: X bytes (N connections)
#
# with X = (after - before) / N. Then the client closes every connection
# cleanly and both processes are stopped. Only loopback is used; every wait
# is bounded.
#
# Environment (all optional): IDLE_RSS_PORT (19301), IDLE_RSS_SERVER (a
# tokio_echo binary to measure instead of the one built here, e.g. one built
# from another commit), IDLE_RSS_WARM_UP (0: that many connections of 20
# messages each are echoed before measuring, as a server that has carried
# traffic holds memory its allocator keeps; the first reading is taken after
# them).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
connections=${1:-10000}
port=${IDLE_RSS_PORT:-19301}
log() { printf 'idle_rss: %s\n' "$*" >&2; }

cargo build --quiet --release --example tokio_echo --example tokio_client
bin=${CARGO_TARGET_DIR:-$root/target}/release/examples
server=${IDLE_RSS_SERVER:-$bin/tokio_echo}

# Each side needs a descriptor per connection, and a few more.
need=$((connections + 64))
if (($(ulimit -Sn) < need)); then
    ulimit -Sn "$need" 2>/dev/null || {
        log "need $need file descriptors; the hard limit is $(ulimit -Hn)"
        exit 1
    }
fi

scratch=$(mktemp -d)
server_pid="" client_pid=""
cleanup() {
    exec 3>&- 2>/dev/null || true
    for pid in $client_pid $server_pid; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT

rss() { # PID: resident memory in bytes
    awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"
}

"$server" "127.0.0.1:$port" >"$scratch/server.log" 2>&1 </dev/null &
server_pid=$!
deadline=$((SECONDS + 30))
until (exec 4<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    ((SECONDS < deadline)) || { log "the server did not listen on 127.0.0.1:$port"; exit 1; }
    kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log" >&2; exit 1; }
    sleep 0.1
done
warm_up=${IDLE_RSS_WARM_UP:-0}
if ((warm_up > 0)); then
    "$bin/tokio_client" "ws://127.0.0.1:$port/" "$warm_up" 20 >&2
fi
sleep 0.5 # let the probe's (and the warm-up's) connections end
before=$(rss "$server_pid")

# The client holds the connections until its standard input ends (fd 3,
# closed when measuring is done) or 300 s pass.
mkfifo "$scratch/hold"
"$bin/tokio_client" --idle "$connections" "ws://127.0.0.1:$port/" 300 \
    <"$scratch/hold" >"$scratch/client.log" 2>&1 &
client_pid=$!
exec 3>"$scratch/hold"
deadline=$((SECONDS + 120))
until grep -q 'idle connections established' "$scratch/client.log"; do
    if ((SECONDS >= deadline)) || ! kill -0 "$client_pid" 2>/dev/null; then
        log "the connections did not open"
        cat "$scratch/client.log" >&2
        exit 1
    fi
    sleep 0.2
done
established=$(grep -o '[0-9]* idle connections established' "$scratch/client.log" | cut -d' ' -f1)
if ((established != connections)); then
    log "only $established of $connections connections opened"
    cat "$scratch/client.log" >&2
    exit 1
fi
sleep 1 # every server task is now waiting for input
after=$(rss "$server_pid")

# Close them all cleanly, then stop.
exec 3>&-
wait "$client_pid" || log "the client reported failures (see above)"
client_pid=""
grep 'passed, ' "$scratch/client.log" >&2 || true

echo "server RSS: $((before / 1024)) KiB before," \
    "$((after / 1024)) KiB with $connections idle connections"
warmed=""
((warm_up == 0)) || warmed=", after $warm_up warm-up connections"
per_connection=$(((after - before) / connections))
echo "RSS per idle connection: $per_connection bytes ($connections connections$warmed)"
