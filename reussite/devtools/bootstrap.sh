#!/usr/bin/env bash
# First step of `make run` and `make test`: check the system prerequisites, then build .venv
# from uv.lock. Idempotent, and about a second when everything is already there.
#
# Needs: Python 3.12, a C compiler, the libpq headers and Python.h (psycopg2 has no Linux wheel
# and is built from source). As root, the missing Debian packages are installed with apt-get;
# otherwise the script stops and names them.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

UV_VERSION=0.13.9  # the version that wrote uv.lock; installed in .tools/ when uv is absent
UV_MIN_VERSION=0.8.0  # older uv releases cannot read this lock file

say() { printf '[reussite] %s\n' "$*"; }
die() { printf '[reussite] error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

apt_updated=
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "missing system package(s): $*, and apt-get is not available."
    say "installing system packages: $* (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    if [ -z "$apt_updated" ]; then
        apt-get -o DPkg::Lock::Timeout=600 update
        apt_updated=1
    fi
    apt-get -o DPkg::Lock::Timeout=600 install -y "$@"
}

require_packages() {  # require_packages <package>...: install when root, else stop and name them
    [ "$#" -gt 0 ] || return 0
    if is_root; then
        apt_install "$@"
    else
        die "missing system package(s): $*
Install them, then run the command again:
    sudo apt-get install -y $*"
    fi
}

# --- Python 3.12 ------------------------------------------------------------------------------
find_python() {
    local candidate
    # A pyenv shim is on PATH even when 3.12 is not the selected version: running each candidate
    # is the only reliable test, and sys.executable resolves the shim to the real interpreter.
    for candidate in "${PYTHON:-}" "$(command -v python3.12 || true)" \
        "$HOME"/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12; do
        [ -n "$candidate" ] && [ -x "$candidate" ] || continue
        "$candidate" -c 'import sys
if sys.version_info[:2] != (3, 12): sys.exit(1)
print(sys.executable)' 2>/dev/null && return 0
    done
    return 1
}
PY=$(find_python) || die "Python 3.12 not found (looked on PATH, in ~/.pyenv/versions/3.12*, in /usr/bin).
Install it (e.g. \`sudo apt-get install -y python3.12 python3.12-venv python3.12-dev\` where your
distribution has it, or \`pyenv install 3.12\`), or point PYTHON at a python3.12 interpreter."

# --- what psycopg2 needs to build -------------------------------------------------------------
missing=()
command -v gcc >/dev/null 2>&1 || command -v cc >/dev/null 2>&1 || missing+=(gcc)
command -v pg_config >/dev/null 2>&1 || missing+=(libpq-dev)
if ! "$PY" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'; then
    # A pyenv or python.org interpreter ships its headers; a distribution one needs the -dev package.
    missing+=(python3.12-dev)
fi
# WeasyPrint (PDF exports) loads Pango at run time.
ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
require_packages "${missing[@]+"${missing[@]}"}"

# --- uv ---------------------------------------------------------------------------------------
version_at_least() {  # version_at_least <have> <want>
    [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}
UV=
if command -v uv >/dev/null 2>&1; then
    have=$(uv --version 2>/dev/null | awk '{print $2}')
    if version_at_least "${have:-0}" "$UV_MIN_VERSION"; then
        UV=$(command -v uv)
    else
        say "uv ${have:-?} on PATH is older than $UV_MIN_VERSION: using a private uv $UV_VERSION"
    fi
fi
if [ -z "$UV" ]; then
    UV=.tools/bin/uv
    if [ ! -x "$UV" ] || [ "$("$UV" --version | awk '{print $2}')" != "$UV_VERSION" ]; then
        if ! "$PY" -c 'import ensurepip, venv' 2>/dev/null; then
            require_packages python3.12-venv
        fi
        say "installing uv $UV_VERSION in .tools/"
        rm -rf .tools
        "$PY" -m venv .tools
        .tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
    fi
fi

# --- the project's environment ----------------------------------------------------------------
# --frozen: install exactly uv.lock, never re-resolve. No Python download: uv would otherwise try
# to fetch one when the interpreter it finds first is not 3.12.
[ -d .venv ] || say "creating .venv from uv.lock (about a minute the first time)"
UV_PYTHON_DOWNLOADS=never "$UV" sync --frozen --python "$PY" --quiet
