#!/usr/bin/env bash
# Flash and peak stack of rfc6455 on a Cortex-M3 (thumbv7m-none-eabi, QEMU
# lm3s6965evb), beside embedded-websocket 0.9.5 doing the same minimal
# scenario: the figures of BENCHMARKS.md, "Embedded".
#
#   bash scripts/embedded_size.sh            # the table
#   bash scripts/embedded_size.sh --symbols  # and the 25 largest symbols of `both`
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
