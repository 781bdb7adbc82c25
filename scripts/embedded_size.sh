#!/usr/bin/env bash
# Flash and peak stack of rfc6455 on a Cortex-M3 (thumbv7m-none-eabi, QEMU
# lm3s6965evb), beside embedded-websocket 0.9.5 doing the same minimal
# scenario: the figures of BENCHMARKS.md, "Embedded".
#
#   bash scripts/embedded_size.sh            # the table
#   bash scripts/embedded_size.sh --symbols  # and the 25 largest symbols of `both`
#   bash scripts/embedded_size.sh --concepts # and each program's flash by what it is for
#
# Profile (embedded/Cargo.toml): opt-level "s", fat LTO, 1 codegen unit,
# panic abort. Flash is `text + data` of the ELF (code, constants, vector
# table, initial values of statics); static RAM is `data + bss`; the peak
# stack is measured at run time by painting the free stack at entry and
# finding the high-water mark at the end (embedded/src/lib.rs). Storage
# arrays are locals of `main`, so they are part of the peak stack.
set -euo pipefail
cd "$(dirname "$0")/../embedded"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../target/embedded}"

rustup target add thumbv7m-none-eabi >/dev/null
command -v qemu-system-arm >/dev/null || { apt-get update -qq && apt-get install -y -qq qemu-system-arm >/dev/null; }
size_tool=$(command -v llvm-size || command -v arm-none-eabi-size || true)
if [ -z "$size_tool" ]; then
  rustup component add llvm-tools >/dev/null
  size_tool="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/llvm-size"
fi

cargo build -q --release --features compare --bins
bin="$CARGO_TARGET_DIR/thumbv7m-none-eabi/release"

# program, storage held as locals of main (bytes), what it does
rows=(
  "client:2048:rfc6455 client only (1 KiB rx + 1 KiB tx)"
  "ews_client:3072:embedded-websocket client only (1 KiB in, out, payload)"
  "server:2048:rfc6455 server only (1 KiB rx + 1 KiB tx)"
  "ews_server:3072:embedded-websocket server only (1 KiB in, out, payload)"
  "both:4096:rfc6455 client + server"
  "ews_both:6144:embedded-websocket client + server"
)
printf '| %-11s | %10s | %10s | %10s | %8s | %15s | %s |\n' program "flash (B)" "static RAM" "peak stack" storage "stack - storage" "what"
echo "|-------------|-----------:|-----------:|-----------:|---------:|----------------:|------|"
for row in "${rows[@]}"; do
  IFS=: read -r name storage what <<<"$row"
  read -r text data bss _ < <("$size_tool" "$bin/$name" | tail -1)
  out=$(timeout 60 qemu-system-arm -cpu cortex-m3 -machine lm3s6965evb -nographic \
    -semihosting-config enable=on,target=native -kernel "$bin/$name" 2>/dev/null)
  peak=$(sed -n 's/.*peak stack \([0-9]*\) bytes.*/\1/p' <<<"$out")
  [ -n "$peak" ] || { echo "$name did not finish: $out"; exit 1; }
  printf '| %-11s | %10d | %10d | %10d | %8d | %15d | %s |\n' \
    "$name" $((text + data)) $((data + bss)) "$peak" "$storage" $((peak - storage)) "$what"
done

if [ "${1:-}" = "--symbols" ]; then
  nm_tool="$(dirname "$size_tool")/llvm-nm"
  [ -x "$nm_tool" ] || nm_tool=$(command -v llvm-nm || command -v arm-none-eabi-nm)
  echo
  echo "largest symbols of both (bytes):"
  "$nm_tool" -S --size-sort -C "$bin/both" | tail -25 | while read -r _ size _ symbol; do
    printf '%6d %s\n' $((16#$size)) "$symbol"
  done
fi

# Flash by concept: every symbol of each program, classified by its name
# (first matching rule). Constants that the linker left anonymous (strings,
# tables, panic locations) cannot be attributed and form their own row.
if [ "${1:-}" = "--concepts" ]; then
  nm_tool="$(dirname "$size_tool")/llvm-nm"
  [ -x "$nm_tool" ] || nm_tool=$(command -v llvm-nm || command -v arm-none-eabi-nm)
  for name in both ews_both client ews_client server ews_server; do
    echo
    echo "$name, flash by concept (bytes):"
    "$nm_tool" -S -C "$bin/$name" | awk '
      NF >= 4 && $3 ~ /^[tTrRdD]$/ {
        size = 0; hex = toupper($2)
        for (i = 1; i <= length(hex); i++) size = size * 16 + index("0123456789ABCDEF", substr(hex, i, 1)) - 1
        $1 = $2 = $3 = ""; sym = substr($0, 4)
        if (sym ~ /^\.L/) c = "constants: strings, tables, panic locations"
        else if (sym ~ /__INTERRUPTS|__EXCEPTIONS|__RESET_VECTOR/) c = "vector table"
        else if (sym ~ /rfc6455_embedded|__cortex_m_rt_main|::transfer|rust_begin_unwind/) c = "harness: main, transfer, print, panic handler"
        else if (sym ~ /^(Reset|DefaultHandler|DefaultPreInit|HardFault|main)/) c = "start-up (cortex-m-rt)"
        else if (sym ~ /compiler_builtins|__aeabi|^memcmp|^memset|^memcpy|^memmove/) c = "memcpy, memmove, memclr (compiler_builtins)"
        else if (sym ~ /core::fmt|panicking|_fail|unwrap_failed/) c = "panics and core::fmt"
        else if (sym ~ /core::str::converts::from_utf8/) c = "core::str::from_utf8"
        else if (sym ~ /sha1/) c = "SHA-1 (sha1_smol / sha1)"
        else if (sym ~ /base64/) c = "base64"
        else if (sym ~ /httparse/) c = "httparse"
        else if (sym ~ /embedded_websocket|heapless/) c = "embedded-websocket"
        else if (sym ~ /rfc6455::utf8/) c = "rfc6455: UTF-8 validator"
        else if (sym ~ /rfc6455(::|\.\.)handshake|connection::side|handshake_recv|connection::handshake/) c = "rfc6455: opening handshake"
        else if (sym ~ /rfc6455/) c = "rfc6455: frames, messages, control frames, close, limits, timers"
        else c = "other generic code of core"
        total[c] += size; all += size
      }
      END {
        for (c in total) if (total[c] > 0) printf "%7d  %s\n", total[c], c
        printf "%7d  total of the symbols\n", all
      }' | sort -rn
  done
fi
