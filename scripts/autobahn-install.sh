#!/usr/bin/env bash
# autobahn-install.sh: install the Autobahn TestSuite (`wstest`) into a Python 2.7 virtualenv.
#
# Usage: scripts/autobahn-install.sh
#
# Idempotent: if the virtualenv already holds a working `wstest` installed from the
# current scripts/autobahn-requirements.txt, this is a fast no-op. Otherwise the
# virtualenv is wiped and rebuilt from scratch. Progress goes to stderr; exits
# non-zero with an ERROR line on any failure (and removes the half-built venv).
#
# Environment:
#   AUTOBAHN_VENV     virtualenv to create/use   (default: $HOME/.cache/rfc6455-autobahn/venv)
#   AUTOBAHN_PYTHON2  Python 2.7 interpreter     (default: pyenv's 2.7.18, else python2.7 on PATH)
#
# Needs: a CPython 2.7 with its headers (pyenv builds have them), gcc (wsaccel is
# built from source), network access to PyPI. No libssl-dev: cryptography comes as
# a manylinux wheel. See scripts/AUTOBAHN_NOTES.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
requirements="$here/autobahn-requirements.txt"
venv=${AUTOBAHN_VENV:-$HOME/.cache/rfc6455-autobahn/venv}
bootstrap="$(dirname "$venv")/virtualenv-16.7.12"
virtualenv_pin="virtualenv==16.7.12" # last single-file virtualenv; no deps, creates py2 venvs
stamp="$venv/.rfc6455-requirements.sha256"

log() { printf 'autobahn-install: %s\n' "$*" >&2; }
die() { printf 'autobahn-install: ERROR: %s\n' "$*" >&2; exit 1; }

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_PYTHON_VERSION_WARNING=1 PIP_NO_INPUT=1

want_sum=$(sha256sum "$requirements" | cut -d' ' -f1)

# ---- fast path -------------------------------------------------------------------
if [[ -f $stamp && $(cat "$stamp") == "$want_sum" ]] \
   && "$venv/bin/wstest" --autobahnversion >/dev/null 2>&1; then
    log "wstest already installed in $venv (up to date): nothing to do"
    exit 0
fi

# ---- find Python 2.7 ------------------------------------------------------------
find_python2() {
    local c
    if [[ -n ${AUTOBAHN_PYTHON2:-} ]]; then echo "$AUTOBAHN_PYTHON2"; return; fi
    for c in \
        "$(pyenv root 2>/dev/null || true)/versions/2.7.18/bin/python" \
        "${PYENV_ROOT:-$HOME/.pyenv}/versions/2.7.18/bin/python" \
        "$(command -v python2.7 || true)"; do
        if [[ -n $c && -x $c ]]; then echo "$c"; return; fi
    done
    return 1
}
py2=$(find_python2) || die "no Python 2.7 found: set AUTOBAHN_PYTHON2 or install pyenv's 2.7.18"
py2_version=$("$py2" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>&1) \
    || die "$py2 does not run: $py2_version"
[[ $py2_version == 2.7.* ]] || die "$py2 is Python $py2_version, need 2.7"
log "using Python $py2_version at $py2"

# ---- (re)create the virtualenv -----------------------------------------------------
if [[ -e $venv ]]; then
    log "removing stale or incomplete virtualenv $venv"
    rm -rf -- "$venv"
fi
# A half-built venv must never look installed: the stamp is written last, and on
# failure the venv is removed.
on_exit() {
    local status=$?
    if ((status != 0)); then
        log "FAILED (exit $status); removing $venv"
        rm -rf -- "$venv"
    fi
}
trap on_exit EXIT

if [[ ! -f $bootstrap/virtualenv.py ]]; then
    log "fetching $virtualenv_pin into $bootstrap (bootstrap only)"
    rm -rf -- "$bootstrap"
    # (this Python's own pip only fetches virtualenv: the venv gets its own pip)
    out=$("$py2" -m pip install --disable-pip-version-check --no-deps \
        --target "$bootstrap" "$virtualenv_pin" 2>&1) \
        || { printf '%s\n' "$out" >&2; die "pip could not fetch $virtualenv_pin"; }
    [[ -f $bootstrap/virtualenv.py ]] || die "no virtualenv.py in $bootstrap after pip install"
fi
log "creating virtualenv $venv"
"$py2" "$bootstrap/virtualenv.py" --no-download --quiet "$venv" >&2

log "installing pinned packages from $(basename "$requirements") (wsaccel is compiled; ~1 min)"
# --no-deps: the requirements file is the complete set.
# --only-binary :all: with four named exceptions: fail loudly rather than silently
#   compiling anything else (cryptography above all).
# --no-build-isolation: build the sdists with the venv's setuptools instead of
#   downloading unpinned build requirements (wsaccel ships its generated C sources).
"$venv/bin/pip" install --quiet --no-deps --no-build-isolation \
    --only-binary :all: --no-binary autobahn,txaio,PyHamcrest,wsaccel \
    -r "$requirements" >&2

log "checking the installation"
"$venv/bin/pip" check >&2 || die "pip check found inconsistent requirements"
"$venv/bin/python" -c 'import wsaccel.utf8validator, wsaccel.xormask' \
    || die "wsaccel (C accelerator) does not import"
version=$("$venv/bin/wstest" --autobahnversion 2>&1) || die "wstest does not run: $version"
log "$(printf '%s' "$version" | tr -s '\n' ' ')"

echo "$want_sum" >"$stamp"
log "installed: $venv/bin/wstest"
