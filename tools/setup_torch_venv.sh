#!/usr/bin/env bash
# Create (or reuse) the Python venv used by the torchvision → ONNX zoo tooling in tools/.
#
# The venv holds exactly the pinned packages the ONNX zoo files in data/ were made with:
#     torch==2.13.0  torchvision==0.28.0  onnx==1.23.2  numpy==2.4.6  protobuf==7.36.2
#     onnxruntime==1.32.0   (only for tools/export_quantized_onnx.py: onnxruntime.quantization)
# (plus their own dependencies, as pip resolves them), all from PyPI.
#
# torch is pinned with `===` (exactly the string 2.13.0, no local version label): a CPU-only
# torch 2.13.0+cpu may be reachable too (e.g. through pip's find-links), but PyPI's
# torchvision 0.28.0 wheel links its C extension against the CUDA libraries of PyPI's torch
# (libtorch_cuda.so, libc10_cuda.so), and with torch+cpu `import torchvision` fails with
# "operator torchvision::nms does not exist". PyPI's torch pulls in the nvidia-* runtime
# wheels (a few GB); nothing here uses a GPU, everything runs on the CPU.
#
# Usage:
#     bash tools/setup_torch_venv.sh            # venv at <repo>/.venv-torch
#     OPCAT_TORCH_VENV=/some/dir bash tools/setup_torch_venv.sh
#     OPCAT_PYTHON=python3.11 bash tools/setup_torch_venv.sh   # interpreter used to create it
#
# Idempotent: if the venv already has the pinned versions and they import, nothing is
# installed. Progress goes to stderr; the only line on stdout is the venv's python path,
# so callers can do  PY="$(bash tools/setup_torch_venv.sh)".
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${OPCAT_TORCH_VENV:-$repo_root/.venv-torch}"
base_python="${OPCAT_PYTHON:-python3}"
pins=("torch===2.13.0" "torchvision==0.28.0" "onnx==1.23.2" "numpy==2.4.6" "protobuf==7.36.2"
      "onnxruntime==1.32.0")

log() { echo "setup_torch_venv: $*" >&2; }

# Exit status 0 iff the venv at $venv has exactly the pinned versions and they import.
venv_is_good() {
    [ -x "$venv/bin/python" ] || return 1
    "$venv/bin/python" - "${pins[@]}" >/dev/null 2>&1 <<'EOF'
import re
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    dist, want = re.split(r"===?", pin)
    if version(dist) != want:
        sys.exit(1)
import onnx, onnxruntime.quantization, torch, torchvision.models  # noqa: E401,F401  (they must import, not just be listed)
EOF
}

if venv_is_good; then
    log "$venv already has ${pins[*]}; nothing to do"
else
    if [ ! -x "$venv/bin/python" ]; then
        # torch 2.13.0 has wheels for CPython 3.10 and later.
        if ! "$base_python" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 10) else 1)'; then
            log "warning: $("$base_python" --version 2>&1) is older than 3.10; torch==2.13.0 may not install"
        fi
        log "creating venv $venv with $("$base_python" --version 2>&1)"
        "$base_python" -m venv "$venv"
    fi
    log "installing ${pins[*]} (torch brings a few GB of nvidia-* wheels)"
    "$venv/bin/python" -m pip install --disable-pip-version-check --no-input "${pins[@]}" >&2
    if ! venv_is_good; then
        log "error: $venv still does not provide ${pins[*]}"
        exit 1
    fi
fi

echo "$venv/bin/python"
