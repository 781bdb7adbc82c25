#!/usr/bin/env bash
# example_lines.sh: the line counts of rfc6455-tokio's examples, as tokio/README.md
# states them, checked against issue 16's targets (tokio-tungstenite's counts).
#
# Usage: scripts/example_lines.sh
#
# A line counts when, after rustfmt (edition 2021), it is neither blank nor a comment
# (`//`, `///`, `//!`). For hyper_echo.rs, only the WebSocket part counts: the lines
# between the comments "The WebSocket part begins." and "The WebSocket part ends.".
# Prints one row per program; exits 1 if any is over its target.
set -euo pipefail
examples=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tokio/examples" && pwd)

count() { # FILE [BEGIN END]: lines that count, between the lines matching BEGIN and END if given
    rustfmt --edition 2021 --emit stdout <"$1" | awk -v begin="${2:-}" -v end="${3:-}" '
        begin != "" && index($0, begin) { inside = 1; next }
        begin != "" && index($0, end) { inside = 0; next }
        begin != "" && !inside { next }
        /^[[:space:]]*$/ || /^[[:space:]]*\/\// { next }
        { n++ }
        END { print n + 0 }'
}

status=0
row() { # NAME OURS TARGET
    local verdict=ok
    (($2 <= $3)) || { verdict="OVER"; status=1; }
    printf '%-44s %5s %18s   %s\n' "$1" "$2" "$3" "$verdict"
}
printf '%-44s %5s %18s\n' "program" "lines" "tokio-tungstenite"
row "client.rs (connect, 3 messages, close)" "$(count "$examples/client.rs")" 29
row "hyper_echo.rs (the WebSocket part)" \
    "$(count "$examples/hyper_echo.rs" "The WebSocket part begins." "The WebSocket part ends.")" 13
row "wss_echo.rs (wss:// echo, self-signed)" "$(count "$examples/wss_echo.rs")" 62
exit "$status"
