#!/usr/bin/env bash
# Create (or reuse) the Python venv used by tools/export_onnx_corpus.py and tools/corpus_status.py
# (the ONNX corpus in Tests/Fixtures/corpus/).
#
# The venv holds exactly the pinned packages the corpus files were made with:
#     torch==2.13.0  torchvision==0.28.0  onnx==1.23.2  onnxruntime==1.32.0  numpy==2.4.6
#     protobuf==7.36.2          (the same as tools/setup_torch_venv.sh)
#     timm==1.0.31              (timm-* sets)
#     transformers==5.24.0      (hf set: BERT / GPT-2 / Llama built from configs)
#     onnxscript==0.7.2 onnx-ir==1.1.0   (torch.onnx.export(..., dynamo=True))
#     ultralytics==8.4.190      (detection set: YOLOv8n built from its yaml)
# (plus their own dependencies, as pip resolves them), all from PyPI. optimum / optimum-onnx
# are not used: every optimum-onnx release conflicts with transformers 5.x.
#
# torch is pinned with `===` for the reason given in tools/setup_torch_venv.sh (PyPI's
# torchvision wheel needs PyPI's CUDA-linked torch; nothing here uses a GPU).
# The venv is separate from .venv-torch so that the zoo venv keeps exactly its own pins.
#
# Usage:
#     bash tools/setup_corpus_venv.sh            # venv at <repo>/.venv-corpus
#     OPCAT_CORPUS_VENV=/some/dir bash tools/setup_corpus_venv.sh
#     OPCAT_PYTHON=python3.11 bash tools/setup_corpus_venv.sh   # interpreter used to create it
#
# Idempotent: if the venv already has the pinned versions and they import, nothing is
# installed. Progress goes to stderr; the only line on stdout is the venv's python path,
# so callers can do  PY="$(bash tools/setup_corpus_venv.sh)".
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$repo_root/tools/venv_lib.sh"

ensure_venv setup_corpus_venv "${OPCAT_CORPUS_VENV:-$repo_root/.venv-corpus}" "3.10" "" \
    "import onnx, onnxruntime.transformers.optimizer, onnxruntime.quantization, onnxscript, torch, torchvision.models, timm, transformers" \
    "torch===2.13.0" "torchvision==0.28.0" "onnx==1.23.2" "numpy==2.4.6" "protobuf==7.36.2" "onnxruntime==1.32.0" \
    "timm==1.0.31" "transformers==5.24.0" "onnxscript==0.7.2" "onnx-ir==1.1.0" "ultralytics==8.4.190"
