#!/usr/bin/env bash
# echo_throughput.sh: messages per second through tokio_echo, one message in
# flight per connection.
#
# Usage: scripts/echo_throughput.sh [CONNECTIONS [SIZE [RUNS [SECONDS]]]]
#        (defaults: 500 connections, 16384-byte messages, 3 runs of 5 s)
#
# Builds tokio_echo and tokio_client in release, starts tokio_echo on
# 127.0.0.1, then runs `tokio_client --throughput` RUNS times: each
# connection sends a binary message of SIZE bytes, checks its echo byte for
# byte, and sends the next; after a 2 s warm-up the echoes of SECONDS are
# counted. Prints each run, then
#
#   16384-byte echo: X msg/s, Y msg per server CPU-second (medians of 3 runs, ...)
#
# Client and server share the machine, so X is for the pair; Y divides the
# echoes counted by the server's CPU time over that window (user + system,
# /proc/PID/stat), so it depends less on what else runs. Only
# loopback is used; every run is bounded.
#
# Environment (all optional): ECHO_PORT (19302), ECHO_SERVER (a tokio_echo
# binary to measure instead of the one built here).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
connections=${1:-500}
size=${2:-16384}
runs=${3:-3}
seconds=${4:-5}
port=${ECHO_PORT:-19302}
log() { printf 'echo_throughput: %s\n' "$*" >&2; }

cargo build --quiet --release --example tokio_echo --example tokio_client
bin=${CARGO_TARGET_DIR:-$root/target}/release/examples
server=${ECHO_SERVER:-$bin/tokio_echo}
need=$((connections + 64))
if (($(ulimit -Sn) < need)); then
    ulimit -Sn "$need" 2>/dev/null || { log "need $need file descriptors"; exit 1; }
fi

scratch=$(mktemp -d)
server_pid=""
cleanup() {
    [[ -z $server_pid ]] || kill "$server_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT

"$server" "127.0.0.1:$port" >"$scratch/server.log" 2>&1 </dev/null &
server_pid=$!
deadline=$((SECONDS + 30))
until (exec 4<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    ((SECONDS < deadline)) || { log "the server did not listen on 127.0.0.1:$port"; exit 1; }
    kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log" >&2; exit 1; }
    sleep 0.1
done

cpu_ticks() { # the server's user + system time, in clock ticks
    awk '{ print $14 + $15 }' "/proc/$server_pid/stat"
}
median() {
    sort -n | awk '{ r[NR] = $1 }
        END { print (NR % 2) ? r[(NR + 1) / 2] : int((r[NR / 2] + r[NR / 2 + 1]) / 2) }'
}
hz=$(getconf CLK_TCK)
load=$(uptime | sed 's/.*load average: //')
rates=() per_cpu=()
for ((run = 1; run <= runs; run++)); do
    "$bin/tokio_client" --throughput "ws://127.0.0.1:$port/" "$connections" "$size" \
        "$seconds" >"$scratch/client.out" 2>&1 &
    client_pid=$!
    # The server's CPU time over the counted window: from the end of the
    # client's 2 s warm-up to its exit (which adds the closing handshakes).
    sleep 2
    before=$(cpu_ticks)
    if ! timeout 120 tail --pid="$client_pid" -f /dev/null || ! wait "$client_pid"; then
        log "run $run failed:"
        cat "$scratch/client.out" >&2
        exit 1
    fi
    ticks=$(($(cpu_ticks) - before))
    first=$(head -1 "$scratch/client.out")
    echoes=$(sed -E 's/.* ([0-9]+) echoes in .*/\1/' <<<"$first")
    rate=$(sed -E 's/^tokio_client: ([0-9]+) msg\/s.*/\1/' <<<"$first")
    cpu=$((echoes * hz / (ticks > 0 ? ticks : 1)))
    echo "run $run: ${first#tokio_client: }; server CPU $((ticks * 1000 / hz)) ms: $cpu msg per server CPU-second"
    rates+=("$rate")
    per_cpu+=("$cpu")
done
echo "$size-byte echo: $(printf '%s\n' "${rates[@]}" | median) msg/s," \
    "$(printf '%s\n' "${per_cpu[@]}" | median) msg per server CPU-second" \
    "(medians of $runs runs, $connections connections; load average before: $load)"
