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
. "$repo_root/tools/venv_lib.sh"

# numpy 2.4.6 has wheels for CPython 3.11-3.14; the onnx wheel must carry its node tests.
ensure_venv setup_onnx_venv "${OPCAT_ONNX_VENV:-$repo_root/.venv-onnx}" "3.11" "" \
    "import os, numpy, onnx, onnx_tool
node_dir = os.path.join(os.path.dirname(onnx.__file__), 'backend', 'test', 'data', 'node')
sys.exit(0 if os.path.isdir(node_dir) else 1)" \
    "onnx==1.22.0" "numpy==2.4.6" "onnx-tool==1.0.1"
