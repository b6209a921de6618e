#!/usr/bin/env bash
# Regenerate everything in data/reference/ and data/zoo/ from scratch.
#
#   1. tools/setup_mxnet_venv.sh   venv with mxnet==1.9.1 numpy==1.23.5 mxop==0.2.0
#   2. tools/extract_seed_table.py data/reference/seed_table.csv (from the seed write-up)
#   3. tools/export_mxnet_zoo.py   data/zoo/*-symbol.json + manifest.json (reads step 2's CSV)
#   4. tools/mxop_reference.py     data/reference/mxop_zoo.csv
#   5. tools/mxnet_op_fixtures.py  Tests/Fixtures/mxnet_ops/cases.json (MXNet's infer_shape on small graphs)
#   6. tools/setup_torch_venv.sh   venv with torch==2.13.0 torchvision==0.28.0 onnx==1.23.2 (+ numpy, protobuf,
#                                  onnxruntime==1.32.0)
#   7. tools/export_torchvision_zoo.py  data/zoo/<name>.onnx (9 torchvision models, weights stripped),
#                                  their manifest.json entries (after the MXNet ones, which it keeps)
#                                  and data/reference/torchvision_onnx.csv
#   8. tools/export_quantized_mxnet.py  (mxnet venv) data/zoo/{resnet18_v1,mobilenet1.0}_int8-symbol.json,
#                                  Tests/Fixtures/quantized/mxnet/*, the mxnet-symbol rows of
#                                  data/reference/quantized.csv and the quantized MXNet manifest entries
#   9. tools/export_quantized_onnx.py   (torch venv, onnxruntime==1.32.0) data/zoo/*_int8_q{dq,op}.onnx,
#                                  mobilenet_v2_dynamic.onnx, Tests/Fixtures/quantized/onnx/*, the onnx
#                                  rows of quantized.csv and the quantized ONNX manifest entries
#   Step 3 drops the quantized MXNet entries from manifest.json and step 7 the quantized ONNX ones;
#   steps 8 and 9 put them back after all float entries, so they run after steps 3 and 7.
#
# Usage: bash tools/regenerate_zoo.sh [SEED_FILE]
#   SEED_FILE is passed to extract_seed_table.py (default ../shared/seed/000_95165ccf6b526930.txt
#   relative to the repo root). OPCAT_MXNET_VENV / OPCAT_TORCH_VENV / OPCAT_PYTHON are honoured as in
#   setup_mxnet_venv.sh and setup_torch_venv.sh. Takes about 5 minutes on a CPU (plus about 2 to
#   install the torch venv, a few GB, the first time); downloads nothing but the packages.
set -euo pipefail

tools="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$tools/.."

py="$(bash "$tools/setup_mxnet_venv.sh")"
echo "regenerate_zoo: using $py" >&2

"$py" "$tools/extract_seed_table.py" "$@"
"$py" "$tools/export_mxnet_zoo.py"
"$py" "$tools/mxop_reference.py"
"$py" "$tools/mxnet_op_fixtures.py"

torch_py="$(bash "$tools/setup_torch_venv.sh")"
echo "regenerate_zoo: using $torch_py" >&2
"$torch_py" "$tools/export_torchvision_zoo.py"

"$py" "$tools/export_quantized_mxnet.py"
"$torch_py" "$tools/export_quantized_onnx.py"

echo "regenerate_zoo: done; review with: git status --short data/ Tests/Fixtures/" >&2
