#!/usr/bin/env bash
# run.sh: echo servers of rfc6455 (the core's loop and the tokio adapter),
# tokio-tungstenite, fastwebsockets, tokio-websockets and yawc, and as
# non-Rust references Node's ws and Bun (uWebSockets underneath), under the
# same load, over loopback, one table.
#
# Usage: benches/e2e/run.sh [RUNS [SECONDS]]      (defaults: 3 runs of 5 s)
#        benches/e2e/run.sh --check                (CI: every server, short)
#
# --check is the fairness check and smoke pass: every server echoes every
# workload for 1 s (every echo checked by the generator; with deflate the
# server must agree to it and compress its answers) and holds 200 idle
# connections; the table is printed but its figures mean nothing.
#
# Builds `e2e-server` and `e2e-client` (this crate) and the core's
# `tokio_client` example. The load generators keep N connections with one
# message in flight each, check every echo byte for byte, and count echoes
# for SECONDS after a 2 s warm-up. The server runs on CPU 0 and the
# generator on CPU 1 (taskset) when the machine has two or more. For each
# server and workload it prints the median of RUNS runs of messages per
# second, and of messages per server CPU-second (user + system time of the
# server over the counted window, from /proc/PID/stat). Then each server's
# resident memory per idle connection (10,000 connections that completed
# the handshake, measured by scripts/idle_rss.sh). Workloads:
# - 100 connections x 20 bytes, binary (`tokio_client --throughput`);
# - 500 x 16 KiB, binary (`tokio_client --throughput`);
# - 100 x JSON text of about 1 KiB with permessage-deflate, context
#   takeover, level 1 (`e2e-client`, the server started with `--deflate`;
#   only the servers that have permessage-deflate: rfc6455, rfc6455-tokio,
#   yawc, node-ws, bun), with the server's wire bytes per message byte.
#
# Only loopback is used; every run is bounded. Environment: E2E_PORT (19400),
# E2E_IDLE (10000 connections; 0 skips the idle measurement), E2E_CRATES (all:
# rfc6455 rfc6455-tokio tokio-tungstenite fastwebsockets tokio-websockets
# yawc node-ws bun). The Node and Bun servers are installed from npm into
# benches/e2e/node (pinned by its package-lock.json) when Node is present;
# without Node they are left out.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
check=false
if [[ ${1:-} == --check ]]; then
    check=true runs=1 seconds=1 idle=${E2E_IDLE:-200}
else
    runs=${1:-3} seconds=${2:-5} idle=${E2E_IDLE:-10000}
fi
port=${E2E_PORT:-19400}
crates=${E2E_CRATES:-rfc6455 rfc6455-tokio tokio-tungstenite fastwebsockets tokio-websockets yawc node-ws bun}
# The servers that have permessage-deflate.
deflating=" rfc6455 rfc6455-tokio yawc node-ws bun "
log() { printf 'e2e: %s\n' "$*" >&2; }

target=${CARGO_TARGET_DIR:-$root/target}
cargo build --quiet --release --manifest-path "$here/Cargo.toml" --target-dir "$target/e2e"
(cd "$root" && cargo build --quiet --release --example tokio_client --example tokio_echo)
server_bin=$target/e2e/release/e2e-server
client_bin=$target/release/examples/tokio_client
deflate_client_bin=$target/e2e/release/e2e-client
if [[ $crates == *node-ws* || $crates == *bun* ]]; then
    if command -v npm >/dev/null; then
        (cd "$here/node" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
        # Bun's binary comes from its package's install script; where npm
        # ran none (or the platform has no build), Bun is left out.
        if [[ $crates == *bun* ]] && ! "$here/node/node_modules/.bin/bun" --version >/dev/null 2>&1; then
            log "bun did not install: left out"
            crates=$(tr ' ' '\n' <<<"$crates" | grep -vx 'bun' | tr '\n' ' ')
        fi
    else
        log "no Node: node-ws and bun left out"
        crates=$(tr ' ' '\n' <<<"$crates" | grep -vx 'node-ws\|bun' | tr '\n' ' ')
    fi
fi
server_cmd=()
set_server_cmd() { # CRATE: the command that serves on the address given after it
    case $1 in
    node-ws) server_cmd=(node "$here/node/echo-ws.mjs") ;;
    bun) server_cmd=("$here/node/node_modules/.bin/bun" "$here/node/echo-bun.js") ;;
    *) server_cmd=("$server_bin" "$1") ;;
    esac
}

pin_server=() pin_client=()
if (($(nproc) >= 2)) && command -v taskset >/dev/null; then
    pin_server=(taskset -c 0) pin_client=(taskset -c 1)
fi
ulimit -Sn $((idle + 1024)) 2>/dev/null || true

scratch=$(mktemp -d)
server_pid=""
cleanup() {
    [[ -z $server_pid ]] || kill "$server_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT

start_server() { # CRATE [--deflate]
    set_server_cmd "$1"
    "${pin_server[@]}" "${server_cmd[@]}" "127.0.0.1:$port" ${2:+"$2"} >"$scratch/server.log" 2>&1 </dev/null &
    server_pid=$!
    local deadline=$((SECONDS + 30))
    until (exec 4<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        ((SECONDS < deadline)) || { log "$1 did not listen"; exit 1; }
        kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.log" >&2; exit 1; }
        sleep 0.1
    done
}
stop_server() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
median() {
    sort -n | awk '{ r[NR] = $1 }
        END { print (NR % 2) ? r[(NR + 1) / 2] : int((r[NR / 2] + r[NR / 2 + 1]) / 2) }'
}
hz=$(getconf CLK_TCK)

measure() { # CONNECTIONS SIZE|deflate: prints "msg/s per-CPU-second [wire/byte]" medians
    local rates=() per_cpu=() wire=() run before ticks first echoes
    for ((run = 1; run <= runs; run++)); do
        if [[ $2 == deflate ]]; then
            "${pin_client[@]}" "$deflate_client_bin" "127.0.0.1:$port" "$1" "$seconds" \
                >"$scratch/client.out" 2>&1 &
        else
            "${pin_client[@]}" "$client_bin" --throughput "ws://127.0.0.1:$port/" "$1" "$2" \
                "$seconds" >"$scratch/client.out" 2>&1 &
        fi
        local client_pid=$!
        sleep 2 # the client's warm-up
        before=$(cpu_ticks)
        if ! timeout 120 tail --pid="$client_pid" -f /dev/null || ! wait "$client_pid"; then
            log "run failed:"
            cat "$scratch/client.out" >&2
            exit 1
        fi
        ticks=$(($(cpu_ticks) - before))
        first=$(head -1 "$scratch/client.out")
        echoes=$(sed -E 's/.*[^0-9]([0-9]+) echoes in .*/\1/' <<<"$first")
        rates+=("$(sed -E 's/^[a-z0-9_-]+: ([0-9]+) msg\/s.*/\1/' <<<"$first")")
        per_cpu+=("$((echoes * hz / (ticks > 0 ? ticks : 1)))")
        # Thousandths of a wire byte per message byte (the deflate client's).
        wire+=("$(sed -nE 's/.* ([0-9]+)\.([0-9]{3}) wire bytes per message byte.*/\1\2/p' <<<"$first")")
    done
    local ratio=""
    if [[ -n ${wire[0]} ]]; then
        ratio=$(printf '%s\n' "${wire[@]}" | median)
        # A server that does not compress its answers sends about 1.0.
        if ((10#$ratio > 600)); then
            log "the server's answers are not compressed ($ratio/1000 wire bytes per byte)"
            exit 1
        fi
        ratio=$(awk -v r="$ratio" 'BEGIN { printf "%.3f", r / 1000 }')
    fi
    echo "$(printf '%s\n' "${rates[@]}" | median) $(printf '%s\n' "${per_cpu[@]}" | median) $ratio"
}

echo "load average before: $(uptime | sed 's/.*load average: //'); $runs runs of $seconds s;" \
    "server pinned: ${pin_server[*]:-no}"
echo
echo "| server | 100 x 20 B msg/s | per server CPU-s | 500 x 16 KiB msg/s | per server CPU-s |" \
    "100 x 1 KiB JSON, deflate msg/s | per server CPU-s | wire / message byte | idle RSS / connection |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for crate in $crates; do
    start_server "$crate"
    read -r small_rate small_cpu < <(measure 100 20)
    read -r large_rate large_cpu < <(measure 500 16384)
    stop_server
    deflate_rate="-" deflate_cpu="-" deflate_wire="-"
    if [[ $deflating == *" $crate "* ]]; then
        start_server "$crate" --deflate
        read -r deflate_rate deflate_cpu deflate_wire < <(measure 100 deflate)
        stop_server
    fi
    idle_rss="-"
    if ((idle > 0)); then
        set_server_cmd "$crate"
        printf '#!/bin/sh\nexec %s %s "$@"\n' "${pin_server[*]}" "${server_cmd[*]}" >"$scratch/server.sh"
        chmod +x "$scratch/server.sh"
        idle_rss=$(IDLE_RSS_SERVER="$scratch/server.sh" IDLE_RSS_PORT=$((port + 1)) \
            "$root/scripts/idle_rss.sh" "$idle" 2>/dev/null | sed -nE 's/^RSS per idle connection: ([0-9]+) bytes.*/\1 B/p')
    fi
    if $check && [[ -z $idle_rss ]]; then
        log "$crate: the idle connections were not measured"
        exit 1
    fi
    echo "| $crate | $small_rate | $small_cpu | $large_rate | $large_cpu |" \
        "$deflate_rate | $deflate_cpu | $deflate_wire | ${idle_rss:-failed} |"
done
