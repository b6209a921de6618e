#!/usr/bin/env bash
# Create (or reuse) the Python venv used by the MXNet reference tooling in tools/.
#
# The venv holds exactly the pinned packages the reference data in data/ was made with:
#     mxnet==1.9.1  numpy==1.23.5  mxop==0.2.0
# (plus their own dependencies, as pip resolves them). MXNet 1.9.1 ships a py3-none
# manylinux wheel with a bundled libmxnet.so, so no system packages are needed.
#
# Usage:
#     bash tools/setup_mxnet_venv.sh            # venv at <repo>/.venv-mxnet
#     OPCAT_MXNET_VENV=/some/dir bash tools/setup_mxnet_venv.sh
#     OPCAT_PYTHON=python3.11 bash tools/setup_mxnet_venv.sh   # interpreter used to create it
#
# Idempotent: if the venv already has the pinned versions and they import, nothing is
# installed. Progress goes to stderr; the only line on stdout is the venv's python path,
# so callers can do  PY="$(bash tools/setup_mxnet_venv.sh)".
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${OPCAT_MXNET_VENV:-$repo_root/.venv-mxnet}"
base_python="${OPCAT_PYTHON:-python3}"
pins=("mxnet==1.9.1" "numpy==1.23.5" "mxop==0.2.0")

log() { echo "setup_mxnet_venv: $*" >&2; }

# Exit status 0 iff the venv at $venv has exactly the pinned versions and they import.
venv_is_good() {
    [ -x "$venv/bin/python" ] || return 1
    "$venv/bin/python" - "${pins[@]}" >/dev/null 2>&1 <<'EOF'
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    dist, want = pin.split("==")
    if version(dist) != want:
        sys.exit(1)
import mxnet, numpy, mxop.gluon  # noqa: E401,F401  (they must import, not just be listed)
EOF
}

if venv_is_good; then
    log "$venv already has ${pins[*]}; nothing to do"
else
    if [ ! -x "$venv/bin/python" ]; then
        # numpy 1.23.5 has wheels for CPython 3.8-3.11 only.
        if ! "$base_python" -c 'import sys; sys.exit(0 if (3, 8) <= sys.version_info[:2] <= (3, 11) else 1)'; then
            log "warning: $("$base_python" --version 2>&1) is outside 3.8-3.11; numpy==1.23.5 may not install"
        fi
        log "creating venv $venv with $("$base_python" --version 2>&1)"
        "$base_python" -m venv "$venv"
    fi
    log "installing ${pins[*]}"
    "$venv/bin/python" -m pip install --disable-pip-version-check --no-input "${pins[@]}" >&2
    if ! venv_is_good; then
        log "error: $venv still does not provide ${pins[*]}"
        exit 1
    fi
fi

echo "$venv/bin/python"
