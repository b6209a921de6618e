#!/usr/bin/env bash
# Create (or reuse) the Python venv used by the ONNX reference tooling in tools/.
#
# The venv holds exactly the pinned packages the ONNX fixtures and reference numbers were made with:
#     onnx==1.22.0  numpy==2.4.6  onnx-tool==1.0.1
# (plus their own dependencies, as pip resolves them), all from PyPI. onnx 1.22.0 is the newest
# wheel that still ships its backend node tests (onnx/backend/test/data/node/*), which
# tools/extract_onnx_node_tests.py turns into Tests/Fixtures/onnx_node_tests/cases.json;
# onnx-tool is the reference profiler used by tools/onnx_tool_bench.py.
#
# Usage:
#     bash tools/setup_onnx_venv.sh             # venv at <repo>/.venv-onnx
#     OPCAT_ONNX_VENV=/some/dir bash tools/setup_onnx_venv.sh
#     OPCAT_PYTHON=python3.12 bash tools/setup_onnx_venv.sh    # interpreter used to create it
#
# Idempotent: if the venv already has the pinned versions and they import, nothing is
# installed. Progress goes to stderr; the only line on stdout is the venv's python path,
# so callers can do  PY="$(bash tools/setup_onnx_venv.sh)".
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${OPCAT_ONNX_VENV:-$repo_root/.venv-onnx}"
base_python="${OPCAT_PYTHON:-python3}"
pins=("onnx==1.22.0" "numpy==2.4.6" "onnx-tool==1.0.1")

log() { echo "setup_onnx_venv: $*" >&2; }

# Exit status 0 iff the venv at $venv has exactly the pinned versions, they import, and the
# onnx wheel carries its node tests.
venv_is_good() {
    [ -x "$venv/bin/python" ] || return 1
    "$venv/bin/python" - "${pins[@]}" >/dev/null 2>&1 <<'EOF'
import os, sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    dist, want = pin.split("==")
    if version(dist) != want:
        sys.exit(1)
import numpy, onnx, onnx_tool  # noqa: E401,F401  (they must import, not just be listed)
node_dir = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node")
if not os.path.isdir(node_dir):
    sys.exit(1)
EOF
}

if venv_is_good; then
    log "$venv already has ${pins[*]}; nothing to do"
else
    if [ ! -x "$venv/bin/python" ]; then
        # numpy 2.4.6 has wheels for CPython 3.11-3.14.
        if ! "$base_python" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)'; then
            log "warning: $("$base_python" --version 2>&1) is older than 3.11; numpy==2.4.6 may not install"
        fi
        log "creating venv $venv with $("$base_python" --version 2>&1)"
        "$base_python" -m venv "$venv"
    fi
    log "installing ${pins[*]}"
    "$venv/bin/python" -m pip install --disable-pip-version-check --no-input "${pins[@]}" >&2
    if ! venv_is_good; then
        log "error: $venv still does not provide ${pins[*]} (with onnx's backend node tests)"
        exit 1
    fi
fi

echo "$venv/bin/python"
