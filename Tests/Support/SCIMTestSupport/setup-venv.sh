#!/usr/bin/env bash
# Creates the Python virtual environment the SCIM tests start their server from, and installs
# scim2-server 0.8.3 into it. Safe to run again: it does nothing when the server is already there.
#
#   Tests/Support/SCIMTestSupport/setup-venv.sh [VENV]
#
# VENV defaults to $ROSTER_SCIM_VENV, then to .venv-scim at the package root, the place the
# test harness (SCIMTestServer) looks in. scim2-server needs Python 3.11 or later.
set -euo pipefail

SCIM_SERVER_VERSION=0.8.3
package_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
venv="${1:-${ROSTER_SCIM_VENV:-$package_root/.venv-scim}}"
python="${PYTHON:-python3}"

if [ -x "$venv/bin/scim2-server" ]; then
    echo "setup-venv: scim2-server is already installed in $venv; nothing to do"
    exit 0
fi

# Runs a command as root, through sudo only when we are not root already.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if [ ! -x "$venv/bin/python" ]; then
    echo "setup-venv: creating a virtual environment in $venv with $("$python" --version 2>&1)"
    if ! "$python" -m venv "$venv"; then
        # Debian ships the venv module (and ensurepip) in a separate package.
        echo "setup-venv: '$python -m venv' failed; installing python3-venv with apt-get and retrying"
        rm -rf "$venv"
        as_root apt-get update
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv
        "$python" -m venv "$venv"
    fi
fi

echo "setup-venv: installing scim2-server==$SCIM_SERVER_VERSION into $venv"
"$venv/bin/python" -m pip install --quiet "scim2-server==$SCIM_SERVER_VERSION"
echo "setup-venv: done; the server is $venv/bin/scim2-server"
