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
. "$repo_root/tools/venv_lib.sh"

# torch 2.13.0 has wheels for CPython 3.10 and later (torch brings a few GB of nvidia-* wheels).
ensure_venv setup_torch_venv "${OPCAT_TORCH_VENV:-$repo_root/.venv-torch}" "3.10" "" \
    "import onnx, onnxruntime.quantization, torch, torchvision.models" \
    "torch===2.13.0" "torchvision==0.28.0" "onnx==1.23.2" "numpy==2.4.6" "protobuf==7.36.2" "onnxruntime==1.32.0"
