#!/usr/bin/env bash
# autobahn.sh: run the Autobahn TestSuite against rfc6455's echo examples, strictly.
#
# Usage: scripts/autobahn.sh [server|client|both]     (default: both)
#
#   server  builds examples/echo_server, starts it on 127.0.0.1:$AUTOBAHN_SERVER_PORT and runs
#           `wstest -m fuzzingclient` against it.
#   client  starts `wstest -m fuzzingserver` on 127.0.0.1:$AUTOBAHN_CLIENT_PORT (web UI off,
#           every socket on loopback), builds examples/echo_client and runs
#           `echo_client --autobahn ws://127.0.0.1:PORT AGENT`, which does the whole
#           getCaseCount / runCase / updateReports loop itself.
#
# Each role removes its stale reports first, bounds every wait, kills what it started on
# exit, then prints one summary line per behaviour (scripts/autobahn_summary.py) and its
# wall time. Exit status is non-zero unless every role run passed: every case OK or
# INFORMATIONAL (UNIMPLEMENTED only for $AUTOBAHN_ALLOW_UNIMPLEMENTED); NON-STRICT fails.
# Installs the suite first if needed (scripts/autobahn-install.sh, a no-op when present).
#
# The rfc6455-tokio adapter's examples run the same way (as .ci/run does):
#   cargo build --release -p rfc6455-tokio --example tokio_echo_server --example tokio_echo_client
#   AUTOBAHN_AGENT=rfc6455-tokio AUTOBAHN_REPORTS=reports/autobahn-tokio \
#     AUTOBAHN_SERVER_CMD=target/release/examples/tokio_echo_server \
#     AUTOBAHN_CLIENT_CMD=target/release/examples/tokio_echo_client scripts/autobahn.sh both
#
# Environment (all optional):
#   AUTOBAHN_SERVER_PORT   port for the server under test            (9001)
#   AUTOBAHN_CLIENT_PORT   port for wstest's fuzzing server           (9002)
#   AUTOBAHN_CASES         comma-separated case patterns to run       (*)
#   AUTOBAHN_EXCLUDE       comma-separated case patterns to skip      (12.*,13.*: permessage-deflate)
#   AUTOBAHN_ALLOW_UNIMPLEMENTED  case-id prefixes allowed to be UNIMPLEMENTED  (12.,13.)
#   AUTOBAHN_AGENT         agent name in the reports                  (rfc6455)
#   AUTOBAHN_REPORTS       report directory (server/ and client/ below it)  (<repo>/reports/autobahn)
#   AUTOBAHN_TIMEOUT       seconds one role's test run may take       (900)
#   AUTOBAHN_START_TIMEOUT seconds to wait for a port to accept       (60)
#   AUTOBAHN_REPORT_WAIT   seconds to wait for wstest's client report after the client exits (60)
#   AUTOBAHN_SERVER_CMD    program (and leading args) replacing echo_server; the address
#                          127.0.0.1:PORT is appended. Skips the cargo build.
#   AUTOBAHN_CLIENT_CMD    program (and leading args) replacing echo_client; `--autobahn URL AGENT`
#                          is appended. Skips the cargo build.
#                          (Both are split on whitespace; no shell quoting inside.)
#   AUTOBAHN_VENV          the suite's virtualenv (see autobahn-install.sh)
#   AUTOBAHN_SKIP_INSTALL  non-empty: don't run autobahn-install.sh first

# shellcheck disable=SC2317  # the roles run as "run_${role}_role": shellcheck can't see the calls
set -euo pipefail

role=${1:-both}
case $role in
server | client | both) ;;
-h | --help) sed -n '2,/^$/{s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
*) echo "usage: $0 [server|client|both]" >&2; exit 2 ;;
esac

scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$scripts/.." && pwd)
server_port=${AUTOBAHN_SERVER_PORT:-9001}
client_port=${AUTOBAHN_CLIENT_PORT:-9002}
cases=${AUTOBAHN_CASES:-*}
exclude=${AUTOBAHN_EXCLUDE-12.*,13.*}
allow_unimplemented=${AUTOBAHN_ALLOW_UNIMPLEMENTED-12.,13.}
agent=${AUTOBAHN_AGENT:-rfc6455}
reports=${AUTOBAHN_REPORTS:-$root/reports/autobahn}
run_timeout=${AUTOBAHN_TIMEOUT:-900}
start_timeout=${AUTOBAHN_START_TIMEOUT:-60}
report_wait=${AUTOBAHN_REPORT_WAIT:-60}
venv=${AUTOBAHN_VENV:-$HOME/.cache/rfc6455-autobahn/venv}
target_dir=${CARGO_TARGET_DIR:-$root/target}

log() { printf 'autobahn: %s\n' "$*" >&2; }
die() { printf 'autobahn: ERROR: %s\n' "$*" >&2; exit 1; }

# ---- processes: every background process is its own process group, killed on exit ----
started=() # process-group ids

# start_bg LOGFILE CMD...: start CMD in a new session/process group; sets $bg_pid.
start_bg() {
    local logfile=$1
    shift
    setsid "$@" >"$logfile" 2>&1 </dev/null &
    bg_pid=$!
    started+=("$bg_pid")
}

# stop_group PID: TERM the process group, KILL it after 5 s. Safe to call twice.
stop_group() {
    local pgid=$1 i
    kill -TERM -- "-$pgid" 2>/dev/null || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 -- "-$pgid" 2>/dev/null || return 0
        sleep 0.1
    done
    log "process group $pgid ignored SIGTERM for 5 s: SIGKILL"
    kill -KILL -- "-$pgid" 2>/dev/null || true
}

cleanup() {
    local pgid
    for pgid in ${started[@]+"${started[@]}"}; do stop_group "$pgid"; done
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# alive PID: the process exists and is not a zombie.
alive() { [[ -e /proc/$1 ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port PORT PID WHAT: wait until 127.0.0.1:PORT accepts; fail if PID dies or on timeout.
wait_port() {
    local port=$1 pid=$2 what=$3 deadline=$((SECONDS + start_timeout))
    until port_open "$port"; do
        alive "$pid" || die "$what exited before listening on 127.0.0.1:$port"
        ((SECONDS < deadline)) || die "$what did not listen on 127.0.0.1:$port within ${start_timeout}s"
        sleep 0.1
    done
}

# check_loopback_only PID WHAT: every listening TCP socket of PID is on a loopback address.
check_loopback_only() {
    local pid=$1 what=$2 addrs bad
    if ! command -v ss >/dev/null; then
        log "warning: ss (iproute2) not found; cannot verify that $what listens on loopback only"
        return 0
    fi
    addrs=$(ss -Hltnp 2>/dev/null | awk -v p="pid=$pid," 'index($0, p) { print $4 }')
    if [[ -z $addrs ]]; then # e.g. a wrapper whose child holds the socket
        log "warning: no listening socket owned by pid $pid ($what); loopback not verified"
        return 0
    fi
    bad=$(printf '%s\n' "$addrs" | grep -v -E '^(127\.[0-9.]+|\[::1\]):[0-9]+$' || true)
    [[ -z $bad ]] || die "$what listens beyond loopback: $(tr '\n' ' ' <<<"$bad")"
    log "$what listens on: $(tr '\n' ' ' <<<"$addrs")(loopback only)"
}

show_tail() { # show_tail FILE: the end of a log, for a failure
    [[ -s $1 ]] || return 0
    log "last lines of $1:"
    tail -n 25 "$1" | cut -c 1-300 | sed 's/^/    /' >&2
}

# write_spec FILE MODE URL OUTDIR: a wstest spec for fuzzingclient or fuzzingserver.
write_spec() {
    python3 - "$@" "$cases" "$exclude" "$agent" <<'EOF'
import json, sys
path, mode, url, outdir, cases, exclude, agent = sys.argv[1:]
split = lambda s: [c.strip() for c in s.split(",") if c.strip()]
spec = {"outdir": outdir, "cases": split(cases), "exclude-cases": split(exclude),
        "exclude-agent-cases": {}}
if mode == "fuzzingclient":
    spec["servers"] = [{"agent": agent, "url": url}]
else:
    spec["url"] = url
with open(path, "w") as f:
    json.dump(spec, f, indent=2)
EOF
}

# wstest MODE SPEC: the command line; the wrapper binds every listener to 127.0.0.1 and
# -u 0 disables the web UI (which would otherwise listen on 0.0.0.0:8080).
wstest_cmd() {
    wstest=(env PYTHONUNBUFFERED=1 PYTHONWARNINGS=ignore
        "$venv/bin/python" "$scripts/wstest_loopback.py" -m "$1" -s "$2")
    [[ $1 == fuzzingserver ]] && wstest+=(-u 0)
    return 0
}

summarise() { # summarise LABEL REPORT_DIR: judge index.json against the case count wstest announced
    local expect
    expect=$(sed -n 's/^Ok, will run \([0-9][0-9]*\) test cases.*/\1/p' "$2/wstest.log" | head -n 1)
    python3 "$scripts/autobahn_summary.py" "$2/index.json" --label "$1" \
        --allow-unimplemented "$allow_unimplemented" ${expect:+--expect "$expect"}
}

build_example() { # build_example NAME
    log "building example $1 (cargo build --release --example $1)"
    (cd "$root" && cargo build --release --example "$1") || die "cargo build of example $1 failed"
    [[ -x $target_dir/release/examples/$1 ]] || die "no binary at $target_dir/release/examples/$1"
}

fmt_secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

declare -A wall result

# ---------------------------------------------------------------- server role ----
run_server_role() {
    local dir=$reports/server port=$server_port t0 status=0 server_pid wstest_pid cmd
    log "=== server role: wstest -m fuzzingclient -> 127.0.0.1:$port ==="
    if [[ -n ${AUTOBAHN_SERVER_CMD:-} ]]; then
        read -r -a cmd <<<"$AUTOBAHN_SERVER_CMD"
    else
        build_example echo_server
        cmd=("$target_dir/release/examples/echo_server")
    fi
    rm -rf -- "$dir"
    mkdir -p "$dir"
    write_spec "$dir/spec.json" fuzzingclient "ws://127.0.0.1:$port" "$dir"
    ! port_open "$port" || die "127.0.0.1:$port is already in use (set AUTOBAHN_SERVER_PORT)"

    t0=$(now_ms)
    log "starting: ${cmd[*]} 127.0.0.1:$port   (log: $dir/testee.log)"
    start_bg "$dir/testee.log" "${cmd[@]}" "127.0.0.1:$port"
    server_pid=$bg_pid
    wait_port "$port" "$server_pid" "the server under test"
    check_loopback_only "$server_pid" "the server under test"

    wstest_cmd fuzzingclient "$dir/spec.json"
    log "running: wstest -m fuzzingclient -s $dir/spec.json   (timeout ${run_timeout}s; log: $dir/wstest.log)"
    start_bg "$dir/wstest.log" timeout --kill-after=10 "$run_timeout" "${wstest[@]}"
    wstest_pid=$bg_pid
    wait "$wstest_pid" || status=$?
    if ((status == 124 || status == 137)); then
        log "wstest timed out after ${run_timeout}s; fuzzingclient writes its report only at the end, so there is none"
        log "last case started: $(grep 'Running test case ID' "$dir/wstest.log" | tail -n 1 || echo '(none: no opening handshake completed)')"
    elif ((status != 0)); then
        log "wstest exited with status $status"
    fi

    if ! alive "$server_pid"; then
        log "the server under test exited during the run (it must run until killed)"
        show_tail "$dir/testee.log"
        status=1
    fi
    stop_group "$server_pid"
    wall[server]=$(fmt_secs $(($(now_ms) - t0)))

    ((status == 0)) || show_tail "$dir/wstest.log"
    summarise server "$dir" || status=1
    log "server role: $( ((status == 0)) && echo PASS || echo FAIL); wall time ${wall[server]} s (excluding the build); reports in $dir"
    return "$status"
}

# ---------------------------------------------------------------- client role ----
run_client_role() {
    local dir=$reports/client port=$client_port url t0 status=0 client_status=0
    local wstest_pid client_pid cmd wait_s deadline
    url="ws://127.0.0.1:$port"
    log "=== client role: wstest -m fuzzingserver on $url ==="
    if [[ -n ${AUTOBAHN_CLIENT_CMD:-} ]]; then
        read -r -a cmd <<<"$AUTOBAHN_CLIENT_CMD"
    else
        build_example echo_client
        cmd=("$target_dir/release/examples/echo_client")
    fi
    rm -rf -- "$dir"
    mkdir -p "$dir"
    write_spec "$dir/spec.json" fuzzingserver "$url" "$dir"
    ! port_open "$port" || die "127.0.0.1:$port is already in use (set AUTOBAHN_CLIENT_PORT)"

    t0=$(now_ms)
    wstest_cmd fuzzingserver "$dir/spec.json"
    log "starting: wstest -m fuzzingserver -s $dir/spec.json -u 0   (log: $dir/wstest.log)"
    start_bg "$dir/wstest.log" "${wstest[@]}"
    wstest_pid=$bg_pid
    wait_port "$port" "$wstest_pid" "wstest fuzzingserver"
    check_loopback_only "$wstest_pid" "wstest fuzzingserver"

    log "running: ${cmd[*]} --autobahn '$url' '$agent'   (timeout ${run_timeout}s; log: $dir/testee.log)"
    start_bg "$dir/testee.log" timeout --kill-after=10 "$run_timeout" "${cmd[@]}" --autobahn "$url" "$agent"
    client_pid=$bg_pid
    wait "$client_pid" || client_status=$?
    if ((client_status == 124 || client_status == 137)); then
        log "the client under test timed out after ${run_timeout}s"
    elif ((client_status != 0)); then
        log "the client under test exited with status $client_status"
    fi
    ((client_status == 0)) || { show_tail "$dir/testee.log"; status=1; }

    # wstest writes index.json when updateReports is called; the client normally did that
    # and waited for wstest's Close, which comes after the files are written.
    report_ready() { grep -q 'Report generation complete' "$dir/wstest.log" && [[ -f $dir/index.json ]]; }
    wait_s=$report_wait
    ((client_status == 0)) || wait_s=5
    deadline=$((SECONDS + wait_s))
    until report_ready || ((SECONDS >= deadline)); do
        alive "$wstest_pid" || break
        sleep 0.2
    done
    if ! report_ready && alive "$wstest_pid"; then
        log "no report from the client's updateReports: requesting it (scripts/autobahn_update_reports.py)"
        python3 "$scripts/autobahn_update_reports.py" "$url" "$agent" --timeout "$((report_wait > 30 ? report_wait : 30))" || true
        report_ready || log "wstest still wrote no report"
        status=1 # a client that does not update the reports is not done
    fi
    alive "$wstest_pid" || { log "wstest fuzzingserver died"; show_tail "$dir/wstest.log"; status=1; }
    stop_group "$wstest_pid"
    wall[client]=$(fmt_secs $(($(now_ms) - t0)))

    summarise client "$dir" || status=1
    log "client role: $( ((status == 0)) && echo PASS || echo FAIL); wall time ${wall[client]} s (excluding the build); reports in $dir"
    return "$status"
}

# ---------------------------------------------------------------------- main ----
command -v python3 >/dev/null || die "python3 is needed for the spec and the summary"
[[ -n ${AUTOBAHN_SKIP_INSTALL:-} ]] || "$scripts/autobahn-install.sh"

if [[ $role != both ]]; then
    "run_${role}_role" # under set -e: its status is the script's status
    exit 0
fi

# both: each role in its own invocation of this script (so that set -e holds inside it);
# both roles run even if the first fails.
child=
trap 'if [[ -n $child ]]; then kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; fi; cleanup' EXIT
overall=0
for r in server client; do
    t0=$(now_ms)
    AUTOBAHN_SKIP_INSTALL=1 bash "$0" "$r" &
    child=$!
    rc=0
    wait "$child" || rc=$?
    child=
    wall[$r]=$(fmt_secs $(($(now_ms) - t0)))
    if ((rc == 0)); then result[$r]=PASS; else result[$r]=FAIL; overall=1; fi
done
for r in server client; do
    log "$r role: ${result[$r]} (wall ${wall[$r]} s, including the build)"
done
exit "$overall"
